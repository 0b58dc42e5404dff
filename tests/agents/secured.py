"""A daemon with an admin token and an agent token scoped to one user, as the agent-side
tests run it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from memoryd.daemon.app import Daemon
from tests.daemon.brokers import Broker, start_daemon

ADMIN = "admin-token-0123456789"
AGENT = "agent-token-0123456789"
USER = "alice@example.com"


async def start_secured(broker: Broker, data_dir: Path, **overrides: Any) -> Daemon:
    settings = broker.settings(
        data_dir,
        api_token=ADMIN,
        scoped_api_tokens=[{"name": "agent", "token": AGENT, "users": [USER]}],
        **overrides,
    )
    return await start_daemon(settings)
