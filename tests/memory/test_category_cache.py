"""The category cache is a cache: categories refreshed from it are the ones a refresh
from the store would write, and a change made elsewhere (another replica, an evolution
job) is seen by the next batch."""

from __future__ import annotations

from typing import Any

import pytest

from memoryd.errors import TransientError
from memoryd.memory.category_cache import CategoryCache
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.ports import Filter
from memoryd.memory.schema import CATEGORIES
from memoryd.memory.settings import MemorySettings
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore
from tests.memory.test_engine import event

TURNS = [
    "I moved to Lisbon last week. I love the food there.",
    "My sister Anna is a nurse in Berlin.",
    "I go running every morning before work.",
    "I started learning the guitar in March.",
    "My favourite food is ramen, I eat it every Friday.",
    "I work as a nurse at the city hospital.",
    "Anna visited me in Lisbon and we went hiking.",
    "I moved to Porto last month.",
    "I love jazz and I play the guitar every evening.",
]


def _engine(store: InMemoryStore, *, cached: bool) -> MemoryEngine:
    engine = MemoryEngine(store, HashEmbedder(), settings=MemorySettings(lexical=False))
    if not cached:
        engine.refresher.cache = CategoryCache(max_items=0)
    return engine


def _categories(store: InMemoryStore) -> list[tuple[Any, ...]]:
    fields = ("name", "summary", "item_count", "items_digest")
    records = store.scroll(CATEGORIES, Filter(must={"user_id": "u-1"}))
    return sorted(tuple(r.payload[f] for f in fields) for r in records)


def _feed(engine: MemoryEngine, size: int) -> None:
    events = [
        event(f"e{i}", text, time=f"2023-05-{i + 1:02d}T10:00:00Z") for i, text in enumerate(TURNS)
    ]
    for start in range(0, len(events), size):
        engine.memorize(events[start : start + size])


def test_categories_from_the_cache_are_those_read_from_the_store() -> None:
    # Given the same turns memorised with and without the cache, in batches of two
    cached, uncached = InMemoryStore(), InMemoryStore()
    engine = _engine(cached, cached=True)
    _feed(engine, 2)
    _feed(_engine(uncached, cached=False), 2)
    # Then the categories are the same, and later batches were served by the cache
    assert _categories(cached) == _categories(uncached)
    assert engine.refresher.cache.hits > 0


def test_a_change_made_elsewhere_is_seen_by_the_next_batch() -> None:
    # Given a user's memory built by one engine (its cache warm)
    store = InMemoryStore()
    engine = _engine(store, cached=True)
    _feed(engine, 3)
    # When another engine on the same store (another replica) forgets an item
    other = _engine(store, cached=True)
    item = other.items("u-1")[0]
    other.forget_item("u-1", item.id)
    # and the first engine refreshes that category after a batch that wrote nothing to it
    misses = engine.refresher.cache.misses
    (category,) = engine.refresher.refresh("u-1", [item.category], written=[]) or [
        c for c in engine.categories("u-1") if c.name == item.category
    ]
    # Then it reads the store again: the forgotten item is neither counted nor summarised
    assert engine.refresher.cache.misses == misses + 1
    assert category.item_count == len(engine.items("u-1", category=item.category))
    assert item.id not in category.summary_item_ids


class _FailingResources(InMemoryStore):
    """Fails the first write of resources: a batch's items are stored, its categories are
    not refreshed, and the event is not marked done."""

    failed = False

    def upsert(self, collection: str, points: Any) -> None:
        if collection == "resources" and not self.failed:
            self.failed = True
            raise TransientError("resources unavailable")
        super().upsert(collection, points)


def test_a_batch_retried_after_failing_half_way_leaves_the_categories_right() -> None:
    # Given a warm cache, and a store that fails the next batch after writing its items
    store = _FailingResources()
    store.failed = True
    engine = _engine(store, cached=True)
    _feed(engine, 3)
    store.failed = False
    late = [event("e-late", "I adopted a dog called Rex.", time="2023-06-01T10:00:00Z")]
    with pytest.raises(TransientError):
        engine.memorize(late)
    # When the batch is redelivered and memorised
    engine.memorize(late)
    # Then every category counts the live items the store holds
    for category in engine.categories("u-1"):
        assert category.item_count == len(engine.items("u-1", category=category.name))
