"""Category summaries: extractive (the most salient items, kept diverse by MMR) by
default, and the port an LLM rewriter plugs into."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np

from memoryd.memory.models import Item


@dataclass(frozen=True, slots=True)
class SummaryDraft:
    """A category's summary text and the items it draws on. ``fresh`` is False for a
    summary kept as it was although its items changed (a rewrite held back for later)."""

    text: str
    item_ids: list[str]
    fresh: bool = True


def salience(item: Item, now: datetime, half_life_days: float) -> float:
    """Reinforcement × recency: a fact said often and lately matters most."""
    age_days = max((now - item.updated_at).total_seconds() / 86400.0, 0.0)
    return float((1.0 + math.log(item.reinforcement)) * 0.5 ** (age_days / half_life_days))


def extractive_summary(
    items: Sequence[Item],
    vectors: np.ndarray,
    *,
    target_chars: int,
    half_life_days: float,
    diversity: float = 0.3,
) -> SummaryDraft:
    """Pick items greedily by MMR (salience vs. similarity to those already picked) until
    ``target_chars`` is reached; list them oldest first so the summary reads as a story.

    The clock is the newest item's time, not the wall clock, so the same items always
    give the same summary (and no needless ``summary_version`` bump).
    """
    if not items:
        return SummaryDraft("", [])
    # Sorting by id first makes argmax ties independent of the store's scroll order.
    order = sorted(range(len(items)), key=lambda i: items[i].id)
    items = [items[i] for i in order]
    vectors = vectors[order]
    now = max(item.updated_at for item in items)
    weights = np.array([salience(item, now, half_life_days) for item in items])
    weights = weights / weights.max()
    costs = np.array([len(item.text) + 3 for item in items])
    best_sim = np.zeros(len(items))
    active = np.ones(len(items), dtype=bool)
    chosen: list[int] = []
    budget = target_chars
    while active.any():
        scores = np.where(active, (1 - diversity) * weights - diversity * best_sim, -np.inf)
        pick = int(np.argmax(scores))
        chosen.append(pick)
        budget -= int(costs[pick])
        active[pick] = False
        active &= costs <= budget
        best_sim = np.maximum(best_sim, vectors @ vectors[pick])
    chosen.sort(key=lambda i: (items[i].happened_at or items[i].created_at.date(), items[i].id))
    return SummaryDraft(
        text="\n".join(f"- {items[i].text}" for i in chosen),
        item_ids=[items[i].id for i in chosen],
    )


@dataclass(frozen=True, slots=True)
class SummaryRequest:
    """One category to rewrite: its previous summary and the items new or changed since."""

    name: str
    description: str
    previous: str
    changed: Sequence[Item]
    kept: Sequence[Item]  # the items the previous summary drew on, still live
    target_chars: int


class Summarizer(Protocol):
    """Rewrites category summaries (an LLM, in LLM mode). Categories it leaves out of its
    answer get the extractive summary."""

    def rewrite(
        self, user_id: str, requests: Sequence[SummaryRequest], *, force: bool = False
    ) -> dict[str, SummaryDraft]:
        """``force``: rewrite now, even if a rate limit would hold the rewrite back."""
        ...
