"""The MCP server at /mcp, driven by the SDK's own client against a real daemon on a real
nats-server (and, for the subscription, on tansu Kafka too)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from memoryd.agents.uris import context_uri
from memoryd.daemon.app import Daemon
from memoryd.events import parse_event
from tests.daemon.brokers import Broker, NatsBroker, event, start_daemon

from .mcp_clients import mcp_session, read_json, structured, subscribe
from .secured import AGENT, USER, start_secured

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(90)]

@pytest.fixture
async def daemon(nats_broker: NatsBroker, tmp_path: Path) -> AsyncIterator[Daemon]:
    running = await start_secured(nats_broker, tmp_path)
    yield running
    await running.stop()


async def test_tools_and_resource_templates_are_listed(daemon: Daemon) -> None:
    async with mcp_session(daemon.http.url, AGENT) as (session, _):
        tools = {t.name: t for t in (await session.list_tools()).tools}
        templates = (await session.list_resource_templates()).resource_templates
    assert {"recall", "remember", "get_context", "forget"} <= set(tools)
    assert "sources" in (tools["recall"].description or "")
    assert {t.uri_template for t in templates} == {
        "memoryd://users/{user_id}/context",
        "memoryd://users/{user_id}/categories/{name}",
    }


async def test_recall_returns_items_with_lineage(daemon: Daemon) -> None:
    await daemon.memorize_now([parse_event(event("r1", "I moved to Lisbon with my dog Rex."))])
    async with mcp_session(daemon.http.url, AGENT) as (session, _):
        result = structured(
            await session.call_tool("recall", {"user_id": USER, "query": "Where does Alice live?"})
        )
    assert result["items"], result
    top = result["items"][0]
    assert top["sources"] == ["r1"]
    assert "valid_from" in top and "valid_to" in top
    assert [e["event_id"] for e in result["events"]] == ["r1"]
    assert result["categories"]


async def test_subscribe_then_remember_notifies_and_the_resource_shows_the_new_version(
    daemon: Daemon,
) -> None:
    uri = context_uri(USER)
    async with mcp_session(daemon.http.url, AGENT) as (session, notes):
        # Given a session subscribed to the user's context
        await subscribe(session, uri)
        # When the agent remembers something (through the broker, like any event)
        remembered = structured(
            await session.call_tool(
                "remember", {"user_id": USER, "content": "I adopted a cat called Miso."}
            )
        )
        # Then a notification arrives, and the resource shows a version caused by it
        event_id = remembered["event_id"]
        assert remembered["status"] == "queued"
        assert await asyncio.wait_for(notes.updated.get(), 20) == uri
        snapshot = await read_json(session, uri)
        while event_id not in snapshot["trigger"]["event_ids"]:
            await asyncio.wait_for(notes.updated.get(), 20)
            snapshot = await read_json(session, uri)
        assert any(event_id in item["sources"] for item in snapshot["items"])


async def test_forget_removes_the_item_from_the_next_snapshot(daemon: Daemon) -> None:
    uri = context_uri(USER)
    async with mcp_session(daemon.http.url, AGENT) as (session, notes):
        remembered = structured(
            await session.call_tool(
                "remember",
                {"user_id": USER, "content": "I play the cello on Sundays.", "wait": True},
            )
        )
        assert remembered["status"] == "memorized"
        await subscribe(session, uri)
        snapshot = await _context_with(session, lambda s: bool(s and s["items"]))
        item = next(i for i in snapshot["items"] if "cello" in i["text"])
        forgotten = structured(
            await session.call_tool("forget", {"user_id": USER, "item_id": item["id"]})
        )
        assert forgotten["archived_reason"] == "forgotten"
        await asyncio.wait_for(notes.updated.get(), 20)
        after = await _context_with(session, lambda s: s["version"] > snapshot["version"])
        assert item["id"] not in {i["id"] for i in after["items"]}
        again = await session.call_tool("forget", {"user_id": USER, "item_id": item["id"]})
        assert not again.is_error  # idempotent


async def test_missing_token_is_401_and_a_user_out_of_scope_is_refused(daemon: Daemon) -> None:
    async with httpx.AsyncClient() as http:
        refused = await http.post(
            f"{daemon.http.url}/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
            headers={"Accept": "application/json, text/event-stream"},
        )
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    async with mcp_session(daemon.http.url, AGENT) as (session, _):
        result = await session.call_tool("get_context", {"user_id": "bob"})
        assert result.is_error
        assert "403" in str(result.content[0])
        with pytest.raises(Exception, match="403"):
            await session.read_resource(context_uri("bob"))
        with pytest.raises(Exception, match="403"):
            await subscribe(session, context_uri("bob"))


async def _context_with(session, accept, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            snapshot = await read_json(session, context_uri(USER))
        except Exception:
            snapshot = None
        if snapshot is not None and accept(snapshot):
            return snapshot
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no matching snapshot: {snapshot}")
        await asyncio.sleep(0.1)


async def test_subscription_on_both_transports(broker: Broker, tmp_path: Path) -> None:
    daemon = await start_daemon(broker.settings(tmp_path))
    try:
        uri = context_uri(USER)
        async with mcp_session(daemon.http.url) as (session, notes):
            await subscribe(session, uri)
            remembered = structured(
                await session.call_tool(
                    "remember", {"user_id": USER, "content": "I work as a pilot."}
                )
            )
            await asyncio.wait_for(notes.updated.get(), 30)
            snapshot = await read_json(session, uri)
            while remembered["event_id"] not in snapshot["trigger"]["event_ids"]:
                await asyncio.wait_for(notes.updated.get(), 30)
                snapshot = await read_json(session, uri)
    finally:
        await daemon.stop()
