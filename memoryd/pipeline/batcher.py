"""Per-user micro-batching: group a user's events by count, bytes and waiting time, and
memorise the batches of all users that are due together (one store flush for all).

A user is in at most one group in flight at a time, so a user's events are memorised in
the order they were received; ``concurrency`` groups run at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from memoryd.config import BatchSettings
from memoryd.pipeline.delivery import Pending

log = logging.getLogger(__name__)

#: A group of per-user batches handed to the flush function together.
Group = dict[str, list[Pending]]
FlushFn = Callable[[Group], Awaitable[None]]
#: Users per group: bounds a group's latency and what one failure puts on hold.
MAX_USERS_PER_GROUP = 64


class UserBatcher:
    """Buffers pending events per user and hands groups of due batches to ``flush``."""

    def __init__(self, flush: FlushFn, settings: BatchSettings):
        self._flush = flush
        self._settings = settings
        self._buffers: dict[str, list[Pending]] = {}
        self._bytes: dict[str, int] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._due: dict[str, None] = {}  # insertion-ordered set: oldest due first
        self._inflight: set[str] = set()
        self._running: list[Group] = []
        self._wakeup = asyncio.Event()
        self._workers: list[asyncio.Task[None]] = []

    @property
    def buffered(self) -> int:
        """Events waiting in buffers (not yet handed to ``flush``)."""
        return sum(len(buffer) for buffer in self._buffers.values())

    def add(self, user_id: str, pending: Pending) -> None:
        self._buffers.setdefault(user_id, []).append(pending)
        self._bytes[user_id] = self._bytes.get(user_id, 0) + pending.size
        if self._full(user_id):
            self._make_due(user_id)
        else:
            self._arm(user_id)

    async def drain(self) -> None:
        """Flush every buffer now, wait until nothing is buffered or in flight, then stop
        the workers (they start again on the next ``add``)."""
        while self._buffers or self._inflight:
            for user_id in list(self._buffers):
                self._make_due(user_id)
            await asyncio.sleep(0.005)
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    def pending(self) -> list[Pending]:
        """Every event held: buffered, or in a group being memorised."""
        buffered = [p for buffer in self._buffers.values() for p in buffer]
        return buffered + [p for group in self._running for b in group.values() for p in b]

    def discard(self, match: Callable[[Pending], bool]) -> list[Pending]:
        """Take the matching events out of the buffers (never out of a group in flight)."""
        dropped: list[Pending] = []
        for user_id in list(self._buffers):
            keep = [p for p in self._buffers[user_id] if not match(p)]
            dropped.extend(p for p in self._buffers[user_id] if match(p))
            if keep:
                self._buffers[user_id] = keep
                self._bytes[user_id] = sum(p.size for p in keep)
                continue
            del self._buffers[user_id], self._bytes[user_id]
            self._due.pop(user_id, None)
            timer = self._timers.pop(user_id, None)
            if timer:
                timer.cancel()
        return dropped

    async def wait_for(self, match: Callable[[Pending], bool]) -> None:
        """Return once no group in flight holds a matching event."""
        while any(match(p) for group in self._running for b in group.values() for p in b):
            await asyncio.sleep(0.005)

    def _full(self, user_id: str) -> bool:
        return (
            len(self._buffers.get(user_id, ())) >= self._settings.max_count
            or self._bytes.get(user_id, 0) >= self._settings.max_bytes
        )

    def _arm(self, user_id: str) -> None:
        if user_id not in self._timers and user_id not in self._due:
            self._timers[user_id] = asyncio.get_running_loop().call_later(
                self._settings.max_wait_ms / 1000, self._make_due, user_id
            )

    def _make_due(self, user_id: str) -> None:
        timer = self._timers.pop(user_id, None)
        if timer:
            timer.cancel()
        if user_id not in self._buffers:
            return
        self._due[user_id] = None
        self._wakeup.set()
        if not self._workers:
            self._workers = [
                asyncio.create_task(self._work()) for _ in range(self._settings.concurrency)
            ]

    def _take(self, user_id: str) -> list[Pending]:
        buffer = self._buffers.get(user_id, [])
        taken, size = 0, 0
        while taken < len(buffer) and taken < self._settings.max_count:
            if taken and size + buffer[taken].size > self._settings.max_bytes:
                break
            size += buffer[taken].size
            taken += 1
        batch, rest = buffer[:taken], buffer[taken:]
        if rest:
            self._buffers[user_id] = rest
            self._bytes[user_id] -= size
        else:
            self._buffers.pop(user_id, None)
            self._bytes.pop(user_id, None)
        return batch

    def _next_group(self) -> Group:
        users = [u for u in self._due if u not in self._inflight][:MAX_USERS_PER_GROUP]
        group: Group = {}
        for user_id in users:
            del self._due[user_id]
            batch = self._take(user_id)
            if batch:
                group[user_id] = batch
            if user_id in self._buffers:  # what is left waits for its own trigger
                if self._full(user_id):
                    self._due[user_id] = None
                else:
                    self._arm(user_id)
        return group

    async def _work(self) -> None:
        while True:
            await self._wakeup.wait()
            group = self._next_group()
            if not group:
                self._wakeup.clear()
                continue
            self._inflight.update(group)
            self._running.append(group)
            try:
                await self._flush(group)
            except Exception:
                # The events stay unacknowledged and are redelivered by the broker.
                log.exception("group flush failed", extra={"users": len(group)})
            finally:
                self._inflight.difference_update(group)
                self._running.remove(group)
                if any(u in self._due for u in group):
                    self._wakeup.set()
