"""Two-tier LLM mode with several replicas over one shared store, on both transports: a
user's windows are refined by the replica that owns the user, never by two at once, and
each window once, also when a replica leaves mid-stream and its users (with their open
windows, stored in their bookkeeping) move to another."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from memoryd.config import Settings
from memoryd.daemon.app import Daemon
from memoryd.llm.client import ChatClient
from memoryd.llm.extract import related_items
from memoryd.llm.prompts import REFINE_SYSTEM
from memoryd.llm.refine import WindowRefiner
from memoryd.llm.summarize import HeldSummaries, LlmSummarizer
from memoryd.llm.windows import pending_turns
from memoryd.memory.engine import MemoryEngine
from memoryd.stores.edge import QdrantEdgeStore
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.openai_server import OpenAIEmbeddingsServer

from .brokers import Broker, event, eventually

pytestmark = pytest.mark.anyio
USERS = [f"user-{i}" for i in range(6)]
FACTS = [
    "I moved to Lisbon last spring.",
    "My sister Anna works as a nurse.",
    "I am allergic to peanuts.",
    "I run a marathon every autumn.",
    "My dog Rex loves the beach.",
    "I started learning Japanese in May.",
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class SlowModel:
    """Refines each draft in place after a pause, and records when each window was in
    the model's hands (a window's turn ids start with its user's id)."""

    def __init__(self) -> None:
        self.windows: list[tuple[list[str], float, float]] = []
        self._lock = threading.Lock()

    def __call__(self, body: dict[str, Any]) -> str:
        if body["messages"][0]["content"] != REFINE_SYSTEM:
            return json.dumps({"categories": []})
        started = time.monotonic()
        lines = dict(line.split(": ", 1) for line in body["messages"][-1]["content"].splitlines())
        turns = [t["id"] for t in json.loads(lines["Turns"])]
        time.sleep(0.3)
        items = [
            {"text": f"Refined: {d['text']}", "sources": d["sources"], "replaces": [d["id"]]}
            for d in json.loads(lines["Drafts"])
        ]
        with self._lock:
            self.windows.append((turns, started, time.monotonic()))
        return json.dumps({"items": items})


@pytest.fixture
def model() -> Iterator[tuple[OpenAIEmbeddingsServer, SlowModel]]:
    with OpenAIEmbeddingsServer() as server:
        slow = SlowModel()
        server.chat = slow
        yield server, slow


async def start_replica(settings: Settings, engine: MemoryEngine) -> Daemon:
    client = ChatClient(settings.llm)
    refiner = WindowRefiner(
        engine, client, related_items(engine.store, engine.embedder, 5), LlmSummarizer(client)
    )
    daemon = Daemon(settings, engine, close_engine=False, refiner=refiner)
    await daemon.start()
    assigned = getattr(daemon.transport, "assigned", None)
    if assigned is not None:
        await asyncio.wait_for(assigned.wait(), 60)
    return daemon


def all_refined(engine: MemoryEngine, published: int) -> bool:
    stored = sum(engine.stats(u).events for u in USERS)
    waiting = sum(len(pending_turns(engine.user_state(u))) for u in USERS)
    return stored == published and waiting == 0


async def test_two_replicas_never_refine_one_users_window_at_once(
    broker: Broker, tmp_path: Path, model: tuple[OpenAIEmbeddingsServer, SlowModel]
) -> None:
    server, slow = model
    settings = broker.settings(
        tmp_path,
        kafka={"partitions": 4},
        nats={"shards": 4, "lease_ttl": 2.0},
        llm={
            "base_url": server.base_url,
            "model": "m",
            "max_retries": 0,
            "window": {"max_turns": 3, "idle_seconds": 0.5, "poll_seconds": 0.1},
        },
    )
    engine = MemoryEngine(
        QdrantEdgeStore(settings.edge_path()),
        HashEmbedder(),
        settings=settings.memory,
        summarizer=HeldSummaries(),
    )
    daemons = list(await asyncio.gather(*(start_replica(settings, engine) for _ in "ab")))
    published = 0
    try:
        # Given two replicas sharing the users
        await eventually(
            lambda: all(sum(d.owns(u) for d in daemons) == 1 for u in USERS), timeout=60
        )
        # When turns arrive, and one replica leaves in the middle of the conversations
        for round_ in range(4):
            for user in USERS:
                await broker.publish(settings, event(f"{user}-{round_}", FACTS[round_], user))
                published += 1
        await eventually(lambda: sum(engine.stats(u).events for u in USERS) == published)
        leaving = daemons.pop()
        await leaving.stop()
        for round_ in range(4, 6):
            for user in USERS:
                await broker.publish(settings, event(f"{user}-{round_}", FACTS[round_], user))
                published += 1
        # Then every window is refined, by one replica at a time, each once
        await eventually(lambda: all_refined(engine, published), timeout=90)
        await asyncio.gather(*(d.refinement.wait_idle() for d in daemons if d.refinement))
        refined = [t for turns, _, _ in slow.windows for t in turns]
        assert sorted(refined) == sorted(f"{u}-{r}" for u in USERS for r in range(6)), (
            "each turn in exactly one window"
        )
        for user in USERS:
            spans = sorted((s, e) for turns, s, e in slow.windows if turns[0].startswith(user))
            for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
                assert start >= end, f"two windows of {user} were refined at once"
            assert all(i.text.startswith("Refined: ") for i in engine.items(user))
    finally:
        for daemon in daemons:
            await daemon.stop()
        engine.close()
