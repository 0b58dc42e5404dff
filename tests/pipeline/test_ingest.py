"""The ingest pipeline over in-memory fakes: ack rules, dead letters, retries, batching."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from memoryd.config import BatchSettings
from memoryd.errors import TransientError
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import MemorizeResult
from memoryd.memory.settings import MemorySettings
from memoryd.pipeline.ingest import IngestPipeline
from memoryd.telemetry.metrics import Metrics
from memoryd.testing.delivery import FakeDelivery
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore
from memoryd.testing.transport import InMemoryTransport


class FlakyStore(InMemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.failures = 0

    def flush(self) -> None:
        if self.failures:
            self.failures -= 1
            raise TransientError("store unavailable")
        super().flush()


def event(
    eid: str, user: str = "u1", content: str = "I love hiking in the Alps."
) -> dict[str, Any]:
    return {
        "id": eid,
        "user_id": user,
        "content": content,
        "speaker": "Ann",
        "time": "2024-01-01T10:00:00Z",
    }


@pytest.fixture
def store() -> FlakyStore:
    return FlakyStore()


def make(
    store: FlakyStore, dlq: InMemoryTransport, **batch: Any
) -> tuple[IngestPipeline, list[str]]:
    engine = MemoryEngine(store, HashEmbedder(), settings=MemorySettings(lexical=False))
    memorized: list[str] = []

    async def hook(user_id: str, pending: Any, result: Any) -> None:
        memorized.extend(p.event.id for p in pending)

    settings = BatchSettings(**{"max_wait_ms": 10, "retry_base_seconds": 0.1, **batch})
    pipeline = IngestPipeline(
        engine, settings, Metrics(), transport="test", dead_letters=dlq, on_memorized=hook
    )
    return pipeline, memorized


def test_valid_events_are_acked_only_after_memorize(store: FlakyStore) -> None:
    async def scenario() -> None:
        pipeline, memorized = make(store, InMemoryTransport())
        deliveries = [FakeDelivery.of(event(f"e{i}")) for i in range(3)]
        for d in deliveries:
            await pipeline.submit(d)
        assert not any(d.acked for d in deliveries), "buffered, not yet durable"
        await pipeline.drain()
        assert all(d.acked for d in deliveries)
        assert memorized == ["e0", "e1", "e2"]
        assert pipeline.engine.stats("u1").events == 3

    asyncio.run(scenario())


def test_bad_events_are_dead_lettered_and_the_stream_flows(store: FlakyStore) -> None:
    async def scenario() -> None:
        dlq = InMemoryTransport()
        pipeline, memorized = make(store, dlq, max_event_bytes=300)
        invalid = FakeDelivery.of({"id": "bad", "user_id": "u1"})
        oversized = FakeDelivery.of(event("big", content="x " * 400))
        valid = FakeDelivery.of(event("ok"))
        for d in (invalid, oversized, valid):
            await pipeline.submit(d)
        await pipeline.drain()
        assert invalid.acked and oversized.acked and valid.acked
        reasons = {letter.reason: letter.detail for letter in dlq.dead_letters}
        assert "content" in reasons["invalid"]
        assert "limit 300" in reasons["oversized"]
        assert memorized == ["ok"]

    asyncio.run(scenario())


def test_transient_store_failure_retries_without_ack(store: FlakyStore) -> None:
    async def scenario() -> None:
        pipeline, memorized = make(store, InMemoryTransport())
        store.failures = 1
        first = FakeDelivery.of(event("e1"))
        await pipeline.submit(first)
        await pipeline.drain()
        assert not first.acked and len(first.retries) == 1
        assert 0.05 <= first.retries[0] <= 0.1
        # The broker redelivers it; this time the store is back.
        again = FakeDelivery.of(event("e1"), attempt=2)
        await pipeline.submit(again)
        await pipeline.drain()
        assert again.acked and memorized == ["e1"]
        assert pipeline.counts == {
            "memorized": 1,
            "deleted": 0,
            "dead_lettered": 0,
            "retried": 1,
            "released": 0,
        }

    asyncio.run(scenario())


def test_dead_letter_failure_leaves_the_event_unacked(store: FlakyStore) -> None:
    async def scenario() -> None:
        dlq = InMemoryTransport()
        dlq.fail_dead_letters = True
        pipeline, _ = make(store, dlq)
        bad = FakeDelivery(b"not json")
        await pipeline.submit(bad)
        assert not bad.acked and bad.retries

    asyncio.run(scenario())


def test_batches_are_per_user_and_bounded(store: FlakyStore) -> None:
    async def scenario() -> None:
        pipeline, memorized = make(store, InMemoryTransport(), max_count=2, max_wait_ms=10_000)
        for i in range(5):
            await pipeline.submit(FakeDelivery.of(event(f"a{i}", user="alice")))
        await pipeline.submit(FakeDelivery.of(event("b0", user="bob")))
        await asyncio.sleep(0.05)  # full batches go without waiting for max_wait
        assert memorized == ["a0", "a1", "a2", "a3"]
        await pipeline.drain()
        assert sorted(memorized[4:]) == ["a4", "b0"]

    asyncio.run(scenario())


class PoisonStore(FlakyStore):
    """Refuses any write carrying the word 'poison', as a store rejecting one bad record."""

    def upsert(self, collection: str, points: Any) -> None:
        if any("poison" in str(p.payload) for p in points):
            from memoryd.errors import PermanentError

            raise PermanentError("store refused the record")
        super().upsert(collection, points)


def test_only_the_culprit_of_a_failed_batch_is_dead_lettered() -> None:
    async def scenario() -> None:
        dlq = InMemoryTransport()
        pipeline, memorized = make(PoisonStore(), dlq, max_wait_ms=50)
        good = [FakeDelivery.of(event(f"g{i}")) for i in range(3)]
        bad = FakeDelivery.of(event("bad", content="I love poison ivy gardens."))
        for d in (good[0], bad, good[1], good[2]):
            await pipeline.submit(d)
        await pipeline.drain()
        assert all(d.acked for d in (*good, bad))
        assert [letter.reason for letter in dlq.dead_letters] == ["failed"]
        assert dlq.dead_letters[0].body == bad.body
        assert sorted(memorized) == ["g0", "g1", "g2"]

    asyncio.run(scenario())


def test_json_nested_too_deeply_is_dead_lettered_not_raised(store: FlakyStore) -> None:
    # json.loads raises RecursionError on it: not a JSONDecodeError, and under the size limit
    async def scenario() -> None:
        dlq = InMemoryTransport()
        pipeline, memorized = make(store, dlq)
        deep = FakeDelivery(b"[" * 100_000)
        valid = FakeDelivery.of(event("ok"))
        await pipeline.submit(deep)
        await pipeline.submit(valid)
        await pipeline.drain()
        assert deep.acked and valid.acked
        [letter] = dlq.dead_letters
        reason, detail = letter.reason, letter.detail
        assert reason == "invalid" and "nested too deeply" in detail
        assert memorized == ["ok"]

    asyncio.run(scenario())


class CountingStore(InMemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.flushes = 0

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


def test_each_user_of_a_group_gets_its_own_result() -> None:
    # Given alice's and bob's events, due together so they are memorised as one group
    store = CountingStore()
    engine = MemoryEngine(store, HashEmbedder(), settings=MemorySettings(lexical=False))
    results: dict[str, MemorizeResult] = {}

    async def hook(user_id: str, pending: Any, result: MemorizeResult) -> None:
        results[user_id] = result

    pipeline = IngestPipeline(
        engine,
        BatchSettings(max_wait_ms=60_000),
        Metrics(),
        transport="test",
        dead_letters=InMemoryTransport(),
        on_memorized=hook,
    )

    async def scenario() -> None:
        await pipeline.submit(FakeDelivery.of(event("a1", user="alice")))
        await pipeline.submit(
            FakeDelivery.of(event("b1", user="bob", content="I play the cello on Sundays."))
        )
        await pipeline.drain()  # both due at once: one group, one engine call

    # When the group is memorised
    asyncio.run(scenario())
    # Then it was one store flush, and each hook saw only its own user's memory
    assert store.flushes == 1
    assert set(results) == {"alice", "bob"}
    for user_id, result in results.items():
        assert len(result.items) == 1, "a user's count must not include the other's items"
        assert {item.user_id for item in result.items} == {user_id}
        assert {r.user_id for r in result.resources} == {user_id}
        assert set(result.touched_categories) == {user_id}
