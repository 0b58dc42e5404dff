"""The agent-facing routes on the daemon's app: ``/mcp`` and the SSE context stream.

Both use the API's tokens: a missing or unknown token gets 401 before the MCP SDK sees
the request, and the token's scope rides in the request state, where the MCP handlers
and the stream route check each user against it (403 / a JSON-RPC error outside it).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Request, status
from sse_starlette import EventSourceResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from memoryd.agents.gateway import AgentGateway
from memoryd.agents.ports import UserScope
from memoryd.agents.sse import last_event_id
from memoryd.daemon.auth import OPEN, UNAUTHORIZED_DETAIL, TokenRegistry, authorize_user, scope_of
from memoryd.daemon.http_routes import USER_PATH, UserId


def request_scope(request: Any) -> UserScope:
    """The scope of the HTTP request behind an MCP message (:data:`OPEN` without one)."""
    return scope_of(request) if isinstance(request, Request) else OPEN


class BearerGate:
    """Pure ASGI: 401 unless the request carries a configured token; else keep its scope
    in the request state (as :class:`~memoryd.daemon.auth.TokenBearer` does for /v1)."""

    def __init__(self, app: ASGIApp, registry: TokenRegistry | None) -> None:
        self.app = app
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.registry is not None and scope["type"] == "http":
            found = None
            for name, value in scope.get("headers", []):
                if name == b"authorization":
                    kind, _, token = value.decode("latin-1").partition(" ")
                    if kind.lower() == "bearer" and token.strip():
                        found = self.registry.scope_for(token.strip())
            if found is None:
                await _unauthorized(send)
                return
            scope.setdefault("state", {})["token_scope"] = found
        await self.app(scope, receive, send)


async def _unauthorized(send: Send) -> None:
    body = json.dumps({"detail": UNAUTHORIZED_DETAIL}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"www-authenticate", b"Bearer"),
    ]
    code = status.HTTP_401_UNAUTHORIZED
    await send({"type": "http.response.start", "status": code, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def add_agent_routes(
    app: FastAPI, gateway: AgentGateway, registry: TokenRegistry | None, auth: list[Any]
) -> None:
    """Mount ``/mcp`` (when the gateway serves it) and the SSE stream on ``app``."""
    if gateway.mcp_enabled:
        # An ASGI app as endpoint (not a function): the SDK answers POST, GET and DELETE.
        gate = BearerGate(gateway.mcp_app, registry)
        app.router.routes.append(Route("/mcp", endpoint=gate, include_in_schema=False))
    router = APIRouter(prefix="/v1", dependencies=auth)

    # Left out of the OpenAPI document: a response that never ends is no operation for
    # schema-driven clients and fuzzers (each generated request would hold a stream open).
    @router.get(
        f"{USER_PATH}/context/stream",
        response_class=EventSourceResponse,
        include_in_schema=False,
    )
    async def context_stream(
        request: Request,
        user_id: UserId,
        last_event: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    ) -> EventSourceResponse:
        """The user's context snapshots as Server-Sent Events: the current one, then each
        new one. ``id:`` is the version; reconnect with ``Last-Event-ID`` to resume."""
        authorize_user(request, user_id)
        return gateway.context_stream(user_id, last_event_id(last_event))

    app.include_router(router)

