"""Builds a user's context snapshot: category summaries plus the items most relevant to
the recent turns, within a token budget. Every item carries its ``sources``."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np

from memoryd.config import SnapshotSettings
from memoryd.events import (
    ContextSnapshot,
    SnapshotCategory,
    SnapshotChange,
    SnapshotItem,
    SnapshotTrigger,
)
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import ScoredItem
from memoryd.memory.ports import Vector

#: Share of the budget reserved for the items before summaries are added.
ITEM_SHARE = 0.5
_OVERHEAD_TOKENS = 8
#: Recent turns whose embeddings are kept (a turn is in up to ``recent_turns`` snapshots).
TURN_VECTORS = 4096


def estimate_tokens(text: str) -> int:
    """About four characters per token for English text with a BPE tokenizer."""
    return math.ceil(len(text) / 4)


def _item(scored: ScoredItem) -> SnapshotItem:
    item = scored.item
    return SnapshotItem(
        id=item.id,
        text=item.text,
        category=item.category,
        memory_type=item.memory_type.value,
        score=round(scored.score, 4),
        sources=list(item.sources),
        happened_at=item.happened_at.isoformat() if item.happened_at else None,
    )


class SnapshotBuilder:
    """Synchronous (it reads the store); run it off the event loop."""

    def __init__(self, engine: MemoryEngine, settings: SnapshotSettings):
        self.engine = engine
        self.settings = settings
        self._turn_vectors: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()

    def build(
        self,
        user_id: str,
        *,
        version: int,
        recent_turns: Sequence[str],
        trigger: SnapshotTrigger,
        traceparent: str | None = None,
        changes: Sequence[SnapshotChange] = (),
        recent_event_ids: Sequence[str] = (),
    ) -> ContextSnapshot:
        """``recent_event_ids``: the events of the recent turns, whose stored vectors make
        the query (no model call); without them the turns are embedded."""
        budget = self.settings.token_budget
        candidates = self._candidates(user_id, recent_turns, recent_event_ids)
        items: list[SnapshotItem] = []
        used = 0
        rest: list[ScoredItem] = []
        for scored in candidates:
            cost = estimate_tokens(scored.item.text) + _OVERHEAD_TOKENS
            if used + cost <= budget * ITEM_SHARE:
                items.append(_item(scored))
                used += cost
            else:
                rest.append(scored)
        categories: list[SnapshotCategory] = []
        for category in sorted(self.engine.categories(user_id), key=lambda c: -c.item_count):
            cost = estimate_tokens(category.summary) + _OVERHEAD_TOKENS
            if category.summary and used + cost <= budget:
                categories.append(
                    SnapshotCategory(
                        name=category.name,
                        summary=category.summary,
                        summary_version=category.summary_version,
                        item_count=category.item_count,
                    )
                )
                used += cost
        for scored in rest:  # what the summaries left of the budget goes to more items
            cost = estimate_tokens(scored.item.text) + _OVERHEAD_TOKENS
            if used + cost <= budget:
                items.append(_item(scored))
                used += cost
        return ContextSnapshot(
            user_id=user_id,
            version=version,
            generated_at=datetime.now(UTC),
            trigger=trigger,
            categories=categories,
            items=items,
            changes=list(changes),
            token_estimate=used,
            traceparent=traceparent,
        )

    def _candidates(
        self, user_id: str, recent_turns: Sequence[str], event_ids: Sequence[str]
    ) -> list[ScoredItem]:
        limit = self.settings.max_items
        if limit == 0:
            return []
        turns = [t for t in recent_turns[-self.settings.recent_turns :] if t.strip()]
        if turns:
            query = " ".join(turns)
            recent = event_ids[-self.settings.recent_turns :]
            vector = self.engine.events_vector(user_id, recent) if recent else None
            if vector is None:
                vector = self._query_vector(turns)
            found = self.engine.retrieve(
                user_id, query, top_k=limit, items_only=True, query_vector=vector
            )
            return found.items
        # No conversation to be relevant to (e.g. after an evolution run): the most
        # reinforced, then most recent, memories.
        items = self.engine.items(user_id)
        items.sort(key=lambda i: (i.reinforcement, i.updated_at), reverse=True)
        return [ScoredItem(item=i, score=0.0) for i in items[:limit]]

    def _query_vector(self, turns: Sequence[str]) -> Vector:
        """The turns' embeddings averaged, weighted by length (see
        :meth:`MemoryEngine.events_vector`), each turn embedded once and kept."""
        with self._lock:
            known = {t: self._turn_vectors[t] for t in turns if t in self._turn_vectors}
            for text in known:
                self._turn_vectors.move_to_end(text)
        missing = [t for t in dict.fromkeys(turns) if t not in known]
        if missing:
            fresh = dict(zip(missing, self.engine.embedder.embed(missing), strict=True))
            known |= fresh
            with self._lock:
                self._turn_vectors.update(fresh)
                while len(self._turn_vectors) > TURN_VECTORS:
                    self._turn_vectors.popitem(last=False)
        weights = np.array([len(t) for t in turns], dtype=np.float32)
        rows = np.stack([known[t] for t in turns])
        mean: Vector = (weights @ rows).astype(np.float32)
        return mean / max(float(np.linalg.norm(mean)), 1e-12)
