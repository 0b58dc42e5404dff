"""A broker that takes smaller messages than ``batch.max_event_bytes``: its refusal of an
enqueued event is the client's 413, never a 500 (real nats-server and tansu)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from memoryd.daemon.embedded import EmbeddedNats
from memoryd.testing.tansu import TansuBroker

from ..daemon.brokers import Broker, KafkaBroker, NatsBroker, start_daemon

pytestmark = pytest.mark.anyio
NATS_MAX_PAYLOAD = 64 << 10


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def small_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNats]:
    directory = tmp_path_factory.mktemp("nats-small")
    config = directory / "small.conf"
    config.write_text(f"max_payload: {NATS_MAX_PAYLOAD}\n")
    with EmbeddedNats(directory, port=0, config_file=config) as server:
        yield server


@pytest.fixture(params=["nats", "kafka"])
def small_broker(request: pytest.FixtureRequest) -> tuple[Broker, int]:
    """A broker and an event size over its message limit but within max_event_bytes."""
    if request.param == "nats":
        return NatsBroker(request.getfixturevalue("small_nats").url), 100 << 10
    tansu: TansuBroker = request.getfixturevalue("kafka_server")
    # aiokafka refuses records over max_request_size (1 MiB) before sending them.
    return KafkaBroker(tansu.bootstrap_servers), 1536 << 10


async def test_an_event_the_broker_refuses_is_413(
    small_broker: tuple[Broker, int], tmp_path: Path
) -> None:
    # Given a daemon whose event limit is above what its broker accepts
    broker, size = small_broker
    settings = broker.settings(tmp_path, batch={"max_event_bytes": 4 << 20})
    daemon = await start_daemon(settings)
    try:
        event = {"id": "big", "user_id": "u", "content": "x" * size}
        async with httpx.AsyncClient(base_url=daemon.http.url, trust_env=False) as client:
            # When such an event is enqueued
            refused = await client.post("/v1/events", params={"wait": "false"}, json=event)
            # Then the broker's refusal is a 413 that says so, and the API still works
            fine = await client.post(
                "/v1/events", params={"wait": "false"}, json={**event, "content": "small"}
            )
    finally:
        await daemon.stop()
    assert refused.status_code == 413, refused.text
    assert "maximum payload" in refused.json()["detail"]
    assert fine.status_code == 202
