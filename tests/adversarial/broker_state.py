"""What the brokers hold, read from outside the daemon: dead letters with their route,
the last message on a subject, a KV entry, the records of a Kafka topic."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import nats
import nats.errors
from aiokafka import AIOKafkaConsumer
from nats.js.errors import KeyDeletedError, KeyNotFoundError, NotFoundError

from memoryd.config import Settings


@dataclass(frozen=True)
class Letter:
    """A dead letter: ``route`` is its NATS subject or its Kafka record key."""

    route: str | None
    body: bytes
    headers: dict[str, str]


async def dead_letters(settings: Settings, count: int) -> list[Letter]:
    """The first ``count`` dead letters (waits up to 20 s for them)."""
    async with asyncio.timeout(20):
        if settings.transport == "nats":
            return await _nats_letters(settings, count)
        records = await kafka_records(settings, settings.kafka.dead_letter_topic, count)
        return [Letter(k.decode() if k else None, v or b"", h) for k, v, h in records]


async def _nats_letters(settings: Settings, count: int) -> list[Letter]:
    nc = await nats.connect(settings.nats.url)
    try:
        sub = await nc.jetstream().pull_subscribe(
            f"{settings.nats.dead_letter_subject}.>", stream=settings.nats.dead_letter_stream
        )
        letters: list[Letter] = []
        while len(letters) < count:
            try:
                messages = await sub.fetch(count - len(letters), timeout=1)
            except nats.errors.TimeoutError:
                continue
            letters += [Letter(m.subject, m.data, dict(m.headers or {})) for m in messages]
        return letters
    finally:
        await nc.close()


async def kafka_records(
    settings: Settings, topic: str, count: int | None = None
) -> list[tuple[bytes | None, bytes | None, dict[str, str]]]:
    """The topic's records from the beginning: ``count`` of them, or all there are."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka.bootstrap_servers,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        records: list[tuple[bytes | None, bytes | None, dict[str, str]]] = []
        while count is None or len(records) < count:
            batches = await consumer.getmany(timeout_ms=1000)
            if not batches and count is None:
                return records
            for batch in batches.values():
                records += [(r.key, r.value, {k: v.decode() for k, v in r.headers}) for r in batch]
        return records
    finally:
        await consumer.stop()


async def nats_last_message(settings: Settings, stream: str, subject: str) -> bytes | None:
    """The last message stored on ``subject`` in ``stream``, or None."""
    nc = await nats.connect(settings.nats.url)
    try:
        message = await nc.jetstream().get_last_msg(stream, subject)
        return message.data
    except NotFoundError:
        return None
    finally:
        await nc.close()


async def nats_kv_value(settings: Settings, key: str) -> bytes | None:
    """The value of ``key`` in the snapshot bucket, or None if it has none."""
    nc = await nats.connect(settings.nats.url)
    try:
        kv = await nc.jetstream().key_value(settings.nats.kv_bucket)
        entry = await kv.get(key)
        return entry.value or None
    except (KeyNotFoundError, KeyDeletedError):
        return None
    finally:
        await nc.close()
