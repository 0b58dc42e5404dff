"""What the agent-facing tools return: compact, JSON-ready, lineage kept."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from memoryd.memory.models import RetrieveResult


class RecalledItem(BaseModel):
    """One memory and where it came from (``sources``: the ids of its events)."""

    id: str
    text: str
    category: str
    memory_type: str
    score: float
    sources: list[str]
    happened_at: date | None = None
    valid_from: datetime
    valid_to: datetime | None = Field(None, description="set once a newer fact replaced it")
    archived: bool = False


class RecalledCategory(BaseModel):
    name: str
    summary: str
    score: float


class RecalledEvent(BaseModel):
    """A source event of a recalled item, as it was received."""

    event_id: str
    content: str
    speaker: str | None = None
    session_id: str | None = None
    time: datetime


class Recall(BaseModel):
    """The memory relevant to a query: items (best first), category summaries, and the
    events the items were drawn from."""

    items: list[RecalledItem]
    categories: list[RecalledCategory]
    events: list[RecalledEvent] = Field(default_factory=list)

    @classmethod
    def of(cls, result: RetrieveResult) -> Recall:
        return cls(
            items=[RecalledItem(**hit.item.model_dump(), score=hit.score) for hit in result.items],
            categories=[
                RecalledCategory(**hit.category.model_dump(), score=hit.score)
                for hit in result.categories
            ],
            events=[RecalledEvent(**hit.resource.model_dump()) for hit in result.resources],
        )


class Remembered(BaseModel):
    """What ``remember`` did with the event: ``queued`` on the broker (memorised by the
    consumer shortly) or ``memorized`` already."""

    event_id: str
    user_id: str
    status: Literal["queued", "memorized"]


class Forgotten(BaseModel):
    user_id: str
    item_id: str
    text: str
    archived_reason: str | None
