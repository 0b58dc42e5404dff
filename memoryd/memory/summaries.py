"""Keeps each touched category's summary, item count and vector in step with its items."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from memoryd.memory import ids
from memoryd.memory.categorize import Categorizer
from memoryd.memory.models import Category, CategorySpec, Item
from memoryd.memory.ports import Vector, VectorPoint, VectorStore
from memoryd.memory.schema import (
    CATEGORIES,
    ITEMS,
    category_from,
    item_from,
    live_items,
    to_payload,
)
from memoryd.memory.settings import MemorySettings
from memoryd.memory.summarize import extractive_summary


def category_vector(description: Vector | None, summary_items: Vector) -> Vector:
    """A category points at its purpose and at what it currently says: the normalised sum
    of its description's embedding and the centroid of its summary items. No model call,
    which keeps refreshing categories off the embedder's hot path."""
    parts = [v for v in (description,) if v is not None]
    if len(summary_items):
        centroid = summary_items.mean(axis=0)
        parts.append(centroid / max(float(np.linalg.norm(centroid)), 1e-12))
    total: Vector = np.sum(parts, axis=0).astype(np.float32)
    return total / max(float(np.linalg.norm(total)), 1e-12)


class CategoryRefresher:
    """Recomputes extractive summaries for the categories a batch touched."""

    def __init__(
        self,
        store: VectorStore,
        categorizer: Categorizer,
        settings: MemorySettings,
    ):
        self.store = store
        self.categorizer = categorizer
        self.settings = settings

    def refresh(self, user_id: str, names: Sequence[str]) -> list[Category]:
        """Rewrite the named categories; ``summary_version`` moves only if the summary did."""
        points: list[VectorPoint] = []
        updated: list[Category] = []
        for name in names:
            refreshed = self._recompute(user_id, name)
            if refreshed is not None:
                category, vector = refreshed
                updated.append(category)
                points.append(VectorPoint(category.id, vector.tolist(), to_payload(category)))
        self.store.upsert(CATEGORIES, points)
        return updated

    def _recompute(self, user_id: str, name: str) -> tuple[Category, Vector] | None:
        records = list(
            self.store.scroll(ITEMS, live_items(user_id, category=name), with_vectors=True)
        )
        items: list[Item] = [item_from(r) for r in records]
        cid = ids.category_id(user_id, name)
        existing = self.store.get(CATEGORIES, [cid])
        previous = category_from(existing[0]) if existing else None
        vectors = np.asarray([r.vector for r in records], dtype=np.float32)
        if items:
            draft = extractive_summary(
                items,
                vectors,
                target_chars=self.settings.summary_target_chars,
                half_life_days=self.settings.summary_half_life_days,
                diversity=self.settings.summary_diversity,
            )
            summary, item_ids = draft.text, draft.item_ids
        else:
            summary, item_ids = "", []
        version = previous.summary_version if previous else 0
        if previous is None or previous.summary != summary:
            version += 1
        spec = self.categorizer.specs.get(name) or CategorySpec(
            name=name, description=name.replace("_", " ")
        )
        category = Category(
            id=cid,
            user_id=user_id,
            name=name,
            description=spec.description,
            summary=summary,
            summary_version=version,
            summary_item_ids=item_ids,
            item_count=len(items),
            updated_at=max((i.updated_at for i in items), default=None),
        )
        if previous == category:
            return None
        chosen = [i for i, item in enumerate(items) if item.id in set(item_ids)]
        return category, category_vector(self.categorizer.description_vector(name), vectors[chosen])
