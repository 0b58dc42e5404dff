"""``memoryd mcp`` over stdio, driven by the SDK's client, against a real daemon on a real
nats-server: the desktop-host path."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client

from memoryd.agents.uris import context_uri
from memoryd.daemon.app import Daemon
from memoryd.events import parse_event
from tests.daemon.brokers import NatsBroker, event

from .mcp_clients import Notifications, read_json, structured, subscribe
from .secured import AGENT, USER, start_secured

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(90)]

@pytest.fixture
async def daemon(nats_broker: NatsBroker, tmp_path: Path) -> AsyncIterator[Daemon]:
    running = await start_secured(nats_broker, tmp_path)
    yield running
    await running.stop()


async def test_memoryd_mcp_over_stdio(daemon: Daemon) -> None:
    await daemon.memorize_now([parse_event(event("r1", "I moved to Lisbon with my dog Rex."))])
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "memoryd.daemon.cli", "mcp", "--api", daemon.http.url, "--token", AGENT],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    notes = Notifications()
    async with (
        stdio_client(server) as (read, write),
        ClientSession(read, write, message_handler=notes) as session,
    ):
        await session.initialize()
        tools = {t.name for t in (await session.list_tools()).tools}
        assert {"recall", "remember", "get_context", "forget"} <= tools
        recalled = structured(
            await session.call_tool("recall", {"user_id": USER, "query": "Where does she live?"})
        )
        assert recalled["items"][0]["sources"] == ["r1"]
        # subscribe, then remember: a notification, and the new version holds the event
        uri = context_uri(USER)
        await subscribe(session, uri)
        remembered = structured(
            await session.call_tool("remember", {"user_id": USER, "content": "I love jazz."})
        )
        snapshot = await read_json(session, uri)
        while remembered["event_id"] not in snapshot["trigger"]["event_ids"]:
            assert await asyncio.wait_for(notes.updated.get(), 20) == uri
            snapshot = await read_json(session, uri)
        # the daemon's scope check reaches the stdio host as a tool error
        refused = await session.call_tool("get_context", {"user_id": "bob"})
        assert refused.is_error and "403" in str(refused.content[0])
