"""Two-tier LLM mode inside the daemon: queues every memorised turn for refinement and
refines a user's conversation window when it closes (``llm.window``), only where the user
is owned, under the user's lock, one window of a user at a time.

The queue is the user's bookkeeping in the store (written with the batch, before its
events are acked); what this service holds in memory only drives the timers. A window is
read back from the store under the lock before it runs, and its run id (uuid5 of user,
first and last turn) is recorded when it is done, so a restart or a handover resumes the
windows left open, and a window is never refined twice.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext, suppress
from typing import Any

from memoryd.llm.refine import Prepared, RefineReport, WindowRefiner
from memoryd.llm.settings import WindowSettings
from memoryd.llm.windows import (
    PENDING_FLAG,
    CloseReason,
    PendingTurn,
    close_reason,
    next_window,
    pending_turns,
    queue,
)
from memoryd.memory.models import Resource
from memoryd.memory.ports import Filter
from memoryd.memory.schema import USERS
from memoryd.schedulers.clock import Clock, SystemClock

log = logging.getLogger(__name__)
#: Windows stored by a previous owner or run are looked for this often (and at start).
_RESUME_EVERY_POLLS = 30
#: Windows refined at once, over all users (each is one model request and one rewrite).
_CONCURRENCY = 2


class RefinementService:
    """Closes and refines conversation windows for the users this replica owns."""

    def __init__(
        self,
        refiner: WindowRefiner,
        settings: WindowSettings,
        *,
        owns: Callable[[str], bool] = lambda user_id: True,
        lock: Callable[[str], AbstractAsyncContextManager[Any]] | None = None,
        on_changed: Callable[[str, RefineReport], Awaitable[None] | None] | None = None,
        clock: Clock | None = None,
    ):
        self.refiner = refiner
        self.engine = refiner.engine
        self.settings = settings
        self.metrics = refiner.client.metrics
        self.clock = clock or SystemClock()
        self._owns = owns
        self._lock = lock or (lambda user_id: nullcontext())
        self._on_changed = on_changed
        # user -> their queue as last written (by the state hook, in worker threads).
        self._queues: dict[str, list[PendingTurn]] = {}
        self._queues_lock = threading.Lock()
        self._running: dict[str, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(_CONCURRENCY)
        self._poller: asyncio.Task[None] | None = None
        self._closing = False
        self.reports: list[RefineReport] = []
        self.engine.add_state_hook(self._queue_turns)

    # --- the queue ---------------------------------------------------------------------

    def _queue_turns(
        self, user_id: str, fresh: Sequence[Resource], state: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        """The engine's state hook: queue a batch's fresh turns in the same write."""
        fields = queue(state, fresh, self.clock.now())
        self._remember(user_id, pending_turns(fields))
        return fields

    def _remember(self, user_id: str, pending: list[PendingTurn]) -> None:
        with self._queues_lock:
            if pending:
                self._queues[user_id] = pending
            else:
                self._queues.pop(user_id, None)
            total = sum(len(q) for u, q in self._queues.items() if self._owns(u))
        self.metrics.refine_pending_turns.set(total)

    def pending(self, user_id: str) -> list[PendingTurn]:
        with self._queues_lock:
            return list(self._queues.get(user_id, ()))

    # --- triggers ----------------------------------------------------------------------

    def start(self) -> None:
        self._poller = asyncio.get_running_loop().create_task(self._poll_forever())

    def on_memorized(self, user_id: str) -> None:
        """A batch of the user's was memorised here: a full window closes at once."""
        self._check(user_id)

    async def poll(self) -> None:
        """Close every window whose timer ran out (what the poller does each period)."""
        with self._queues_lock:
            users = list(self._queues)
        for user_id in users:
            self._check(user_id)

    async def resume(self) -> None:
        """Pick up the windows stored for users owned here that this replica does not
        know of (a restart, or users handed over by another replica)."""
        found = await asyncio.to_thread(self._stored_queues)
        for user_id, pending in found.items():
            if user_id not in self._queues and self._owns(user_id):
                self._remember(user_id, pending)
                self._check(user_id)

    def _stored_queues(self) -> dict[str, list[PendingTurn]]:
        records = self.engine.store.scroll(USERS, Filter(must={PENDING_FLAG: True}))
        return {str(r.payload["user_id"]): pending_turns(r.payload) for r in records}

    def _check(self, user_id: str) -> None:
        if self._closing or user_id in self._running or not self._owns(user_id):
            return
        if close_reason(self.pending(user_id), self.clock.now(), self.settings) is None:
            return
        task = asyncio.get_running_loop().create_task(self._refine_user(user_id))
        self._running[user_id] = task
        task.add_done_callback(lambda _: self._running.pop(user_id, None))

    async def _poll_forever(self) -> None:
        polls = 0
        while True:
            try:
                if polls % _RESUME_EVERY_POLLS == 0:
                    await self.resume()
                await self.poll()
            except Exception:
                log.exception("refinement poll failed")
            polls += 1
            await asyncio.sleep(self.settings.poll_seconds)

    async def wait_idle(self) -> None:
        """Wait for the refinements in progress (and those they start)."""
        while self._running:
            await asyncio.gather(*list(self._running.values()), return_exceptions=True)

    # --- runs --------------------------------------------------------------------------

    async def _refine_user(self, user_id: str) -> None:
        """Refine the user's closed windows one after another; stop when the rest may
        still grow. The model is asked without the user's lock (their turns keep being
        memorised meanwhile); the writes are made under it, where only the owner writes."""
        async with self._slots:
            while not self._closing and self._owns(user_id):
                due = await asyncio.to_thread(self._due_window, user_id)
                if due is None:
                    return
                window, reason = due
                prepared = await asyncio.to_thread(self.refiner.prepare, user_id, window)
                async with self._lock(user_id):
                    if not self._owns(user_id):
                        return
                    report = await asyncio.to_thread(self._apply, prepared, window, reason)
                self.reports.append(report)
                if report.outcome == "refined" and self._on_changed is not None:
                    result = self._on_changed(user_id, report)
                    if result is not None:
                        await result

    def _due_window(self, user_id: str) -> tuple[list[PendingTurn], CloseReason] | None:
        pending = pending_turns(self.engine.user_state(user_id))
        reason = close_reason(pending, self.clock.now(), self.settings)
        if reason is None:
            self._remember(user_id, pending)
            return None
        return next_window(pending, self.settings), reason

    def _apply(
        self, prepared: Prepared, window: list[PendingTurn], reason: CloseReason
    ) -> RefineReport:
        report = self.refiner.apply(prepared)
        self.metrics.refine_windows.labels(reason).inc()
        done = self.clock.now()
        for turn in window:
            self.metrics.refine_lag.observe(max((done - turn.queued_at).total_seconds(), 0.0))
        self._remember(user_id := prepared.user_id, pending_turns(self.engine.user_state(user_id)))
        log.info(
            "conversation window refined",
            extra={
                "user_id": user_id,
                "reason": reason,
                "turns": len(window),
                "outcome": report.outcome,
                "run_id": report.run_id,
            },
        )
        return report

    # --- ownership and shutdown --------------------------------------------------------

    def forget(self, user_id: str) -> None:
        """The user's memory was deleted."""
        self._remember(user_id, [])

    async def release(self, gone: Callable[[str], bool], *, timeout: float) -> None:
        """Users are moving to another replica: drop their timers and wait (up to
        ``timeout``) for their refinements in progress; the new owner resumes the rest
        from the store."""
        with self._queues_lock:
            for user_id in [u for u in self._queues if gone(u)]:
                del self._queues[user_id]
        running = [t for u, t in self._running.items() if gone(u)]
        if running:
            try:
                async with asyncio.timeout(timeout):
                    await asyncio.gather(*running, return_exceptions=True)
            except TimeoutError:
                log.warning("refinements outlived the handover budget")

    async def stop(self) -> None:
        """Start no new window; let the ones in progress finish (a thread writing to the
        store is never abandoned). Open windows stay stored for the next start."""
        self._closing = True
        if self._poller is not None:
            self._poller.cancel()
            with suppress(asyncio.CancelledError):
                await self._poller
        await self.wait_idle()
