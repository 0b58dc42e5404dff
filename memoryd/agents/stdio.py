"""``memoryd mcp``: the MCP server over stdio, for desktop hosts, against a running daemon."""

from __future__ import annotations

import logging

from memoryd.agents.mcp_server import build_mcp_server
from memoryd.agents.remote import HttpAgentBackend

log = logging.getLogger(__name__)


async def serve_stdio(api_url: str, *, token: str | None, timeout: float = 30.0) -> None:
    """Serve MCP on stdin/stdout until the host closes them. Logs go to stderr only:
    stdout carries the protocol."""
    backend = HttpAgentBackend(api_url, token=token, timeout=timeout)
    server, subscriptions = build_mcp_server(backend)
    log.info("memoryd mcp serving over stdio", extra={"api": api_url})
    try:
        await server.run_stdio_async()
    finally:
        await subscriptions.close()
        await backend.aclose()
