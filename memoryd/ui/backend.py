"""What the inspector needs from the daemon, and from the API's authentication.

Protocols, not imports: the inspector sits below the daemon and must not import it; the
daemon's object and its token registry satisfy these structurally.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from memoryd.events import ContextSnapshot
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Category, Item, UserStats
from memoryd.schedulers.jobs import JobName
from memoryd.schedulers.runs import RunReport


class InspectorBackend(Protocol):
    """The daemon as the inspector sees it (a subset of the HTTP API's backend)."""

    @property
    def engine(self) -> MemoryEngine: ...

    async def latest_snapshot(self, user_id: str) -> ContextSnapshot | None: ...

    async def delete_user(self, user_id: str) -> UserStats: ...

    async def evolve(self, user_id: str | None, jobs: Sequence[JobName]) -> list[RunReport]: ...

    async def rollback_summary(self, user_id: str, category: str, version: int) -> Category: ...

    async def forget_item(self, user_id: str, item_id: str) -> Item:
        """Archive one item as ``forgotten``; ``LookupError`` if the user has no such item."""
        ...

    def recent_runs(self, user_id: str) -> list[RunReport]:
        """The user's last self-evolution runs on this replica, newest first."""
        ...


class Scope(Protocol):
    """What a token may reach (the API's ``TokenScope``)."""

    @property
    def name(self) -> str: ...

    @property
    def admin(self) -> bool: ...

    def allows(self, user_id: str) -> bool: ...


#: A presented token → its scope, or ``None`` for an unknown token
#: (the API's ``TokenRegistry.scope_for``).
ScopeResolver = Callable[[str], Scope | None]


class OpenScope:
    """The scope of every request when the API has no token configured: everything."""

    name = "open"
    admin = True

    def allows(self, user_id: str) -> bool:
        return True
