"""Snapshots over Kafka: one log-compacted topic keyed by user id, so the topic always
retains each user's latest snapshot, and every update is a record agents can follow.

The sink also reads the topic back, from the beginning, into a table of the latest
snapshot per user (a compacted topic's usual companion): it answers ``latest`` for the
HTTP API and lets a replica that takes a user over continue that user's versions. On
every partition assignment the table first catches up with the topic's end, so the
snapshots the previous owner published before giving the user up are known.
The table holds every user's latest snapshot in memory, as the compacted topic holds it
on disk.
"""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from faststream.kafka import KafkaBroker
from pydantic import ValidationError

from memoryd.config import KafkaSettings
from memoryd.errors import TransientError, compute_backoff
from memoryd.events import ContextSnapshot, deleted_snapshot
from memoryd.transports.kafka.options import connection_kwargs

log = logging.getLogger(__name__)
_TOPIC_WAIT_SECONDS = 30.0
_CLEAR_CATCH_UP_SECONDS = 10.0


class KafkaSnapshotSink:
    """Publishes snapshots to the compacted context topic and keeps the latest per user."""

    def __init__(self, settings: KafkaSettings, broker: KafkaBroker):
        self.settings = settings
        self._broker = broker
        self._latest: dict[str, tuple[int, bytes]] = {}
        self._reader: AIOKafkaConsumer | None = None
        self._partitions: list[TopicPartition] = []
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self) -> None:
        """Read the topic from the beginning up to its current end before returning."""
        topic = self.settings.context_topic
        self._reader = AIOKafkaConsumer(
            group_id=None, enable_auto_commit=False, **connection_kwargs(self.settings)
        )
        await self._reader.start()
        partitions = await _partitions(self._reader, topic)
        self._partitions = [TopicPartition(topic, p) for p in sorted(partitions)]
        self._reader.assign(self._partitions)
        await self._reader.seek_to_beginning(*self._partitions)
        self._task = asyncio.create_task(self._read(self._reader))
        self._ready.set()
        await self.catch_up()

    async def catch_up(self) -> None:
        """Wait until the table holds everything published to the topic until now."""
        await self._ready.wait()
        reader = self._reader
        if reader is None:
            return
        ends = await reader.end_offsets(self._partitions)
        for tp, end in ends.items():
            # The fetch's high watermark too: tansu's ListOffsets can answer below it.
            while await reader.position(tp) < max(end, reader.highwater(tp) or 0):
                if self._task is not None and self._task.done():
                    raise TransientError("the context topic reader stopped")
                await asyncio.sleep(0.01)

    async def _read(self, reader: AIOKafkaConsumer) -> None:
        failures = 0
        while True:
            try:
                batches = await reader.getmany(timeout_ms=200)
            except KafkaError as exc:
                failures += 1
                await asyncio.sleep(compute_backoff(failures, base=0.1, cap=5.0))
                log.warning("context topic read failed; retrying", extra={"error": repr(exc)})
                continue
            failures = 0
            for records in batches.values():
                for record in records:
                    self._remember(record.key, record.value)

    def _remember(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        if value is None:  # a tombstone: the user was deleted
            self._latest.pop(key.decode("utf-8", "replace"), None)
            return
        if not value:
            return
        try:
            snapshot = ContextSnapshot.model_validate_json(value)
        except ValidationError:
            log.warning("skipping an undecodable snapshot on the context topic")
            return
        try:
            user_id = key.decode()
        except UnicodeDecodeError:
            log.warning("skipping a snapshot whose key is not UTF-8")
            return
        known = self._latest.get(user_id)
        if known is None or snapshot.version >= known[0]:
            self._latest[user_id] = (snapshot.version, value)

    async def publish(self, snapshot: ContextSnapshot) -> None:
        data = snapshot.model_dump_json().encode()
        headers = {"traceparent": snapshot.traceparent} if snapshot.traceparent else None
        await self._broker.publish(
            data, self.settings.context_topic, key=snapshot.user_id.encode(), headers=headers
        )
        self._remember(snapshot.user_id.encode(), data)

    async def latest(self, user_id: str) -> ContextSnapshot | None:
        known = self._latest.get(user_id)
        if known is None:
            return None
        return ContextSnapshot.model_validate_json(known[1])

    async def clear(self, user_id: str) -> None:
        """Publish the empty snapshot (kind ``deleted``) for the followers, then a tombstone
        (null value) under the user's key: compaction then removes every snapshot of
        theirs from the topic, and the tombstone itself after ``delete.retention.ms``."""
        await self.publish(deleted_snapshot(user_id, await self.latest(user_id)))
        await self._broker.publish(None, self.settings.context_topic, key=user_id.encode())
        self._remember(user_id.encode(), None)
        # The reader may not have read the user's last records yet: read after the tombstone
        # was applied here, they would put a snapshot back until the reader reaches the
        # tombstone too. Deletion is rare: wait (bounded) for the reader to pass it.
        try:
            async with asyncio.timeout(_CLEAR_CATCH_UP_SECONDS):
                await self.catch_up()
        except (TimeoutError, TransientError, KafkaError):
            log.warning(
                "context topic reader behind after a deletion; the user's last snapshot"
                " may show until it reads the tombstone"
            )
            self._remember(user_id.encode(), None)

    async def close(self) -> None:
        self._ready.set()  # nobody waits for a reader that will not come
        if self._task is not None:
            self._task.cancel()
        if self._reader is not None:
            await self._reader.stop()
            self._reader = None


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    """The topic's partitions, waiting a while for a topic that is being created."""
    deadline = asyncio.get_running_loop().time() + _TOPIC_WAIT_SECONDS
    while True:
        await consumer.topics()  # refreshes the metadata
        partitions = consumer.partitions_for_topic(topic)
        if partitions:
            return set(partitions)
        if asyncio.get_running_loop().time() > deadline:
            raise TransientError(f"Kafka topic {topic} does not exist")
        await asyncio.sleep(0.5)
