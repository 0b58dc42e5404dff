"""One follower per watched user, fanned out to every watcher of that user.

MCP subscriptions and SSE streams watch users' snapshots; each watched user is followed
once per process, through a :data:`SnapshotSource` (in the daemon: the KV watch or the
compacted topic that :func:`memoryd.client.subscribe_context` reads). The follower keeps
the user's recent versions and lingers a while after its last watcher left, so a client
that reconnects (SSE ``Last-Event-ID``) gets every version it missed meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing, asynccontextmanager, suppress
from dataclasses import dataclass, field

from memoryd.errors import compute_backoff
from memoryd.events import ContextSnapshot

log = logging.getLogger(__name__)

#: The user's snapshots: the current one (when there is one), then every newer one.
SnapshotSource = Callable[[str], AsyncGenerator[ContextSnapshot, None]]

_HISTORY = 64
_BUFFER = 256


class WatchLostError(ConnectionError):
    """A watcher fell more than its buffer behind, or the watch was closed: reconnect
    (with the last version seen) to resume."""


@dataclass
class _Followed:
    history: deque[ContextSnapshot] = field(default_factory=lambda: deque(maxlen=_HISTORY))
    queues: set[asyncio.Queue[ContextSnapshot | None]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    linger: asyncio.TimerHandle | None = None

    @property
    def latest(self) -> ContextSnapshot | None:
        return self.history[-1] if self.history else None


class SnapshotWatch:
    """Fans each watched user's snapshots out to its watchers, each version once."""

    def __init__(self, source: SnapshotSource, *, linger_seconds: float = 60.0) -> None:
        self._source = source
        self._linger = linger_seconds
        self._users: dict[str, _Followed] = {}
        self._closed = False

    @property
    def followed(self) -> frozenset[str]:
        """The users followed now (watched, or lingering after their last watcher)."""
        return frozenset(self._users)

    @asynccontextmanager
    async def watch(
        self, user_id: str, *, after: int | None = None
    ) -> AsyncIterator[AsyncIterator[ContextSnapshot]]:
        """Iterate the user's snapshots: with ``after``, every kept version above it, else
        the latest; then each new one. Raises :class:`WatchLostError` from the iteration
        when this watcher fell too far behind."""
        if self._closed:
            raise WatchLostError("the snapshot watch is closed")
        followed = self._follow(user_id)
        queue: asyncio.Queue[ContextSnapshot | None] = asyncio.Queue(_BUFFER)
        for snapshot in _replay(followed.history, after):
            queue.put_nowait(snapshot)
        followed.queues.add(queue)
        try:
            yield _drain(queue)
        finally:
            followed.queues.discard(queue)
            if not followed.queues and self._users.get(user_id) is followed:
                loop = asyncio.get_running_loop()
                followed.linger = loop.call_later(self._linger, self._unfollow, user_id)

    async def close(self) -> None:
        """Stop every follower; watchers' iterations end with :class:`WatchLostError`."""
        self._closed = True
        tasks = []
        for user_id in list(self._users):
            task = self._unfollow(user_id)
            if task is not None:
                tasks.append(task)
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task

    def _follow(self, user_id: str) -> _Followed:
        followed = self._users.get(user_id)
        if followed is None:
            followed = self._users[user_id] = _Followed()
            followed.task = asyncio.create_task(self._run(user_id, followed))
        if followed.linger is not None:
            followed.linger.cancel()
            followed.linger = None
        return followed

    def _unfollow(self, user_id: str) -> asyncio.Task[None] | None:
        followed = self._users.pop(user_id, None)
        if followed is None:
            return None
        if followed.linger is not None:
            followed.linger.cancel()
        for queue in followed.queues:
            _end(queue)
        if followed.task is not None:
            followed.task.cancel()
        return followed.task

    async def _run(self, user_id: str, followed: _Followed) -> None:
        failures = 0
        while True:
            try:
                async with aclosing(self._source(user_id)) as snapshots:
                    async for snapshot in snapshots:
                        failures = 0
                        self._publish(followed, snapshot)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "snapshot watch failed; following again",
                    extra={"user_id": user_id, "error": type(exc).__name__},
                )
            failures += 1
            await asyncio.sleep(compute_backoff(failures, base=0.2, cap=10.0))

    def _publish(self, followed: _Followed, snapshot: ContextSnapshot) -> None:
        latest = followed.latest
        # Versions only go up, except after a deletion, from which they start again.
        fresh = latest is None or snapshot.version > latest.version
        if not fresh and (latest is None or latest.trigger.kind != "deleted"):
            return  # a source that started again yields the current version once more
        if not fresh:
            followed.history.clear()
        followed.history.append(snapshot)
        for queue in list(followed.queues):
            try:
                queue.put_nowait(snapshot)
            except asyncio.QueueFull:
                followed.queues.discard(queue)
                _end(queue)


def _replay(history: deque[ContextSnapshot], after: int | None) -> list[ContextSnapshot]:
    if not history:
        return []
    if after is None:
        return [history[-1]]
    missed = [s for s in history if s.version > after]
    # What is older than the kept versions is superseded by them: the latest holds it.
    return missed or ([history[-1]] if history[-1].version < after else [])


def _end(queue: asyncio.Queue[ContextSnapshot | None]) -> None:
    with suppress(asyncio.QueueFull):
        queue.put_nowait(None)
    if queue.full():  # no room for the end marker: make some, the watcher is lost anyway
        with suppress(asyncio.QueueEmpty):
            queue.get_nowait()
        queue.put_nowait(None)


async def _drain(queue: asyncio.Queue[ContextSnapshot | None]) -> AsyncIterator[ContextSnapshot]:
    while True:
        snapshot = await queue.get()
        if snapshot is None:
            raise WatchLostError("the watch ended or this watcher fell behind; reconnect")
        yield snapshot
