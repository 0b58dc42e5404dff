"""``resources/subscribe``: a session subscribed to a user's resource gets
``notifications/resources/updated`` for every new snapshot version of that user.

This is the handshake-era (2025) subscription the MCP hosts of today speak. The SDK's
``MCPServer`` serves only the 2026 ``subscriptions/listen``, so the two methods are
registered on its lowlevel server, as the SDK documents for spec methods an extension
may not bind.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from mcp.server.context import ServerRequestContext
from mcp.server.session import ServerSession
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, EmptyResult, SubscribeRequestParams, UnsubscribeRequestParams

from memoryd.agents.ports import AgentBackend, ForbiddenUserError
from memoryd.agents.uris import user_of
from memoryd.agents.watch import WatchLostError

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

    from memoryd.agents.mcp_server import ScopeResolver

log = logging.getLogger(__name__)

#: JSON-RPC error code of a user outside the token's scope (the HTTP API's 403).
FORBIDDEN = -32003
#: How often an idle subscription checks that its session still listens.
_PING_SECONDS = 30.0
_SESSION_HEADER = "mcp-session-id"


class ContextSubscriptions:
    """The resource subscriptions of every session of one server."""

    def __init__(self, backend: AgentBackend, scope_of: ScopeResolver) -> None:
        self._backend = backend
        self._scope_of = scope_of
        self._tasks: dict[tuple[str, str], asyncio.Task[None]] = {}

    @property
    def active(self) -> int:
        return len(self._tasks)

    async def subscribe(
        self, ctx: ServerRequestContext[Any, Any], params: SubscribeRequestParams
    ) -> EmptyResult:
        user_id = user_of(params.uri)
        if user_id is None:
            raise MCPError(INVALID_PARAMS, f"not a memoryd resource: {params.uri}")
        if not self._scope_of(ctx.request).allows(user_id):
            raise MCPError(FORBIDDEN, str(ForbiddenUserError(user_id)))
        key = (_session_key(ctx), params.uri)
        if key in self._tasks:
            return EmptyResult()
        # What the subscriber can read now: only versions after it are news.
        current = await self._backend.context(user_id)
        seen = current.version if current is not None else None
        task = asyncio.create_task(self._forward(ctx.session, params.uri, user_id, seen))
        self._tasks[key] = task
        task.add_done_callback(lambda _t: self._tasks.pop(key, None))
        log.info("context subscription", extra={"user_id": user_id})
        return EmptyResult()

    async def unsubscribe(
        self, ctx: ServerRequestContext[Any, Any], params: UnsubscribeRequestParams
    ) -> EmptyResult:
        task = self._tasks.pop((_session_key(ctx), params.uri), None)
        if task is not None:
            task.cancel()
        return EmptyResult()

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task

    async def _forward(
        self, session: ServerSession, uri: str, user_id: str, seen: int | None
    ) -> None:
        try:
            async with self._backend.watch(user_id) as snapshots:
                updates = aiter(snapshots)
                while True:
                    try:
                        snapshot = await asyncio.wait_for(anext(updates), _PING_SECONDS)
                    except TimeoutError:
                        # The SDK drops notifications for a closed session silently: a
                        # ping that fails is how an idle subscription learns it is over.
                        await session.send_ping()
                        continue
                    if snapshot.version == seen:
                        continue
                    seen = snapshot.version
                    await session.send_resource_updated(uri)
        except (MCPError, WatchLostError, StopAsyncIteration) as exc:
            log.info(
                "context subscription ended",
                extra={"user_id": user_id, "reason": type(exc).__name__},
            )


def _session_key(ctx: ServerRequestContext[Any, Any]) -> str:
    """The session a request belongs to: the streamable HTTP session id; over stdio, the
    one session of the process."""
    headers = getattr(ctx.request, "headers", None)
    session = headers.get(_SESSION_HEADER) if headers is not None else None
    return session if isinstance(session, str) else "stdio"


def install_subscriptions(server: MCPServer, subscriptions: ContextSubscriptions) -> None:
    """Serve ``resources/subscribe`` and ``resources/unsubscribe`` on ``server``."""
    lowlevel = server._lowlevel_server  # no public accessor in mcp 2.x (see module doc)
    lowlevel.add_request_handler(
        "resources/subscribe", SubscribeRequestParams, subscriptions.subscribe
    )
    lowlevel.add_request_handler(
        "resources/unsubscribe", UnsubscribeRequestParams, subscriptions.unsubscribe
    )
