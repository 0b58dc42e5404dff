"""GET /v1/users/{user_id}/context/stream against a real daemon on a real nats-server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from memoryd.daemon.app import Daemon
from memoryd.events import parse_event
from tests.daemon.brokers import NatsBroker, event, eventually

from .secured import AGENT, USER, start_secured

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

@pytest.fixture
async def daemon(nats_broker: NatsBroker, tmp_path: Path) -> AsyncIterator[Daemon]:
    running = await start_secured(
        nats_broker, tmp_path, http={"port": 0, "sse_keepalive_seconds": 0.3}
    )
    yield running
    await running.stop()


def stream_url(daemon: Daemon, user_id: str) -> str:
    return f"{daemon.http.url}/v1/users/{quote(user_id, safe='')}/context/stream"


async def read_events(
    lines: AsyncIterator[str], count: int, comments: list[str] | None = None
) -> list[dict[str, Any]]:
    """The next ``count`` SSE events (id, event, data), keeping comment lines seen."""
    events: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    async for line in lines:
        if line.startswith(":"):
            if comments is not None:
                comments.append(line)
        elif not line:
            if current:
                events.append(current)
                current = {}
                if len(events) == count:
                    return events
        else:
            field, _, value = line.partition(":")
            current[field] = value.strip()
    raise AssertionError("stream ended")


async def remember(daemon: Daemon, eid: str, content: str) -> int:
    await daemon.memorize_now([parse_event(event(eid, content))])

    async def published() -> bool:
        snapshot = await daemon.latest_snapshot(USER)
        return snapshot is not None and eid in snapshot.trigger.event_ids

    await eventually(published)
    latest = await daemon.latest_snapshot(USER)
    return latest.version if latest else 0


async def test_stream_sends_the_current_snapshot_then_resumes_without_a_gap(
    daemon: Daemon,
) -> None:
    # Given a user with one snapshot, read by a stream client that then disconnects
    first = await remember(daemon, "s1", "I moved to Lisbon last week.")
    headers = {"Authorization": f"Bearer {AGENT}"}
    async with (
        httpx.AsyncClient(timeout=20, headers=headers) as http,
        http.stream("GET", stream_url(daemon, USER)) as response,
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = response.aiter_lines()
        (current,) = await read_events(lines, 1)
        assert int(current["id"]) == first
        assert json.loads(current["data"])["version"] == first
        # an idle stream gets keep-alive comments (every 0.3 s here)
        comment = await asyncio.wait_for(anext(lines), 5)
        assert comment.startswith(":"), comment
    # When two more versions are published while it is away
    await remember(daemon, "s3", "I play the cello on Sundays.")
    last = await remember(daemon, "s4", "I adopted a cat called Miso.")
    # Then reconnecting with Last-Event-ID delivers every version after it, in order
    async with (
        httpx.AsyncClient(timeout=20, headers={**headers, "Last-Event-ID": str(first)}) as http,
        http.stream("GET", stream_url(daemon, USER)) as response,
    ):
        resumed = await read_events(response.aiter_lines(), last - first)
    assert [int(e["id"]) for e in resumed] == list(range(first + 1, last + 1))


async def test_stream_needs_a_token_and_a_user_in_its_scope(daemon: Daemon) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        missing = await http.get(stream_url(daemon, USER))
        other = await http.get(
            stream_url(daemon, "bob"), headers={"Authorization": f"Bearer {AGENT}"}
        )
    assert missing.status_code == 401
    assert other.status_code == 403


async def test_forget_over_http_is_idempotent_and_404s_an_unknown_item(daemon: Daemon) -> None:
    await remember(daemon, "f1", "I play the cello on Sundays.")
    item = daemon.engine.items(USER)[0]
    url = f"{daemon.http.url}/v1/users/{quote(USER, safe='')}/items"
    headers = {"Authorization": f"Bearer {AGENT}"}
    async with httpx.AsyncClient(timeout=10, headers=headers) as http:
        first = await http.delete(f"{url}/{item.id}")
        again = await http.delete(f"{url}/{item.id}")
        unknown = await http.delete(f"{url}/00000000-0000-0000-0000-000000000000")
    assert first.status_code == again.status_code == 200
    assert first.json()["item"]["archived_reason"] == "forgotten"
    assert unknown.status_code == 404
    assert item.id not in {i.id for i in daemon.engine.items(USER)}
