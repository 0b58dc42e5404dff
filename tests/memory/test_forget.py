"""Forgetting one item, and the lineage reads the inspector uses, on the real Qdrant Edge
engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import FORGOTTEN
from memoryd.memory.settings import MemorySettings
from memoryd.stores.edge import QdrantEdgeStore
from memoryd.testing.embedder import HashEmbedder


def event(eid: str, content: str) -> dict[str, str]:
    return {
        "id": eid,
        "user_id": "u-1",
        "speaker": "Caroline",
        "content": content,
        "time": "2023-05-08T13:56:00Z",
    }


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[MemoryEngine]:
    engine = MemoryEngine(
        QdrantEdgeStore(tmp_path / "edge"), HashEmbedder(), settings=MemorySettings()
    )
    yield engine
    engine.close()


def _item_about(engine: MemoryEngine, word: str) -> str:
    return next(i.id for i in engine.items("u-1") if word in i.text)


def test_a_forgotten_item_leaves_live_memory_and_history_search(engine: MemoryEngine) -> None:
    # Given a user with two memories
    engine.memorize([event("e1", "I love painting sunsets."), event("e2", "I play the cello.")])
    cello = _item_about(engine, "cello")

    # When one is forgotten, twice
    first = engine.forget_item("u-1", cello)
    again = engine.forget_item("u-1", cello)

    # Then it is archived as forgotten, once, and no search finds it any more
    assert first.archived_reason == FORGOTTEN
    assert again == first
    assert cello not in {i.id for i in engine.items("u-1")}
    history = engine.retrieve("u-1", "cello", include_history=True)
    assert cello not in {hit.item.id for hit in history.items}
    kept = {i.id: i for i in engine.item_history("u-1")}
    assert kept[cello].archived and kept[cello].sources == ["e2"]
    assert engine.stats("u-1").items == 1


def test_forget_is_scoped_to_the_user(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I play the cello.")])
    cello = _item_about(engine, "cello")

    with pytest.raises(LookupError):
        engine.forget_item("someone-else", cello)
    with pytest.raises(LookupError):
        engine.forget_item("u-1", "no-such-item")
    assert cello in {i.id for i in engine.items("u-1")}


def test_resources_returns_the_source_events_in_order(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I play the cello."), event("e2", "I love tea.")])

    found = engine.resources("u-1", ["e2", "missing", "e1", "e2"])

    assert [(r.event_id, r.speaker, r.content) for r in found] == [
        ("e2", "Caroline", "I love tea."),
        ("e1", "Caroline", "I play the cello."),
    ]
    assert engine.resources("other", ["e1"]) == []
