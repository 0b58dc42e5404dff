from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from memoryd.testing.tansu import TansuBroker

from ..daemon.brokers import Broker, KafkaBroker, NatsBroker
from .processes import MemorydUp

ADMIN_TOKEN = "adm-7c0ffee"
AGENT_TOKEN = "agt-ana-and-team-a"
AGENT_USERS = ["ana"]
AGENT_PREFIX = "team-a/"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["nats", "kafka"])
def broker(request: pytest.FixtureRequest) -> Iterator[Broker]:
    """Each transport in turn, on its real broker (session-wide servers)."""
    if request.param == "nats":
        yield NatsBroker(request.getfixturevalue("nats_server").url)
    else:
        tansu: TansuBroker = request.getfixturevalue("kafka_server")
        yield KafkaBroker(tansu.bootstrap_servers)


@pytest.fixture(scope="module")
def secured_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MemorydUp]:
    """One ``memoryd up`` for a module, with an admin token and a scoped agent token read
    from the secrets dir, as a Kubernetes Secret would mount them."""
    base = tmp_path_factory.mktemp("secured-up")
    secrets = base / "secrets"
    secrets.mkdir()
    (secrets / "api_token").write_text(ADMIN_TOKEN)
    scoped = [
        {"name": "agent-a", "token": AGENT_TOKEN, "users": AGENT_USERS, "user_prefix": AGENT_PREFIX}
    ]
    (secrets / "scoped_api_tokens").write_text(json.dumps(scoped))
    up = MemorydUp(base / "data", base / "up.log", {"MEMORYD_SECRETS_DIR": str(secrets)})
    up.start()
    try:
        yield up
    finally:
        up.stop()
        up.reap_servers()
