"""What every self-evolution job shares: its name, what it reports, what it is given.

Every write is a pure function of what the store holds and the run's inputs (never the
wall clock), so running a job again, or finishing a run a crash interrupted, leaves the
same memory as one clean run. Nothing is deleted: items leave live memory archived, with
the reason and what replaced them. Jobs read and write through :class:`MemoryEngine`'s
evolution methods, never through the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Item
from memoryd.memory.ports import CategoryNamer
from memoryd.schedulers.settings import EvolutionSettings

JobName = Literal["consolidate", "decay", "discover", "resummarize"]
#: The order a full run takes: structure first, summaries of the result last.
JOBS: tuple[JobName, ...] = ("consolidate", "decay", "discover", "resummarize")


class JobChanges(BaseModel):
    """What one job changed for one user (ids of items, names of categories)."""

    merged: list[str] = Field(default_factory=list, description="items merged into another")
    superseded: list[str] = Field(default_factory=list, description="items a newer one replaces")
    archived: list[str] = Field(default_factory=list, description="items archived by decay")
    categories_created: list[str] = Field(default_factory=list)
    refiled: list[str] = Field(default_factory=list, description="items moved to a category")
    summaries_rewritten: list[str] = Field(default_factory=list, description="category names")

    @property
    def changed(self) -> bool:
        return any(getattr(self, name) for name in type(self).model_fields)


@dataclass(frozen=True)
class JobContext:
    """What a job runs with: the engine, the evolution settings, the category namer."""

    engine: MemoryEngine
    settings: EvolutionSettings
    namer: CategoryNamer


#: One job for one user; the caller holds the user's lock.
Job = Callable[[JobContext, str], JobChanges]


def refresh_all(engine: MemoryEngine, user_id: str, touched: set[str]) -> None:
    """Bring every category of the user in line with its items (unchanged ones are not
    rewritten). All of them, not only those this run touched: a run a crash cut short
    touched some the rerun does not, and their summaries must still follow."""
    names = {c.name for c in engine.categories(user_id)} | touched
    engine.refresh_categories(user_id, sorted(names))


def age_key(item: Item) -> tuple[datetime, datetime, str]:
    """Oldest first: the order merging and clustering go in, so both are deterministic."""
    return (item.valid_from, item.created_at, item.id)
