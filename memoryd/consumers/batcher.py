"""Per-user micro-batching: group a user's events by count, bytes and waiting time.

A user has at most one batch being memorised at a time, so a user's events are memorised
in the order they were received; different users' batches run concurrently up to a limit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from memoryd.config import BatchSettings
from memoryd.consumers.delivery import Pending

log = logging.getLogger(__name__)

FlushFn = Callable[[str, list[Pending]], Awaitable[None]]


class UserBatcher:
    """Buffers pending events per user and hands out batches to ``flush``."""

    def __init__(self, flush: FlushFn, settings: BatchSettings):
        self._flush = flush
        self._settings = settings
        self._buffers: dict[str, list[Pending]] = {}
        self._bytes: dict[str, int] = {}
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._due: set[str] = set()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(settings.concurrency)

    @property
    def buffered(self) -> int:
        """Events waiting in buffers (not yet handed to ``flush``)."""
        return sum(len(buffer) for buffer in self._buffers.values())

    def add(self, user_id: str, pending: Pending) -> None:
        buffer = self._buffers.setdefault(user_id, [])
        buffer.append(pending)
        self._bytes[user_id] = self._bytes.get(user_id, 0) + pending.size
        if self._full(user_id):
            self._make_due(user_id)
        elif user_id not in self._timers:
            delay = self._settings.max_wait_ms / 1000
            self._timers[user_id] = asyncio.get_running_loop().call_later(
                delay, self._make_due, user_id
            )

    async def drain(self) -> None:
        """Flush every buffer now and wait until nothing is buffered or being flushed."""
        while self._buffers or self._running:
            for user_id in list(self._buffers):
                self._make_due(user_id)
            if self._running:
                await asyncio.gather(*self._running.values(), return_exceptions=True)

    def drop(self, user_id: str) -> list[Pending]:
        """Forget a user's buffered events (not acknowledged: they will be redelivered)."""
        timer = self._timers.pop(user_id, None)
        if timer:
            timer.cancel()
        self._bytes.pop(user_id, None)
        self._due.discard(user_id)
        return self._buffers.pop(user_id, [])

    def _full(self, user_id: str) -> bool:
        return (
            len(self._buffers.get(user_id, ())) >= self._settings.max_count
            or self._bytes.get(user_id, 0) >= self._settings.max_bytes
        )

    def _make_due(self, user_id: str) -> None:
        timer = self._timers.pop(user_id, None)
        if timer:
            timer.cancel()
        if user_id not in self._buffers:
            return
        self._due.add(user_id)
        if user_id not in self._running:
            self._running[user_id] = asyncio.create_task(self._run(user_id))

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

    async def _run(self, user_id: str) -> None:
        try:
            while user_id in self._due:
                self._due.discard(user_id)
                # The batch is taken once a slot is free, so events that arrived while
                # waiting for it join this batch instead of waiting for the next one.
                async with self._slots:
                    batch = self._take(user_id)
                    self._rearm(user_id)
                    if not batch:
                        continue
                    try:
                        await self._flush(user_id, batch)
                    except Exception:
                        # The batch stays unacknowledged and is redelivered by the broker.
                        log.exception("batch flush failed", extra={"user_id": user_id})
        finally:
            self._running.pop(user_id, None)

    def _rearm(self, user_id: str) -> None:
        """What is left after taking a batch waits for its own trigger: full, or the timer."""
        if user_id not in self._buffers:
            return
        if self._full(user_id):
            self._due.add(user_id)
        elif user_id not in self._timers:
            self._timers[user_id] = asyncio.get_running_loop().call_later(
                self._settings.max_wait_ms / 1000, self._make_due, user_id
            )
