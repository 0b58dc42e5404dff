"""Behaviour of the engine over in-memory fakes of the store and embedder (fast)."""

from __future__ import annotations

from typing import Any

import pytest

from memoryd.errors import InvalidEventError, PermanentError
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.schema import CATEGORIES, ITEMS, RESOURCES, USERS
from memoryd.memory.settings import MemorySettings
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore


def event(
    eid: str,
    content: str,
    user: str = "u-1",
    speaker: str = "Caroline",
    time: str = "2023-05-08T13:56:00Z",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "id": eid,
        "user_id": user,
        "speaker": speaker,
        "content": content,
        "time": time,
        **extra,
    }


CONVERSATION = [
    event("e1", "I moved to Lisbon last week. I love the food there."),
    event("e2", "My sister Anna is a nurse in Berlin."),
    event("e3", "I go running every morning before work."),
    event("e4", "Thanks!"),
]


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def engine(store: InMemoryStore) -> MemoryEngine:
    return MemoryEngine(store, HashEmbedder(), settings=MemorySettings(lexical=False))


def dump(store: InMemoryStore) -> dict[str, Any]:
    return {
        name: sorted((r.id, sorted(r.payload.items())) for r in store.scroll(name, _all()))
        for name in (RESOURCES, ITEMS, CATEGORIES, USERS)
    }


def _all():  # type: ignore[no-untyped-def]
    from memoryd.memory.ports import Filter

    return Filter()


def test_memorize_builds_three_layers_with_lineage(engine: MemoryEngine) -> None:
    # Given a short conversation, when it is memorised
    result = engine.memorize(CONVERSATION)
    # Then every event is a resource, memorable sentences are items tracing back to them
    assert [r.event_id for r in result.resources] == ["e1", "e2", "e3", "e4"]
    items = engine.items("u-1")
    assert {s for i in items for s in i.sources} == {"e1", "e2", "e3"}
    assert any("Caroline" in i.text and "Lisbon" in i.text for i in items)
    # and the categories they were filed under have summaries drawn from them
    categories = engine.categories("u-1")
    assert {c.name for c in categories} == {i.category for i in items}
    for c in categories:
        assert c.summary_version == 1
        assert c.item_count == sum(1 for i in items if i.category == c.name)
        assert set(c.summary_item_ids) <= {i.id for i in items}
    assert engine.stats("u-1").model_dump() == {
        "user_id": "u-1",
        "events": 4,
        "items": len(items),
        "categories": len(categories),
        "last_event_id": "e4",
    }


def test_memorizing_a_batch_twice_leaves_the_same_points(
    engine: MemoryEngine, store: InMemoryStore
) -> None:
    engine.memorize(CONVERSATION)
    first = dump(store)
    second_result = engine.memorize(CONVERSATION)
    assert dump(store) == first
    assert second_result.new_item_ids == [] and second_result.reinforced_item_ids == []


def test_near_duplicate_reinforces_instead_of_inserting(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I love the food in Lisbon so much.")])
    result = engine.memorize(
        [event("e9", "I love the food in Lisbon so much!", time="2023-06-01T10:00:00Z")]
    )
    (item,) = engine.items("u-1")
    assert result.new_item_ids == [] and result.reinforced_item_ids == [item.id]
    assert item.sources == ["e1", "e9"]
    assert item.reinforcement == 2
    assert item.updated_at.month == 6


def test_summary_version_increases_only_when_summary_changes(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I love the food in Lisbon so much.")])
    (before,) = engine.categories("u-1")
    engine.memorize([event("e2", "I really love the seafood stews of Portugal.")])
    after = {c.name: c for c in engine.categories("u-1")}
    if before.name in after and after[before.name].item_count > before.item_count:
        assert after[before.name].summary_version == before.summary_version + 1


def test_invalid_event_is_rejected_and_others_go_through(
    engine: MemoryEngine, store: InMemoryStore
) -> None:
    bad = {"id": "bad-1", "user_id": "u-1", "content": ""}
    result = engine.memorize([bad, CONVERSATION[0]])
    (error,) = result.rejected
    assert isinstance(error, InvalidEventError)
    assert error.field == "content" and error.event_id == "bad-1"
    assert [r.event_id for r in result.resources] == ["e1"]
    assert all(
        "bad-1" not in (r.payload.get("sources") or [r.payload.get("event_id")])
        for name in (RESOURCES, ITEMS)
        for r in store.scroll(name, _all())
    )


def test_retrieve_is_scoped_to_the_user(engine: MemoryEngine) -> None:
    engine.memorize(
        [
            event("a1", "I love the food in Lisbon so much.", user="alice"),
            event("b1", "I love the food in Lisbon so much.", user="bob"),
        ]
    )
    result = engine.retrieve("alice", "food in Lisbon", top_k=5)
    assert result.items, "the matching memory is found"
    assert all(s.item.user_id == "alice" and s.item.sources == ["a1"] for s in result.items)
    assert all(r.resource.user_id == "alice" for r in result.resources)
    assert all(c.category.user_id == "alice" for c in result.categories)
    assert result.items[0].score > 0


def test_retrieve_ranks_the_relevant_item_first(engine: MemoryEngine) -> None:
    engine.memorize(CONVERSATION)
    top = engine.retrieve("u-1", "sister Anna nurse", top_k=3).items[0]
    assert "Anna" in top.item.text and top.item.sources == ["e2"]


def test_retrieve_can_scope_to_an_agent(engine: MemoryEngine) -> None:
    engine.memorize(
        [
            event("a", "I love the food in Lisbon so much.", agent_id="bot-a"),
            event("b", "I love hiking in the Alps every summer.", agent_id="bot-b"),
        ]
    )
    items = engine.retrieve("u-1", "food hiking", top_k=5, agent_id="bot-b").items
    assert [s.item.sources for s in items] == [["b"]]


def test_delete_user_cascades_and_spares_others(engine: MemoryEngine) -> None:
    engine.memorize([*CONVERSATION, event("x1", "I love tea in the garden.", user="other")])
    removed = engine.delete_user("u-1")
    assert removed.events == 4
    assert engine.stats("u-1").model_dump() == {
        "user_id": "u-1",
        "events": 0,
        "items": 0,
        "categories": 0,
        "last_event_id": None,
    }
    assert engine.retrieve("u-1", "Lisbon").items == []
    assert engine.stats("other").items == 1


def test_unknown_method_is_a_clear_error(engine: MemoryEngine) -> None:
    with pytest.raises(PermanentError, match="'rag' or 'llm'"):
        engine.retrieve("u-1", "x", method="bm25")
    with pytest.raises(PermanentError, match="needs LLM mode"):
        engine.retrieve("u-1", "x", method="llm")


def test_results_of_several_calls_merge(engine: MemoryEngine) -> None:
    from memoryd.memory.models import MemorizeResult

    a = engine.memorize([event("m1", "I love jazz concerts.", user="ann")])
    b = engine.memorize([event("m2", "I collect vinyl records.", user="ben"), {"id": "bad"}])
    merged = MemorizeResult.merge([a, b])
    assert [r.event_id for r in merged.resources] == ["m1", "m2"]
    assert set(merged.touched_categories) == {"ann", "ben"}
    assert len(merged.rejected) == 1
    assert merged.new_item_ids == a.new_item_ids + b.new_item_ids


def test_items_only_retrieval_skips_the_other_layers(engine: MemoryEngine) -> None:
    engine.memorize(CONVERSATION)
    result = engine.retrieve("u-1", "sister Anna nurse", top_k=3, items_only=True)
    assert result.items and result.categories == [] and result.resources == []


def test_forget_item_leaves_live_memory_summaries_and_history_but_keeps_lineage(
    engine: MemoryEngine,
) -> None:
    # Given a user whose memory holds the move to Lisbon
    engine.memorize(CONVERSATION)
    target = next(i for i in engine.items("u-1") if "Lisbon" in i.text)

    # When the item is forgotten, twice
    first = engine.forget_item("u-1", target.id)
    again = engine.forget_item("u-1", target.id)

    # Then it is archived as forgotten (idempotently), out of live items, summaries and
    # even a history search, and still traces back to its event
    assert first.archived and first.archived_reason == "forgotten"
    assert again == first
    assert target.id not in {i.id for i in engine.items("u-1")}
    assert all("Lisbon" not in c.summary for c in engine.categories("u-1"))
    found = engine.retrieve("u-1", "Where does Caroline live? Lisbon", include_history=True)
    assert target.id not in {s.item.id for s in found.items}
    assert first.sources == target.sources


def test_forget_item_of_another_user_or_unknown_is_a_lookup_error(engine: MemoryEngine) -> None:
    engine.memorize(CONVERSATION)
    item = engine.items("u-1")[0]
    with pytest.raises(LookupError):
        engine.forget_item("u-2", item.id)
    with pytest.raises(LookupError):
        engine.forget_item("u-1", "no-such-item")
    assert item.id in {i.id for i in engine.items("u-1")}
