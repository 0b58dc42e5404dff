"""Coalesces snapshot rebuilds: a user's snapshot is rebuilt at most once per interval,
right away when the user has been quiet, and covering every event since the last one.

``version`` is monotonic per user: the first publish after a start continues from the
latest snapshot the sink holds, so restarts never go back in versions.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from opentelemetry import trace

from memoryd.config import SnapshotSettings
from memoryd.events import SnapshotChange, SnapshotTrigger
from memoryd.pipeline.engine_threads import EngineThreads
from memoryd.pipeline.transport import SnapshotSink
from memoryd.publishers.snapshot import SnapshotBuilder
from memoryd.telemetry.metrics import Metrics
from memoryd.telemetry.tracing import current_traceparent, parent_context

log = logging.getLogger(__name__)
_RETRY_SECONDS = 1.0


@dataclass
class _UserState:
    user_id: str
    recent: deque[str]
    #: The events behind ``recent`` (their stored vectors are the snapshot's query).
    recent_ids: deque[str]
    version: int | None = None
    last_publish: float = float("-inf")
    dirty: bool = False
    kind: str = "event"
    event_ids: list[str] = field(default_factory=list)
    changes: list[SnapshotChange] = field(default_factory=list)
    oldest_event: datetime | None = None
    traceparent: str | None = None
    timer: asyncio.TimerHandle | None = None
    task: asyncio.Task[None] | None = None


class SnapshotCoalescer:
    """Decides when to rebuild and publish each user's snapshot (not a scheduler of jobs:
    those are in :mod:`memoryd.schedulers`)."""

    def __init__(
        self,
        builder: SnapshotBuilder,
        sink: SnapshotSink,
        settings: SnapshotSettings,
        metrics: Metrics,
        threads: EngineThreads | None = None,
    ):
        """``threads``: where snapshots are built (the daemon's engine threads); by default
        a thread of the default executor per build."""
        self.builder = builder
        self.threads = threads
        self.sink = sink
        self.settings = settings
        self.metrics = metrics
        self.published = 0
        self._users: dict[str, _UserState] = {}
        self._closing = False

    def notify(
        self,
        user_id: str,
        *,
        event_ids: Sequence[str] = (),
        turns: Sequence[str] = (),
        event_time: datetime | None = None,
        traceparent: str | None = None,
        kind: str = "event",
        changes: Sequence[SnapshotChange] = (),
    ) -> None:
        """Something changed for the user: make sure a snapshot follows. ``changes`` (facts
        the change superseded) ride on the next snapshot published."""
        if not self.settings.enabled:
            return
        state = self._users.get(user_id)
        if state is None:
            turns_kept = self.settings.recent_turns
            state = _UserState(user_id, deque(maxlen=turns_kept), deque(maxlen=turns_kept))
            self._users[user_id] = state
        state.dirty = True
        state.kind = kind
        state.event_ids.extend(event_ids)
        state.changes.extend(changes)
        state.recent.extend(turns)
        state.recent_ids.extend(event_ids)
        if event_time and (state.oldest_event is None or event_time < state.oldest_event):
            state.oldest_event = event_time
        state.traceparent = traceparent or state.traceparent
        self._schedule(state)

    async def flush(self, rounds: int = 3) -> None:
        """Publish every pending snapshot now (shutdown), without waiting for intervals.

        From here on every change is published at once, including changes that arrive
        while a snapshot is being built. A sink that keeps failing is given ``rounds``
        tries; the caller's grace period bounds the rest.
        """
        self._closing = True
        for _ in range(rounds):
            for state in self._users.values():
                if state.timer:
                    state.timer.cancel()
                    state.timer = None
                if state.dirty and state.task is None:
                    state.task = asyncio.create_task(self._run_for(state))
            tasks = [s.task for s in self._users.values() if s.task]
            if not tasks:
                return
            await asyncio.gather(*tasks, return_exceptions=True)

    async def release(
        self, gone: Callable[[str], bool], *, timeout: float, rounds: int = 3
    ) -> None:
        """Users another replica owns now: publish what is pending for them (changes that
        arrive meanwhile too), within ``timeout``, then forget them (their next owner
        continues their versions from the sink)."""
        states = [state for user_id, state in self._users.items() if gone(user_id)]
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            for _ in range(rounds):  # a sink that keeps failing gets a few tries
                busy = [s for s in states if s.dirty or (s.task and not s.task.done())]
                left = deadline - asyncio.get_running_loop().time()
                if not busy or left <= 0:
                    break
                for state in busy:
                    if state.timer:  # no waiting for the interval: publish now
                        state.timer.cancel()
                        state.timer = None
                    if state.task is None or state.task.done():
                        state.task = asyncio.create_task(self._run_for(state))
                await asyncio.wait([s.task for s in busy if s.task], timeout=left)
            if unpublished := [s for s in states if s.dirty]:
                log.warning(
                    "snapshots not published before handover", extra={"users": len(unpublished)}
                )
        finally:
            for state in states:
                if self._users.get(state.user_id) is state:
                    self.forget(state.user_id)

    def forget(self, user_id: str) -> None:
        state = self._users.pop(user_id, None)
        if state and state.timer:
            state.timer.cancel()
        if state and state.task:
            state.task.cancel()

    def _schedule(self, state: _UserState) -> None:
        if state.task is not None or state.timer is not None:
            return  # the running build or the armed timer will pick the change up
        loop = asyncio.get_running_loop()
        wait = state.last_publish + self.settings.min_interval_ms / 1000 - loop.time()
        if wait <= 0 or self._closing:
            state.task = asyncio.create_task(self._run_for(state))
        else:
            state.timer = loop.call_later(wait, self._fire, state)

    def _fire(self, state: _UserState) -> None:
        state.timer = None
        if self._users.get(state.user_id) is state and state.task is None:
            state.task = asyncio.create_task(self._run_for(state))

    async def _run_for(self, state: _UserState) -> None:
        user_id = state.user_id
        try:
            await self._publish(state)
        except Exception:
            log.exception("snapshot publish failed; will retry", extra={"user_id": user_id})
            state.dirty = True
            state.task = None
            if self._users.get(user_id) is state and not self._closing:
                state.timer = asyncio.get_running_loop().call_later(
                    _RETRY_SECONDS, self._fire, state
                )
            return
        state.task = None
        if state.dirty and self._users.get(user_id) is state:
            self._schedule(state)

    async def _publish(self, state: _UserState) -> None:
        state.dirty = False
        trigger = SnapshotTrigger(kind=state.kind, event_ids=state.event_ids)
        oldest, traceparent, changes = state.oldest_event, state.traceparent, state.changes
        state.event_ids, state.oldest_event, state.traceparent = [], None, None
        state.changes = []
        with trace.get_tracer(__name__).start_as_current_span(
            "memoryd.publish",
            context=parent_context({"traceparent": traceparent} if traceparent else None),
        ):
            # The snapshot carries the publish span's context (the event's own when
            # tracing is off), so the agent's work continues the same trace.
            try:
                await self._build_and_publish(
                    state, trigger, oldest, current_traceparent(), changes
                )
            except BaseException:
                state.changes[:0] = changes  # a failed publish keeps them for the retry
                raise

    async def _build_and_publish(
        self,
        state: _UserState,
        trigger: SnapshotTrigger,
        oldest: datetime | None,
        traceparent: str | None,
        changes: Sequence[SnapshotChange] = (),
    ) -> None:
        user_id = state.user_id
        # From the sink every time, not only the first: another replica may have
        # published for the user meanwhile (a DELETE it served, a handover).
        latest = await self.sink.latest(user_id)
        state.version = max(state.version or 0, latest.version if latest else 0)
        # Ahead of waiting batches: the batch this follows is memorised already.
        run = self.threads.run_first if self.threads is not None else asyncio.to_thread
        snapshot = await run(
            self.builder.build,
            user_id,
            version=state.version + 1,
            recent_turns=list(state.recent),
            recent_event_ids=list(state.recent_ids),
            trigger=trigger,
            traceparent=traceparent,
            changes=changes,
        )
        await self.sink.publish(snapshot)
        state.version = snapshot.version
        state.last_publish = asyncio.get_running_loop().time()
        self.published += 1
        self.metrics.snapshots_published.inc()
        if oldest is not None:
            lag = (datetime.now(UTC) - oldest).total_seconds()
            self.metrics.snapshot_freshness_seconds.observe(max(lag, 0.0))
