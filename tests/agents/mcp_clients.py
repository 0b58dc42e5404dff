"""The SDK's real MCP client, connected to a daemon over streamable HTTP."""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import mcp_types as types
from mcp import ClientSession, MCPDeprecationWarning
from mcp.client.streamable_http import streamable_http_client


class Notifications:
    """The resource-updated notifications a session received."""

    def __init__(self) -> None:
        self.updated: asyncio.Queue[str] = asyncio.Queue()

    async def __call__(self, message: Any) -> None:
        if isinstance(message, types.ResourceUpdatedNotification):
            self.updated.put_nowait(str(message.params.uri))


@asynccontextmanager
async def mcp_session(
    base_url: str, token: str | None = None
) -> AsyncIterator[tuple[ClientSession, Notifications]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    notifications = Notifications()
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        streamable_http_client(f"{base_url}/mcp", http_client=http) as (read, write),
        ClientSession(read, write, message_handler=notifications) as session,
    ):
        await session.initialize()
        yield session, notifications


def structured(result: types.CallToolResult) -> Any:
    if result.is_error:
        raise AssertionError(result.content)
    if result.structured_content is not None:
        content = result.structured_content
        return content.get("result", content) if set(content) == {"result"} else content
    block = result.content[0]
    return json.loads(block.text) if isinstance(block, types.TextContent) else None


async def read_json(session: ClientSession, uri: str) -> Any:
    result = await session.read_resource(uri)
    block = result.contents[0]
    return json.loads(block.text) if isinstance(block, types.TextResourceContents) else None


async def subscribe(session: ClientSession, uri: str) -> None:
    """``resources/subscribe``: what a handshake-era (2025) host sends; the SDK marks it
    deprecated for its 2026 protocol, which a session that shook hands does not speak."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        await session.subscribe_resource(uri)
