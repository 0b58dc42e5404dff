"""The context topic's table against a real Kafka-protocol broker (tansu)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from faststream.kafka import KafkaBroker

from memoryd.config import KafkaSettings
from memoryd.events import ContextSnapshot, SnapshotTrigger
from memoryd.testing.tansu import TansuBroker
from memoryd.transports.kafka.sink import KafkaSnapshotSink
from memoryd.transports.kafka.topology import create_topics


def _snapshot(user_id: str, version: int) -> ContextSnapshot:
    return ContextSnapshot(
        user_id=user_id,
        version=version,
        generated_at=datetime.now(UTC),
        trigger=SnapshotTrigger(kind="memorize"),
    )


async def _deleted_at_once(bootstrap: str) -> list[object]:
    suffix = uuid.uuid4().hex[:8]
    settings = KafkaSettings(
        bootstrap_servers=bootstrap,
        events_topic=f"sink{suffix}.events",
        dead_letter_topic=f"sink{suffix}.dlq",
        context_topic=f"sink{suffix}.context",
        partitions=1,
    )
    await create_topics(settings)
    broker = KafkaBroker(bootstrap)
    await broker.connect()
    sink = KafkaSnapshotSink(settings, broker)
    await sink.start()
    seen: list[object] = []
    try:
        for round_ in range(20):
            user = f"user-{round_}"
            await sink.publish(_snapshot(user, 1))
            await sink.clear(user)
            seen.append(await sink.latest(user))
            await asyncio.sleep(0.05 * (round_ % 3))  # the reader at different points
            seen.append(await sink.latest(user))
    finally:
        await sink.close()
        await broker.stop()
    return seen


def test_a_cleared_user_has_no_latest_snapshot_while_the_reader_catches_up(
    kafka_server: TansuBroker,
) -> None:
    # The empty 'deleted' snapshot goes out before the tombstone. A reader that reads it
    # back only after the tombstone was applied locally put it back until it read the
    # tombstone too: seen once in CI under load (it does not show on a quiet machine).
    seen = asyncio.run(_deleted_at_once(kafka_server.bootstrap_servers))
    assert seen == [None] * len(seen)
