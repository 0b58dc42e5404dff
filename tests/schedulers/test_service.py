"""The evolution service: schedules on a clock moved by hand (no sleeps for timing),
triggers, run records, ownership and bounded, non-overlapping runs."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from memoryd.memory import ids
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.settings import MemorySettings
from memoryd.schedulers.clock import ManualClock
from memoryd.schedulers.jobs import JobChanges, JobName
from memoryd.schedulers.runs import RunReport
from memoryd.schedulers.service import EvolutionService
from memoryd.schedulers.settings import EvolutionSettings
from memoryd.telemetry.metrics import Metrics
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore

pytestmark = pytest.mark.anyio

START = datetime(2024, 3, 1, 2, 0, tzinfo=UTC)
OFF: dict[str, Any] = {"enabled": False}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def event(eid: str, content: str, user: str = "u-1") -> dict[str, Any]:
    return {
        "id": eid,
        "user_id": user,
        "speaker": "Alice",
        "content": content,
        "time": "2024-02-28T09:00:00Z",
    }


@pytest.fixture
def engine() -> MemoryEngine:
    # Summaries wait for the resummarize job, so categories are dirty after each batch.
    settings = MemorySettings(lexical=False, summarize_on_ingest=False)
    return MemoryEngine(InMemoryStore(), HashEmbedder(), settings=settings)


def resummarize_only(**overrides: Any) -> EvolutionSettings:
    return EvolutionSettings.model_validate(
        dict(
            resummarize={"cron": "0 3 * * *"},  # 03:00 UTC daily
            consolidate=OFF,
            decay=OFF,
            discover=OFF,
            **overrides,
        )
    )


async def test_a_dirty_category_is_resummarized_on_schedule(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I love painting sunsets on weekends.")])
    assert all(c.dirty and not c.summary for c in engine.categories("u-1"))
    changed: list[tuple[str, list[str]]] = []
    clock = ManualClock(START)
    service = EvolutionService(
        engine,
        resummarize_only(),
        Metrics(),
        clock=clock,
        on_changed=lambda user, reports: changed.append((user, [r.job for r in reports])),
    )
    at_three = START.replace(hour=3)
    assert service.next_fire_times() == {"resummarize": at_three}

    assert await service.run_due() == []  # 02:00: not yet
    clock.advance(3600)
    (report,) = await service.run_due()

    assert report.outcome == "changed" and report.trigger == "schedule"
    assert report.scheduled_at == at_three
    assert report.run_id == ids.run_id("resummarize", "u-1", at_three.isoformat())
    assert report.changes.summaries_rewritten == [c.name for c in engine.categories("u-1")]
    for category in engine.categories("u-1"):
        assert not category.dirty and category.summary and category.summary_version == 1
    assert changed == [("u-1", ["resummarize"])]  # the daemon pushes a snapshot on this
    assert service.next_fire_times() == {"resummarize": at_three + timedelta(days=1)}

    # A day later, nothing new: no run. New events: the next tick rewrites again.
    clock.advance(86400)
    assert await service.run_due() == []
    engine.memorize([event("e2", "My favourite painter is Monet.")])
    clock.advance(86400)
    reports = await service.run_due()
    assert [r.outcome for r in reports] == ["changed"]
    (monet,) = [i for i in engine.items("u-1") if "Monet" in i.text]
    (category,) = [c for c in engine.categories("u-1") if c.name == monet.category]
    assert "Monet" in category.summary and not category.dirty


async def test_missed_fire_times_coalesce_into_one_run(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I love painting sunsets on weekends.")])
    clock = ManualClock(START)
    service = EvolutionService(engine, resummarize_only(), Metrics(), clock=clock)
    clock.advance(5 * 86400)  # five 03:00s went by
    (report,) = await service.run_due()
    assert report.scheduled_at == START.replace(hour=3) + timedelta(days=4)


async def test_interval_fire_times_are_the_same_on_every_replica(engine: MemoryEngine) -> None:
    settings = EvolutionSettings.model_validate({"consolidate": {"interval_seconds": 1800}})
    early = EvolutionService(
        engine, settings, Metrics(), clock=ManualClock(START + timedelta(seconds=1))
    )
    late = EvolutionService(
        engine, settings, Metrics(), clock=ManualClock(START + timedelta(seconds=1000))
    )
    expected = START + timedelta(seconds=1800)
    assert early.next_fire_times()["consolidate"] == expected
    assert late.next_fire_times()["consolidate"] == expected


async def test_apscheduler_is_armed_with_each_jobs_next_fire_time(engine: MemoryEngine) -> None:
    settings = EvolutionSettings.model_validate({"decay": OFF})
    # APScheduler waits on real time: a clock in the future keeps the jobs armed, unfired.
    clock = ManualClock(datetime(2040, 1, 1, tzinfo=UTC))
    service = EvolutionService(engine, settings, Metrics(), clock=clock)
    service.start()
    try:
        assert service._aps is not None
        armed = {job.id: job for job in service._aps.get_jobs()}
        assert set(armed) == {
            "memoryd-evolution-resummarize",
            "memoryd-evolution-consolidate",
            "memoryd-evolution-discover",
            "memoryd-evolution-triggers",
        }
        for name, when in service.next_fire_times().items():
            assert armed[f"memoryd-evolution-{name}"].next_run_time == when
            assert armed[f"memoryd-evolution-{name}"].args == (name, when)
    finally:
        await service.stop(timeout=1)


async def test_disabled_evolution_arms_nothing(engine: MemoryEngine) -> None:
    service = EvolutionService(engine, EvolutionSettings(enabled=False), Metrics())
    service.start()
    assert service._aps is None
    service.on_memorized("u-1", 10_000)
    assert not service._tasks
    await service.stop(timeout=1)


async def test_a_user_with_many_new_items_gets_a_run_at_once(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I love painting sunsets on weekends.")])
    service = EvolutionService(
        engine, resummarize_only(dirty_items=3, idle_seconds=0), Metrics(), clock=ManualClock(START)
    )
    service.on_memorized("u-1", 2)
    assert not service._tasks
    service.on_memorized("u-1", 1)
    await service.wait_triggered()
    state = engine.user_state("u-1")["evolution"]["resummarize"]
    assert state["run_id"] == ids.run_id("resummarize", "u-1", START.isoformat())
    assert all(not c.dirty for c in engine.categories("u-1"))


async def test_an_idle_user_gets_a_run(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I love painting sunsets on weekends.")])
    clock = ManualClock(START)
    service = EvolutionService(
        engine, resummarize_only(dirty_items=0, idle_seconds=600), Metrics(), clock=clock
    )
    service.on_memorized("u-1", 1)
    clock.advance(599)
    await service.poll_triggers()
    assert not service._tasks
    clock.advance(1)
    await service.poll_triggers()
    await service.wait_triggered()
    idle_at = START + timedelta(seconds=600)
    state = engine.user_state("u-1")["evolution"]["resummarize"]
    assert state["run_id"] == ids.run_id("resummarize", "u-1", idle_at.isoformat())
    # Once served, an idle user is not run again until new activity.
    clock.advance(3600)
    await service.poll_triggers()
    assert not service._tasks


async def test_manual_runs_report_what_changed_and_count_it(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I love painting sunsets on weekends.")])
    metrics = Metrics()
    service = EvolutionService(engine, EvolutionSettings(), metrics, clock=ManualClock(START))
    reports = await service.evolve("u-1", ["resummarize"])
    assert [(r.job, r.outcome, r.trigger) for r in reports] == [
        ("resummarize", "changed", "manual")
    ]
    sample = metrics.registry.get_sample_value
    labels = {"job": "resummarize", "outcome": "changed"}
    assert sample("memoryd_evolution_runs_total", labels) == 1.0
    assert sample("memoryd_evolution_seconds_count", {"job": "resummarize"}) == 1.0


class Recorder:
    """Wraps services' job runs to record who ran which user when."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.runs: list[tuple[str, str, float, float]] = []
        self.hold = threading.Event()
        self.hold.set()
        self.started = threading.Event()

    def wrap(self, name: str, service: EvolutionService) -> None:
        inner = service.evolver.run

        def run(job: JobName, user_id: str) -> JobChanges:
            began = time.monotonic()
            self.started.set()
            self.hold.wait(10)
            try:
                return inner(job, user_id)
            finally:
                with self.lock:
                    self.runs.append((name, user_id, began, time.monotonic()))

        service.evolver.run = run  # type: ignore[method-assign]

    def overlaps(self) -> list[tuple[Any, Any]]:
        found = []
        for a in self.runs:
            for b in self.runs:
                if a is not b and a[1] == b[1] and a[0] != b[0] and a[2] < b[3] and b[2] < a[3]:
                    found.append((a, b))
        return found


async def test_only_the_owner_evolves_a_user(engine: MemoryEngine) -> None:
    users = [f"u-{i}" for i in range(8)]
    engine.memorize([event(f"e{i}", "I love painting.", user=u) for i, u in enumerate(users)])
    owner = {u: "a" if i % 2 else "b" for i, u in enumerate(users)}
    recorder = Recorder()
    services = {}
    for name in ("a", "b"):
        services[name] = EvolutionService(
            engine,
            resummarize_only(concurrency=3),
            Metrics(),
            owns=lambda u, name=name: owner[u] == name,  # type: ignore[misc]
            clock=ManualClock(START),
        )
        recorder.wrap(name, services[name])
    scheduled = START.replace(hour=3)
    await asyncio.gather(*(s.tick("resummarize", scheduled) for s in services.values()))
    ran = {(name, user) for name, user, _, _ in recorder.runs}
    assert ran == {(owner[u], u) for u in users}


async def test_a_handover_waits_for_the_run_in_progress(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I love painting sunsets on weekends.")])
    owner = {"u-1": "a"}
    recorder = Recorder()
    services = {
        name: EvolutionService(
            engine,
            EvolutionSettings(),
            Metrics(),
            owns=lambda u, name=name: owner[u] == name,  # type: ignore[misc]
            clock=ManualClock(START + timedelta(seconds=seconds)),  # own run ids
        )
        for name, seconds in (("a", 0), ("b", 1))
    }
    for name, service in services.items():
        recorder.wrap(name, service)
    recorder.hold.clear()
    run_a = asyncio.create_task(services["a"].evolve("u-1"))
    await asyncio.to_thread(recorder.started.wait, 10)

    owner["u-1"] = "b"  # the transport moved the user: the daemon calls release
    release = asyncio.create_task(services["a"].release(lambda u: owner[u] != "a", timeout=10))
    await asyncio.sleep(0.2)
    assert not release.done()  # the run in progress holds the handover
    recorder.hold.set()
    await release
    reports_a = await run_a
    reports_b = await services["b"].evolve("u-1")

    assert [r.outcome for r in reports_a][1:] == ["skipped"] * 3
    assert {r.detail for r in reports_a[1:]} == {"not owned"}
    assert all(r.outcome != "skipped" for r in reports_b)
    assert recorder.overlaps() == []
    assert {name for name, *_ in recorder.runs} == {"a", "b"}


async def test_runs_yield_to_a_busy_consumer(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I love painting sunsets on weekends.")])
    buffered = [5]
    service = EvolutionService(
        engine,
        resummarize_only(yield_seconds=5),
        Metrics(),
        busy=lambda: buffered[0] > 0,
        clock=ManualClock(START),
    )
    run = asyncio.create_task(service.evolve("u-1"))
    await asyncio.sleep(0.2)
    assert not run.done() and "u-1" not in service._running
    buffered[0] = 0
    reports: Sequence[RunReport] = await asyncio.wait_for(run, 5)
    assert [r.outcome for r in reports] == ["changed"]


async def test_after_a_stall_the_next_fire_time_is_from_now(engine: MemoryEngine) -> None:
    # APScheduler fires a date job late (the process was stopped): the following fire
    # time is the next one after now, not every one that went by.
    clock = ManualClock(START)
    settings = EvolutionSettings.model_validate({"resummarize": {"interval_seconds": 300}})
    service = EvolutionService(engine, settings, Metrics(), clock=clock)
    scheduled = service.next_fire_times()["resummarize"]
    assert scheduled == START
    clock.advance(3 * 3600 + 10)
    await service._fire("resummarize", scheduled)
    assert service.next_fire_times()["resummarize"] == START + timedelta(seconds=3 * 3600 + 300)


async def test_a_fire_arms_the_next_one_and_returns_while_its_tick_runs(
    engine: MemoryEngine,
) -> None:
    # A tick that outlasts the interval must not stop the schedule.
    engine.memorize([event("e1", "I love painting sunsets on weekends.")])
    later = datetime(2040, 1, 1, tzinfo=UTC)  # APScheduler runs on real time: not yet due
    clock = ManualClock(later)
    settings = EvolutionSettings.model_validate(
        {
            "resummarize": {"interval_seconds": 300},
            "consolidate": OFF,
            "decay": OFF,
            "discover": OFF,
            "idle_seconds": 0,
        }
    )
    service = EvolutionService(engine, settings, Metrics(), clock=clock)
    recorder = Recorder()
    recorder.wrap("a", service)
    recorder.hold.clear()
    service.start()
    try:
        await asyncio.wait_for(service._fire("resummarize", later), 1)  # returns at once
        await asyncio.to_thread(recorder.started.wait, 10)
        assert service._aps is not None
        armed = service._aps.get_job("memoryd-evolution-resummarize")
        assert armed is not None and armed.args == ("resummarize", later + timedelta(seconds=300))
        assert service._tasks  # the tick, still running
    finally:
        recorder.hold.set()
        await service.stop(timeout=5)
    assert [user for _, user, _, _ in recorder.runs] == ["u-1"]


async def test_stop_waits_for_the_job_in_progress_with_the_lock_held(
    engine: MemoryEngine,
) -> None:
    engine.memorize([event("e1", "I love painting sunsets on weekends.")])
    lock = asyncio.Lock()
    service = EvolutionService(
        engine,
        resummarize_only(dirty_items=1, idle_seconds=0),
        Metrics(),
        lock=lambda user_id: lock,
        clock=ManualClock(START),
    )
    recorder = Recorder()
    recorder.wrap("a", service)
    recorder.hold.clear()
    service.on_memorized("u-1", 1)  # a triggered run starts
    await asyncio.to_thread(recorder.started.wait, 10)
    stopping = asyncio.create_task(service.stop(timeout=0.1))
    await asyncio.sleep(0.3)  # past the timeout: still waiting, nothing cancelled
    assert not stopping.done() and lock.locked()
    recorder.hold.set()
    await asyncio.wait_for(stopping, 10)
    assert not lock.locked() and not service._tasks
    assert len(recorder.runs) == 1
    # Stopped: no new run starts.
    service.on_memorized("u-1", 5)
    assert not service._tasks


async def test_a_user_with_no_live_items_evolves_without_failing(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "Thanks!")])  # nothing memorable: no item
    assert engine.items("u-1") == []
    service = EvolutionService(engine, EvolutionSettings(), Metrics(), clock=ManualClock(START))
    reports = await service.evolve("u-1")
    assert [r.outcome for r in reports] == ["unchanged"] * 4


async def test_a_deleted_user_is_not_brought_back(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I love painting sunsets on weekends.")])
    service = EvolutionService(
        engine, resummarize_only(idle_seconds=600), Metrics(), clock=ManualClock(START)
    )
    service.on_memorized("u-1", 1)
    engine.delete_user("u-1")
    service.forget("u-1")
    reports = await service.run_user("u-1", ["resummarize"], START, "idle")
    assert [(r.outcome, r.detail) for r in reports] == [("skipped", "no memory")]
    assert engine.user_ids() == [] and engine.user_state("u-1") == {}
    assert service._activity == {}
