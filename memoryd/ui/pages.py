"""What each page shows, read from the memory engine (synchronous: run it off the loop).

The inspector reads through the engine's public methods only, the ones the HTTP API
serves from, so what it shows is what the API would answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Category, Item, MemoryType, Resource, UserStats
from memoryd.ui.lineage import FactStep, Segment, superseded_timeline, word_diff

State = Literal["live", "archived", "all"]
#: Items listed at most on a page (the filters narrow it down).
ITEM_PAGE = 300
#: Users listed at most on the users page (search narrows it down).
USER_PAGE = 200


@dataclass(frozen=True)
class UserRow:
    user_id: str
    stats: UserStats


def user_rows(engine: MemoryEngine, user_ids: Sequence[str]) -> list[UserRow]:
    return [UserRow(u, engine.stats(u)) for u in user_ids[:USER_PAGE]]


@dataclass(frozen=True)
class SummaryVersionView:
    """One version of a category summary, with what changed from the version before."""

    version: int
    summary: str
    current: bool
    diff: list[Segment] | None  # None for the oldest version kept


@dataclass(frozen=True)
class CategoryView:
    category: Category
    versions: list[SummaryVersionView]  # newest first

    @property
    def earlier(self) -> list[SummaryVersionView]:
        return [v for v in self.versions if not v.current]


def category_view(category: Category) -> CategoryView:
    kept = [(category.summary_version, category.summary)] + [
        (v.version, v.summary) for v in category.history
    ]
    versions = []
    for index, (version, summary) in enumerate(kept):
        older = kept[index + 1][1] if index + 1 < len(kept) else None
        versions.append(
            SummaryVersionView(
                version,
                summary,
                current=index == 0,
                diff=word_diff(older, summary) if older is not None else None,
            )
        )
    return CategoryView(category, versions)


@dataclass(frozen=True)
class ItemView:
    item: Item
    sources: list[Resource]
    score: float | None = None

    @property
    def state(self) -> str:
        """``live``, or why the item left live memory (``superseded``, ``forgotten``, …)."""
        if not self.item.archived:
            return "live"
        return self.item.archived_reason or "archived"


@dataclass(frozen=True)
class ItemFilter:
    category: str = ""
    memory_type: str = ""
    state: State = "live"

    def keeps(self, item: Item) -> bool:
        if self.category and item.category != self.category:
            return False
        if self.memory_type and item.memory_type != self.memory_type:
            return False
        return self.state == "all" or item.archived == (self.state == "archived")


@dataclass(frozen=True)
class UserPage:
    user_id: str
    stats: UserStats
    categories: list[CategoryView]
    items: list[ItemView]
    matching: int  # items the filter keeps (``items`` holds at most ITEM_PAGE of them)
    timeline: list[FactStep]
    category_names: list[str]
    memory_types: list[str] = field(default_factory=lambda: [t.value for t in MemoryType])
    query: str = ""
    hits: list[ItemView] = field(default_factory=list)


def user_page(
    engine: MemoryEngine, user_id: str, chosen: ItemFilter, query: str = "", top_k: int = 10
) -> UserPage:
    every = engine.item_history(user_id)
    kept = [item for item in every if chosen.keeps(item)]
    shown = kept[:ITEM_PAGE]
    hits: list[tuple[Item, float]] = []
    if query:
        result = engine.retrieve(user_id, query, top_k, items_only=True)
        hits = [(hit.item, hit.score) for hit in result.items]
    events = _events(engine, user_id, [*shown, *(item for item, _ in hits)])
    categories = engine.categories(user_id)
    return UserPage(
        user_id=user_id,
        stats=engine.stats(user_id),
        categories=[category_view(c) for c in categories],
        items=[_view(item, events) for item in shown],
        matching=len(kept),
        timeline=superseded_timeline(every),
        category_names=sorted({c.name for c in categories} | {i.category for i in every}),
        query=query,
        hits=[_view(item, events, score) for item, score in hits],
    )


def _events(engine: MemoryEngine, user_id: str, items: Sequence[Item]) -> dict[str, Resource]:
    wanted = [event_id for item in items for event_id in item.sources]
    return {r.event_id: r for r in engine.resources(user_id, wanted)}


def _view(item: Item, events: dict[str, Resource], score: float | None = None) -> ItemView:
    return ItemView(item, [events[e] for e in item.sources if e in events], score)


@dataclass(frozen=True)
class EventPage:
    user_id: str
    event: Resource
    items: list[ItemView]  # every item drawn from the event, archived ones too


def event_page(engine: MemoryEngine, user_id: str, event_id: str) -> EventPage | None:
    found = engine.resources(user_id, [event_id])
    if not found:
        return None
    event = found[0]
    drawn = [i for i in engine.item_history(user_id) if event_id in i.sources]
    return EventPage(user_id, event, [ItemView(i, [event]) for i in drawn])
