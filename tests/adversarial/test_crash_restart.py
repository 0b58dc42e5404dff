"""``kill -9`` of ``memoryd up`` (alone, and with its nats-server), then a restart on the
same data dir and ports: it comes up, and every event accepted before the kill is
memorised after it."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .processes import MemorydUp, running, wait_gone

USERS = ("ana", "ben", "cho")
EVENTS = 30


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[MemorydUp]:
    # Events the killed daemon had fetched come back after ack_wait: keep it short.
    up = MemorydUp(tmp_path / "data", tmp_path / "up.log", {"MEMORYD_NATS__ACK_WAIT": "2"})
    try:
        yield up
    finally:
        up.stop()
        up.reap_servers()


def _enqueue(api: str) -> list[str]:
    """Enqueue events (202 = accepted); their ids."""
    events = [
        {
            "id": f"ev{i}",
            "user_id": USERS[i % len(USERS)],
            "content": f"I planted tree number {i} in my garden today.",
            "time": "2024-05-01T10:00:00Z",
        }
        for i in range(EVENTS)
    ]
    with httpx.Client(trust_env=False, timeout=30) as client:
        response = client.post(f"{api}/v1/events", params={"wait": "false"}, json=events)
    assert response.status_code == 202, response.text
    return list(response.json()["accepted"])


def _memorised(api: str, timeout: float = 60) -> int:
    """Events memorised over all users, once it stops growing at EVENTS (or timeout)."""
    deadline = time.monotonic() + timeout
    total = 0
    with httpx.Client(trust_env=False, timeout=10) as client:
        while time.monotonic() < deadline:
            total = sum(
                client.get(f"{api}/v1/users/{user}/stats").json()["events"] for user in USERS
            )
            if total >= EVENTS:
                return total
            time.sleep(0.2)
    return total


def test_kill9_of_the_daemon_alone_restarts_and_loses_nothing(daemon: MemorydUp) -> None:
    # Given memoryd up that accepted events, killed with SIGKILL right after
    daemon.start()
    nats_pid = daemon.nats_pid()
    assert len(_enqueue(daemon.api)) == EVENTS
    daemon.kill9()

    # Then its nats-server does not outlive it
    assert wait_gone(nats_pid), "the embedded nats-server outlived memoryd up"

    # When it is restarted on the same data dir and ports, then it comes up
    daemon.start()
    # and every accepted event is memorised
    assert _memorised(daemon.api) == EVENTS, daemon.tail()


def test_kill9_of_daemon_and_broker_restarts_and_loses_nothing(daemon: MemorydUp) -> None:
    # Given memoryd up that accepted events, then the daemon and its broker both SIGKILLed
    daemon.start()
    nats_pid = daemon.nats_pid()
    assert len(_enqueue(daemon.api)) == EVENTS
    os.kill(nats_pid, signal.SIGKILL)
    daemon.kill9()
    assert wait_gone(nats_pid)

    # When it is restarted on the same data dir and ports
    daemon.start()

    # Then it runs a new broker, and every accepted event is memorised
    assert daemon.nats_pid() != nats_pid and running(daemon.nats_pid())
    assert _memorised(daemon.api) == EVENTS, daemon.tail()


def test_a_second_up_on_a_live_data_dir_is_refused_and_harms_nothing(
    daemon: MemorydUp, tmp_path: Path
) -> None:
    # Given a running memoryd up
    daemon.start()
    nats_pid = daemon.nats_pid()

    # When another one is started on the same data dir (other ports)
    second = MemorydUp(daemon.data_dir, tmp_path / "second.log")
    with pytest.raises(RuntimeError, match="exited"):
        second.start(ready_timeout=60)

    # Then it says why, and the first one still serves from the same broker
    assert "is in use by another memoryd" in second.tail()
    assert daemon.nats_pid() == nats_pid
    with httpx.Client(trust_env=False, timeout=10) as client:
        assert client.get(f"{daemon.api}/readyz").status_code == 200
