"""From received message to durable memory: validate, dead-letter, batch, memorise, ack.

The acknowledgement rule: a message is acked only after its event is durably in the
store (``MemoryEngine.memorize`` flushes before returning) or durably in the dead-letter
destination. Transient failures leave it unacked and ask for a delayed redelivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime

from opentelemetry import trace

from memoryd.config import BatchSettings
from memoryd.errors import InvalidEventError, PermanentError, TransientError, compute_backoff
from memoryd.events import parse_event
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import MemorizeResult
from memoryd.pipeline.batcher import Group, UserBatcher
from memoryd.pipeline.dead_letters import MAX_ATTEMPTS_UNEXPECTED, DeadLetterSink
from memoryd.pipeline.delivery import Delivery, Pending
from memoryd.pipeline.engine_threads import EngineThreads
from memoryd.telemetry.metrics import Metrics
from memoryd.telemetry.tracing import parent_context

log = logging.getLogger(__name__)

#: Called once per user of a memorised group with that user's kept events and that
#: user's own result (never the group's).
MemorizedHook = Callable[[str, Sequence[Pending], MemorizeResult], Awaitable[None]]


class IngestPipeline:
    """Validates deliveries and memorises them per user in micro-batches."""

    def __init__(
        self,
        engine: MemoryEngine,
        settings: BatchSettings,
        metrics: Metrics,
        *,
        transport: str,
        dead_letters: DeadLetterSink,
        on_memorized: MemorizedHook | None = None,
        threads: EngineThreads | None = None,
    ):
        """``threads``: where batches are memorised (shared with snapshot builds in the
        daemon); by default a pool of its own with ``settings.concurrency`` threads."""
        self.engine = engine
        self.threads = threads or EngineThreads(settings.concurrency)
        self.settings = settings
        self.metrics = metrics
        self.transport = transport
        self.dead_letters = dead_letters
        self.on_memorized = on_memorized
        self.batcher = UserBatcher(self._memorize, settings)
        # One writer per user at a time, whether the batch came from the broker or the
        # HTTP API: dedup/reinforce reads then writes the user's items.
        self._user_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self.counts = {
            "memorized": 0,
            "deleted": 0,
            "dead_lettered": 0,
            "retried": 0,
            "released": 0,
        }
        self._closed = False

    async def submit(self, delivery: Delivery) -> None:
        """Take one delivery: dead-letter it if it is bad, else buffer it for its user.
        Once the intake is closed (shutdown), it is handed back at once instead."""
        self.metrics.inflight_events.inc()
        if self._closed:
            await self._hand_back([delivery])
            return
        user = delivery.routed_user  # where its dead letter goes, even when unreadable
        if len(delivery.body) > self.settings.max_event_bytes:
            detail = f"{len(delivery.body)} bytes > limit {self.settings.max_event_bytes}"
            await self._dead_letter(delivery, "oversized", detail, user)
            return
        try:
            received_at = delivery.published_at or datetime.now(UTC)
            event = parse_event(delivery.body, received_at=received_at)
        except InvalidEventError as exc:
            await self._dead_letter(delivery, "invalid", str(exc), user)
            return
        except Exception as exc:  # a parser failure must not stop the consume loop
            log.exception("unexpected error validating an event", extra={"origin": delivery.origin})
            await self._dead_letter(delivery, "invalid", f"could not be parsed: {exc!r}", user)
            return
        if event.user_id != user:
            # Tenant integrity: a publisher allowed on one user's subject (or key) must not
            # write into another user's memory by naming them in the body.
            detail = "the body's user_id is not the user the message was routed under"
            await self._dead_letter(delivery, "user_mismatch", detail, user)
            return
        pending = Pending(event, delivery, len(delivery.body), datetime.now(UTC))
        self.batcher.add(event.user_id, pending)

    def close_intake(self) -> None:
        """Shutdown: from now on every delivery is handed back unprocessed."""
        self._closed = True

    def user_lock(self, user_id: str) -> asyncio.Lock:
        lock = self._user_locks.get(user_id)
        if lock is None:
            lock = asyncio.Lock()
            self._user_locks[user_id] = lock
        return lock

    async def keep_alive(self, interval: float) -> None:
        """Tell the broker, every ``interval`` seconds, that every event held here is still
        being worked on, so a slow batch (an LLM call, a slow store) is not redelivered
        while it is memorised. Runs until cancelled."""
        while True:
            await asyncio.sleep(interval)
            for pending in self.batcher.pending():
                try:
                    await pending.delivery.working()
                except Exception as exc:  # best effort: at worst it is redelivered
                    log.debug("in-progress signal failed", extra={"error": repr(exc)})

    async def revoke(self, lost: Callable[[Delivery], bool]) -> None:
        """Part of the stream moves to another replica: finish the groups in flight that
        hold its events (their acks count), and give back the buffered ones unacknowledged
        (NATS redelivers them at once; Kafka's next owner reads them from the last commit)."""
        dropped = self.batcher.discard(lambda p: lost(p.delivery))
        await self._hand_back([p.delivery for p in dropped])
        await self.batcher.wait_for(lambda p: lost(p.delivery))

    async def drain(self, budget: float = float("inf")) -> int:
        """Shutdown, after consumption stopped: memorise what is buffered for up to
        ``budget`` seconds, then hand back what is left (NATS: nak, so it is redelivered
        at once; Kafka: left uncommitted) and wait for the groups in flight, which cannot
        be interrupted. Returns how many events were handed back."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(budget):
                await self.batcher.drain()
                return 0
        left = self.batcher.discard(lambda p: True)
        await self._hand_back([p.delivery for p in left])
        await self.batcher.drain()  # nothing buffered now: waits for the groups in flight
        return len(left)

    async def _hand_back(self, deliveries: Sequence[Delivery]) -> None:
        for delivery in deliveries:
            try:
                await delivery.retry(0)
            except Exception as exc:  # e.g. the connection is gone: ack_wait redelivers it
                log.info("could not hand an event back", extra={"error": repr(exc)})
        self._count("released", len(deliveries))

    async def _memorize(self, group: Group) -> None:
        pendings = [p for batch in group.values() for p in batch]
        headers = next((p.delivery.headers for p in pendings if p.traceparent), None)
        with trace.get_tracer(__name__).start_as_current_span(
            "memoryd.consume",
            context=parent_context(headers),
            attributes={
                "memoryd.transport": self.transport,
                "memoryd.events": len(pendings),
                "memoryd.users": len(group),
            },
        ):
            await self._memorize_in_span(group)

    async def _memorize_in_span(self, group: Group) -> None:
        """Memorise a group of user batches in one engine call (one store flush); each
        batch stays its user's, and each user's hook gets that user's own result."""
        pendings = [p for batch in group.values() for p in batch]
        started = asyncio.get_running_loop().time()
        try:
            async with contextlib.AsyncExitStack() as locks:
                for user_id in sorted(group):  # one order everywhere: no lock cycles
                    await locks.enter_async_context(self.user_lock(user_id))
                # The context is copied, so the engine's spans nest under this one.
                batches = {user_id: [p.event for p in batch] for user_id, batch in group.items()}
                results = await self.threads.run(self.engine.memorize_users, batches)
        except TransientError as exc:
            await self._retry(pendings, exc)
            return
        except PermanentError as exc:
            await self._isolate(group, str(exc))
            return
        except Exception as exc:
            log.exception("unexpected memorize failure", extra={"events": len(pendings)})
            attempts = max(p.delivery.attempt for p in pendings)
            if attempts >= MAX_ATTEMPTS_UNEXPECTED:
                await self._isolate(group, f"failed after {attempts} attempts: {exc!r}")
            else:
                await self._retry(pendings, exc)
            return
        self.metrics.memorize_batch_seconds.observe(asyncio.get_running_loop().time() - started)
        for result in results.values():
            self.metrics.items_written.labels("new").inc(len(result.new_item_ids))
            self.metrics.items_written.labels("reinforced").inc(len(result.reinforced_item_ids))
        # Durable in the store: now, and only now, the broker may forget them.
        acks = await asyncio.gather(*(p.delivery.ack() for p in pendings), return_exceptions=True)
        if failed := [a for a in acks if isinstance(a, BaseException)]:
            # Stored but not acked: redelivered, and recognised as stored when it comes back.
            log.warning("acks failed", extra={"events": len(failed), "error": repr(failed[0])})
        for user_id, batch in group.items():
            self.metrics.batch_events.observe(len(batch))
            await self._memorized(user_id, batch, results[user_id])

    async def _memorized(self, user_id: str, batch: list[Pending], result: MemorizeResult) -> None:
        # Events of a deleted user timed before the deletion: dropped (and acked).
        dropped = set(result.deleted.get(user_id, ()))
        kept = [p for p in batch if p.event.id not in dropped]
        self._count("deleted", len(batch) - len(kept))
        self._count("memorized", len(kept))
        if self.on_memorized is not None and kept:
            await self.on_memorized(user_id, kept, result)

    async def _isolate(self, group: Group, detail: str) -> None:
        """A group failed for good: retry it user by user, then event by event, so only
        the culprit is dead-lettered, not the events that happened to share its group."""
        if len(group) > 1:
            for user_id, batch in group.items():
                await self._memorize_in_span({user_id: batch})
            return
        ((user_id, batch),) = group.items()
        if len(batch) > 1:
            log.warning(
                "batch failed permanently; isolating the culprit",
                extra={"user_id": user_id, "events": len(batch)},
            )
            for pending in batch:
                await self._memorize_in_span({user_id: [pending]})
            return
        await self._dead_letter(batch[0].delivery, "failed", detail, user_id)

    async def _retry(self, batch: Sequence[Pending], exc: BaseException) -> None:
        log.warning(
            "transient failure, retrying batch",
            extra={"events": len(batch), "error": type(exc).__name__},
        )
        for p in batch:
            delay = compute_backoff(
                p.delivery.attempt,
                base=self.settings.retry_base_seconds,
                cap=self.settings.retry_max_seconds,
            )
            try:
                await p.delivery.retry(delay)
            except Exception as exc:  # the broker redelivers it after its ack timeout
                log.warning("retry request failed", extra={"error": repr(exc)})
        self._count("retried", len(batch))

    async def _dead_letter(
        self, delivery: Delivery, reason: str, detail: str, user_id: str | None
    ) -> None:
        log.warning("dead-lettering event", extra={"reason": reason, "origin": delivery.origin})
        try:
            await self.dead_letters.dead_letter(
                delivery, reason=reason, detail=detail, user_id=user_id
            )
        except Exception:
            # Not durably dead-lettered: leave it unacked so the broker delivers it again.
            log.exception("dead-letter publish failed", extra={"origin": delivery.origin})
            delay = compute_backoff(
                delivery.attempt,
                base=self.settings.retry_base_seconds,
                cap=self.settings.retry_max_seconds,
            )
            await delivery.retry(delay)
            self._count("retried", 1)
            return
        await delivery.ack()
        self.metrics.dead_letters.labels(reason).inc()
        self._count("dead_lettered", 1)

    def _count(self, outcome: str, n: int) -> None:
        self.counts[outcome] += n
        self.metrics.events_consumed.labels(self.transport, outcome).inc(n)
        self.metrics.inflight_events.dec(n)
