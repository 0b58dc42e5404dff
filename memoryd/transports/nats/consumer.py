"""The NATS JetStream transport: a durable pull consumer feeding the ingest pipeline, and
the dead-letter stream.

Events are published to ``<events_subject>.<user token>``. With ``shards > 1`` the stream
rewrites that to ``<events_subject>.<shard>.<user token>`` and each shard has its own
durable consumer; a replica pulls only the shards it holds a lease on
(:mod:`memoryd.transports.nats.leases`), so one user's events are processed by one replica
at a time. Messages are acked by the pipeline, only once durable; an unacked message is
redelivered after ``ack_wait`` (or the retry delay).

FastStream's ``NatsBroker`` owns the connection (connect, reconnect, drain on stop) and
publishing. The pull loop is our own on nats-py: FastStream 0.7's batch pull loop only
catches ``nats.errors.TimeoutError``, so a plain ``TimeoutError`` from nats-py restarted
it with a fresh subscription, and messages the server had already sent to the old one
waited ``ack_wait`` (30 s) for redelivery — measured as 71 of 2,000 events arriving 30 s
late in ``bench/snapshot_freshness.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from faststream.nats import NatsBroker
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from memoryd.config import NatsSettings
from memoryd.errors import PermanentError, TransientError, compute_backoff
from memoryd.events import Event
from memoryd.pipeline.dead_letters import DLQ_DETAIL, DLQ_REASON
from memoryd.pipeline.delivery import Delivery
from memoryd.pipeline.transport import Revoked, Submit
from memoryd.transports.nats.leases import ShardLeases
from memoryd.transports.nats.options import nats_security
from memoryd.transports.nats.topology import (
    dead_letter_subject,
    events_subject,
    shard_of,
    stream_transform,
    user_from_token,
    user_token,
)

log = logging.getLogger(__name__)

DLQ_ORIGIN = "Memoryd-Original-Subject"


def user_of_subject(prefix: str, subject: str, shards: int = 1) -> str | None:
    """The user an events subject belongs to: ``<prefix>.<token>``, or with shards the
    stream's rewrite ``<prefix>.<shard>.<token>`` whose shard must be the token's. None
    for any other subject, and for a token that is not the canonical encoding of a user
    id (``=`` + base64 of a subject-safe id is not ``alice``'s subject: permissions are
    granted on the canonical one)."""
    head = prefix + "."
    if not subject.startswith(head):
        return None
    parts = subject[len(head) :].split(".")
    if shards > 1:
        if len(parts) != 2 or parts[0] != str(shard_of(parts[1], shards)):
            return None
        parts = parts[1:]
    if len(parts) != 1:
        return None
    try:
        user_id = user_from_token(parts[0])
    except ValueError:  # not base64, or not UTF-8 (UnicodeDecodeError is a ValueError)
        return None
    return user_id if user_id and user_token(user_id) == parts[0] else None


class NatsDelivery:
    """A JetStream message as a :class:`~memoryd.pipeline.delivery.Delivery`."""

    def __init__(
        self,
        msg: Msg,
        shard: int = 0,
        *,
        routed_user: str | None = None,
        on_settled: Callable[[], None] | None = None,
    ):
        self._msg = msg
        self.shard = shard
        self._routed_user = routed_user
        self._on_settled = on_settled

    def _settled(self) -> None:
        """Acked or handed back: it no longer counts against the replica's bound."""
        if self._on_settled is not None:
            self._on_settled()
            self._on_settled = None

    @property
    def body(self) -> bytes:
        return self._msg.data

    @property
    def headers(self) -> Mapping[str, str]:
        return self._msg.headers or {}

    @property
    def routed_user(self) -> str | None:
        return self._routed_user

    @property
    def published_at(self) -> datetime | None:
        return self._msg.metadata.timestamp

    @property
    def attempt(self) -> int:
        return int(self._msg.metadata.num_delivered or 1)

    @property
    def origin(self) -> str:
        return self._msg.subject

    async def ack(self) -> None:
        try:
            await self._msg.ack()
        finally:
            self._settled()

    async def retry(self, delay: float) -> None:
        try:
            await self._msg.nak(delay=delay)
        finally:
            self._settled()

    async def working(self) -> None:
        await self._msg.in_progress()


@dataclass
class _ShardConsumer:
    """The pull loop of one shard this replica holds the lease of."""

    pull: JetStreamContext.PullSubscription
    stop: asyncio.Event
    task: asyncio.Task[None] | None = None


class NatsTransport:
    """Owns the broker connection: consumes the shards it holds leases on, publishes
    events and dead letters."""

    name = "nats"

    def __init__(
        self, settings: NatsSettings, *, replica_id: str = "memoryd", graceful_timeout: float = 15.0
    ):
        self.settings = settings
        self.replica_id = replica_id
        self.broker = NatsBroker(
            settings.url,
            security=nats_security(settings),
            graceful_timeout=graceful_timeout,
            logger=None,
        )
        self._submit: Submit | None = None
        self._revoked: Revoked | None = None
        self._leases: ShardLeases | None = None
        self._shards: dict[int, _ShardConsumer] = {}
        self._stopping = asyncio.Event()
        self._held = 0  # deliveries handed to the pipeline, not yet acked or handed back
        self._room = asyncio.Event()

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

    @property
    def shards(self) -> frozenset[int]:
        """The shards this replica consumes now."""
        return frozenset(self._shards)

    def consume(self, submit: Submit, revoked: Revoked) -> None:
        """Where consumed messages go; they flow once :meth:`start` runs."""
        self._submit, self._revoked = submit, revoked

    def owns(self, user_id: str) -> bool:
        if self._leases is None:
            return False
        return self._leases.owns(shard_of(user_token(user_id), self.settings.shards))

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
                    subject_transform=stream_transform(s.events_subject, s.shards),
                )
            )
            await self._declare(
                StreamConfig(name=s.dead_letter_stream, subjects=[f"{s.dead_letter_subject}.>"])
            )

    async def start_consuming(self) -> None:
        if self._submit is None:
            return
        s = self.settings
        await self._check_shards()
        self._leases = ShardLeases(
            self.js,
            bucket=s.lease_bucket,
            replica_id=self.replica_id,
            shards=s.shards,
            ttl=s.lease_ttl,
            on_acquired=self._consume_shard,
            on_lost=self._give_up_shard,
            create_bucket=s.create_stream,
        )
        await self._leases.start()

    async def _check_shards(self) -> None:
        """The stream's partitioning is fixed when it is created: refuse to consume a
        stream partitioned differently from ``shards`` (nothing would match)."""
        s = self.settings
        info = await self.js.stream_info(s.stream)
        expected = stream_transform(s.events_subject, s.shards)
        actual = info.config.subject_transform
        if (expected and expected.dest) != (actual and actual.dest):
            raise PermanentError(
                f"stream {s.stream} is partitioned as {actual and actual.dest!r}, but "
                f"nats.shards={s.shards} needs {expected and expected.dest!r}; shards are "
                "fixed per stream (drain it and create a new one to change them)"
            )

    def _consumer_for(self, shard: int) -> tuple[str, str]:
        """The durable consumer of a shard and the subjects it filters."""
        s = self.settings
        if s.shards == 1:
            return s.durable, f"{s.events_subject}.>"
        return f"{s.durable}-{shard}", f"{s.events_subject}.{shard}.>"

    async def _consume_shard(self, shard: int) -> None:
        """Lease acquired: start pulling the shard."""
        if self._stopping.is_set() or self._submit is None or shard in self._shards:
            return
        s = self.settings
        durable, subject = self._consumer_for(shard)
        config = ConsumerConfig(
            durable_name=durable,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=s.ack_wait,
            max_ack_pending=s.max_ack_pending,
            deliver_policy=DeliverPolicy.ALL,
            filter_subject=subject,
        )
        pull = await self.js.pull_subscribe(
            subject, durable=durable, stream=s.stream, config=config
        )
        consumer = _ShardConsumer(pull, asyncio.Event())
        consumer.task = asyncio.create_task(self._pull_loop(self._submit, shard, consumer))
        self._shards[shard] = consumer
        log.info("consuming shard", extra={"shard": shard, "replica": self.replica_id})

    async def _give_up_shard(self, shard: int) -> None:
        """Lease lost or handed back: stop pulling, then finish the shard's batches in
        flight and hand its buffered events back (nak), so the next owner starts clean."""
        await self._stop_shard(shard)
        if self._revoked is not None:
            try:
                # A lease that could not be renewed has ttl/6 left before another replica
                # may take the shard: batches still running after that are abandoned
                # (their events are acked or redelivered as usual).
                async with asyncio.timeout(self.settings.lease_ttl / 6):
                    await self._revoked(lambda d: isinstance(d, NatsDelivery) and d.shard == shard)
            except TimeoutError:
                log.warning("batches of a given-up shard still running", extra={"shard": shard})
        log.info("gave up shard", extra={"shard": shard, "replica": self.replica_id})

    async def _pull_loop(self, submit: Submit, shard: int, consumer: _ShardConsumer) -> None:
        s = self.settings
        failures = 0
        while not consumer.stop.is_set():
            room = s.max_pending - self._held
            if room <= 0:
                await self._wait_for_room(consumer.stop)
                continue
            try:
                batch = min(s.fetch_batch, room)
                messages = await consumer.pull.fetch(batch=batch, timeout=s.fetch_timeout)
            except TimeoutError:  # nothing to fetch (nats' own TimeoutError subclasses it)
                continue
            except Exception as exc:
                failures += 1
                delay = compute_backoff(failures, base=0.1, cap=5.0)
                log.warning("fetch failed; retrying", extra={"error": repr(exc), "delay": delay})
                with contextlib.suppress(TimeoutError):  # a stop cuts the wait short
                    await asyncio.wait_for(consumer.stop.wait(), delay)
                continue
            failures = 0
            for msg in messages:
                await submit(self._delivery(msg, shard))

    async def _wait_for_room(self, stop: asyncio.Event) -> None:
        """Until the pipeline settled some of what it holds, or the shard stops."""
        self._room.clear()
        waits = {asyncio.create_task(self._room.wait()), asyncio.create_task(stop.wait())}
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

    def _delivery(self, msg: Msg, shard: int) -> NatsDelivery:
        s = self.settings
        user = user_of_subject(s.events_subject, msg.subject, s.shards)
        self._held += 1
        return NatsDelivery(msg, shard, routed_user=user, on_settled=self._release_one)

    def _release_one(self) -> None:
        self._held -= 1
        self._room.set()

    async def _stop_shard(self, shard: int) -> None:
        consumer = self._shards.pop(shard, None)
        if consumer is None:
            return
        consumer.stop.set()
        if consumer.task is not None:
            await consumer.task
        # Messages the server sent for a pull still open are handed over too, so a stop
        # leaves nothing fetched-but-unprocessed behind.
        for msg in await self._drain_pending(consumer.pull):
            if self._submit is not None:
                await self._submit(self._delivery(msg, shard))
        # Unsubscribed now, the connection's drain on close has nothing to wait for.
        try:
            await consumer.pull.unsubscribe()
        except Exception as exc:
            log.info("pull subscription already closed", extra={"error": repr(exc)})

    async def stop_consuming(self) -> None:
        """Stop fetching; what was already handed to the pipeline stays there. The leases
        are kept until :meth:`close`, so no other replica takes a user over while this
        one still drains its batches."""
        self._stopping.set()
        for shard in list(self._shards):
            await self._stop_shard(shard)

    @staticmethod
    async def _drain_pending(pull: JetStreamContext.PullSubscription) -> list[Msg]:
        try:
            return await pull.fetch(batch=pull.pending_msgs or 1, timeout=0.01)
        except Exception:
            return []

    async def close(self) -> None:
        if self._leases is not None:
            await self._leases.stop()  # hands the shards to the other replicas at once
        await self.broker.stop()

    async def connected(self) -> bool:
        try:
            return bool(self.client.is_connected)
        except TransientError:
            return False

    async def pending(self) -> int:
        """Events not yet delivered to the consumers of this replica's shards (lag)."""
        lag = 0
        for shard in list(self._shards):
            info = await self.js.consumer_info(self.settings.stream, self._consumer_for(shard)[0])
            lag += int(info.num_pending or 0)
        return lag

    async def erase_user(self, user_id: str) -> None:
        s = self.settings
        token = user_token(user_id)
        events = (
            f"{s.events_subject}.{token}"
            if s.shards == 1
            else f"{s.events_subject}.{shard_of(token, s.shards)}.{token}"
        )
        dead_letters = dead_letter_subject(s.dead_letter_subject, user_id)
        for stream, subject in ((s.stream, events), (s.dead_letter_stream, dead_letters)):
            try:
                await self.js.purge_stream(stream, subject=subject)
            except NotFoundError:
                log.info("nothing to purge: no such stream", extra={"stream": stream})
            except Exception as exc:
                raise TransientError(f"could not purge the user's subject: {exc!r}") from exc

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
