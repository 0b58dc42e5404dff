"""Topic creation against a real Kafka-protocol broker (tansu)."""

from __future__ import annotations

import asyncio
import uuid

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from memoryd.config import KafkaSettings
from memoryd.testing.tansu import TansuBroker
from memoryd.transports.kafka.topology import create_topics


async def _configs(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        [resource] = response.resources
        return {entry[0]: entry[1] for entry in resource[4]}
    finally:
        await admin.close()


def test_topics_are_created_once_with_a_compacted_context_topic(
    kafka_server: TansuBroker,
) -> None:
    suffix = uuid.uuid4().hex[:8]
    settings = KafkaSettings(
        bootstrap_servers=kafka_server.bootstrap_servers,
        events_topic=f"top{suffix}.events",
        dead_letter_topic=f"top{suffix}.dlq",
        context_topic=f"top{suffix}.context",
        partitions=3,
    )
    asyncio.run(create_topics(settings))
    asyncio.run(create_topics(settings))  # a second start keeps them as they are

    context = asyncio.run(_configs(kafka_server.bootstrap_servers, settings.context_topic))
    assert context.get("cleanup.policy") == "compact"
    events = asyncio.run(_configs(kafka_server.bootstrap_servers, settings.events_topic))
    assert events.get("cleanup.policy") != "compact", "events are a log, not a table"
