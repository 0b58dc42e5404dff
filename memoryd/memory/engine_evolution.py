"""The engine's surface for self-evolution jobs: what they read and write.

The jobs go through these methods, not through the store, so the collections and the
payload layout stay the memory package's business. ``MemoryEngine`` mixes them in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from memoryd.memory.categorize import Categorizer
from memoryd.memory.category_refresh import CategoryRefresher
from memoryd.memory.models import Category, CategorySpec, Item
from memoryd.memory.ports import Embedder, Vector, VectorPoint, VectorStore
from memoryd.memory.schema import (
    CATEGORIES,
    ITEMS,
    category_from,
    item_from,
    live_items,
    to_payload,
)


class LiveItems(NamedTuple):
    """A user's live items and their vectors (row ``i`` is ``items[i]``'s)."""

    items: list[Item]
    vectors: Vector


class EvolutionAccess:
    """Reads and writes of items and categories for the evolution jobs."""

    store: VectorStore
    embedder: Embedder
    categorizer: Categorizer
    refresher: CategoryRefresher

    @property
    def configured_categories(self) -> Mapping[str, CategorySpec]:
        """The categories of the settings (defaults or configured), by name."""
        return self.categorizer.specs

    def live_items_with_vectors(self, user_id: str) -> LiveItems:
        """The user's live items in id order, with their dense vectors as rows."""
        records = list(self.store.scroll(ITEMS, live_items(user_id), with_vectors=True))
        records.sort(key=lambda r: r.id)
        vectors = (
            np.asarray([r.vector for r in records], dtype=np.float32)
            if records
            else np.zeros((0, self.embedder.dim), dtype=np.float32)
        )
        return LiveItems([item_from(r) for r in records], vectors)

    def write_item(self, item: Item) -> None:
        """Rewrite an item's payload (its vector stays)."""
        self.store.set_payload(ITEMS, [item.id], to_payload(item))

    def archive_item(self, item: Item, reason: str, *, replaced_by: str | None = None) -> None:
        """Take an item out of live memory, keeping it with the reason (nothing is deleted)."""
        update: dict[str, object] = {"archived": True, "archived_reason": reason}
        if replaced_by is not None:
            update["replaced_by"] = replaced_by
        self.write_item(item.model_copy(update=update))

    def refile_item(self, item_id: str, category: str, score: float) -> None:
        """File an item under another category."""
        self.store.set_payload(ITEMS, [item_id], {"category": category, "category_score": score})

    def category_vectors(self, categories: Sequence[Category]) -> list[tuple[str, Vector]]:
        """The stored vector of each category that has one, by name."""
        records = self.store.get(CATEGORIES, [c.id for c in categories], with_vectors=True)
        return [(category_from(r).name, np.asarray(r.vector, dtype=np.float32)) for r in records]

    def create_category(self, category: Category, vector: Vector) -> None:
        point = VectorPoint(category.id, vector.tolist(), to_payload(category))
        self.store.upsert(CATEGORIES, [point])

    def refresh_categories(
        self, user_id: str, names: Sequence[str], *, force: bool = False
    ) -> list[Category]:
        """Bring the named categories in line with their items (summary, count, vector);
        ``force`` rewrites dirty summaries the rate limit held back. Returns the updated."""
        return self.refresher.refresh(user_id, names, force=force)

