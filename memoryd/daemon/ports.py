"""What the HTTP API needs from the running daemon (so the API is testable on its own)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from memoryd.daemon.metrics import Metrics
from memoryd.events import ContextSnapshot, Event
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import MemorizeResult, UserStats


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

    async def readiness(self) -> dict[str, bool]:
        """Component → reachable (e.g. ``{"broker": True, "store": True}``)."""
        ...
