"""The daemon end to end over a real nats-server: consume → memorise → snapshot."""

from __future__ import annotations

import asyncio
import inspect
import itertools
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import nats
import pytest

from memoryd.client import publish_event, subscribe_context
from memoryd.config import Settings
from memoryd.daemon.app import Daemon
from memoryd.events import ContextSnapshot
from memoryd.memory.engine import MemoryEngine
from memoryd.stores.edge import QdrantEdgeStore
from memoryd.testing.embedder import HashEmbedder

pytestmark = pytest.mark.anyio
_ids = itertools.count()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def isolated_settings(url: str, data_dir: Path, **overrides: Any) -> Settings:
    """Settings whose subjects, streams and bucket are unique to one test."""
    n = next(_ids)
    nats_settings = {
        "url": url,
        "stream": f"EV{n}",
        "events_subject": f"t{n}.events",
        "durable": f"memoryd{n}",
        "dead_letter_subject": f"t{n}.dlq",
        "dead_letter_stream": f"DLQ{n}",
        "context_subject": f"t{n}.ctx",
        "kv_bucket": f"ctx{n}",
        "ack_wait": 2.0,
        **overrides.pop("nats", {}),
    }
    return Settings(
        data_dir=data_dir,
        nats=nats_settings,
        http={"port": 0},
        batch={"max_wait_ms": 20, **overrides.pop("batch", {})},
        snapshot={"min_interval_ms": 50},
        shutdown_grace_seconds=10,
        **overrides,
    )


@pytest.fixture
def settings(nats_server: Any, tmp_path: Path) -> Settings:
    return isolated_settings(nats_server.url, tmp_path)


async def start_daemon(settings: Settings) -> Daemon:
    engine = MemoryEngine(QdrantEdgeStore(settings.edge_path()), HashEmbedder())
    daemon = Daemon(settings, engine)
    await daemon.start()
    return daemon


@pytest.fixture
async def daemon(settings: Settings) -> AsyncIterator[Daemon]:
    running = await start_daemon(settings)
    yield running
    await running.stop()


async def publish(settings: Settings, event: dict[str, Any], **kwargs: Any) -> None:
    await publish_event(
        event, nats_url=settings.nats.url, subject_prefix=settings.nats.events_subject, **kwargs
    )


def event(eid: str, content: str, user: str = "alice@example.com") -> dict[str, Any]:
    return {
        "id": eid,
        "user_id": user,
        "speaker": "Alice",
        "content": content,
        "time": "2024-03-01T09:00:00Z",
    }


async def eventually(check: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_event_to_items_to_snapshot(daemon: Daemon, settings: Settings) -> None:
    # Given an agent subscribed to the user's context before anything happened
    received: list[ContextSnapshot] = []

    async def listen() -> None:
        async for snapshot in subscribe_context(
            "alice@example.com", nats_url=settings.nats.url, bucket=settings.nats.kv_bucket
        ):
            received.append(snapshot)
            if {"e1", "e2"} <= {i for s in received for i in s.trigger.event_ids}:
                return

    listener = asyncio.create_task(listen())
    # When the app publishes two turns, one carrying a trace context
    traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    await publish(
        settings,
        event("e1", "I moved to Lisbon last week with my dog Rex."),
        traceparent=traceparent,
    )
    await publish(settings, event("e2", "My sister Anna works as a nurse in Berlin."))
    await asyncio.wait_for(listener, 15)
    # Then the memory holds items tracing back to both events
    items = daemon.engine.items("alice@example.com")
    assert {s for i in items for s in i.sources} == {"e1", "e2"}
    # and the subscriber got a snapshot with those items, their sources and the trace
    last = received[-1]
    assert last.user_id == "alice@example.com"
    assert {s for i in last.items for s in i.sources} == {"e1", "e2"}
    assert [s.version for s in received] == sorted({s.version for s in received})
    assert any(s.traceparent == traceparent for s in received)
    assert (await daemon.latest_snapshot("alice@example.com")) == last


async def test_malformed_event_goes_to_dead_letters_and_stream_flows(
    daemon: Daemon, settings: Settings
) -> None:
    nc = await nats.connect(settings.nats.url)
    try:
        dead = await nc.subscribe(f"{settings.nats.dead_letter_subject}.>")
        js = nc.jetstream()
        await js.publish(
            f"{settings.nats.events_subject}.bob",
            b'{"id": "x1", "user_id": "bob"}',
            headers={"X-App": "demo"},
        )
        await publish(settings, event("ok1", "I love climbing on weekends.", user="bob"))
        letter = await dead.next_msg(timeout=10)
        assert letter.data == b'{"id": "x1", "user_id": "bob"}'
        assert letter.headers is not None
        assert letter.headers["Memoryd-Dead-Letter-Reason"] == "invalid"
        assert "content" in letter.headers["Memoryd-Dead-Letter-Detail"]
        assert letter.headers["X-App"] == "demo"
        await eventually(lambda: daemon.engine.stats("bob").events == 1)
        info = await js.stream_info(settings.nats.dead_letter_stream)
        assert info.state.messages == 1, "dead letters are retained in their own stream"
    finally:
        await nc.close()


async def test_redelivery_after_restart_memorises_nothing_twice(
    settings: Settings,
) -> None:
    events = [
        event(f"r{i}", f"I visited museum number {i} in Paris.", user="carol") for i in range(6)
    ]
    # Given a previous run declared the stream, memorised the events, died before acking
    await (await start_daemon(settings)).stop()
    previous = MemoryEngine(QdrantEdgeStore(settings.edge_path()), HashEmbedder())
    previous.memorize(events)
    before = {i.id: i.model_dump() for i in previous.items("carol")}
    previous.close()
    for e in events:
        await publish(settings, e)
    # When the daemon starts and the broker delivers them again
    daemon = await start_daemon(settings)
    try:
        await eventually(lambda: daemon.pipeline.counts["memorized"] == len(events))
        # Then nothing was memorised twice
        assert daemon.engine.stats("carol").events == len(events)
        after = {i.id: i.model_dump() for i in daemon.engine.items("carol")}
        assert after == before
    finally:
        await daemon.stop()


async def test_publishing_the_same_event_twice_is_deduplicated(
    daemon: Daemon, settings: Settings
) -> None:
    for _ in range(2):
        await publish(settings, event("d1", "I adopted a cat named Miso.", user="dave"))
    await publish(settings, event("d2", "I started learning Japanese.", user="dave"))
    await eventually(lambda: daemon.engine.stats("dave").events == 2)
    await asyncio.sleep(0.2)
    assert daemon.pipeline.counts["memorized"] == 2


async def test_delete_user_publishes_an_empty_snapshot_and_versions_go_on(
    daemon: Daemon, settings: Settings
) -> None:
    await publish(settings, event("x1", "I keep bees in my garden.", user="erin"))
    first = await eventually(lambda: daemon.latest_snapshot("erin"))
    deleted = await daemon.delete_user("erin")
    assert deleted.events == 1
    tomb = await daemon.latest_snapshot("erin")
    assert tomb is not None and tomb.trigger.kind == "deleted"
    assert tomb.items == [] and tomb.version == first.version + 1
    assert daemon.engine.stats("erin").events == 0
    await publish(settings, event("x2", "I started a pottery class.", user="erin"))

    async def next_version() -> ContextSnapshot | None:
        snap = await daemon.latest_snapshot("erin")
        return snap if snap and snap.version > tomb.version else None

    again = await eventually(next_version)
    assert {s for i in again.items for s in i.sources} == {"x2"}
