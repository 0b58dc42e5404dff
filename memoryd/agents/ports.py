"""What the MCP server and the SSE stream need: an :class:`AgentBackend`, and the scope of
the token a session authenticated with (:class:`UserScope`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from memoryd.agents.models import Forgotten, Recall, Remembered
from memoryd.events import ContextSnapshot, Event
from memoryd.memory.models import Category


class UserScope(Protocol):
    """The users a token may reach (``memoryd.daemon.auth.TokenScope`` is one)."""

    @property
    def name(self) -> str: ...

    def allows(self, user_id: str) -> bool: ...


class OpenScope:
    """Every user: no authentication here (``memoryd mcp`` over stdio, where the daemon's
    API checks the token it is given)."""

    name = "open"

    def allows(self, user_id: str) -> bool:
        return True


class ForbiddenUserError(PermissionError):
    """The session's token may not access this user (HTTP 403)."""

    def __init__(self, user_id: str) -> None:
        super().__init__(f"403 forbidden: this token may not access user {user_id!r}")
        self.user_id = user_id


class AgentBackend(Protocol):
    """Memory as an agent host uses it."""

    async def recall(
        self, user_id: str, query: str, top_k: int, include_history: bool
    ) -> Recall: ...

    async def remember(self, event: Event, *, wait: bool) -> Remembered: ...

    async def context(self, user_id: str) -> ContextSnapshot | None:
        """The latest snapshot published for the user (None before the first)."""
        ...

    async def forget(self, user_id: str, item_id: str) -> Forgotten:
        """Archive one item as forgotten; ``LookupError`` if the user has no such item."""
        ...

    async def categories(self, user_id: str) -> list[Category]: ...

    def watch(self, user_id: str) -> AbstractAsyncContextManager[AsyncIterator[ContextSnapshot]]:
        """The user's snapshots from now on, each version once, in order (the current one
        first, when there is one)."""
        ...
