"""What the HTTP API needs from the running daemon (so the API is testable on its own)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from memoryd.events import ContextSnapshot, Event
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Category, Item, MemorizeResult, UserStats
from memoryd.schedulers.jobs import JobName
from memoryd.schedulers.runs import RunReport
from memoryd.telemetry.metrics import Metrics


class ApiBackend(Protocol):
    """The daemon as the HTTP API sees it."""

    @property
    def engine(self) -> MemoryEngine: ...

    @property
    def metrics(self) -> Metrics: ...

    async def memorize_now(self, events: Sequence[Event]) -> MemorizeResult:
        """Memorise synchronously (off the event loop), then schedule the users' snapshots."""
        ...

    async def enqueue(self, events: Sequence[Event]) -> None:
        """Publish events to the transport; the consumer memorises them."""
        ...

    async def latest_snapshot(self, user_id: str) -> ContextSnapshot | None:
        """The last snapshot published for the user, or ``None`` if there is none yet."""
        ...

    async def delete_user(self, user_id: str) -> UserStats:
        """Delete the user's memory (cascade) and daemon state, with no batch of theirs in
        flight meanwhile; return what was there."""
        ...

    async def forget_item(self, user_id: str, item_id: str) -> Item:
        """Archive one item as ``forgotten`` (idempotent) and schedule a snapshot without
        it; raises ``LookupError`` when the user has no such item."""
        ...

    async def evolve(self, user_id: str | None, jobs: Sequence[JobName]) -> list[RunReport]:
        """Run self-evolution now for one user (or every user owned here); raises
        :class:`~memoryd.errors.NotOwnedError` for a user owned elsewhere."""
        ...

    async def rollback_summary(self, user_id: str, category: str, version: int) -> Category:
        """Restore a kept summary version as the category's current one (raises
        ``LookupError`` for an unknown category or version, and
        :class:`~memoryd.errors.NotOwnedError` for a user owned elsewhere)."""
        ...

    async def readiness(self) -> dict[str, bool]:
        """Component → reachable (e.g. ``{"broker": True, "store": True}``)."""
        ...
