"""The NATS JetStream transport: a durable pull consumer (FastStream + nats-py) feeding the
ingest pipeline, and the dead-letter stream.

Events are published to ``<events_subject>.<user token>``; one durable consumer, shared
by all replicas, pulls them in batches. Messages are acked manually by the pipeline, only
once durable; an unacked message is redelivered after ``ack_wait`` (or the retry delay).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated

from faststream import AckPolicy, Context
from faststream.nats import AckPolicy as JsAckPolicy
from faststream.nats import ConsumerConfig, DeliverPolicy, JStream, NatsBroker, PullSub
from faststream.nats.message import NatsBatchMessage
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import StreamConfig

from memoryd.config import NatsSettings
from memoryd.consumers.delivery import Delivery
from memoryd.errors import TransientError
from memoryd.subjects import dead_letter_subject

log = logging.getLogger(__name__)

BatchMessage = Annotated[NatsBatchMessage, Context("message")]
Submit = Callable[[Delivery], Awaitable[None]]

#: Header names added to dead letters (the original headers are kept).
DLQ_REASON = "Memoryd-Dead-Letter-Reason"
DLQ_DETAIL = "Memoryd-Dead-Letter-Detail"
DLQ_ORIGIN = "Memoryd-Original-Subject"


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
        self.broker = NatsBroker(settings.url, graceful_timeout=graceful_timeout, logger=None)
        self._subscriber: object | None = None

    @property
    def js(self) -> JetStreamContext:
        stream = self.broker.config.connection_state.stream
        if not isinstance(stream, JetStreamContext):
            raise TransientError("not connected to NATS")
        return stream

    def consume(self, submit: Submit) -> None:
        """Register the durable consumer; messages flow once :meth:`start` runs."""
        s = self.settings
        subscriber = self.broker.subscriber(
            f"{s.events_subject}.>",
            stream=JStream(
                s.stream,
                subjects=[f"{s.events_subject}.>"],
                duplicate_window=s.duplicate_window,
                declare=s.create_stream,
            ),
            durable=s.durable,
            pull_sub=PullSub(batch_size=s.fetch_batch, timeout=s.fetch_timeout, batch=True),
            config=ConsumerConfig(
                ack_policy=JsAckPolicy.EXPLICIT,
                ack_wait=s.ack_wait,
                max_ack_pending=s.max_ack_pending,
                deliver_policy=DeliverPolicy.ALL,
            ),
            ack_policy=AckPolicy.MANUAL,
        )

        async def handle(msg: BatchMessage) -> None:
            # Only hand off: the fetch loop waits for this handler, and acks come later
            # from the batcher once the events are durable.
            for raw in msg.raw_message:
                await submit(NatsDelivery(raw))

        subscriber(handle)
        self._subscriber = subscriber

    async def start(self) -> None:
        await self.broker.start()
        if self.settings.create_stream:
            await self._declare_dead_letter_stream()

    async def stop_consuming(self) -> None:
        """Stop fetching; what was already handed to the pipeline stays there."""
        stop = getattr(self._subscriber, "stop", None)
        if stop is not None:
            await stop()

    async def close(self) -> None:
        await self.broker.stop()

    async def connected(self) -> bool:
        connection = self.broker.config.connection_state
        nc = getattr(connection, "connection", None)
        return bool(nc is not None and nc.is_connected)

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

    async def _declare_dead_letter_stream(self) -> None:
        s = self.settings
        config = StreamConfig(name=s.dead_letter_stream, subjects=[f"{s.dead_letter_subject}.>"])
        try:
            await self.js.add_stream(config)
        except Exception as exc:  # exists with another config: keep the operator's settings
            log.info("dead-letter stream not (re)declared", extra={"error": str(exc)})
