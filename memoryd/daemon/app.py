"""The daemon: wires engine, transport, pipeline, snapshots and the HTTP API, and runs
them until SIGTERM/SIGINT, then drains in order within the grace period:
stop fetching → memorise and ack what is buffered → publish pending snapshots → close.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable, Sequence
from contextlib import suppress
from functools import partial

import nats.errors
from aiokafka.errors import MessageSizeTooLargeError

from memoryd.agents.gateway import AgentGateway
from memoryd.agents.local import LocalAgentBackend
from memoryd.agents.sources import snapshot_source
from memoryd.agents.watch import SnapshotWatch
from memoryd.bootstrap import build_refiner, build_runtime
from memoryd.config import Settings
from memoryd.daemon.http import create_app
from memoryd.daemon.http_agents import request_scope
from memoryd.daemon.server import HttpServer
from memoryd.daemon.wiring import api_secret, build_transport, scoped_tokens
from memoryd.errors import NotOwnedError, PayloadTooLargeError
from memoryd.events import ContextSnapshot, Event, SnapshotChange
from memoryd.llm.refine import RefineReport, WindowRefiner
from memoryd.memory import facts
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Category, FactChange, Item, MemorizeResult, UserStats
from memoryd.memory.ports import CategoryNamer, Filter
from memoryd.memory.schema import USERS
from memoryd.pipeline.delivery import Delivery, Pending
from memoryd.pipeline.engine_threads import EngineThreads, engine_thread_count
from memoryd.pipeline.ingest import IngestPipeline
from memoryd.publishers.coalescer import SnapshotCoalescer
from memoryd.publishers.snapshot import SnapshotBuilder
from memoryd.schedulers.clock import Clock
from memoryd.schedulers.jobs import JobName
from memoryd.schedulers.refinement import RefinementService
from memoryd.schedulers.runs import RunReport
from memoryd.schedulers.service import EvolutionService
from memoryd.telemetry.metrics import Metrics

log = logging.getLogger(__name__)
# What the brokers' clients raise for a message over the broker's size limit.
_BROKER_TOO_LARGE = (nats.errors.MaxPayloadError, MessageSizeTooLargeError)
_LAG_POLL_SECONDS = 5.0
_HANDOVER_SECONDS = 5.0
#: Shutdown: buffered events are memorised for this share of the grace period, then
#: handed back; batches in flight and snapshots must be done by the second share; the
#: rest of the grace is for closing (leases, the last Kafka commit, leaving the group).
_DRAIN_SHARE = 0.5
_WORK_SHARE = 0.8
# Each closing step after the drain (agents, transport, sink, HTTP) gets this share of
# the grace period, at least a few seconds.
_STEP_SHARE = 0.5
_MIN_STEP_SECONDS = 3.0


class Daemon:
    """One memoryd replica. Implements :class:`memoryd.daemon.ports.ApiBackend`."""

    def __init__(
        self,
        settings: Settings,
        engine: MemoryEngine,
        metrics: Metrics | None = None,
        *,
        close_engine: bool = True,
        namer: CategoryNamer | None = None,
        clock: Clock | None = None,
        refiner: WindowRefiner | None = None,
    ):
        self.settings = settings
        self._engine = engine
        self._close_engine = close_engine
        self._metrics = metrics or Metrics()
        self.transport, self.sink = build_transport(settings)
        # Batches and snapshot builds take turns on the same few threads (see engine_threads).
        self._engine_threads = EngineThreads(engine_thread_count(settings))
        self.snapshots = SnapshotCoalescer(
            SnapshotBuilder(engine, settings.snapshot),
            self.sink,
            settings.snapshot,
            self._metrics,
            threads=self._engine_threads,
        )
        self.pipeline = IngestPipeline(
            engine,
            settings.batch,
            self._metrics,
            transport=self.transport.name,
            dead_letters=self.transport,
            on_memorized=self._memorized,
            threads=self._engine_threads,
        )
        self.evolution = EvolutionService(
            engine,
            settings.evolution,
            self._metrics,
            owns=self.owns,
            lock=self.pipeline.user_lock,
            busy=lambda: self.pipeline.batcher.buffered > 0,
            on_changed=self._evolved,
            namer=namer,
            clock=clock,
        )
        # Two-tier LLM mode: conversation windows refined by the model, owner only.
        self.refinement = (
            RefinementService(
                refiner,
                settings.llm.window,
                owns=self.owns,
                lock=self.pipeline.user_lock,
                on_changed=self._refined,
                clock=clock,
            )
            if refiner is not None
            else None
        )
        # MCP subscribers and SSE streams follow snapshots as agents do (KV watch /
        # compacted topic), one follower per watched user.
        watch = SnapshotWatch(snapshot_source(settings))
        self.agents = AgentGateway(
            LocalAgentBackend(self, watch, max_event_bytes=settings.batch.max_event_bytes),
            watch,
            scope_of=request_scope,
            host=settings.http.host,
            keepalive_seconds=settings.http.sse_keepalive_seconds,
            mcp_enabled=settings.http.mcp,
        )
        app = create_app(
            self,
            api_token=api_secret(settings),
            scoped_tokens=scoped_tokens(settings),
            max_body_bytes=settings.http.max_body_bytes,
            max_event_bytes=settings.batch.max_event_bytes,
            agents=self.agents,
        )
        self.http = HttpServer(app, settings.http.host, settings.http.port)
        self._draining = False
        self._revoking = 0
        self._lag_task: asyncio.Task[None] | None = None
        self._keepalive: asyncio.Task[None] | None = None

    @property
    def engine(self) -> MemoryEngine:
        return self._engine

    @property
    def metrics(self) -> Metrics:
        return self._metrics

    async def start(self) -> None:
        self.transport.consume(self.pipeline.submit, self._revoked)
        await self.transport.start()
        await self.sink.start()  # before consuming: snapshot versions continue from it
        # The fact parser takes about a second to load: not in the first batch's time.
        await asyncio.to_thread(facts.load_parser)
        await self.transport.start_consuming()
        await self.agents.start()
        await self.http.start()
        self.evolution.start()
        if self.refinement is not None:
            self.refinement.start()
        self._lag_task = asyncio.create_task(self._poll_lag())
        self._keepalive = asyncio.create_task(
            self.pipeline.keep_alive(self.settings.batch.keepalive_seconds)
        )
        # What exists now (the model, the tokenizer, the libraries) lives as long as the
        # process: out of the collector's sight, a full collection no longer walks it.
        # Those walks stopped the event loop and every worker for up to 170 ms at a time.
        gc.collect()
        gc.freeze()
        log.info(
            "memoryd started",
            extra={
                "http": self.http.url,
                "transport": self.transport.name,
                "replica": self.settings.replica_id,
            },
        )

    def owns(self, user_id: str) -> bool:
        """Whether this replica processes ``user_id`` right now (scheduled per-user work
        runs only where this is true)."""
        return self.transport.owns(user_id)

    async def stop(self) -> None:
        """Drain in order within the grace period: stop taking events at once, memorise
        what is buffered for half the grace, hand back the rest (unacked: redelivered to
        whoever consumes next), finish the batches in flight and publish their snapshots,
        then close. Whatever still misses the grace stays unacked and is redelivered."""
        loop = asyncio.get_running_loop()
        grace = self.settings.shutdown_grace_seconds
        drain_until = loop.time() + grace * _DRAIN_SHARE
        work_until = loop.time() + grace * _WORK_SHARE
        self._draining = True
        self.pipeline.close_intake()  # from here on, deliveries are handed straight back
        released = self.pipeline.counts["released"]
        if self._lag_task:
            self._lag_task.cancel()
            with suppress(asyncio.CancelledError):
                await self._lag_task
        # Evolution runs in progress finish (each is one job for one user, under its lock)
        # while the buffered batches drain; none starts after.
        evolution = asyncio.create_task(
            self.evolution.stop(timeout=min(_HANDOVER_SECONDS, grace * _DRAIN_SHARE))
        )
        try:
            async with asyncio.timeout_at(work_until):
                await self.transport.stop_consuming()
                await self.pipeline.drain(max(drain_until - loop.time(), 0.0))
                await self.snapshots.flush()
        except TimeoutError:
            log.warning(
                "drain exceeded its share of the grace period; unacked events will be redelivered",
                extra={"buffered": self.pipeline.batcher.buffered},
            )
        except Exception:
            log.exception("drain failed; unacked events will be redelivered")
        await evolution
        if self.refinement is not None:
            await self.refinement.stop()  # open windows stay stored for the next owner
        handed_back = self.pipeline.counts["released"] - released
        log.log(
            logging.WARNING if handed_back else logging.INFO,
            "events handed back unprocessed at shutdown (redelivered to the next consumer)",
            extra={"handed_back": handed_back},
        )
        if self._keepalive is not None:
            self._keepalive.cancel()
            with suppress(asyncio.CancelledError):
                await self._keepalive
        # Each step runs even when one before it failed: nothing is left open.
        # Agents first: open SSE and MCP streams would hold the HTTP server's shutdown.
        # Each is bounded: a broker connection that never answers its close must not hold
        # the process past its grace period.
        steps = (self.agents.stop, self.transport.close, self.sink.close, self.http.stop)
        for step in steps:
            try:
                async with asyncio.timeout(max(grace * _STEP_SHARE, _MIN_STEP_SECONDS)):
                    await step()
            except TimeoutError:
                log.warning("shutdown step timed out", extra={"step": step.__qualname__})
            except Exception:
                log.exception("shutdown step failed", extra={"step": step.__qualname__})
        await self._engine_threads.close()
        if self._close_engine:
            await asyncio.to_thread(self._engine.close)
        gc.unfreeze()  # a daemon stopped in a longer-lived process: its objects can go
        log.info(
            "memoryd stopped", extra={**self.pipeline.counts, "snapshots": self.snapshots.published}
        )

    async def memorize_now(self, events: Sequence[Event]) -> MemorizeResult:
        by_user: dict[str, list[Event]] = {}
        for event in events:
            by_user.setdefault(event.user_id, []).append(event)
        results = []
        for user_id, user_events in by_user.items():
            async with self.pipeline.user_lock(user_id):
                result = await asyncio.to_thread(self._engine.memorize, user_events)
            results.append(result)
            dropped = set(result.deleted.get(user_id, ()))
            kept = [e for e in user_events if e.id not in dropped]
            if dropped:
                self._metrics.events_consumed.labels("http", "deleted").inc(len(dropped))
            if not kept:
                continue  # all from before the user's deletion: nothing to announce
            self._notify(user_id, kept, None, result.changes)
            if self.owns(user_id):
                self.evolution.on_memorized(user_id, len(result.items))
                if self.refinement is not None:
                    self.refinement.on_memorized(user_id)
        return MemorizeResult.merge(results)

    async def enqueue(self, events: Sequence[Event]) -> None:
        for index, event in enumerate(events):
            try:
                await self.transport.publish_event(event)
            except _BROKER_TOO_LARGE as exc:
                # A broker limit below batch.max_event_bytes: the client's error, not ours.
                before = f"; the {index} events before it were enqueued" if index else ""
                raise PayloadTooLargeError(
                    f"event {event.id!r} is larger than the broker's maximum payload{before}"
                ) from exc

    async def latest_snapshot(self, user_id: str) -> ContextSnapshot | None:
        return await self.sink.latest(user_id)

    async def delete_user(self, user_id: str) -> UserStats:
        # Under the user's lock no batch of theirs is between its reads and its writes,
        # so nothing deleted here can be written back by a batch already in flight.
        async with self.pipeline.user_lock(user_id):
            before = await asyncio.to_thread(self._engine.delete_user, user_id)
            self.snapshots.forget(user_id)
            self.evolution.forget(user_id)
            if self.refinement is not None:
                self.refinement.forget(user_id)
            await self.sink.clear(user_id)
            # Last: the tombstone already keeps whatever is still in the stream out.
            await self.transport.erase_user(user_id)
        return before

    async def forget_item(self, user_id: str, item_id: str) -> Item:
        # The user's lock: no batch of theirs reads the item before and writes it after.
        async with self.pipeline.user_lock(user_id):
            item = await asyncio.to_thread(self._engine.forget_item, user_id, item_id)
        if self.owns(user_id):  # another replica's snapshots are that replica's to publish
            self.snapshots.notify(user_id, kind="forget")
        return item

    async def evolve(self, user_id: str | None, jobs: Sequence[JobName]) -> list[RunReport]:
        return await self.evolution.evolve(user_id, jobs or None)

    async def rollback_summary(self, user_id: str, category: str, version: int) -> Category:
        # The owner's lock is the one its batches and runs hold: only the owner writes.
        if not self.owns(user_id):
            raise NotOwnedError(f"user {user_id!r} is owned by another replica")
        async with self.pipeline.user_lock(user_id):
            restored = await asyncio.to_thread(
                self._engine.rollback_summary, user_id, category, version
            )
        self.snapshots.notify(user_id, kind="rollback")
        return restored

    def recent_runs(self, user_id: str) -> list[RunReport]:
        return self.evolution.recent_runs(user_id)

    async def readiness(self) -> dict[str, bool]:
        return {
            "broker": await self.transport.connected(),
            "store": await asyncio.to_thread(self._store_reachable),
            "accepting": not self._draining,
        }

    def _store_reachable(self) -> bool:
        try:
            self._engine.store.count(USERS, Filter())
        except Exception:
            log.warning("store not reachable", exc_info=True)
            return False
        return True

    async def _revoked(self, lost: Callable[[Delivery], bool]) -> None:
        """Users are moving to another replica: finish their batches in flight, publish
        their pending snapshots, then drop what this replica kept about them. Each step
        has the handover budget; batches still running after it are left unacknowledged
        for the next owner."""
        budget = min(_HANDOVER_SECONDS, self.settings.shutdown_grace_seconds)
        self._revoking += 1
        try:
            try:
                async with asyncio.timeout(budget):
                    await self.pipeline.revoke(lost)
            except TimeoutError:
                log.warning("batches outlived the handover budget; left for the next owner")

            def gone(user_id: str) -> bool:
                return not self.transport.owns(user_id)

            await self.evolution.release(gone, timeout=budget)
            if self.refinement is not None:
                await self.refinement.release(gone, timeout=budget)
            await self.snapshots.release(gone, timeout=budget)
        finally:
            self._revoking -= 1

    async def _memorized(
        self, user_id: str, batch: Sequence[Pending], result: MemorizeResult
    ) -> None:
        traceparent = next((p.traceparent for p in reversed(batch) if p.traceparent), None)
        mine = [c for c in result.changes if c.user_id == user_id]
        self._notify(user_id, [p.event for p in batch], traceparent, mine)
        self.evolution.on_memorized(user_id, len(result.items))
        if self.refinement is not None:
            self.refinement.on_memorized(user_id)

    def _refined(self, user_id: str, report: RefineReport) -> None:
        """A window's refinement changed the user's memory: push a fresh snapshot."""
        self.snapshots.notify(user_id, kind="refinement")

    def _evolved(self, user_id: str, reports: Sequence[RunReport]) -> None:
        """An evolution run changed the user's memory: push a fresh snapshot."""
        self.snapshots.notify(user_id, kind="evolution")

    def _notify(
        self,
        user_id: str,
        events: Sequence[Event],
        traceparent: str | None,
        changes: Sequence[FactChange] = (),
    ) -> None:
        if not self._revoking and not self.transport.owns(user_id):
            # Another replica owns the user: its snapshots are that replica's to publish
            # (two publishers would hand out the same versions).
            return
        self.snapshots.notify(
            user_id,
            event_ids=[e.id for e in events],
            turns=[f"{e.speaker}: {e.content}" if e.speaker else e.content for e in events],
            event_time=min(e.at() for e in events),
            traceparent=traceparent,
            changes=[
                SnapshotChange.model_validate(c.model_dump(exclude={"user_id", "replaced_item_id"}))
                for c in changes
            ],
        )

    async def _poll_lag(self) -> None:
        while True:
            with suppress(Exception):
                self._metrics.consumer_pending.set(await self.transport.pending())
            # Writes a busy period left unflushed (see store.flush_interval_seconds)
            # reach the disk even when no batch follows.
            with suppress(Exception):
                await asyncio.to_thread(self._engine.flush)
            await asyncio.sleep(_LAG_POLL_SECONDS)


async def run_daemon(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Run one replica until SIGTERM/SIGINT (or ``stop`` is set), then drain and return."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
    metrics = Metrics()
    engine, namer = await asyncio.to_thread(
        partial(build_runtime, settings, llm_metrics=metrics.llm)
    )
    refiner = build_refiner(settings, engine)
    daemon = Daemon(settings, engine, metrics, namer=namer, refiner=refiner)
    try:
        await daemon.start()
        await stop.wait()
        log.info("shutdown requested; draining")
    finally:
        await daemon.stop()
        for sig in installed:
            loop.remove_signal_handler(sig)
