"""The Kafka transport: a consumer group on the events topic feeding the ingest pipeline,
dead letters on their own topic, and events published with the user id as key.

Events are keyed by user id, so a user's events are in one partition, in order, and
the replica that owns the partition owns the user. The consumer is aiokafka's, driven by
our own loop: the pipeline finishes batches out of order across users, so offsets are
tracked per record and a partition's offset is committed only up to the first record not
yet stored (or dead-lettered). FastStream's Kafka acknowledgement commits the consumer's
whole position, which would commit records of batches still in flight; FastStream's
``KafkaBroker`` is used for what it fits: the producer (idempotent, ``acks=all``) and
its security objects, which give the consumer and admin client the same settings.

Rebalances: before partitions are given up, the batches in flight that hold their
records are finished and committed (or, past the budget, left uncommitted for the next
owner); their buffered records are dropped without a commit, so the next owner reads
them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker

from memoryd.config import KafkaSettings
from memoryd.errors import compute_backoff
from memoryd.events import Event
from memoryd.pipeline.dead_letters import DLQ_DETAIL, DLQ_REASON
from memoryd.pipeline.delivery import Delivery
from memoryd.pipeline.transport import Revoked, Submit
from memoryd.transports.kafka.offsets import OffsetTracker
from memoryd.transports.kafka.options import connection_kwargs, kafka_security
from memoryd.transports.kafka.topology import create_topics, partition_for

log = logging.getLogger(__name__)

DLQ_TOPIC = "Memoryd-Original-Topic"
DLQ_PARTITION = "Memoryd-Original-Partition"
DLQ_OFFSET = "Memoryd-Original-Offset"


class KafkaDelivery:
    """A consumed record as a :class:`~memoryd.pipeline.delivery.Delivery`."""

    def __init__(
        self, transport: KafkaTransport, record: ConsumerRecord[bytes, bytes], attempt: int = 1
    ):
        self._transport = transport
        self.record = record
        self.tp = TopicPartition(record.topic, record.partition)
        self._attempt = attempt
        self._headers = {k: v.decode("utf-8", "replace") for k, v in record.headers or ()}

    @property
    def body(self) -> bytes:
        return self.record.value or b""

    @property
    def headers(self) -> Mapping[str, str]:
        return self._headers

    @property
    def routed_user(self) -> str | None:
        key: bytes | None = self.record.key
        if not key:
            return None
        try:
            return key.decode()
        except UnicodeDecodeError:
            return None

    @property
    def published_at(self) -> datetime | None:
        # CreateTime (the producer's clock) or LogAppendTime, as the topic is configured.
        if self.record.timestamp is None or self.record.timestamp < 0:
            return None
        return datetime.fromtimestamp(self.record.timestamp / 1000, UTC)

    @property
    def attempt(self) -> int:
        return self._attempt

    @property
    def origin(self) -> str:
        return f"{self.record.topic}/{self.record.partition}@{self.record.offset}"

    async def ack(self) -> None:
        self._transport._done(self)

    async def retry(self, delay: float) -> None:
        self._transport._retry_later(self, delay)

    async def working(self) -> None:
        return None  # Kafka redelivers nothing on a timer: uncommitted is enough


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, transport: KafkaTransport):
        self._transport = transport

    async def on_partitions_revoked(self, revoked: list[TopicPartition]) -> None:
        await self._transport._revoke(revoked)

    async def on_partitions_assigned(self, assigned: list[TopicPartition]) -> None:
        await self._transport._assign(assigned)


class KafkaTransport:
    """Owns the Kafka clients: consumes events, publishes events and dead letters."""

    name = "kafka"

    def __init__(
        self,
        settings: KafkaSettings,
        *,
        graceful_timeout: float = 15.0,
        on_assigned: Callable[[], Awaitable[None]] | None = None,
    ):
        self.settings = settings
        self.broker = KafkaBroker(
            settings.bootstrap_servers.split(","),
            client_id=settings.client_id,
            enable_idempotence=settings.enable_idempotence,
            acks="all",
            security=kafka_security(settings),
            graceful_timeout=graceful_timeout,
            logger=None,
        )
        self._on_assigned = on_assigned
        self._submit: Submit | None = None
        self._revoked: Revoked | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._trackers: dict[TopicPartition, OffsetTracker] = {}
        self._assigned: set[TopicPartition] = set()
        self._committed: dict[TopicPartition, int] = {}
        self._retries: set[asyncio.TimerHandle] = set()
        self._room = asyncio.Event()
        self._stopping = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._committer: asyncio.Task[None] | None = None
        self.assigned = asyncio.Event()  # set once partitions were first assigned

    def consume(self, submit: Submit, revoked: Revoked) -> None:
        self._submit, self._revoked = submit, revoked

    async def start(self) -> None:
        await self.broker.connect()
        if self.settings.create_topics:
            await create_topics(self.settings)

    async def start_consuming(self) -> None:
        if self._submit is None:
            return
        s = self.settings
        self._consumer = AIOKafkaConsumer(
            group_id=s.group_id,
            group_instance_id=s.group_instance_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            session_timeout_ms=s.session_timeout_ms,
            heartbeat_interval_ms=s.heartbeat_interval_ms,
            max_poll_interval_ms=s.max_poll_interval_ms,
            max_poll_records=s.max_poll_records,
            fetch_max_wait_ms=s.fetch_max_wait_ms,
            **connection_kwargs(s),
        )
        self._consumer.subscribe([s.events_topic], listener=_Rebalance(self))
        await self._consumer.start()
        self._loop = asyncio.create_task(self._fetch_loop(self._consumer, self._submit))
        self._committer = asyncio.create_task(self._commit_loop())

    async def _fetch_loop(self, consumer: AIOKafkaConsumer, submit: Submit) -> None:
        failures = 0
        while not self._stopping.is_set():
            await self._wait_for_room()
            if self._stopping.is_set():
                return
            try:
                batches = await consumer.getmany(
                    timeout_ms=200, max_records=self.settings.max_poll_records
                )
            except KafkaError as exc:
                failures += 1
                delay = compute_backoff(failures, base=0.1, cap=5.0)
                log.warning("fetch failed; retrying", extra={"error": repr(exc), "delay": delay})
                await asyncio.sleep(delay)
                continue
            failures = 0
            for tp, records in batches.items():
                await self._hand_over(consumer, submit, tp, records)

    async def _hand_over(
        self,
        consumer: AIOKafkaConsumer,
        submit: Submit,
        tp: TopicPartition,
        records: list[ConsumerRecord[bytes, bytes]],
    ) -> None:
        tracker = self._trackers.get(tp)
        for i, record in enumerate(records):
            # Checked per record: a rebalance can run while a submit awaits.
            if tracker is None or tp not in self._assigned or self._trackers.get(tp) is not tracker:
                if tp in consumer.assignment():
                    # Assigned, but not (or no longer) handed to us: read these again
                    # once we own the partition, instead of skipping past them.
                    consumer.seek(tp, records[i].offset)
                return
            if tracker.add(record.offset):
                await submit(KafkaDelivery(self, record))

    async def _wait_for_room(self) -> None:
        while sum(t.outstanding for t in self._trackers.values()) >= self.settings.max_pending:
            if self._stopping.is_set():
                return
            self._room.clear()
            await self._room.wait()

    def _done(self, delivery: KafkaDelivery) -> None:
        tracker = self._trackers.get(delivery.tp)
        if tracker is not None:
            tracker.done(delivery.record.offset)
            self._room.set()

    def _retry_later(self, delivery: KafkaDelivery, delay: float) -> None:
        """Kafka has no per-record redelivery: hand the record to the pipeline again after
        ``delay``, unless its partition has moved on. It stays uncommitted meanwhile."""
        tracker = self._trackers.get(delivery.tp)

        async def submit(again: KafkaDelivery) -> None:
            if self._submit is not None:
                await self._submit(again)

        def resubmit() -> None:
            self._retries.discard(handle)
            if self._stopping.is_set():
                return
            if delivery.tp not in self._assigned or self._trackers.get(delivery.tp) is not tracker:
                return  # the partition was given up: its next owner reads the record again
            task = asyncio.create_task(
                submit(KafkaDelivery(self, delivery.record, delivery.attempt + 1))
            )
            task.add_done_callback(_log_failure)

        handle = asyncio.get_running_loop().call_later(max(delay, 0.0), resubmit)
        self._retries.add(handle)

    async def _commit_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.commit_interval_ms / 1000)
            await self._commit(self._assigned)

    async def _commit(self, partitions: Iterable[TopicPartition]) -> None:
        """Commit, for each partition, the offset up to which everything is stored."""
        if self._consumer is None:
            return
        offsets = {}
        for tp in partitions:
            tracker = self._trackers.get(tp)
            offset = tracker.committable() if tracker else None
            if offset is not None and offset > self._committed.get(tp, -1):
                offsets[tp] = offset
        if not offsets:
            return
        try:
            await self._consumer.commit(offsets)
        except KafkaError as exc:
            # Not committed: these records are read again by whoever owns the partition
            # next, and the memory core recognises events it has already stored.
            log.info("offset commit failed", extra={"error": repr(exc)})
            return
        self._committed.update(offsets)

    async def _revoke(self, revoked: Iterable[TopicPartition]) -> None:
        lost = {tp for tp in revoked if tp in self._assigned}
        self._assigned -= lost  # from here owns() is false for their users
        if not lost:
            return
        log.info("partitions revoked", extra={"partitions": sorted(tp.partition for tp in lost)})
        if self._revoked is not None:
            # Bounded by the callback (the daemon gives in-flight batches a budget).
            await self._revoked(lambda d: isinstance(d, KafkaDelivery) and d.tp in lost)
        await self._commit(lost)
        for tp in lost:
            self._trackers.pop(tp, None)
            self._committed.pop(tp, None)
        self._room.set()

    async def _assign(self, assigned: Iterable[TopicPartition]) -> None:
        assigned = list(assigned)
        consumer = self._consumer
        # Nothing of the new partitions is handed out until the hook has run (e.g. the
        # snapshot table caught up with the previous owner's last snapshots).
        if consumer is not None:
            consumer.pause(*assigned)
        try:
            if self._on_assigned is not None:
                await self._on_assigned()
        finally:
            for tp in assigned:
                self._trackers[tp] = OffsetTracker()
                self._assigned.add(tp)
            if consumer is not None:
                consumer.resume(*assigned)
        log.info(
            "partitions assigned",
            extra={"partitions": sorted(tp.partition for tp in self._assigned)},
        )
        self.assigned.set()

    @property
    def partitions(self) -> set[int]:
        """The events topic's partitions this replica owns now."""
        return {tp.partition for tp in self._assigned}

    def owns(self, user_id: str) -> bool:
        if self._consumer is None:
            return False
        partitions = self._consumer.partitions_for_topic(self.settings.events_topic)
        if not partitions:
            return False
        tp = TopicPartition(self.settings.events_topic, partition_for(user_id, partitions))
        return tp in self._assigned

    async def stop_consuming(self) -> None:
        """Stop fetching; the group is left in :meth:`close`, after the pipeline drained
        and the last offsets were committed."""
        self._stopping.set()
        self._room.set()
        if self._loop is not None:
            # getmany can wait out a rebalance regardless of its timeout: don't wait for
            # it. Records fetched but not handed over are untracked, so never committed.
            done, _ = await asyncio.wait({self._loop}, timeout=1.0)
            if not done:
                self._loop.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._loop
        for handle in self._retries:
            handle.cancel()
        self._retries.clear()

    async def close(self) -> None:
        if self._committer is not None:
            self._committer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._committer
        if self._consumer is not None:
            try:
                # aiokafka retries a commit until the coordinator answers: bounded here.
                async with asyncio.timeout(5.0):
                    await self._commit(self._assigned)
            except TimeoutError:
                log.warning("last offset commit timed out; those records will be re-read")
            try:
                await self._consumer.stop()  # leaves the group
            except KafkaError as exc:
                log.warning("leaving the consumer group failed", extra={"error": repr(exc)})
            self._consumer = None
        await self.broker.stop()

    async def connected(self) -> bool:
        return await self.broker.ping(timeout=2.0)

    async def pending(self) -> int:
        """Records in this replica's partitions not yet fetched (its share of the lag)."""
        if self._consumer is None:
            return 0
        lag = 0
        for tp in list(self._assigned):
            highwater = self._consumer.highwater(tp)
            if highwater is not None:
                lag += max(highwater - await self._consumer.position(tp), 0)
        return lag

    async def publish_event(self, event: Event) -> None:
        await self.broker.publish(
            event.model_dump_json(exclude_none=True).encode(),
            self.settings.events_topic,
            key=event.user_id.encode(),
        )

    async def erase_user(self, user_id: str) -> None:
        """Nothing to erase here: the events and dead-letter topics are not compacted, so
        a user's records cannot be removed by key; they expire with the topics' retention,
        and the memory core drops them if they are read again (the user's tombstone)."""

    async def dead_letter(
        self, delivery: Delivery, *, reason: str, detail: str, user_id: str | None
    ) -> None:
        headers = dict(delivery.headers)
        headers.update({DLQ_REASON: reason, DLQ_DETAIL: detail[:1024]})
        key: bytes | None = user_id.encode() if user_id else None
        if isinstance(delivery, KafkaDelivery):
            record = delivery.record
            key = record.key or key
            headers.update(
                {
                    DLQ_TOPIC: record.topic,
                    DLQ_PARTITION: str(record.partition),
                    DLQ_OFFSET: str(record.offset),
                }
            )
        await self.broker.publish(
            delivery.body, self.settings.dead_letter_topic, key=key, headers=headers
        )


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("resubmitting a record failed", exc_info=task.exception())
