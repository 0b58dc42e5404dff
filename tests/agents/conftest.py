from __future__ import annotations

from collections.abc import Iterator

import pytest

from memoryd.testing.tansu import TansuBroker
from tests.daemon.brokers import Broker, KafkaBroker, NatsBroker


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def nats_broker(nats_server) -> NatsBroker:  # type: ignore[no-untyped-def]
    return NatsBroker(nats_server.url)


@pytest.fixture(params=["nats", "kafka"])
def broker(request: pytest.FixtureRequest) -> Iterator[Broker]:
    """Each transport in turn, on its real broker (session-wide servers)."""
    if request.param == "nats":
        yield NatsBroker(request.getfixturevalue("nats_server").url)
    else:
        tansu: TansuBroker = request.getfixturevalue("kafka_server")
        yield KafkaBroker(tansu.bootstrap_servers)
