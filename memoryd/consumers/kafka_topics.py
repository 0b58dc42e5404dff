"""The Kafka topics memoryd uses, created when missing: events, dead letters, and the
log-compacted context topic."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from memoryd.config import KafkaSettings
from memoryd.errors import TransientError
from memoryd.kafka_options import connection_kwargs

log = logging.getLogger(__name__)


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
