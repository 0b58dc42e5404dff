"""Redelivery after partial or complete processing leaves exactly what one clean run leaves."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from memoryd.errors import TransientError
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.ports import VectorPoint
from memoryd.memory.schema import CATEGORIES
from memoryd.memory.settings import MemorySettings
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore


def _unit(degrees: float) -> np.ndarray:
    r = math.radians(degrees)
    return np.array([math.cos(r), math.sin(r), 0.0], dtype=np.float32)


class AngleEmbedder:
    """kayak 0°, canoe 22°, rowing 37°: canoe is near both, kayak and rowing are not."""

    dim = 3

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        def one(text: str) -> np.ndarray:
            for word, angle in (("kayak", 0), ("canoe", 22), ("rowing", 37)):
                if word in text.lower():
                    return _unit(angle)
            return np.array([0.0, 0.0, 1.0], dtype=np.float32)

        return np.stack([one(t) for t in texts])


def ev(eid: str, content: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": eid,
        "user_id": "u1",
        "speaker": "Ann",
        "content": content,
        "time": "2024-01-01T10:00:00Z",
        **extra,
    }


def snapshot_of(engine: MemoryEngine) -> list[tuple[str, tuple[str, ...], int]]:
    return sorted((i.text, tuple(i.sources), i.reinforcement) for i in engine.items("u1"))


def test_redelivered_event_is_not_added_to_a_second_item() -> None:
    # Given e2 reinforced the kayak item, and e3 later created an item closer to e2
    engine = MemoryEngine(InMemoryStore(), AngleEmbedder(), settings=MemorySettings(lexical=False))
    for e in (
        ev("e1", "I love kayak trips."),
        ev("e2", "I love canoe trips."),
        ev("e3", "I love rowing trips."),
    ):
        engine.memorize([e])
    before = snapshot_of(engine)
    stats = engine.stats("u1")
    # When the broker redelivers e2
    engine.memorize([ev("e2", "I love canoe trips.")])
    # Then nothing changes: e2 is not counted again anywhere
    assert snapshot_of(engine) == before
    assert engine.stats("u1") == stats


class FailCategoriesOnce(InMemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.fail = True

    def upsert(self, collection: str, points: Sequence[VectorPoint]) -> None:
        if collection == CATEGORIES and points and self.fail:
            self.fail = False
            raise TransientError("timeout")
        super().upsert(collection, points)


def test_retry_after_a_failure_mid_batch_matches_a_clean_run() -> None:
    events = [ev("e1", "I love hiking in the Alps every summer.")]
    clean = MemoryEngine(InMemoryStore(), HashEmbedder(), settings=MemorySettings(lexical=False))
    clean.memorize(events)
    flaky = MemoryEngine(
        FailCategoriesOnce(), HashEmbedder(), settings=MemorySettings(lexical=False)
    )
    try:
        flaky.memorize(events)  # items stored, categories not: the pipeline will retry
    except TransientError:
        pass
    flaky.memorize(events)
    assert [c.model_dump() for c in flaky.categories("u1")] == [
        c.model_dump() for c in clean.categories("u1")
    ]


def test_redelivered_old_event_does_not_move_last_event_back() -> None:
    engine = MemoryEngine(InMemoryStore(), HashEmbedder(), settings=MemorySettings(lexical=False))
    engine.memorize([ev("e1", "I love tea.")])
    engine.memorize([ev("e2", "I love coffee.", time="2024-01-02T10:00:00Z")])
    engine.memorize([ev("e1", "I love tea.")])
    assert engine.stats("u1").last_event_id == "e2"


def test_an_agents_memory_stays_in_its_scope() -> None:
    engine = MemoryEngine(InMemoryStore(), HashEmbedder(), settings=MemorySettings(lexical=False))
    engine.memorize(
        [
            ev("a1", "My salary is 90000 euros a year.", agent_id="hr-bot"),
            ev("b1", "My salary is 90000 euros a year.", agent_id="support-bot"),
        ]
    )
    support = engine.retrieve("u1", "salary", agent_id="support-bot")
    assert [s.item.sources for s in support.items] == [["b1"]]
    assert support.categories == [], "summaries span agents, so agent-scoped reads omit them"
