"""Runs are idempotent: a rerun changes nothing, and a run a crash cut short, run again
(same run id), leaves the same memory as one clean run, checked at every write a crash
can follow, bookkeeping included."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest

from memoryd.memory.engine import MemoryEngine
from memoryd.memory.ports import Filter, Payload, VectorPoint
from memoryd.memory.schema import CATEGORIES, ITEMS, USERS
from memoryd.memory.settings import MemorySettings
from memoryd.schedulers.clock import ManualClock
from memoryd.schedulers.jobs import JOBS, Evolver
from memoryd.schedulers.service import EvolutionService
from memoryd.schedulers.settings import DecayJob, DiscoverJob, EvolutionSettings
from memoryd.telemetry.metrics import Metrics
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore

from .conftest import T0, put_item

pytestmark = pytest.mark.anyio

SETTINGS = EvolutionSettings(
    decay=DecayJob(half_life_days=30, floor=0.2, min_age_days=10),
    discover=DiscoverJob(min_cluster_size=3, fit_threshold=0.3, cluster_similarity=0.4),
)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Crash(Exception):
    pass


class CrashingStore(InMemoryStore):
    """Raises instead of making its ``crash_at``-th write (None: never)."""

    def __init__(self) -> None:
        super().__init__()
        self.crash_at: int | None = None
        self.writes = 0

    def _write(self) -> None:
        self.writes += 1
        if self.crash_at is not None and self.writes == self.crash_at:
            raise Crash(f"crash at write {self.writes}")

    def upsert(self, collection: str, points: Sequence[VectorPoint]) -> None:
        self._write()
        super().upsert(collection, points)

    def set_payload(self, collection: str, ids: Sequence[str], payload: Payload) -> None:
        self._write()
        super().set_payload(collection, ids, payload)


def seeded() -> tuple[MemoryEngine, CrashingStore]:
    store = CrashingStore()
    embedder = HashEmbedder()
    engine = MemoryEngine(store, embedder, settings=MemorySettings(lexical=False))
    texts = [
        ("Caroline lives in Berlin", 1),
        ("Caroline moved to Lisbon", 80),
        ("Caroline loves hiking in the mountains", 2),
        ("Caroline loves hiking in the mountains again", 30),
        ("Caroline tried a new bakery downtown", 5),
        ("Caroline keeps beehives and harvests beehives honey", 60),
        ("Caroline sells beehives honey at the market", 61),
        ("Caroline checks beehives honey for mites", 62),
    ]
    for text, day in texts:
        put_item(engine, embedder, text, days=day, category_score=0.1)
    engine.refresher.refresh("u-1", ["knowledge"])  # as memorising does after writing items
    engine.set_user_state("u-1", last_event_time=(T0 + timedelta(days=100)).isoformat())
    return engine, store


def memory(engine: MemoryEngine) -> dict[str, Any]:
    return {
        name: {r.id: r.payload for r in engine.store.scroll(name, Filter())}
        for name in (ITEMS, CATEGORIES, USERS)
    }


SCHEDULED = T0 + timedelta(days=200)


async def evolve(engine: MemoryEngine) -> list[str]:
    """One scheduled run of every job for the user; the outcomes."""
    service = EvolutionService(engine, SETTINGS, Metrics(), clock=ManualClock(SCHEDULED))
    reports = await service.run_user("u-1", JOBS, SCHEDULED, "schedule")
    return [r.outcome for r in reports]


def test_every_job_changes_something_in_the_seeded_memory() -> None:
    engine, _ = seeded()
    evolver = Evolver(engine, SETTINGS)
    changes = {job: evolver.run(job, "u-1") for job in JOBS}
    assert changes["consolidate"].merged and changes["consolidate"].superseded
    assert changes["decay"].archived
    assert changes["discover"].categories_created
    # Summaries follow structure changes as they happen, so nothing is left dirty.
    assert not any(c.dirty for c in engine.categories("u-1"))


async def test_a_second_run_changes_nothing() -> None:
    engine, _ = seeded()
    # Summaries follow each structural job, so none is left for resummarize.
    assert await evolve(engine) == ["changed", "changed", "changed", "unchanged"]
    once = memory(engine)
    assert await evolve(engine) == ["skipped"] * 4  # the same run id: done before
    evolver = Evolver(engine, SETTINGS)
    assert not any(evolver.run(job, "u-1").changed for job in JOBS)
    assert memory(engine) == once


async def test_a_run_cut_short_at_any_write_then_rerun_equals_one_clean_run() -> None:
    clean, store = seeded()
    before = store.writes
    await evolve(clean)
    writes = store.writes - before
    expected = memory(clean)
    assert writes > 10
    for crash_at in range(1, writes + 1):
        engine, store = seeded()
        store.crash_at = store.writes + crash_at
        assert "failed" in await evolve(engine)
        store.crash_at = None
        assert "failed" not in await evolve(engine)
        assert memory(engine) == expected, f"crash at write {crash_at} of {writes}"
