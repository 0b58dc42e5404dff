"""Several replicas sharing the work, in one process over one shared store (a Qdrant
server cannot run here), on both transports: users are split between replicas (Kafka
partitions, NATS shard leases), each event is memorised once, and a replica leaving
mid-stream hands its users over without loss, repeats or snapshot versions going back."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path

import pytest

from memoryd.config import Settings
from memoryd.daemon.app import Daemon
from memoryd.memory.engine import MemoryEngine
from memoryd.stores.edge import QdrantEdgeStore
from memoryd.testing.embedder import HashEmbedder

from .brokers import Broker, event, eventually, start_daemon

pytestmark = pytest.mark.anyio
USERS = [f"user-{i}" for i in range(12)]
FACTS = [
    "I moved to Lisbon last spring.",
    "My sister Anna works as a nurse.",
    "I am allergic to peanuts.",
    "I run a marathon every autumn.",
    "My dog Rex loves the beach.",
    "I started learning Japanese in May.",
    "I play the cello in a quartet.",
    "My favourite food is ramen.",
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def split(daemons: list[Daemon]) -> bool:
    """Every user is owned by exactly one replica, and every replica owns some."""
    owners = [[d for d in daemons if d.owns(u)] for u in USERS]
    return all(len(o) == 1 for o in owners) and all(any(d.owns(u) for u in USERS) for d in daemons)


async def publish_round(broker: Broker, settings: Settings, round_: int) -> int:
    for user in USERS:
        await broker.publish(settings, event(f"{user}-{round_}", FACTS[round_], user))
    return len(USERS)


async def test_replicas_split_users_and_hand_them_over_on_leaving(
    broker: Broker, tmp_path: Path
) -> None:
    settings = broker.settings(
        tmp_path,
        kafka={"partitions": 6},
        nats={"shards": 6, "lease_ttl": 2.0},
        # Ingest handover only: an evolution run's snapshot (its own trigger, no event
        # ids) may land after the last event's and would hide it from the check below.
        evolution={"enabled": False},
    )
    await broker.record_snapshots(settings)
    engine = MemoryEngine(QdrantEdgeStore(settings.edge_path()), HashEmbedder())
    # Each replica has its own name, as separate processes would (the default, host and
    # pid, is one name for every daemon in this process, and leases count replicas by name).
    daemons = list(
        await asyncio.gather(
            *(
                start_daemon(
                    settings.model_copy(update={"replica_id": f"replica-{name}"}),
                    engine,
                    close_engine=False,
                )
                for name in "abc"
            )
        )
    )
    try:
        # Given three replicas that split the users between them
        await eventually(lambda: split(daemons), timeout=60)
        # When the first half of the events arrives
        n = 0
        for round_ in range(4):
            n += await publish_round(broker, settings, round_)
        # (generous waits: three daemons share one process and, in CI, a busy machine)
        await eventually(
            lambda: sum(d.pipeline.counts["memorized"] for d in daemons) == n, timeout=60
        )
        # and one replica leaves mid-stream while the rest keeps arriving
        leaving = daemons.pop()
        leaving_users = [u for u in USERS if leaving.owns(u)]
        assert leaving_users, "the leaving replica owned some users"
        stopping = asyncio.create_task(leaving.stop())
        for round_ in range(4, 8):
            n += await publish_round(broker, settings, round_)
        await stopping
        # Then the others take its users over
        await eventually(lambda: split(daemons), timeout=60)
        # and every event is memorised exactly once: nothing lost, nothing redone
        await eventually(lambda: sum(engine.stats(u).events for u in USERS) == n, timeout=60)
        await asyncio.sleep(0.5)
        handled = leaving.pipeline.counts["memorized"] + sum(
            d.pipeline.counts["memorized"] for d in daemons
        )
        assert handled == n, "an event memorised and acknowledged was consumed again"
        for user in USERS:
            items = engine.items(user)
            assert sorted(s for i in items for s in i.sources) == sorted(
                f"{user}-{r}" for r in range(8)
            )
        # and the new owners carried the leaving replica's snapshot versions on
        for user in leaving_users[:2]:
            await eventually(partial(_latest_has, daemons, user, f"{user}-7"), timeout=60)
            versions = await broker.snapshot_versions(settings, user)
            assert versions == sorted(set(versions)), f"versions went back or repeated: {versions}"
    finally:
        for daemon in daemons:
            await daemon.stop()
        engine.close()


async def _latest_has(daemons: list[Daemon], user: str, event_id: str) -> bool:
    for daemon in daemons:
        snapshot = await daemon.latest_snapshot(user)
        if snapshot and event_id in snapshot.trigger.event_ids:
            return True
    return False
