"""The Kafka topology: the topics memoryd uses, created when missing (events, dead
letters, the log-compacted context topic), and the partition a user id keys to. Which
replica consumes which partition is the consumer group's business (see ``consumer.py``;
offsets are committed per partition by :mod:`memoryd.transports.kafka.offsets`)."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.partitioner import DefaultPartitioner

from memoryd.config import KafkaSettings
from memoryd.errors import TransientError
from memoryd.transports.kafka.options import connection_kwargs

log = logging.getLogger(__name__)
_partitioner = DefaultPartitioner()


async def create_topics(settings: KafkaSettings) -> None:
    """Create the events, dead-letter and (compacted) context topics if missing."""
    admin = AIOKafkaAdminClient(**connection_kwargs(settings))
    await admin.start()
    try:
        n, rf = settings.partitions, settings.replication_factor
        topics = [
            NewTopic(settings.events_topic, n, rf),
            NewTopic(settings.dead_letter_topic, n, rf),
            NewTopic(settings.context_topic, n, rf, topic_configs={"cleanup.policy": "compact"}),
        ]
        response = await admin.create_topics(topics)
        for topic, code, message in _topic_errors(response):
            if code == TopicAlreadyExistsError.errno:
                continue  # kept as the operator configured it
            if code:
                raise TransientError(f"could not create Kafka topic {topic}: {message} ({code})")
            log.info("created Kafka topic", extra={"topic": topic})
    finally:
        await admin.close()


def _topic_errors(response: Any) -> Iterable[tuple[str, int, str | None]]:
    for error in response.topic_errors:
        yield error[0], error[1], error[2] if len(error) > 2 else None


def partition_for(user_id: str, partitions: Collection[int]) -> int:
    """The partition a producer keying by ``user_id`` writes to (murmur2, as Java's and
    aiokafka's default partitioners do)."""
    ordered = sorted(partitions)
    return int(_partitioner(user_id.encode(), ordered, ordered))
