"""The NATS JetStream transport: a durable pull consumer feeding the ingest pipeline, and
the dead-letter stream.

Events are published to ``<events_subject>.<user token>``; one durable consumer pulls
them in batches. Messages are acked by the pipeline, only once durable; an unacked
message is redelivered after ``ack_wait`` (or the retry delay).

FastStream's ``NatsBroker`` owns the connection (connect, reconnect, drain on stop) and
publishing. The pull loop is our own on nats-py: FastStream 0.7's batch pull loop only
catches ``nats.errors.TimeoutError``, so a plain ``TimeoutError`` from nats-py restarted
it with a fresh subscription, and messages the server had already sent to the old one
waited ``ack_wait`` (30 s) for redelivery — measured as 71 of 2,000 events arriving 30 s
late in ``bench/snapshot_freshness.py``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from faststream.nats import NatsBroker
from faststream.nats.security import (
    NatsCredentials,
    NatsNKey,
    NatsSecurity,
    NatsToken,
    NatsUserPassword,
)
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig
from nats.js.errors import BadRequestError

from memoryd.config import NatsSettings
from memoryd.consumers.backoff import compute_backoff
from memoryd.consumers.delivery import DLQ_DETAIL, DLQ_REASON, Delivery
from memoryd.consumers.transport import Revoked, Submit
from memoryd.errors import TransientError
from memoryd.events import Event
from memoryd.subjects import dead_letter_subject, events_subject, user_token

log = logging.getLogger(__name__)

DLQ_ORIGIN = "Memoryd-Original-Subject"


def nats_security(settings: NatsSettings) -> NatsSecurity | None:
    """The FastStream security object for the settings' auth and TLS (None for neither)."""
    tls = settings.tls.context()
    if settings.creds_file:
        return NatsCredentials(str(settings.creds_file), ssl_context=tls)
    if settings.nkey_seed_file:
        return NatsNKey(settings.nkey_seed_file, ssl_context=tls)
    if settings.user:
        password = settings.password.get_secret_value() if settings.password else ""
        return NatsUserPassword(settings.user, password, ssl_context=tls)
    if settings.token:
        return NatsToken(settings.token.get_secret_value(), ssl_context=tls)
    if tls is not None:
        return NatsSecurity(ssl_context=tls)
    return None


class NatsDelivery:
    """A JetStream message as a :class:`~memoryd.consumers.delivery.Delivery`."""

    def __init__(self, msg: Msg):
        self._msg = msg

    @property
    def body(self) -> bytes:
        return self._msg.data

    @property
    def headers(self) -> Mapping[str, str]:
        return self._msg.headers or {}

    @property
    def attempt(self) -> int:
        return int(self._msg.metadata.num_delivered or 1)

    @property
    def origin(self) -> str:
        return self._msg.subject

    async def ack(self) -> None:
        await self._msg.ack()

    async def retry(self, delay: float) -> None:
        await self._msg.nak(delay=delay)


class NatsTransport:
    """Owns the broker connection: consumes events, publishes dead letters."""

    name = "nats"

    def __init__(self, settings: NatsSettings, *, graceful_timeout: float = 15.0):
        self.settings = settings
        self.broker = NatsBroker(
            settings.url,
            security=nats_security(settings),
            graceful_timeout=graceful_timeout,
            logger=None,
        )
        self._submit: Submit | None = None
        self._revoked: Revoked | None = None
        self._pull: JetStreamContext.PullSubscription | None = None
        self._loop: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def js(self) -> JetStreamContext:
        stream = self.broker.config.connection_state.stream
        if not isinstance(stream, JetStreamContext):
            raise TransientError("not connected to NATS")
        return stream

    @property
    def client(self) -> Client:
        connection = self.broker.connection
        if not isinstance(connection, Client):
            raise TransientError("not connected to NATS")
        return connection

    def consume(self, submit: Submit, revoked: Revoked) -> None:
        """Where consumed messages go; they flow once :meth:`start` runs."""
        self._submit, self._revoked = submit, revoked

    def owns(self, user_id: str) -> bool:
        return self._pull is not None

    async def publish_event(self, event: Event) -> None:
        await self.js.publish(
            events_subject(self.settings.events_subject, event.user_id),
            event.model_dump_json(exclude_none=True).encode(),
            headers={"Nats-Msg-Id": f"{user_token(event.user_id)}:{event.id}"},
        )

    async def start(self) -> None:
        await self.broker.connect()
        s = self.settings
        if s.create_stream:
            await self._declare(
                StreamConfig(
                    name=s.stream,
                    subjects=[f"{s.events_subject}.>"],
                    duplicate_window=s.duplicate_window,
                )
            )
            await self._declare(
                StreamConfig(name=s.dead_letter_stream, subjects=[f"{s.dead_letter_subject}.>"])
            )
        if self._submit is None:
            return
        config = ConsumerConfig(
            durable_name=s.durable,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=s.ack_wait,
            max_ack_pending=s.max_ack_pending,
            deliver_policy=DeliverPolicy.ALL,
            filter_subject=f"{s.events_subject}.>",
        )
        self._pull = await self.js.pull_subscribe(
            f"{s.events_subject}.>", durable=s.durable, stream=s.stream, config=config
        )
        self._loop = asyncio.create_task(self._pull_loop(self._submit, self._pull))

    async def _pull_loop(self, submit: Submit, pull: JetStreamContext.PullSubscription) -> None:
        s = self.settings
        failures = 0
        while not self._stopping.is_set():
            try:
                messages = await pull.fetch(batch=s.fetch_batch, timeout=s.fetch_timeout)
            except TimeoutError:  # nothing to fetch (nats' own TimeoutError subclasses it)
                continue
            except Exception as exc:
                failures += 1
                delay = compute_backoff(failures, base=0.1, cap=5.0)
                log.warning("fetch failed; retrying", extra={"error": repr(exc), "delay": delay})
                await asyncio.sleep(delay)
                continue
            failures = 0
            for msg in messages:
                await submit(NatsDelivery(msg))

    async def stop_consuming(self) -> None:
        """Stop fetching; what was already handed to the pipeline stays there."""
        self._stopping.set()
        if self._loop is not None:
            await self._loop
        if self._pull is not None:
            # Messages the server sent for a pull still open are handed over too, so a
            # stop leaves nothing fetched-but-unprocessed behind.
            for msg in await self._drain_pending(self._pull):
                if self._submit is not None:
                    await self._submit(NatsDelivery(msg))
            # Unsubscribed now, the connection's drain on close has nothing to wait for.
            try:
                await self._pull.unsubscribe()
            except Exception as exc:
                log.info("pull subscription already closed", extra={"error": repr(exc)})
            self._pull = None

    @staticmethod
    async def _drain_pending(pull: JetStreamContext.PullSubscription) -> list[Msg]:
        try:
            return await pull.fetch(batch=pull.pending_msgs or 1, timeout=0.01)
        except Exception:
            return []

    async def close(self) -> None:
        await self.broker.stop()

    async def connected(self) -> bool:
        try:
            return bool(self.client.is_connected)
        except TransientError:
            return False

    async def pending(self) -> int:
        """Events in the stream not yet delivered to the durable consumer (lag)."""
        info = await self.js.consumer_info(self.settings.stream, self.settings.durable)
        return int(info.num_pending or 0)

    async def dead_letter(
        self, delivery: Delivery, *, reason: str, detail: str, user_id: str | None
    ) -> None:
        # NATS control headers (Nats-Msg-Id, Nats-Expected-Stream, Nats-TTL, ...) would act
        # on the dead-letter stream and could make the publish fail: keep them renamed.
        headers = {
            (f"Memoryd-Original-{k}" if k.lower().startswith("nats-") else k): v
            for k, v in delivery.headers.items()
        }
        headers.update({DLQ_REASON: reason, DLQ_DETAIL: detail[:1024], DLQ_ORIGIN: delivery.origin})
        subject = dead_letter_subject(self.settings.dead_letter_subject, user_id)
        await self.js.publish(subject, delivery.body, headers=headers)

    async def _declare(self, config: StreamConfig) -> None:
        try:
            await self.js.add_stream(config)
        except BadRequestError as exc:
            # It exists with other settings: keep what the operator configured.
            log.info("stream kept as configured", extra={"stream": config.name, "error": str(exc)})
