"""The agent side of memoryd: publish events to it, receive context snapshots from it.

Usage::

    import asyncio
    from contextlib import aclosing
    from memoryd.client import publish_event, subscribe_context

    async def main() -> None:
        await publish_event({"id": "evt-1", "user_id": "u-42", "content": "I moved to Lisbon."})
        async with aclosing(subscribe_context("u-42")) as snapshots:
            async for snapshot in snapshots:  # the current snapshot first, then every update
                print(snapshot.version, [c.summary for c in snapshot.categories])

    asyncio.run(main())

Over NATS (the default), events go to JetStream with a dedup id, and snapshots are read
from the daemon's KV bucket (:mod:`memoryd.transports.nats.client`). Over Kafka, pass
``kafka=KafkaOptions("broker:9092")`` (or ``KafkaOptions.from_settings(settings.kafka)``):
events are produced keyed by user id with an idempotent, ``acks=all`` producer, and
snapshots are read from the compacted context topic
(:mod:`memoryd.transports.kafka.client`).

This module is the public import path; it picks the transport and keeps what both share
(validation, version ordering of snapshots). The transport code lives in
``memoryd/transports/<name>/client.py``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, Unpack

from nats.js.api import PubAck

from memoryd.errors import InvalidEventError
from memoryd.events import ContextSnapshot, Event, parse_event
from memoryd.transports.kafka.client import KafkaAck, KafkaEventProducer, kafka_snapshots
from memoryd.transports.kafka.options import KafkaOptions
from memoryd.transports.nats.client import NatsEventProducer, nats_snapshots
from memoryd.transports.nats.options import (
    DEFAULT_BUCKET,
    DEFAULT_EVENTS_PREFIX,
    DEFAULT_NATS_URL,
    ConnectOptions,
)

__all__ = [
    "DEFAULT_BUCKET",
    "DEFAULT_EVENTS_PREFIX",
    "DEFAULT_NATS_URL",
    "ConnectOptions",
    "EventPublisher",
    "KafkaAck",
    "KafkaOptions",
    "publish_event",
    "subscribe_context",
]


def _check_headers(event: Event, traceparent: str | None) -> None:
    # A line break in a header value would end the header block early (on both transports
    # the id and traceparent travel as headers).
    for field, value in (("id", event.id), ("traceparent", traceparent or "")):
        if "\r" in value or "\n" in value:
            raise InvalidEventError("must not contain line breaks", field=field, event_id=event.id)


class EventPublisher:
    """One broker connection for many events::

    async with EventPublisher(nats_url=url) as publisher:  # or kafka=KafkaOptions(...)
        for event in events:
            await publisher.publish(event)
    """

    def __init__(
        self,
        *,
        nats_url: str = DEFAULT_NATS_URL,
        subject_prefix: str = DEFAULT_EVENTS_PREFIX,
        kafka: KafkaOptions | None = None,
        timeout: float = 5.0,
        **connect: Unpack[ConnectOptions],
    ) -> None:
        self._producer: NatsEventProducer | KafkaEventProducer = (
            KafkaEventProducer(kafka, timeout=timeout)
            if kafka
            else NatsEventProducer(nats_url, subject_prefix, connect, timeout=timeout)
        )

    async def __aenter__(self) -> Self:
        await self._producer.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._producer.stop()

    async def publish(
        self, event: Event | Mapping[str, Any] | str | bytes, *, traceparent: str | None = None
    ) -> PubAck | KafkaAck:
        """Validate and publish one event; wait for the broker's ack.

        Raises :class:`~memoryd.errors.InvalidEventError` (nothing published) for an invalid
        event, and nats-py/aiokafka errors (e.g. ``NoStreamResponseError`` when no stream
        listens on the subject) for broker failures. ``ack.duplicate`` is true for a retry
        NATS deduplicated (Kafka leaves that to memoryd, which skips known event ids).
        """
        if not isinstance(event, Event):
            event = parse_event(event)
        elif event.time is None:
            event = event.model_copy(update={"time": datetime.now(UTC)})
        _check_headers(event, traceparent)
        return await self._producer.send(event, traceparent)


async def publish_event(
    event: Event | Mapping[str, Any],
    *,
    nats_url: str = DEFAULT_NATS_URL,
    subject_prefix: str = DEFAULT_EVENTS_PREFIX,
    kafka: KafkaOptions | None = None,
    traceparent: str | None = None,
    timeout: float = 5.0,
    **connect: Unpack[ConnectOptions],
) -> None:
    """Publish one event on a connection of its own (use :class:`EventPublisher` for many)."""
    parsed = event if isinstance(event, Event) else parse_event(event)
    publisher = EventPublisher(
        nats_url=nats_url, subject_prefix=subject_prefix, kafka=kafka, timeout=timeout, **connect
    )
    async with publisher:
        await publisher.publish(parsed, traceparent=traceparent)


async def subscribe_context(
    user_id: str,
    *,
    nats_url: str = DEFAULT_NATS_URL,
    bucket: str = DEFAULT_BUCKET,
    kafka: KafkaOptions | None = None,
    poll_interval: float = 0.5,
    **connect: Unpack[ConnectOptions],
) -> AsyncGenerator[ContextSnapshot, None]:
    """Yield the user's current snapshot (if any) at once, then every newer one.

    Waits for the bucket (or topic) if the daemon has not created it yet. Any snapshot
    whose ``version`` is not above the last one yielded is skipped; after a NATS key was
    deleted or purged, versions may start again from 1. The connection is closed when the
    iteration ends — use ``contextlib.aclosing`` to close it as soon as you break out.
    Over NATS, raises ``nats.errors.ConnectionClosedError`` once nats-py stops
    reconnecting (after ``max_reconnect_attempts``).
    """
    if kafka is not None:
        source = kafka_snapshots(user_id, kafka, poll_interval=poll_interval)
    else:
        source = nats_snapshots(user_id, nats_url, bucket, poll_interval, connect)
    last_version: int | None = None
    try:
        async for snapshot in source:
            if snapshot is None:  # none yet, or the key was deleted: start afresh
                last_version = None
                continue
            if last_version is not None and snapshot.version <= last_version:
                continue
            last_version = snapshot.version
            yield snapshot
    finally:
        await source.aclose()
