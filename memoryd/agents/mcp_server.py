"""memoryd as an MCP server (the official ``mcp`` SDK): tools, resources, subscriptions.

The same server runs inside the daemon at ``/mcp`` (streamable HTTP) and in ``memoryd mcp``
over stdio; only the :class:`~memoryd.agents.ports.AgentBackend` differs. Every tool,
resource and subscription checks the user against the scope of the session's token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import uuid4

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.resources.templates import ResourceSecurity
from mcp_types import ToolAnnotations
from pydantic import Field

import memoryd
from memoryd.agents.models import Forgotten, Recall, Remembered
from memoryd.agents.ports import AgentBackend, ForbiddenUserError, OpenScope, UserScope
from memoryd.agents.subscriptions import ContextSubscriptions, install_subscriptions
from memoryd.agents.uris import CATEGORY_TEMPLATE, CONTEXT_TEMPLATE
from memoryd.errors import InvalidEventError, MemorydError
from memoryd.events import ContextSnapshot, Event, parse_event

#: The scope of the token behind a request (the transport's request object; ``None``
#: over stdio, where the daemon's API checks the token).
ScopeResolver = Callable[[Any], UserScope]

INSTRUCTIONS = """\
memoryd is the user's long-term memory, built from their conversations and kept current.
Call get_context at the start of a conversation (or read and subscribe to the resource
memoryd://users/{user_id}/context): it holds the user's profile summaries and the memories
most relevant right now. Call recall to look something up; remember to store something the
user said that is worth keeping; forget when the user asks you to forget something."""

UserId = Annotated[str, Field(min_length=1, max_length=512, description="the user's id")]


def _open(_request: Any) -> UserScope:
    return OpenScope()


def build_mcp_server(
    backend: AgentBackend, *, scope_of: ScopeResolver = _open
) -> tuple[MCPServer, ContextSubscriptions]:
    """The MCP server over ``backend``, and its resource subscriptions (to close)."""
    server = MCPServer(
        name="memoryd",
        title="memoryd — long-term memory",
        version=memoryd.__version__,
        instructions=INSTRUCTIONS,
        # User ids are opaque: they may hold "/" or ".."; the template extracts them and
        # every handler checks them against the token's scope.
        resource_security=ResourceSecurity(exempt_params={"user_id", "name"}),
    )

    def check(ctx: Context, user_id: str) -> None:
        if not scope_of(ctx.request_context.request).allows(user_id):
            raise ForbiddenUserError(user_id)

    _add_read_tools(server, backend, check)
    _add_write_tools(server, backend, check)
    _add_resources(server, backend, check)
    subscriptions = ContextSubscriptions(backend, scope_of)
    install_subscriptions(server, subscriptions)
    return server, subscriptions


Check = Callable[[Context, str], None]


def _add_read_tools(server: MCPServer, backend: AgentBackend, check: Check) -> None:
    @server.tool(annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False))
    async def recall(
        user_id: UserId,
        query: Annotated[str, Field(min_length=1, description="what to look up, in words")],
        ctx: Context,
        top_k: Annotated[int, Field(ge=1, le=100)] = 10,
        include_history: bool = False,
    ) -> Recall:
        """Search the user's long-term memory for what is relevant to `query`.

        Returns memories (best first) with the ids of the conversation events each was
        drawn from (`sources`), when each became true (`valid_from`) and, for facts that
        are no longer true, when they stopped (`valid_to`); the matching category
        summaries; and the source events themselves. Set include_history=true to also see
        facts that were true once (e.g. a previous address), ranked lower.
        Use it when the answer may lie in what the user said before.
        """
        _guard(check, ctx, user_id)
        with _tool_errors():
            return await backend.recall(user_id, query, top_k, include_history)

    @server.tool(annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False))
    async def get_context(user_id: UserId, ctx: Context) -> ContextSnapshot | None:
        """The user's current context snapshot: category summaries (profile, preferences,
        relationships, work, ...) and the memories most relevant to the ongoing
        conversation, within a token budget. `version` grows with every update;
        `trigger.event_ids` names the events that caused it. Call it when a conversation
        starts; null if nothing was memorised for the user yet."""
        _guard(check, ctx, user_id)
        with _tool_errors():
            return await backend.context(user_id)


def _add_write_tools(server: MCPServer, backend: AgentBackend, check: Check) -> None:
    @server.tool(annotations=ToolAnnotations(read_only_hint=False, idempotent_hint=False))
    async def remember(
        user_id: UserId,
        content: Annotated[str, Field(min_length=1, description="what was said, verbatim")],
        ctx: Context,
        speaker: Annotated[
            str | None, Field(description="who said it, e.g. the user's name")
        ] = None,
        session_id: str | None = None,
        time: Annotated[
            datetime | None, Field(description="when it was said (ISO 8601); default now")
        ] = None,
        wait: Annotated[
            bool, Field(description="memorise before returning instead of queueing")
        ] = False,
    ) -> Remembered:
        """Store something the user said so it is remembered in later conversations.

        Pass the user's own words (one message), not a summary: memoryd extracts the facts,
        preferences and events itself, files them, and supersedes facts that changed.
        The event goes through the broker like every other event and is memorised within
        moments; a new context snapshot follows. Returns the event id (it appears in the
        `sources` of what is extracted from it).
        """
        _guard(check, ctx, user_id)
        raw: dict[str, Any] = {
            "id": f"mcp-{uuid4()}",
            "user_id": user_id,
            "content": content,
            "time": (time or datetime.now(UTC)).isoformat(),
            "metadata": {"via": "mcp"},
        }
        if speaker:
            raw["speaker"] = speaker
        if session_id:
            raw["session_id"] = session_id
        try:
            event: Event = parse_event(raw)
        except InvalidEventError as exc:
            raise ToolError(f"invalid event: {exc}") from None
        with _tool_errors():
            return await backend.remember(event, wait=wait)

    @server.tool(annotations=ToolAnnotations(destructive_hint=True, idempotent_hint=True))
    async def forget(
        user_id: UserId,
        item_id: Annotated[str, Field(description="the `id` of a memory from recall/context")],
        ctx: Context,
    ) -> Forgotten:
        """Forget one memory of the user, by the id recall or get_context gave for it.

        Use it when the user asks you to forget something, or says a memory is wrong.
        The memory leaves retrieval and the context snapshots at once (it is archived,
        not erased, so its lineage stays auditable). Forgetting twice is harmless.
        """
        _guard(check, ctx, user_id)
        with _tool_errors():
            return await backend.forget(user_id, item_id)


def _add_resources(server: MCPServer, backend: AgentBackend, check: Check) -> None:
    @server.resource(
        CONTEXT_TEMPLATE,
        name="context",
        title="A user's context snapshot",
        description="The latest context snapshot of the user (JSON). Subscribe to it: "
        "notifications/resources/updated follows every new version.",
        mime_type="application/json",
    )
    async def context(user_id: str, ctx: Context) -> str:
        _guard_resource(check, ctx, user_id)
        with _resource_errors():
            snapshot = await backend.context(user_id)
        if snapshot is None:
            raise ResourceError(f"no snapshot has been published for user {user_id!r} yet")
        return snapshot.model_dump_json()

    @server.resource(
        CATEGORY_TEMPLATE,
        name="category",
        title="One category of a user's memory",
        description="A category's summary, version and item count (JSON).",
        mime_type="application/json",
    )
    async def category(user_id: str, name: str, ctx: Context) -> str:
        _guard_resource(check, ctx, user_id)
        with _resource_errors():
            categories = await backend.categories(user_id)
        for found in categories:
            if found.name == name:
                return found.model_dump_json(include=_CATEGORY_FIELDS)
        raise ResourceError(f"user {user_id!r} has no category {name!r}")


_CATEGORY_FIELDS = {"name", "description", "summary", "summary_version", "item_count", "updated_at"}


def _guard(check: Check, ctx: Context, user_id: str) -> None:
    try:
        check(ctx, user_id)
    except ForbiddenUserError as exc:
        raise ToolError(str(exc)) from None


def _guard_resource(check: Check, ctx: Context, user_id: str) -> None:
    try:
        check(ctx, user_id)
    except ForbiddenUserError as exc:
        raise ResourceError(str(exc)) from None


@contextmanager
def _tool_errors() -> Iterator[None]:
    """What the model should read instead of a bare "error executing tool": the refusal,
    the unknown id, the size limit (a tool error, not a protocol error)."""
    try:
        yield
    except LookupError as exc:
        raise ToolError(f"404 not found: {exc}") from None
    except (PermissionError, MemorydError, ValueError) as exc:
        raise ToolError(str(exc)) from None


@contextmanager
def _resource_errors() -> Iterator[None]:
    try:
        yield
    except (LookupError, PermissionError, MemorydError, ValueError) as exc:
        raise ResourceError(str(exc)) from None
