"""The three layers of memory: Resource (raw event) → Item (one memory) → Category (summary)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field


class MemoryType(StrEnum):
    """What kind of memory an item is (memU's types)."""

    PROFILE = "profile"
    EVENT = "event"
    KNOWLEDGE = "knowledge"
    BEHAVIOR = "behavior"
    SKILL = "skill"


#: ``archived_reason`` of an item taken out of memory on request (``forget``).
FORGOTTEN = "forgotten"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Resource(_Model):
    """One raw event as received: the ground truth every item traces back to."""

    id: str
    event_id: str
    user_id: str
    agent_id: str | None = None
    session_id: str | None = None
    role: str = "user"
    speaker: str | None = None
    content: str
    time: datetime
    kind: str = "message"


class StatedFact(_Model):
    """A single-valued fact an item states: ``subject``'s ``attribute`` is ``value``
    (canonical, for comparing; ``display`` as written). ``ends``: the item says the value
    stopped ("sold the Civic") without naming a new one."""

    subject: str
    attribute: str
    value: str
    display: str = ""
    ends: bool = False

    @property
    def key(self) -> str:
        return f"{self.subject}|{self.attribute}"


class FactChange(_Model):
    """A fact a batch superseded: ``subject``'s ``attribute`` went from ``from_`` to ``to``
    (None when the new item only ends it) at ``at``, stated by item ``item_id``."""

    model_config = ConfigDict(frozen=True, validate_by_name=True, serialize_by_alias=True)

    user_id: str
    subject: str
    attribute: str
    from_: str = Field(alias="from")
    to: str | None
    at: datetime
    item_id: str
    replaced_item_id: str


class Item(_Model):
    """One discrete memory. ``sources`` are the ids of the events it was drawn from.

    ``reinforcement`` counts the distinct events that stated it, so redelivering an event
    never inflates it. Timestamps come from event times, never the wall clock, which keeps
    memorising a batch twice byte-for-byte idempotent.
    """

    id: str
    user_id: str
    agent_id: str | None = None
    text: str
    memory_type: MemoryType
    category: str
    category_score: float = 0.0
    sources: list[str]
    happened_at: date | None = None
    created_at: datetime
    updated_at: datetime
    reinforcement: int = 1
    valid_from: datetime
    valid_to: datetime | None = None
    archived: bool = False
    #: Why an archived item left live memory: ``merged`` (a near-duplicate of
    #: ``replaced_by``), ``superseded`` (a newer fact replaced it; ``valid_to`` is set) or
    #: ``decayed`` (its salience fell below the floor), ``forgotten`` (on request) or
    #: ``refined`` (LLM mode: the model's rendition of its window, ``replaced_by``, stands
    #: in for it; None if it dropped it).
    #: Archived items are kept for lineage.
    archived_reason: str | None = None
    replaced_by: str | None = None
    #: LLM mode: the refinement run (see ``llm.refine``) that wrote the item.
    refined_in: str | None = None
    #: The single-valued facts the text states (see ``memory.facts``), for supersession.
    facts: list[StatedFact] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def fact_keys(self) -> list[str]:
        """``subject|attribute`` of each fact: indexed, so a batch finds what it may close."""
        return sorted({f.key for f in self.facts})


class CategorySpec(_Model):
    """A category definition: the name items are filed under and what belongs there."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    description: str


class SummaryVersion(_Model):
    """An earlier summary of a category, kept so a bad rewrite can be rolled back."""

    version: int
    summary: str
    summary_item_ids: list[str] = Field(default_factory=list)
    summarized_at: datetime | None = None


class Category(_Model):
    """A per-user summarised view over the items filed under one category.

    ``items_digest`` fingerprints the live items (ids, times, reinforcement);
    ``summarized_digest`` is what it was when the summary was written. When they differ
    the category is dirty: its summary waits for the next rewrite. ``summarized_at`` is
    the time of the newest item the summary covers.
    ``history`` holds the previous versions, newest first. ``discovered`` categories were
    created by self-evolution from a cluster of items, for this user only.
    """

    id: str
    user_id: str
    name: str
    description: str
    summary: str = ""
    summary_version: int = 0
    summary_item_ids: list[str] = Field(default_factory=list)
    item_count: int = 0
    updated_at: datetime | None = None
    summarized_at: datetime | None = None
    items_digest: str = ""
    summarized_digest: str = ""
    history: list[SummaryVersion] = Field(default_factory=list)
    discovered: bool = False

    @property
    def dirty(self) -> bool:
        return self.items_digest != self.summarized_digest


class ScoredItem(_Model):
    """An item returned by retrieval, with its relevance score."""

    item: Item
    score: float


class ScoredCategory(_Model):
    category: Category
    score: float


class ScoredResource(_Model):
    resource: Resource
    score: float


class RetrieveResult(_Model):
    """What a retrieval returns: the best categories, items (with sources) and raw events."""

    query: str
    method: str
    categories: list[ScoredCategory] = Field(default_factory=list)
    items: list[ScoredItem] = Field(default_factory=list)
    resources: list[ScoredResource] = Field(default_factory=list)


class UserStats(_Model):
    """Counters for one user. ``events`` is the number of events memorised so far."""

    user_id: str
    events: int
    items: int
    categories: int
    last_event_id: str | None = None


class MemorizeResult(_Model):
    """The outcome of one ``memorize`` call.

    ``items`` holds the items written (new or reinforced); ``rejected`` the invalid events,
    each with the reason, none of which left anything in the store; ``deleted`` the ids
    of events dropped per user because they are timed at or before the user's deletion.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    resources: list[Resource] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)
    new_item_ids: list[str] = Field(default_factory=list)
    reinforced_item_ids: list[str] = Field(default_factory=list)
    touched_categories: dict[str, list[str]] = Field(default_factory=dict)
    rejected: list[Any] = Field(default_factory=list)
    deleted: dict[str, list[str]] = Field(default_factory=dict)
    #: Facts this call superseded (a newer value memorised for the same subject).
    changes: list[FactChange] = Field(default_factory=list)

    @classmethod
    def merge(cls, results: list[MemorizeResult]) -> MemorizeResult:
        """One result for several ``memorize`` calls (e.g. one per user)."""
        fields: dict[str, Any] = {name: [] for name in cls.model_fields}
        fields["touched_categories"] = {}
        fields["deleted"] = {}
        for result in results:
            for name in cls.model_fields:
                value = getattr(result, name)
                if isinstance(value, dict):
                    fields[name].update(value)
                else:
                    fields[name].extend(value)
        return cls(**fields)
