"""The live items of recently refreshed categories, kept in process between batches.

Refreshing a category after a batch needs all of its live items and their vectors (count,
digest, extractive summary, vector). Scrolling them from the store for every batch costs
more as the category grows; the memorize path knows exactly which items it wrote, so it
can start from the items of the previous refresh and apply its own writes.

This is a cache, never the truth: an entry is used only while it matches what the store
says about the category (its ``items_digest``, which every refresh writes). Another
replica, an evolution job or an LLM refinement that changes the category's items also
refreshes it, which changes the stored digest, so the next batch misses and reads the
store again; after a restart everything misses once. Bounded by a number of items (LRU).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from memoryd.memory.models import Item
from memoryd.memory.ports import Vector

#: Items kept across all users' cached categories (about 2 KB each with their vector).
CACHED_ITEMS = 20_000


@dataclass(frozen=True, slots=True)
class WrittenItem:
    """An item as a batch wrote it; ``vector`` may be None for an archived item."""

    item: Item
    vector: Vector | None


@dataclass(slots=True)
class _Entry:
    items: dict[str, tuple[Item, Vector]]
    digest: str


class CategoryCache:
    """Per (user, category): the live items with their vectors as of the last refresh."""

    def __init__(self, max_items: int = CACHED_ITEMS):
        self._max_items = max_items
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(
        self, user_id: str, name: str, stored_digest: str | None, written: Sequence[WrittenItem]
    ) -> list[tuple[Item, Vector]] | None:
        """The category's live items after ``written``, if the cached ones are still what
        the store holds (their digest is ``stored_digest``); else None (read the store)."""
        with self._lock:
            entry = self._entries.pop((user_id, name), None)
            if entry is not None:
                self._size -= len(entry.items)
        if entry is None or stored_digest is None or entry.digest != stored_digest:
            self.misses += 1
            return None
        items = entry.items
        for written_item in written:
            item = written_item.item
            if item.category == name and not item.archived:
                if written_item.vector is None:
                    self.misses += 1
                    return None  # a live item without its vector: read the store
                items[item.id] = (item, written_item.vector)
            else:  # archived, or filed elsewhere: no longer one of this category's
                items.pop(item.id, None)
        self.hits += 1
        return list(items.values())

    def put(
        self, user_id: str, name: str, items: Sequence[Item], vectors: Vector, digest: str
    ) -> None:
        """Remember the category's live items as just refreshed (stored with ``digest``)."""
        if len(items) > self._max_items:
            return
        entry = _Entry({i.id: (i, v) for i, v in zip(items, vectors, strict=True)}, digest)
        with self._lock:
            old = self._entries.pop((user_id, name), None)
            self._size -= len(old.items) if old else 0
            self._entries[(user_id, name)] = entry
            self._size += len(items)
            while self._size > self._max_items:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted.items)

    def forget_user(self, user_id: str) -> None:
        """Drop every cached category of the user (a batch of theirs failed half-way)."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == user_id]:
                self._size -= len(self._entries.pop(key).items)

    def forget(self, user_id: str, names: Sequence[str]) -> None:
        with self._lock:
            for name in names:
                old = self._entries.pop((user_id, name), None)
                self._size -= len(old.items) if old else 0
