"""Keeps each touched category's summary, item count and vector in step with its items."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from memoryd.memory import ids
from memoryd.memory.models import Category, CategorySpec, Item
from memoryd.memory.ports import Embedder, VectorPoint, VectorStore
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


def category_text(category: Category) -> str:
    """What a category's vector embeds: its purpose and what it currently says."""
    head = f"{category.name.replace('_', ' ')}: {category.description}"
    return f"{head}\n{category.summary}" if category.summary else head


class CategoryRefresher:
    """Recomputes extractive summaries for the categories a batch touched."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        specs: dict[str, CategorySpec],
        settings: MemorySettings,
    ):
        self.store = store
        self.embedder = embedder
        self.specs = specs
        self.settings = settings

    def refresh(self, user_id: str, names: Sequence[str]) -> list[Category]:
        """Rewrite the named categories; ``summary_version`` moves only if the summary did."""
        updated: list[Category] = []
        for name in names:
            category = self._recompute(user_id, name)
            if category is not None:
                updated.append(category)
        if updated:
            vectors = self.embedder.embed([category_text(c) for c in updated])
            self.store.upsert(
                CATEGORIES,
                [
                    VectorPoint(c.id, v.tolist(), to_payload(c))
                    for c, v in zip(updated, vectors, strict=True)
                ],
            )
        return updated

    def _recompute(self, user_id: str, name: str) -> Category | None:
        records = list(
            self.store.scroll(ITEMS, live_items(user_id, category=name), with_vectors=True)
        )
        items: list[Item] = [item_from(r) for r in records]
        cid = ids.category_id(user_id, name)
        existing = self.store.get(CATEGORIES, [cid])
        previous = category_from(existing[0]) if existing else None
        if items:
            vectors = np.asarray([r.vector for r in records], dtype=np.float32)
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
        spec = self.specs.get(name) or CategorySpec(name=name, description=name.replace("_", " "))
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
        return None if previous == category else category
