"""memoryd.client against a real nats-server: dedup on publish, snapshots from the KV."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
import nats
import pytest
from nats.aio.client import Client as NatsClient
from nats.js.kv import KeyValue

from memoryd.client import (
    DEFAULT_BUCKET,
    DEFAULT_EVENTS_PREFIX,
    DEFAULT_NATS_URL,
    EventPublisher,
    publish_event,
    subscribe_context,
)
from memoryd.config import NatsSettings
from memoryd.daemon.embedded import EmbeddedNats
from memoryd.errors import InvalidEventError
from memoryd.events import ContextSnapshot
from memoryd.transports.nats.topology import user_token

if TYPE_CHECKING:
    from conftest import EventsStream

pytestmark = pytest.mark.anyio

ALICE = "alice@example.com"
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def nc(nats_server: EmbeddedNats) -> AsyncIterator[NatsClient]:
    client = await nats.connect(nats_server.url)
    yield client
    await client.close()


@pytest.fixture
async def bucket(nc: NatsClient) -> AsyncIterator[tuple[str, KeyValue]]:
    """A snapshot bucket as the daemon creates it (one value per key), unique to the test."""
    name = f"ctx_{uuid.uuid4().hex[:12]}"
    kv = await nc.jetstream().create_key_value(bucket=name, history=1)
    yield name, kv
    await nc.jetstream().delete_key_value(name)


def snapshot(version: int, user_id: str = ALICE) -> bytes:
    return (
        ContextSnapshot(
            user_id=user_id, version=version, generated_at=datetime(2024, 1, 1, tzinfo=UTC)
        )
        .model_dump_json()
        .encode()
    )


def test_defaults_match_the_daemon_settings() -> None:
    settings = NatsSettings()

    assert DEFAULT_NATS_URL == settings.url
    assert DEFAULT_EVENTS_PREFIX == settings.events_subject
    assert DEFAULT_BUCKET == settings.kv_bucket


async def test_publishing_the_same_event_twice_stores_it_once(
    nc: NatsClient, events_stream: EventsStream
) -> None:
    # Given an event of a user whose id is not a subject token
    event = {
        "id": "evt-1",
        "user_id": ALICE,
        "content": "I moved to Lisbon.",
        "time": "2023-05-08T13:56:00Z",
    }

    # When it is published twice (a retry)
    for _ in range(2):
        await publish_event(
            event,
            nats_url=events_stream.url,
            subject_prefix=events_stream.prefix,
            traceparent=TRACEPARENT,
        )

    # Then the stream holds it once, on the user's subject, with the dedup id and trace
    js = nc.jetstream()
    info = await js.stream_info(events_stream.name)
    assert info.state.messages == 1
    msg = await js.get_msg(events_stream.name, 1)
    token = user_token(ALICE)
    assert msg.subject == f"{events_stream.prefix}.{token}"
    assert msg.headers is not None
    assert msg.headers["Nats-Msg-Id"] == f"{token}:evt-1"
    assert msg.headers["traceparent"] == TRACEPARENT
    assert json.loads(msg.data or b"")["content"] == "I moved to Lisbon."


async def test_publisher_reports_duplicates_and_fills_the_time(
    nc: NatsClient, events_stream: EventsStream
) -> None:
    async with EventPublisher(
        nats_url=events_stream.url, subject_prefix=events_stream.prefix
    ) as publisher:
        first = await publisher.publish({"id": "e1", "user_id": "u-42", "content": "hi there"})
        again = await publisher.publish({"id": "e1", "user_id": "u-42", "content": "hi there"})
        other = await publisher.publish({"id": "e2", "user_id": "u-42", "content": "bye now"})

    assert [bool(ack.duplicate) for ack in (first, again, other)] == [False, True, False]
    assert again.seq == first.seq
    msg = await nc.jetstream().get_msg(events_stream.name, first.seq)
    assert json.loads(msg.data or b"")["time"]  # publish time, so a re-send is byte-identical


async def test_an_invalid_event_raises_before_connecting() -> None:
    with pytest.raises(InvalidEventError) as raised:
        await publish_event({"id": "e1", "user_id": "u-42"}, nats_url="nats://127.0.0.1:1")

    assert raised.value.field == "content"


async def test_an_event_id_with_a_line_break_is_rejected(events_stream: EventsStream) -> None:
    async with EventPublisher(
        nats_url=events_stream.url, subject_prefix=events_stream.prefix
    ) as publisher:
        with pytest.raises(InvalidEventError, match="id"):
            await publisher.publish({"id": "a\r\nb", "user_id": "u", "content": "x"})


async def test_subscribe_yields_the_current_value_then_newer_ones(
    nats_server: EmbeddedNats, bucket: tuple[str, KeyValue]
) -> None:
    # Given a snapshot already in the bucket
    name, kv = bucket
    key = user_token(ALICE)
    await kv.put(key, snapshot(1))

    snaps = subscribe_context(ALICE, nats_url=nats_server.url, bucket=name)
    async with aclosing(snaps):
        # Then it comes first
        assert (await asyncio.wait_for(anext(snaps), 10)).version == 1

        # And updates follow
        await kv.put(key, snapshot(3))
        assert (await asyncio.wait_for(anext(snaps), 10)).version == 3

        # An older version and a delete are skipped; after a delete, versions may restart
        await kv.put(key, snapshot(2))
        await kv.delete(key)
        await kv.put(key, snapshot(1))
        received = await asyncio.wait_for(anext(snaps), 10)
        assert received.version == 1
        assert received.user_id == ALICE

        # Other users' snapshots are not delivered
        await kv.put(user_token("bob"), snapshot(9, "bob"))
        await kv.put(key, snapshot(2))
        assert (await asyncio.wait_for(anext(snaps), 10)).version == 2


def open_connection_names(server: EmbeddedNats) -> list[str]:
    connz = httpx.get(f"{server.monitor_url}/connz", timeout=5).json()
    return [conn.get("name", "") for conn in connz["connections"] or []]


async def test_subscribe_closes_its_connection_when_iteration_stops(
    nats_server: EmbeddedNats, bucket: tuple[str, KeyValue]
) -> None:
    # Given a subscriber with a named connection that has received a snapshot
    name, kv = bucket
    await kv.put(user_token(ALICE), snapshot(1))
    agent = f"agent-{uuid.uuid4().hex[:8]}"
    snaps = subscribe_context(ALICE, nats_url=nats_server.url, bucket=name, name=agent)
    async with aclosing(snaps):
        async for _ in snaps:
            assert agent in open_connection_names(nats_server)
            break

    # Then once the iteration is closed, so is the connection (the server notices promptly)
    for _ in range(100):
        if agent not in open_connection_names(nats_server):
            break
        await asyncio.sleep(0.05)
    assert agent not in open_connection_names(nats_server)


async def test_subscribe_waits_for_the_bucket(nats_server: EmbeddedNats, nc: NatsClient) -> None:
    # Given an agent that subscribes before the daemon created the bucket
    name = f"ctx_{uuid.uuid4().hex[:12]}"
    snaps = subscribe_context(ALICE, nats_url=nats_server.url, bucket=name, poll_interval=0.05)
    async with aclosing(snaps):
        first = asyncio.ensure_future(anext(snaps))
        await asyncio.sleep(0.3)
        assert not first.done()

        # When the bucket appears with a snapshot, then the subscriber gets it
        kv = await nc.jetstream().create_key_value(bucket=name, history=1)
        await kv.put(user_token(ALICE), snapshot(4))
        assert (await asyncio.wait_for(first, 10)).version == 4
    await nc.jetstream().delete_key_value(name)
