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

Over NATS (the default), events go to JetStream on ``<subject_prefix>.<user token>`` with
``Nats-Msg-Id`` = ``<user token>:<event id>``, so a retried publish within the stream's
duplicate window is stored once. Snapshots are read from the KV bucket the daemon keeps
(key = user token). Connection options (auth, TLS, name) are passed to ``nats.connect``
and never logged.

Over Kafka, pass ``kafka=KafkaOptions("broker:9092")`` (or
``KafkaOptions.from_settings(settings.kafka)``): events are produced keyed by user id with
an idempotent, ``acks=all`` producer, and snapshots are read from the compacted context
topic (see :mod:`memoryd.client_kafka`).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypedDict, Unpack

import nats
import nats.errors
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import PubAck
from nats.js.errors import BucketNotFoundError
from nats.js.kv import KeyValue
from pydantic import ValidationError

from memoryd.client_kafka import KafkaAck, KafkaEventProducer, KafkaOptions, kafka_snapshots
from memoryd.errors import InvalidEventError
from memoryd.events import ContextSnapshot, Event, parse_event
from memoryd.subjects import events_subject, user_token

__all__ = [
    "ConnectOptions",
    "EventPublisher",
    "KafkaAck",
    "KafkaOptions",
    "publish_event",
    "subscribe_context",
]

logger = logging.getLogger(__name__)

# The daemon's defaults (memoryd.config.NatsSettings).
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"
DEFAULT_EVENTS_PREFIX = "memoryd.events"
DEFAULT_BUCKET = "memoryd_context"
_CLOSED_CHECK_SECONDS = 2.0


class ConnectOptions(TypedDict, total=False):
    """Keyword arguments passed through to ``nats.connect`` (see nats-py for the rest)."""

    user: str
    password: str
    token: str
    user_credentials: str  # path to a .creds file
    nkeys_seed: str  # path to an nkey seed file
    tls: ssl.SSLContext
    name: str
    connect_timeout: int
    allow_reconnect: bool
    max_reconnect_attempts: int  # nats-py retries the first connect this often too
    reconnect_time_wait: int
    error_cb: Callable[[Exception], Awaitable[None]]


def _headers(event: Event, traceparent: str | None) -> dict[str, str]:
    headers = {"Nats-Msg-Id": f"{user_token(event.user_id)}:{event.id}"}
    if traceparent:
        headers["traceparent"] = traceparent
    # A line break in a header value would end the header block early.
    for field, value in (("id", event.id), ("traceparent", traceparent or "")):
        if "\r" in value or "\n" in value:
            raise InvalidEventError("must not contain line breaks", field=field, event_id=event.id)
    return headers


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
        self._url = nats_url
        self._prefix = subject_prefix
        self._timeout = timeout
        self._connect = connect
        self._nc: NatsClient | None = None
        self._js: JetStreamContext | None = None
        self._kafka = KafkaEventProducer(kafka, timeout=timeout) if kafka else None

    async def __aenter__(self) -> Self:
        if self._kafka is not None:
            await self._kafka.start()
            return self
        self._nc = await nats.connect(self._url, **self._connect)
        self._js = self._nc.jetstream(timeout=self._timeout)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._kafka is not None:
            await self._kafka.stop()
        nc, self._nc, self._js = self._nc, None, None
        if nc is not None:
            await nc.close()

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
        headers = _headers(event, traceparent)
        if self._kafka is not None:
            return await self._kafka.send(event, traceparent)
        if self._js is None:
            raise RuntimeError("use EventPublisher as `async with EventPublisher(...) as pub`")
        subject = events_subject(self._prefix, event.user_id)
        body = event.model_dump_json(exclude_none=True).encode()
        return await self._js.publish(subject, body, headers=headers)


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


async def _wait_for_bucket(js: JetStreamContext, bucket: str, poll_interval: float) -> KeyValue:
    waiting = False
    while True:
        try:
            return await js.key_value(bucket)
        except BucketNotFoundError:
            if not waiting:
                logger.info("waiting for KV bucket %s (created by the daemon)", bucket)
                waiting = True
            await asyncio.sleep(poll_interval)


def _decode(entry: KeyValue.Entry) -> ContextSnapshot | None:
    try:
        return ContextSnapshot.model_validate_json(entry.value or b"")
    except ValidationError as exc:
        logger.warning(
            "skipping undecodable snapshot key=%s revision=%s: %s",
            entry.key,
            entry.revision,
            exc.errors()[0]["msg"],
        )
        return None


async def _next_entry(nc: NatsClient, watcher: KeyValue.KeyWatcher) -> KeyValue.Entry | None:
    # The watcher never learns that nats-py gave up reconnecting; without this check the
    # iteration would wait forever on a closed connection.
    while True:
        try:
            entry: KeyValue.Entry | None = await watcher.updates(  # type: ignore[no-untyped-call]
                timeout=_CLOSED_CHECK_SECONDS
            )
        except nats.errors.TimeoutError:
            if nc.is_closed:
                raise nats.errors.ConnectionClosedError from None
            continue
        return entry


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
        source = _nats_snapshots(user_id, nats_url, bucket, poll_interval, connect)
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


async def _nats_snapshots(
    user_id: str,
    nats_url: str,
    bucket: str,
    poll_interval: float,
    connect: ConnectOptions,
) -> AsyncGenerator[ContextSnapshot | None, None]:
    """The KV entries of the user's key: snapshots, and None for a DEL or PURGE."""
    key = user_token(user_id)
    nc = await nats.connect(nats_url, **connect)
    try:
        kv = await _wait_for_bucket(nc.jetstream(), bucket, poll_interval)
        watcher = await kv.watch(key)
        try:
            while True:
                entry = await _next_entry(nc, watcher)
                if entry is None:  # end of the initial values
                    continue
                if entry.operation is not None:  # DEL / PURGE
                    yield None
                    continue
                snapshot = _decode(entry)
                if snapshot is not None:
                    yield snapshot
        finally:
            try:
                await watcher.stop()  # type: ignore[no-untyped-call]
            except nats.errors.Error as exc:  # the connection is gone; closing it is all left
                logger.debug("watcher stop failed: %s", type(exc).__name__)
    finally:
        await nc.close()
