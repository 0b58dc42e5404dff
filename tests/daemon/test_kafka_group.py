"""Several replicas in one Kafka consumer group, in one process over one shared store:
partitions are split, each event is memorised once, and a replica leaving mid-stream
hands its partitions over without loss, duplicates or snapshot versions going back."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer

from memoryd.config import Settings
from memoryd.consumers.kafka import KafkaTransport
from memoryd.daemon.app import Daemon
from memoryd.memory.engine import MemoryEngine
from memoryd.stores.edge import QdrantEdgeStore
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.tansu import TansuBroker

from .brokers import KafkaBroker, event, eventually, start_daemon

pytestmark = pytest.mark.anyio
PARTITIONS = 6
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


def partitions(daemon: Daemon) -> set[int]:
    transport = daemon.transport
    assert isinstance(transport, KafkaTransport)
    return transport.partitions


async def split(daemons: list[Daemon]) -> bool:
    owned = [partitions(d) for d in daemons]
    return sum(map(len, owned)) == PARTITIONS and set().union(*owned) == set(range(PARTITIONS))


async def context_versions(settings: Settings, user_id: str) -> list[int]:
    """The versions of the user's snapshots in the context topic, in log order."""
    consumer = AIOKafkaConsumer(
        settings.kafka.context_topic,
        bootstrap_servers=settings.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        versions: list[int] = []
        while batches := await consumer.getmany(timeout_ms=1000):
            for records in batches.values():
                versions += [
                    json.loads(r.value)["version"] for r in records if r.key == user_id.encode()
                ]
        return versions
    finally:
        await consumer.stop()


async def test_replicas_split_partitions_and_hand_them_over_on_leaving(
    kafka_server: TansuBroker, tmp_path: Path
) -> None:
    broker = KafkaBroker(kafka_server.bootstrap_servers)
    settings = broker.settings(tmp_path, kafka={"partitions": PARTITIONS})
    engine = MemoryEngine(QdrantEdgeStore(settings.edge_path()), HashEmbedder())
    daemons = list(
        await asyncio.gather(*(start_daemon(settings, engine, close_engine=False) for _ in "abc"))
    )
    try:
        # Given three replicas that split the partitions between them
        await eventually(lambda: split(daemons), timeout=60)
        for user in USERS:
            assert [d.owns(user) for d in daemons].count(True) == 1, user
        # When the first half of the events arrives
        n = 0
        for round_ in range(4):
            for user in USERS:
                await broker.publish(settings, event(f"{user}-{round_}", FACTS[round_], user))
                n += 1
        await eventually(lambda: sum(d.pipeline.counts["memorized"] for d in daemons) == n)
        # and one replica leaves mid-stream while the rest keeps arriving
        leaving = daemons.pop()
        leaving_users = [u for u in USERS if leaving.owns(u)]
        assert leaving_users, "the leaving replica owned some users"
        stopping = asyncio.create_task(leaving.stop())
        for round_ in range(4, 8):
            for user in USERS:
                await broker.publish(settings, event(f"{user}-{round_}", FACTS[round_], user))
                n += 1
        await stopping
        # Then the others take its partitions over
        await eventually(lambda: split(daemons), timeout=60)
        for user in leaving_users:
            assert any(d.owns(user) for d in daemons)
        # and every event is memorised exactly once: nothing lost, nothing redone
        await eventually(lambda: sum(engine.stats(u).events for u in USERS) == n, timeout=30)
        await asyncio.sleep(0.5)
        handled = leaving.pipeline.counts["memorized"] + sum(
            d.pipeline.counts["memorized"] for d in daemons
        )
        assert handled == n, "a record memorised and committed was not consumed again"
        for user in USERS:
            items = engine.items(user)
            assert sorted(s for i in items for s in i.sources) == sorted(
                f"{user}-{r}" for r in range(8)
            )
        # and the new owners carried the leaving replica's snapshot versions on
        user = leaving_users[0]
        await eventually(lambda: _latest_has(daemons, user, f"{user}-7"))
        versions = await context_versions(settings, user)
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
