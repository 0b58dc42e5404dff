"""The live replay of ``llm_cost.py``: LLM mode's default (two tiers) as a live chat
meets it, and the same replay offline for freshness.

Turns arrive one by one, each conversation on its own timeline on a simulated clock
(``ManualClock``): ``turn_seconds`` between two turns of a session, ``session_gap``
between sessions (LoCoMo's days apart, compressed). The conversations run side by side,
in the order of their simulated times. Each turn is memorised as the daemon memorises a
batch of one (``MemoryEngine.memorize`` under the user's lock), its snapshot requested
from the daemon's ``SnapshotScheduler``, and the refinement service (default
``llm.window`` settings) closes and refines windows as the simulated clock says, in the
background as in the daemon.

Freshness: wall time from a turn's memorising starting to the first snapshot published
that names it (``trigger.event_ids``), i.e. that holds its offline items.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from memoryd.bootstrap import build_refiner, build_runtime
from memoryd.config import Settings
from memoryd.events import ContextSnapshot
from memoryd.publishers.coalescer import SnapshotCoalescer
from memoryd.publishers.snapshot import SnapshotBuilder
from memoryd.schedulers.clock import ManualClock
from memoryd.schedulers.refinement import RefinementService
from memoryd.telemetry.llm_metrics import LlmMetrics
from memoryd.telemetry.metrics import Metrics

from llm_fake import RecordingServer, Tally

START = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class RecordingSink:
    """A snapshot sink that notes when each event's first snapshot was published."""

    seen: dict[tuple[str, str], float] = field(default_factory=dict)
    latest_by_user: dict[str, ContextSnapshot] = field(default_factory=dict)

    async def start(self) -> None:
        return None

    async def publish(self, snapshot: ContextSnapshot) -> None:
        now = time.perf_counter()
        self.latest_by_user[snapshot.user_id] = snapshot
        for event_id in snapshot.trigger.event_ids:
            self.seen.setdefault((snapshot.user_id, event_id), now)

    async def latest(self, user_id: str) -> ContextSnapshot | None:
        return self.latest_by_user.get(user_id)

    async def clear(self, user_id: str) -> None:
        self.latest_by_user.pop(user_id, None)

    async def close(self) -> None:
        return None


@dataclass
class LiveResult:
    tally: Tally
    freshness: list[float]
    windows: dict[str, int]
    summaries: dict[str, int]  # category summaries after refinements, by source
    fallbacks: int
    items: int


def timeline(
    stream: Sequence[dict[str, Any]], turn_seconds: float, session_gap: float
) -> list[tuple[datetime, dict[str, Any]]]:
    """Each turn at its simulated time: conversations start together; a session's turns
    are ``turn_seconds`` apart and sessions ``session_gap`` apart."""
    at: dict[str, tuple[datetime, str | None]] = {}
    timed = []
    for event in stream:
        user, session = event["user_id"], event.get("session_id")
        previous = at.get(user)
        if previous is None:
            when = START
        elif previous[1] != session:
            when = previous[0] + timedelta(seconds=session_gap)
        else:
            when = previous[0] + timedelta(seconds=turn_seconds)
        at[user] = (when, session)
        timed.append((when, event))
    return sorted(timed, key=lambda pair: pair[0])


async def replay(
    server: RecordingServer,
    stream: Sequence[dict[str, Any]],
    data_dir: Path,
    *,
    llm: bool,
    dim: int,
    turn_seconds: float,
    session_gap: float,
    wall_gap: float,
) -> LiveResult:
    settings = Settings(
        data_dir=data_dir,
        embedder={
            "kind": "openai",
            "base_url": server.base_url,
            "model_name": "bench-embed",
            "dim": dim,
        },
        llm={"base_url": server.base_url, "model": "bench-model"} if llm else {},
    )
    llm_metrics = LlmMetrics()
    engine, _ = await asyncio.to_thread(build_runtime, settings, llm_metrics=llm_metrics)
    sink = RecordingSink()
    scheduler = SnapshotCoalescer(
        SnapshotBuilder(engine, settings.snapshot), sink, settings.snapshot, Metrics()
    )
    locks: dict[str, asyncio.Lock] = {}

    def lock(user_id: str) -> asyncio.Lock:
        return locks.setdefault(user_id, asyncio.Lock())

    clock = ManualClock(START)
    refiner = build_refiner(settings, engine)
    service = (
        RefinementService(
            refiner,
            settings.llm.window,
            lock=lock,
            clock=clock,
            on_changed=lambda user, report: scheduler.notify(user, kind="refinement"),
        )
        if refiner is not None
        else None
    )
    started: dict[tuple[str, str], float] = {}
    try:
        for when, event in timeline(stream, turn_seconds, session_gap):
            if when > clock.now():
                clock.advance((when - clock.now()).total_seconds())
            if service is not None:
                await service.poll()  # windows whose timers ran out by now
            user = event["user_id"]
            key = (user, event["id"])
            started[key] = time.perf_counter()
            async with lock(user):
                await asyncio.to_thread(engine.memorize, [{**event, "time": when.isoformat()}])
            scheduler.notify(user, event_ids=[event["id"]], turns=[event["content"]])
            if service is not None:
                service.on_memorized(user)
            await asyncio.sleep(wall_gap)
        # The conversations end: every window left closes on its idle timer.
        if service is not None:
            await service.wait_idle()
            clock.advance(settings.llm.window.max_age_seconds)
            await service.poll()
            await service.wait_idle()
        await scheduler.flush()
        items = sum(len(engine.items(u)) for u in {e["user_id"] for e in stream})
    finally:
        await asyncio.to_thread(engine.close)
    freshness = [sink.seen[k] - t for k, t in started.items() if k in sink.seen]
    windows = _by_label(llm_metrics.refine_windows, "reason")
    summaries = _by_label(llm_metrics.refine_summaries, "source")
    fallbacks = sum(
        int(s.value)
        for m in llm_metrics.fallbacks.collect()
        for s in m.samples
        if s.name.endswith("_total")
    )
    if len(freshness) != len(started):
        raise RuntimeError(f"{len(started) - len(freshness)} turns never reached a snapshot")
    return LiveResult(Tally.of(server), freshness, windows, summaries, fallbacks, items)


def _by_label(counter: Any, label: str) -> dict[str, int]:
    return {
        s.labels[label]: int(s.value)
        for m in counter.collect()
        for s in m.samples
        if s.name.endswith("_total")
    }


def p99(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


def run_live(
    stream: Sequence[dict[str, Any]],
    workdir: Path,
    fake_server: Any,
    *,
    dim: int,
    turn_seconds: float,
    session_gap: float,
    wall_gap: float,
) -> tuple[LiveResult, LiveResult]:
    """The replay with LLM mode on (two tiers), then offline; each on a fresh server."""
    results = []
    for llm in (True, False):
        with fake_server() as server, tempfile.TemporaryDirectory(dir=workdir) as data_dir:
            results.append(
                asyncio.run(
                    replay(
                        server,
                        stream,
                        Path(data_dir),
                        llm=llm,
                        dim=dim,
                        turn_seconds=turn_seconds,
                        session_gap=session_gap,
                        wall_gap=wall_gap,
                    )
                )
            )
    return results[0], results[1]
