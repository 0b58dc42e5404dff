"""Shutdown under a backlog: SIGTERM stops fetching at once, memorises what it can in half
the grace period, hands the rest back (NATS nak; Kafka uncommitted) and says how many;
the process exits inside the grace, and after a restart everything is memorised once."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import nats
import pytest

from memoryd.client import EventPublisher
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.ports import Filter, Vector
from memoryd.memory.schema import RESOURCES
from memoryd.stores.edge import QdrantEdgeStore
from memoryd.testing.embedder import HashEmbedder

from ..daemon.brokers import KafkaBroker, eventually, start_daemon

EVENTS = 600
USERS = 20
GRACE = 4.0
HANDED_BACK = re.compile(r"handed back unprocessed at shutdown.* handed_back=(\d+)")


def daemon_env(nats_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMORYD_")}
    env.update(
        {
            "MEMORYD_DATA_DIR": str(data_dir),
            "MEMORYD_NATS__URL": nats_url,
            "MEMORYD_NATS__STREAM": "ADVSHUT",
            "MEMORYD_NATS__EVENTS_SUBJECT": "advshut.events",
            "MEMORYD_NATS__DURABLE": "advshut",
            "MEMORYD_NATS__DEAD_LETTER_SUBJECT": "advshut.dlq",
            "MEMORYD_NATS__DEAD_LETTER_STREAM": "ADVSHUTDLQ",
            "MEMORYD_NATS__CONTEXT_SUBJECT": "advshut.ctx",
            "MEMORYD_NATS__KV_BUCKET": "advshut",
            "MEMORYD_NATS__LEASE_BUCKET": "advshut_leases",
            "MEMORYD_NATS__ACK_WAIT": "5",
            "MEMORYD_HTTP__PORT": "0",
            "MEMORYD_SHUTDOWN_GRACE_SECONDS": str(GRACE),
            **extra,
        }
    )
    return env


def start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "memoryd.daemon.cli", "run"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def sigterm(proc: subprocess.Popen[bytes]) -> tuple[int, float]:
    """Send SIGTERM; the exit code and the seconds it took to exit."""
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = proc.wait(timeout=60)
    return code, time.monotonic() - started


async def consumer_state(url: str) -> tuple[int, int, int]:
    nc = await nats.connect(url)
    try:
        info = await nc.jetstream().consumer_info("ADVSHUT", "advshut")
        return info.delivered.stream_seq, info.num_pending, info.num_ack_pending
    finally:
        await nc.close()


async def wait_for(check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := await check():
                return result
        except Exception:  # not up yet
            pass
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def backlog(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"ev{i}",
            "user_id": f"user{i % USERS}",
            "speaker": "Sam",
            "time": "2024-05-01T10:00:00Z",
            "content": f"I planted tree number {i} in my garden, next to the old fence.",
        }
        for i in range(n)
    ]


def test_sigterm_under_a_backlog_hands_back_and_loses_nothing(
    nats_server: Any, tmp_path: Path
) -> None:
    log = tmp_path / "daemon.log"
    # One event per batch, one batch at a time: the backlog cannot drain in the grace.
    slow = daemon_env(
        nats_server.url,
        tmp_path / "data",
        MEMORYD_BATCH__MAX_COUNT="1",
        MEMORYD_BATCH__CONCURRENCY="1",
        MEMORYD_NATS__MAX_PENDING="300",
    )

    async def scenario() -> None:
        proc = start(slow, log)
        try:
            await wait_for(lambda: consumer_state(nats_server.url), 60)
            async with EventPublisher(
                nats_url=nats_server.url, subject_prefix="advshut.events"
            ) as pub:
                for e in backlog(EVENTS):
                    await pub.publish(e)
            await wait_for(lambda: _delivered_at_least(nats_server.url, 100), 30)
        finally:
            # When SIGTERM arrives in the middle of the backlog
            code, took = sigterm(proc)
        text = log.read_text()
        # Then it exits cleanly inside the grace period
        assert code == 0, text[-3000:]
        assert took < GRACE + 1.0, f"took {took:.1f}s of a {GRACE}s grace"
        # and says how many buffered events it handed back
        found = HANDED_BACK.search(text)
        assert found is not None and int(found.group(1)) > 0, text[-3000:]
        # When it starts again (at full speed)
        proc = start(daemon_env(nats_server.url, tmp_path / "data"), log)
        try:
            await wait_for(lambda: _all_acked(nats_server.url), 120)
        finally:
            code, _ = sigterm(proc)
        assert code == 0, log.read_text()[-3000:]

    asyncio.run(scenario())
    # Then every event was memorised exactly once
    store = QdrantEdgeStore(tmp_path / "data" / "qdrant")
    engine = MemoryEngine(store, HashEmbedder(dim=384))  # opens the daemon's collections
    try:
        stored = [r.payload["event_id"] for r in store.scroll(RESOURCES, Filter())]
    finally:
        engine.close()
    assert sorted(stored) == sorted(e["id"] for e in backlog(EVENTS))


async def _delivered_at_least(url: str, n: int) -> bool:
    delivered, _, _ = await consumer_state(url)
    return delivered >= n


async def _all_acked(url: str) -> bool:
    delivered, pending, ack_pending = await consumer_state(url)
    return delivered >= EVENTS and pending == 0 and ack_pending == 0


class SlowEmbedder(HashEmbedder):
    """A model that takes its time: memorising cannot keep up with the backlog."""

    def embed(self, texts: Sequence[str]) -> Vector:
        time.sleep(0.01 * len(texts))
        return super().embed(texts)


@pytest.mark.anyio
async def test_kafka_stop_under_a_backlog_leaves_the_rest_uncommitted(
    kafka_server: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broker = KafkaBroker(kafka_server.bootstrap_servers)
    settings = broker.settings(
        tmp_path, shutdown_grace_seconds=2, batch={"max_count": 4, "concurrency": 1}
    )
    events = backlog(300)
    # Given a backlog of events on the topic and a replica slower than the backlog
    slow = MemoryEngine(QdrantEdgeStore(settings.edge_path()), SlowEmbedder())
    for e in events:
        await broker.publish(settings, e)
    daemon = await start_daemon(settings, slow, close_engine=False)
    try:
        await eventually(lambda: daemon.pipeline.counts["memorized"] >= 20, timeout=30)
    finally:
        # When it is stopped in the middle of it
        started = time.monotonic()
        with caplog.at_level(logging.INFO, logger="memoryd.daemon.app"):
            await daemon.stop()
        took = time.monotonic() - started
        slow.close()
    # Then it stopped inside the grace period, handing back what it could not finish
    assert took < 2 + 5.0  # the grace, plus the bounded last commit and leaving the group
    released = daemon.pipeline.counts["released"]
    assert released > 0
    assert any(getattr(r, "handed_back", None) == released for r in caplog.records)
    # When a replica of the same group starts again
    daemon = await start_daemon(settings)
    try:
        # Then everything is memorised: what was handed back was never committed
        users = {e["user_id"] for e in events}
        await eventually(
            lambda: sum(daemon.engine.stats(u).events for u in users) == len(events), timeout=60
        )
    finally:
        await daemon.stop()
