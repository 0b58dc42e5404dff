"""NATS-only behaviour of the transport: the stream's shard layout is fixed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from memoryd.daemon.embedded import EmbeddedNats
from memoryd.errors import PermanentError
from memoryd.memory.engine import MemoryEngine
from memoryd.stores.edge import QdrantEdgeStore
from memoryd.testing.embedder import HashEmbedder
from memoryd.transports.nats.consumer import NatsTransport
from memoryd.transports.nats.topology import shard_of, user_token

from .brokers import NatsBroker, event, eventually, start_daemon

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_a_stream_created_with_other_shards_is_refused_with_the_reason(
    nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    broker = NatsBroker(nats_server.url)
    settings = broker.settings(tmp_path)  # one shard: no partitioning
    await (await start_daemon(settings)).stop()
    resharded = settings.model_copy(update={"nats": settings.nats.model_copy(update={"shards": 4})})
    with pytest.raises(PermanentError, match="shards are fixed per stream"):
        await start_daemon(resharded)


async def test_sharded_events_land_in_their_shard_and_are_consumed(
    nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    broker = NatsBroker(nats_server.url)
    settings = broker.settings(tmp_path, nats={"shards": 4})
    daemon = await start_daemon(settings)
    try:
        transport = daemon.transport
        assert isinstance(transport, NatsTransport)
        assert transport.shards == {0, 1, 2, 3}, "a lone replica holds every shard"
        users = ["ann", "bo@example.com", "chen", "dee"]
        for user in users:
            await broker.publish(settings, event(f"{user}-1", "I moved to Lisbon.", user))
        await eventually(lambda: daemon.pipeline.counts["memorized"] == len(users))
        js = transport.js
        for user in users:
            shard = shard_of(user_token(user), 4)
            info = await js.consumer_info(settings.nats.stream, f"{settings.nats.durable}-{shard}")
            assert info.delivered.stream_seq, f"{user}'s event went through shard {shard}"
    finally:
        await daemon.stop()


class SlowEngine(MemoryEngine):
    """Memorises like the real engine, only slower than ack_wait (as an LLM batch can be)."""

    def memorize(self, events: Any) -> Any:
        time.sleep(3.0)
        return super().memorize(events)


async def test_a_batch_slower_than_ack_wait_is_not_redelivered(
    nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    broker = NatsBroker(nats_server.url)
    settings = broker.settings(tmp_path, nats={"ack_wait": 1.5}, batch={"keepalive_seconds": 0.4})
    engine = SlowEngine(QdrantEdgeStore(settings.edge_path()), HashEmbedder())
    daemon = await start_daemon(settings, engine)
    try:
        await broker.publish(settings, event("slow-1", "I moved to Lisbon.", "ann"))
        await eventually(lambda: daemon.pipeline.counts["memorized"] == 1)
        transport = daemon.transport
        assert isinstance(transport, NatsTransport)
        info = await transport.js.consumer_info(settings.nats.stream, settings.nats.durable)
        # Every delivery counts in consumer_seq, each message once in stream_seq.
        assert info.delivered.consumer_seq == info.delivered.stream_seq == 1, (
            "in-progress signals held the redelivery off"
        )
        assert daemon.engine.stats("ann").events == 1
    finally:
        await daemon.stop()
