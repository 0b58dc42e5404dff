from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from memoryd.memory.models import Item, MemoryType
from memoryd.memory.summarize import extractive_summary, salience

T0 = datetime(2023, 5, 8, tzinfo=UTC)


def item(i: int, text: str, reinforcement: int = 1, age_days: int = 0) -> Item:
    when = T0 - timedelta(days=age_days)
    return Item(
        id=f"i{i}",
        user_id="u",
        text=text,
        memory_type=MemoryType.PROFILE,
        category="c",
        sources=[f"e{i}"],
        created_at=when,
        updated_at=when,
        valid_from=when,
        reinforcement=reinforcement,
    )


def test_salience_prefers_reinforced_and_recent() -> None:
    assert salience(item(1, "a", 3), T0, 30) > salience(item(2, "a", 1), T0, 30)
    assert salience(item(1, "a", age_days=0), T0, 30) > salience(item(2, "a", age_days=60), T0, 30)


def test_summary_respects_target_and_skips_near_duplicates() -> None:
    items = [
        item(1, "Jon loves jazz music.", 3),
        item(2, "Jon loves jazz music a lot.", 2),
        item(3, "Jon works as a baker.", 1),
    ]
    vectors = np.array([[1, 0], [0.999, 0.045], [0, 1]], dtype=np.float32)
    draft = extractive_summary(items, vectors, target_chars=50, half_life_days=30, diversity=0.5)
    assert draft.item_ids == ["i1", "i3"]
    assert draft.text == "- Jon loves jazz music.\n- Jon works as a baker."


def test_summary_is_independent_of_input_order() -> None:
    items = [item(i, f"fact number {i} about Jon", 1 + i % 3, i) for i in range(8)]
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((8, 4)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    a = extractive_summary(items, vectors, target_chars=120, half_life_days=30)
    b = extractive_summary(items[::-1], vectors[::-1], target_chars=120, half_life_days=30)
    assert a == b and len(a.text) <= 120 + 3
