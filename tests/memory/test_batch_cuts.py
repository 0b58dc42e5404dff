"""Memory does not depend on how the stream was cut into batches: the same events of a
user, memorised in any cut, leave the same items (ids, texts, sources, validity).

Real conversation turns (the first 100 of a LoCoMo dev conversation, read from the
project's shared data as the benchmarks do) and the bundled embedder: there a cut used to
matter (162 items in one batch, 161 in batches of one), because a candidate was matched
within its batch first and against the store only when that failed, and because a text
embedded in a batch of 100 and alone differ in the last bits of their vectors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from memoryd.embedders.fastembed import FastEmbedEmbedder
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.ports import Filter
from memoryd.memory.schema import ITEMS, item_from
from memoryd.memory.settings import MemorySettings
from memoryd.testing.memory_store import InMemoryStore

LOCOMO = Path(__file__).resolve().parents[3] / "shared" / "data" / "locomo-dev" / "26.json"
TURNS = 100


def _events() -> list[dict[str, Any]]:
    conv = json.loads(LOCOMO.read_text())
    numbers = sorted(int(m[1]) for key in conv if (m := re.fullmatch(r"session_(\d+)", key)))
    events: list[dict[str, Any]] = []
    for number in numbers:
        raw = conv[f"session_{number}_date_time"].strip()
        when = datetime.strptime(raw, "%I:%M %p on %d %B, %Y").replace(tzinfo=UTC)
        for turn in conv[f"session_{number}"]:
            events.append(
                {
                    "id": turn["dia_id"],
                    "user_id": "u-1",
                    "speaker": turn["speaker"],
                    "content": turn["text"]
                    + (
                        f" [shares a photo of {turn['blip_caption']}]"
                        if turn.get("blip_caption")
                        else ""
                    ),
                    "time": when.isoformat(),
                }
            )
    return events[:TURNS]


@cache
def _embedder() -> FastEmbedEmbedder:
    return FastEmbedEmbedder()


def _memory(sizes: Sequence[int]) -> list[tuple[Any, ...]]:
    """Memorise the turns in consecutive batches of the given sizes (the last repeats)."""
    engine = MemoryEngine(InMemoryStore(), _embedder(), settings=MemorySettings(lexical=False))
    events, start, i = _events(), 0, 0
    while start < len(events):
        size = sizes[min(i, len(sizes) - 1)]
        engine.memorize(events[start : start + size])
        start, i = start + size, i + 1
    items = [item_from(r) for r in engine.store.scroll(ITEMS, Filter(must={"user_id": "u-1"}))]
    return sorted(
        (i.id, i.text, tuple(i.sources), i.archived, i.archived_reason, i.replaced_by, i.valid_to)
        for i in items
    )


@cache
def _one_batch() -> list[tuple[Any, ...]]:
    return _memory([TURNS])


def test_batches_of_one_and_of_seven_equal_one_batch() -> None:
    reference = _one_batch()
    assert _memory([1]) == reference
    assert _memory([7]) == reference


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=12))
def test_any_cut_into_batches_leaves_the_same_items(sizes: list[int]) -> None:
    assert _memory(sizes) == _one_batch()
