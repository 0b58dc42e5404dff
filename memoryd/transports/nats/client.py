"""The agent client over NATS (used through :mod:`memoryd.client`, the default transport).

Events go to JetStream on ``<subject_prefix>.<user token>`` with ``Nats-Msg-Id`` =
``<user token>:<event id>``, so a retried publish within the stream's duplicate window is
stored once. Snapshots are read from the KV bucket the daemon keeps (key = user token).
Connection options (auth, TLS, name) are passed to ``nats.connect`` and never logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator

import nats
import nats.errors
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import PubAck
from nats.js.errors import BucketNotFoundError
from nats.js.kv import KeyValue
from pydantic import ValidationError

from memoryd.events import ContextSnapshot, Event
from memoryd.transports.nats.options import ConnectOptions
from memoryd.transports.nats.topology import events_subject, user_token

logger = logging.getLogger(__name__)

_CLOSED_CHECK_SECONDS = 2.0


def event_headers(event: Event, traceparent: str | None) -> dict[str, str]:
    """The headers an event is published with: its dedup id and the trace it continues."""
    headers = {"Nats-Msg-Id": f"{user_token(event.user_id)}:{event.id}"}
    if traceparent:
        headers["traceparent"] = traceparent
    return headers


class NatsEventProducer:
    """Publishes events to JetStream on the user's subject and waits for the ack."""

    def __init__(
        self, nats_url: str, subject_prefix: str, connect: ConnectOptions, *, timeout: float
    ):
        self._url = nats_url
        self._prefix = subject_prefix
        self._connect = connect
        self._timeout = timeout
        self._nc: NatsClient | None = None
        self._js: JetStreamContext | None = None

    async def start(self) -> None:
        self._nc = await nats.connect(self._url, **self._connect)
        self._js = self._nc.jetstream(timeout=self._timeout)

    async def stop(self) -> None:
        nc, self._nc, self._js = self._nc, None, None
        if nc is not None:
            await nc.close()

    async def send(self, event: Event, traceparent: str | None) -> PubAck:
        if self._js is None:
            raise RuntimeError("use EventPublisher as `async with EventPublisher(...) as pub`")
        subject = events_subject(self._prefix, event.user_id)
        body = event.model_dump_json(exclude_none=True).encode()
        return await self._js.publish(subject, body, headers=event_headers(event, traceparent))


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


async def nats_snapshots(
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
