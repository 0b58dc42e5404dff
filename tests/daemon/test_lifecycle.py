"""The real processes: ``memoryd run`` drains on SIGTERM and loses nothing;
``memoryd up`` brings up its own NATS and HTTP API with the embedded defaults."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from memoryd.client import EventPublisher
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.ports import Filter
from memoryd.memory.schema import ITEMS, RESOURCES
from memoryd.stores.edge import QdrantEdgeStore
from memoryd.testing.embedder import HashEmbedder

USERS = 10
EVENTS = 300


def daemon_env(nats_url: str, data_dir: Path, tag: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMORYD_")}
    env.update(
        {
            "MEMORYD_DATA_DIR": str(data_dir),
            "MEMORYD_NATS__URL": nats_url,
            "MEMORYD_NATS__STREAM": f"LIFE{tag}",
            "MEMORYD_NATS__EVENTS_SUBJECT": f"life{tag}.events",
            "MEMORYD_NATS__DURABLE": f"life{tag}",
            "MEMORYD_NATS__DEAD_LETTER_SUBJECT": f"life{tag}.dlq",
            "MEMORYD_NATS__DEAD_LETTER_STREAM": f"LIFEDLQ{tag}",
            "MEMORYD_NATS__CONTEXT_SUBJECT": f"life{tag}.ctx",
            "MEMORYD_NATS__KV_BUCKET": f"life{tag}",
            "MEMORYD_NATS__ACK_WAIT": "3",
            "MEMORYD_HTTP__PORT": "0",
            "MEMORYD_BATCH__MAX_COUNT": "8",
        }
    )
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "memoryd.daemon.cli", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(proc: subprocess.Popen[bytes], timeout: float = 30) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=timeout)


async def consumer_state(url: str, stream: str, durable: str) -> tuple[int, int, int]:
    nc = await nats.connect(url)
    try:
        info = await nc.jetstream().consumer_info(stream, durable)
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
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


def test_sigterm_mid_stream_loses_nothing(nats_server: Any, tmp_path: Path) -> None:
    env = daemon_env(nats_server.url, tmp_path / "data", "a")
    log = tmp_path / "daemon.log"
    s, d = env["MEMORYD_NATS__STREAM"], env["MEMORYD_NATS__DURABLE"]

    async def scenario() -> None:
        proc = start(["run"], env, log)
        try:
            await wait_for(lambda: consumer_state(nats_server.url, s, d), 60)
            async with EventPublisher(
                nats_url=nats_server.url, subject_prefix=env["MEMORYD_NATS__EVENTS_SUBJECT"]
            ) as pub:
                for i in range(EVENTS):
                    await pub.publish(
                        {
                            "id": f"ev{i}",
                            "user_id": f"user{i % USERS}",
                            "speaker": "Sam",
                            "time": "2024-05-01T10:00:00Z",
                            "content": f"I planted tree number {i} in my garden.",
                        }
                    )
            # When SIGTERM arrives while the stream is being consumed
            await wait_for(lambda: _delivered_some(nats_server.url, s, d), 30)
        finally:
            assert stop(proc) == 0, log.read_text()[-3000:]
        # Then a restarted daemon finishes the rest (redelivered or never fetched)
        proc = start(["run"], env, log)
        try:
            await wait_for(lambda: _started_twice(log), 60)
            await wait_for(lambda: _all_acked(nats_server.url, s, d), 90)
        finally:
            assert stop(proc) == 0, log.read_text()[-3000:]

    asyncio.run(scenario())
    # and every event was memorised exactly once
    store = QdrantEdgeStore(tmp_path / "data" / "qdrant")
    engine = MemoryEngine(store, HashEmbedder(dim=384))
    try:
        resources = [r.payload["event_id"] for r in store.scroll(RESOURCES, Filter())]
        assert sorted(resources) == sorted(f"ev{i}" for i in range(EVENTS))
        sources = [s for r in store.scroll(ITEMS, Filter()) for s in r.payload["sources"]]
        assert len(sources) == len(set(sources)), "no event counted twice in an item"
        assert sum(engine.stats(f"user{u}").events for u in range(USERS)) == EVENTS
    finally:
        engine.close()
    assert "memoryd stopped" in log.read_text()


async def _started_twice(log: Path) -> bool:
    return log.read_text().count("memoryd started") >= 2


async def _delivered_some(url: str, stream: str, durable: str) -> bool:
    delivered, _, _ = await consumer_state(url, stream, durable)
    return delivered >= 20


async def _all_acked(url: str, stream: str, durable: str) -> bool:
    delivered, pending, ack_pending = await consumer_state(url, stream, durable)
    return delivered >= EVENTS and pending == 0 and ack_pending == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def up(tmp_path: Path) -> Iterator[tuple[str, str]]:
    http_port, nats_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMORYD_")}
    log = tmp_path / "up.log"
    proc = start(
        [
            "up",
            "--data-dir",
            str(tmp_path / "data"),
            "--http-port",
            str(http_port),
            "--nats-port",
            str(nats_port),
        ],
        env,
        log,
    )
    try:
        yield f"http://127.0.0.1:{http_port}", f"nats://127.0.0.1:{nats_port}"
    finally:
        assert stop(proc) == 0, log.read_text()[-3000:]
    assert (tmp_path / "data" / "nats").is_dir() and (tmp_path / "data" / "qdrant").is_dir()


def test_up_runs_the_embedded_default(up: tuple[str, str]) -> None:
    api, nats_url = up

    async def ready() -> bool:
        async with httpx.AsyncClient(trust_env=False) as client:
            return (await client.get(f"{api}/readyz")).status_code == 200

    async def scenario() -> dict[str, Any]:
        await wait_for(ready, 60)
        async with EventPublisher(nats_url=nats_url) as pub:
            await pub.publish(
                {
                    "id": "u1",
                    "user_id": "zoe",
                    "speaker": "Zoe",
                    "content": "I moved to Lisbon last week with my partner.",
                }
            )

        async def items() -> dict[str, Any] | None:
            async with httpx.AsyncClient(trust_env=False) as client:
                body = (
                    await client.post(
                        f"{api}/v1/retrieve",
                        json={"user_id": "zoe", "query": "where does Zoe live"},
                    )
                ).json()
                return body if body["items"] else None

        result: dict[str, Any] = await wait_for(items, 30)
        return result

    body = asyncio.run(scenario())
    assert "Lisbon" in body["items"][0]["text"] and body["items"][0]["sources"] == ["u1"]
