"""The agent-facing HTTP surface of the daemon: ``/mcp`` and the SSE context stream,
with the lifecycle they share (the MCP session manager, subscriptions, the watch)."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress

from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from sse_starlette import EventSourceResponse
from starlette.types import ASGIApp

from memoryd.agents.mcp_server import ScopeResolver, build_mcp_server
from memoryd.agents.ports import AgentBackend
from memoryd.agents.sse import context_stream
from memoryd.agents.watch import SnapshotWatch

log = logging.getLogger(__name__)


class AgentGateway:
    """MCP over streamable HTTP and SSE over one backend and one snapshot watch."""

    def __init__(
        self,
        backend: AgentBackend,
        watch: SnapshotWatch,
        *,
        scope_of: ScopeResolver,
        host: str,
        keepalive_seconds: float = 15.0,
        mcp_enabled: bool = True,
    ) -> None:
        self.watch = watch
        self.mcp_enabled = mcp_enabled
        self.server, self.subscriptions = build_mcp_server(backend, scope_of=scope_of)
        # Builds the session manager (the Starlette app around it is not used: the route
        # is the daemon's, behind its authentication). The host enables the SDK's DNS
        # rebinding protection when it is a loopback address.
        self.server.streamable_http_app(streamable_http_path="/mcp", host=host)
        self.mcp_app: ASGIApp = StreamableHTTPASGIApp(self.server.session_manager)
        self._keepalive = keepalive_seconds
        self._task: asyncio.Task[None] | None = None
        self._stop = asyncio.Event()

    async def start(self) -> None:
        """Run the MCP session manager (its sessions live in its task group)."""
        started = asyncio.Event()

        async def run() -> None:
            async with self.server.session_manager.run():
                started.set()
                await self._stop.wait()

        self._task = asyncio.create_task(run())
        waiter = asyncio.create_task(started.wait())
        await asyncio.wait({self._task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if self._task.done():
            self._task.result()  # raises what stopped it

    async def stop(self) -> None:
        """End subscriptions and streams, then the MCP sessions."""
        await self.subscriptions.close()
        await self.watch.close()
        self._stop.set()
        if self._task is not None:
            with suppress(asyncio.CancelledError):
                await self._task
        log.info("agent gateway stopped")

    def context_stream(self, user_id: str, after: int | None) -> EventSourceResponse:
        return context_stream(self.watch, user_id, after=after, keepalive_seconds=self._keepalive)
