"""The agent client over Kafka (used through :mod:`memoryd.client` with ``kafka=...``).

Events are produced to the events topic with the user id as key (so one user's events
stay in one partition, in order), by an idempotent producer with ``acks=all``. Snapshots
are read from the log-compacted context topic: the partition the user id keys to is read
from its beginning to its end, the user's latest snapshot is yielded, then every update.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from pydantic import ValidationError

from memoryd.events import ContextSnapshot, Event
from memoryd.transports.kafka.options import KafkaOptions
from memoryd.transports.kafka.topology import partition_for

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KafkaAck:
    """Where an event was stored. Kafka has no publish-side deduplication of
    application retries: memoryd recognises a re-sent event id when it memorises it."""

    topic: str
    partition: int
    offset: int
    duplicate: bool = False


class KafkaEventProducer:
    """Produces events keyed by user id (one user's events stay in one partition, in
    order) with an idempotent ``acks=all`` producer."""

    def __init__(self, options: KafkaOptions, *, timeout: float):
        self._options = options
        self._producer = AIOKafkaProducer(
            acks="all",
            enable_idempotence=options.enable_idempotence,
            request_timeout_ms=int(timeout * 1000),
            **options.kwargs(),
        )

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send(self, event: Event, traceparent: str | None) -> KafkaAck:
        headers = [("traceparent", traceparent.encode())] if traceparent else None
        metadata = await self._producer.send_and_wait(
            self._options.events_topic,
            event.model_dump_json(exclude_none=True).encode(),
            key=event.user_id.encode(),
            headers=headers,
        )
        return KafkaAck(metadata.topic, metadata.partition, metadata.offset)


async def kafka_snapshots(
    user_id: str, options: KafkaOptions, *, poll_interval: float
) -> AsyncGenerator[ContextSnapshot | None, None]:
    """The user's snapshots from the context topic: the latest one (or None when there is
    none yet) once the partition was read to its end, then each one published after, and
    None for a tombstone (the user was deleted)."""
    key = user_id.encode()
    consumer = AIOKafkaConsumer(group_id=None, enable_auto_commit=False, **options.kwargs())
    await consumer.start()
    try:
        partitions = await _wait_for_topic(consumer, options.context_topic, poll_interval)
        tp = TopicPartition(options.context_topic, partition_for(user_id, partitions))
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        latest: ContextSnapshot | None = None
        # Read to the end (the fetch's high watermark too: tansu's ListOffsets can answer
        # below it), then yield what is the latest.
        while await consumer.position(tp) < max(end, consumer.highwater(tp) or 0):
            for record in (await consumer.getmany(tp, timeout_ms=500)).get(tp, []):
                if record.key == key:
                    # A tombstone (null value): the user was deleted since.
                    latest = None if record.value is None else _decode(record.value) or latest
        yield latest
        while True:
            for record in (await consumer.getmany(tp, timeout_ms=1000)).get(tp, []):
                if record.key != key:
                    continue
                if record.value is None:
                    yield None  # deleted: versions start again
                elif (snapshot := _decode(record.value)) is not None:
                    yield snapshot
    finally:
        await consumer.stop()


async def _wait_for_topic(consumer: AIOKafkaConsumer, topic: str, poll: float) -> set[int]:
    waiting = False
    while True:
        await consumer.topics()  # refreshes the metadata
        partitions = consumer.partitions_for_topic(topic)
        if partitions:
            return set(partitions)
        if not waiting:
            logger.info("waiting for Kafka topic %s (created by the daemon)", topic)
            waiting = True
        await asyncio.sleep(poll)


def _decode(value: bytes | None) -> ContextSnapshot | None:
    try:
        return ContextSnapshot.model_validate_json(value or b"")
    except ValidationError as exc:
        logger.warning("skipping an undecodable snapshot: %s", exc.errors()[0]["msg"])
        return None
