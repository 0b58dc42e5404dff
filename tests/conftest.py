from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import nats
import pytest

from memoryd.daemon.embedded import EmbeddedNats
from memoryd.embedders.fastembed import FastEmbedEmbedder
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.tansu import TansuBroker


@pytest.fixture(scope="session")
def embedder() -> FastEmbedEmbedder:
    """The bundled model, loaded once: similarity here is real semantic similarity."""
    return FastEmbedEmbedder()


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNats]:
    """A real ``nats-server -js`` on free ports for the session (``.url``, ``.monitor_url``)."""
    server = EmbeddedNats(tmp_path_factory.mktemp("nats-session"), port=0, monitor_port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def kafka_server() -> Iterator[TansuBroker]:
    """A real Kafka-protocol broker (tansu, memory storage) on a free port for the session."""
    with TansuBroker() as broker:
        yield broker


@dataclass(frozen=True)
class EventsStream:
    """A JetStream stream on ``<prefix>.>``, unique to one test."""

    url: str
    name: str
    prefix: str


async def _add_stream(stream: EventsStream) -> None:
    nc = await nats.connect(stream.url)
    try:
        await nc.jetstream().add_stream(
            name=stream.name, subjects=[f"{stream.prefix}.>"], duplicate_window=120
        )
    finally:
        await nc.close()


async def _delete_stream(stream: EventsStream) -> None:
    nc = await nats.connect(stream.url)
    try:
        await nc.jetstream().delete_stream(stream.name)
    finally:
        await nc.close()


@pytest.fixture
def events_stream(nats_server: EmbeddedNats) -> Iterator[EventsStream]:
    """An events stream on the session server, deleted after the test."""
    suffix = uuid.uuid4().hex[:12]
    stream = EventsStream(nats_server.url, f"EVENTS_{suffix}", f"e{suffix}.events")
    asyncio.run(_add_stream(stream))
    yield stream
    asyncio.run(_delete_stream(stream))
