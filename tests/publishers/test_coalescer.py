"""Snapshot building and coalescing over in-memory fakes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from memoryd.config import SnapshotSettings
from memoryd.events import ContextSnapshot, SnapshotTrigger
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.settings import MemorySettings
from memoryd.publishers.coalescer import SnapshotCoalescer
from memoryd.publishers.snapshot import SnapshotBuilder, estimate_tokens
from memoryd.telemetry.metrics import Metrics
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore
from memoryd.testing.transport import InMemorySnapshotSink


def coalescer_for(sink: InMemorySnapshotSink, *, min_interval_ms: int) -> SnapshotCoalescer:
    return SnapshotCoalescer(
        SnapshotBuilder(engine_with_memory(), SnapshotSettings()),
        sink,
        SnapshotSettings(min_interval_ms=min_interval_ms),
        Metrics(),
    )


def engine_with_memory() -> MemoryEngine:
    engine = MemoryEngine(InMemoryStore(), HashEmbedder(), settings=MemorySettings(lexical=False))
    facts = [
        "I love hiking in the Alps.",
        "My sister Anna is a nurse.",
        "I work as a baker in Lyon.",
        "I play the violin every evening.",
    ]
    engine.memorize(
        [
            {
                "id": f"e{i}",
                "user_id": "u1",
                "speaker": "Ann",
                "content": text,
                "time": "2024-01-01T10:00:00Z",
            }
            for i, text in enumerate(facts)
        ]
    )
    return engine


def test_snapshot_has_summaries_and_relevant_items_within_budget() -> None:
    builder = SnapshotBuilder(engine_with_memory(), SnapshotSettings(token_budget=64))
    snap = builder.build(
        "u1",
        version=1,
        recent_turns=["Ann: is your sister Anna still a nurse?"],
        trigger=SnapshotTrigger(event_ids=["e9"]),
    )
    assert snap.items and all(item.sources for item in snap.items)
    assert "Anna" in snap.items[0].text
    assert snap.token_estimate <= 64
    text = [i.text for i in snap.items] + [c.summary for c in snap.categories]
    assert sum(estimate_tokens(t) for t in text) <= snap.token_estimate


def test_the_query_of_memorised_turns_is_made_without_the_model() -> None:
    # Given a user whose recent turns are memorised (their vectors are stored)
    engine = engine_with_memory()
    embedder = engine.embedder
    assert isinstance(embedder, HashEmbedder)
    calls = embedder.calls
    builder = SnapshotBuilder(engine, SnapshotSettings())
    # When a snapshot is built for those turns, then for turns never memorised
    stored = builder.build(
        "u1",
        version=1,
        recent_turns=["Ann: My sister Anna is a nurse."],
        trigger=SnapshotTrigger(event_ids=["e1"]),
        recent_event_ids=["e1"],
    )
    after_stored = embedder.calls
    builder.build(
        "u1",
        version=2,
        recent_turns=["Ann: violin tonight?"],
        trigger=SnapshotTrigger(event_ids=["e8"]),
        recent_event_ids=["e8"],
    )
    # Then the first costs no model call and still finds the turn's memory; the second
    # embeds its turn
    assert after_stored == calls
    assert "Anna" in stored.items[0].text
    assert embedder.calls == after_stored + 1


def test_bursts_are_coalesced_and_versions_continue_from_the_sink() -> None:
    async def scenario() -> None:
        sink = InMemorySnapshotSink()
        sink.seed(ContextSnapshot(user_id="u1", version=41, generated_at=datetime.now(UTC)))
        coalescer = coalescer_for(sink, min_interval_ms=200)
        for i in range(10):  # a burst: the first goes out at once, the rest coalesce
            coalescer.notify("u1", event_ids=[f"e{i}"], turns=["Ann: hiking"])
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.4)
        assert [s.version for s in sink.published] == [42, 43]
        covered = [eid for s in sink.published for eid in s.trigger.event_ids]
        assert covered == [f"e{i}" for i in range(10)]

    asyncio.run(scenario())


def test_flush_publishes_pending_without_waiting() -> None:
    async def scenario() -> None:
        sink = InMemorySnapshotSink()
        coalescer = coalescer_for(sink, min_interval_ms=60_000)
        coalescer.notify("u1", event_ids=["a"])
        await asyncio.sleep(0.05)
        coalescer.notify("u1", event_ids=["b"])
        await coalescer.flush()
        assert [s.trigger.event_ids for s in sink.published] == [["a"], ["b"]]

    asyncio.run(scenario())


def test_flush_also_publishes_changes_that_arrive_during_a_publish() -> None:
    async def scenario() -> None:
        sink = InMemorySnapshotSink(delay=0.05)
        coalescer = coalescer_for(sink, min_interval_ms=60_000)
        coalescer.notify("u1", event_ids=["e1"])
        await asyncio.sleep(0.01)  # e1's snapshot is being published
        flushing = asyncio.create_task(coalescer.flush())
        await asyncio.sleep(0.01)
        coalescer.notify("u1", event_ids=["e2"])  # arrives mid-flush
        await flushing
        assert [s.trigger.event_ids for s in sink.published] == [["e1"], ["e2"]]

    asyncio.run(scenario())


def test_release_publishes_pending_changes_of_users_moving_away_then_forgets_them() -> None:
    async def scenario() -> None:
        sink = InMemorySnapshotSink(delay=0.05)
        coalescer = coalescer_for(sink, min_interval_ms=60_000)
        coalescer.notify("u1", event_ids=["e1"])
        coalescer.notify("u2", event_ids=["x1"])  # stays here
        await asyncio.sleep(0.01)  # e1's snapshot is being published
        coalescer.notify("u1", event_ids=["e2"])  # would wait a minute for its turn
        await coalescer.release(lambda user_id: user_id == "u1", timeout=5)
        u1 = [s.trigger.event_ids for s in sink.published if s.user_id == "u1"]
        assert u1 == [["e1"], ["e2"]], "nothing pending is left behind"
        # The new owner continues the versions from the sink, not from here
        sink.seed(ContextSnapshot(user_id="u1", version=90, generated_at=datetime.now(UTC)))
        await coalescer.flush()
        sink.published = []
        coalescer.notify("u1", event_ids=["e3"])
        await coalescer.flush()
        assert [s.version for s in sink.published] == [91]

    asyncio.run(scenario())


def test_versions_follow_the_sink_when_another_publisher_moved_them_on() -> None:
    async def scenario() -> None:
        sink = InMemorySnapshotSink()
        coalescer = coalescer_for(sink, min_interval_ms=0)
        coalescer.notify("u1", event_ids=["e1"])
        await coalescer.flush()
        # e.g. a DELETE served by another replica published version 2
        sink.seed(ContextSnapshot(user_id="u1", version=2, generated_at=datetime.now(UTC)))
        coalescer.notify("u1", event_ids=["e2"])
        await coalescer.flush()
        assert [s.version for s in sink.published] == [1, 3]

    asyncio.run(scenario())
