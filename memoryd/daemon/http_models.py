"""Request and response schemas of the HTTP API (they make up its OpenAPI document)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from memoryd.events import MAX_ID_LENGTH
from memoryd.memory.models import Category, Item, RetrieveResult, UserStats
from memoryd.schedulers.jobs import JobName
from memoryd.schedulers.runs import RunReport

MAX_TOP_K = 100


class RejectedEvent(BaseModel):
    """One event of a request that was not accepted. ``index`` is its position in the body."""

    index: int
    id: str | None = None
    field: str | None = None
    reason: str


class EventsAccepted(BaseModel):
    """Answer to ``POST /v1/events?wait=false``: the events were handed to the transport."""

    accepted: list[str]
    rejected: list[RejectedEvent] = Field(default_factory=list)


class EventsMemorized(EventsAccepted):
    """Answer to ``POST /v1/events`` (``wait=true``): the events are in memory already."""

    items_written: int
    touched_categories: dict[str, list[str]] = Field(default_factory=dict)


class EventsRejected(BaseModel):
    """Answer when no event of a request was valid (422)."""

    detail: str
    rejected: list[RejectedEvent]


class RetrieveRequest(BaseModel):
    """Body of ``POST /v1/retrieve``. Unknown fields are refused so typos don't go unseen."""

    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, max_length=MAX_ID_LENGTH)
    query: str = Field(min_length=1)
    top_k: int = Field(10, ge=1, le=MAX_TOP_K)
    method: Literal["rag", "llm"] = "rag"
    agent_id: str | None = Field(default=None, max_length=MAX_ID_LENGTH)
    context: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="recent turns; with method llm the query is rewritten from them",
    )
    include_history: bool = Field(
        False,
        description="also search archived items (superseded and decayed), ranked lower; "
        "a superseded item carries valid_to",
    )


class RetrievedItem(BaseModel):
    id: str
    text: str
    category: str
    memory_type: str
    score: float
    sources: list[str]
    happened_at: date | None = None
    reinforcement: int
    valid_from: datetime
    valid_to: datetime | None = None
    archived: bool = False


class RetrievedCategory(BaseModel):
    name: str
    summary: str
    summary_version: int
    item_count: int
    score: float


class RetrievedResource(BaseModel):
    id: str
    event_id: str
    content: str
    speaker: str | None = None
    role: str
    session_id: str | None = None
    agent_id: str | None = None
    time: datetime
    score: float


class RetrieveResponse(BaseModel):
    """The user's relevant memory: items (each with its source event ids), categories, events."""

    query: str
    method: str
    items: list[RetrievedItem]
    categories: list[RetrievedCategory]
    resources: list[RetrievedResource]


def retrieve_response(result: RetrieveResult) -> RetrieveResponse:
    """Flatten the engine's scored models into the wire shape."""
    return RetrieveResponse(
        query=result.query,
        method=result.method,
        items=[RetrievedItem(**hit.item.model_dump(), score=hit.score) for hit in result.items],
        categories=[
            RetrievedCategory(**hit.category.model_dump(), score=hit.score)
            for hit in result.categories
        ],
        resources=[
            RetrievedResource(**hit.resource.model_dump(), score=hit.score)
            for hit in result.resources
        ],
    )


class UserCategories(BaseModel):
    user_id: str
    categories: list[Category]


class UserItems(BaseModel):
    user_id: str
    items: list[Item]


class ItemForgotten(BaseModel):
    """The item as it is now: archived, ``archived_reason`` = ``forgotten``."""

    user_id: str
    item: Item


class UserStatsResponse(BaseModel):
    """``events`` counts the events memorised so far."""

    events: int
    items: int
    categories: int
    last_event_id: str | None = None

    @classmethod
    def of(cls, stats: UserStats) -> UserStatsResponse:
        return cls(**stats.model_dump(exclude={"user_id"}))


class DeletedCounts(BaseModel):
    events: int
    items: int
    categories: int


class UserDeleted(BaseModel):
    """What ``DELETE /v1/users/{user_id}`` removed (zeros for an unknown user)."""

    user_id: str
    deleted: DeletedCounts


class Readiness(BaseModel):
    ready: bool
    components: dict[str, bool]


class ErrorBody(BaseModel):
    detail: str


class EvolveRequest(BaseModel):
    """Body of the evolve routes: one ``job``, several ``jobs``, or neither for all the
    enabled ones."""

    model_config = ConfigDict(extra="forbid")

    job: JobName | None = None
    jobs: list[JobName] = Field(default_factory=list)

    def chosen(self) -> list[JobName]:
        return [*([self.job] if self.job else []), *self.jobs]


class EvolveResponse(BaseModel):
    """What the runs did: one report per job and user, with the ids they changed."""

    runs: list[RunReport]
    changed: int = Field(description="runs that changed memory")


class RollbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="a kept summary version (see the category history)")
