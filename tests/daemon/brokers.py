"""One face for both transports, so the daemon's behaviour is tested by one suite run
against a real nats-server and a real Kafka-protocol broker (tansu)."""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
from collections.abc import AsyncGenerator, Callable
from pathlib import Path
from typing import Any, Protocol

import nats
import nats.errors
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from memoryd.client import KafkaOptions, publish_event, subscribe_context
from memoryd.config import Settings
from memoryd.daemon.app import Daemon
from memoryd.events import ContextSnapshot
from memoryd.memory.engine import MemoryEngine
from memoryd.schedulers.clock import Clock
from memoryd.stores.edge import QdrantEdgeStore
from memoryd.testing.embedder import HashEmbedder
from memoryd.transports.nats.topology import user_token

_ids = itertools.count()
DeadLetter = tuple[bytes, dict[str, str]]


class Broker(Protocol):
    name: str

    def settings(self, data_dir: Path, **overrides: Any) -> Settings: ...

    async def publish(
        self, settings: Settings, event: dict[str, Any], *, traceparent: str | None = None
    ) -> None: ...

    async def publish_raw(
        self, settings: Settings, user: str, body: bytes, headers: dict[str, str]
    ) -> None: ...

    async def dead_letters(self, settings: Settings, count: int) -> list[DeadLetter]: ...

    def subscribe(self, settings: Settings, user_id: str) -> AsyncGenerator[ContextSnapshot]: ...

    async def record_snapshots(self, settings: Settings) -> None:
        """From now on keep every snapshot published (for :meth:`snapshot_versions`)."""
        ...

    async def snapshot_versions(self, settings: Settings, user_id: str) -> list[int]:
        """The versions of every snapshot of the user published since recording began."""
        ...


def _common(data_dir: Path, overrides: dict[str, Any]) -> dict[str, Any]:
    return {
        "data_dir": data_dir,
        "http": {"port": 0},
        "batch": {"max_wait_ms": 20, **overrides.pop("batch", {})},
        "snapshot": {"min_interval_ms": 50},
        "shutdown_grace_seconds": 10,
        **overrides,
    }


class NatsBroker:
    name = "nats"

    def __init__(self, url: str):
        self.url = url

    def settings(self, data_dir: Path, **overrides: Any) -> Settings:
        n = next(_ids)
        nats_settings = {
            "url": self.url,
            "stream": f"EV{n}",
            "events_subject": f"t{n}.events",
            "durable": f"memoryd{n}",
            "dead_letter_subject": f"t{n}.dlq",
            "dead_letter_stream": f"DLQ{n}",
            "context_subject": f"t{n}.ctx",
            "kv_bucket": f"ctx{n}",
            "lease_bucket": f"leases{n}",
            "ack_wait": 2.0,
            **overrides.pop("nats", {}),
        }
        return Settings(nats=nats_settings, **_common(data_dir, overrides))

    async def publish(
        self, settings: Settings, event: dict[str, Any], *, traceparent: str | None = None
    ) -> None:
        await publish_event(
            event,
            nats_url=settings.nats.url,
            subject_prefix=settings.nats.events_subject,
            traceparent=traceparent,
        )

    async def publish_raw(
        self, settings: Settings, user: str, body: bytes, headers: dict[str, str]
    ) -> None:
        nc = await nats.connect(settings.nats.url)
        try:
            await nc.jetstream().publish(
                f"{settings.nats.events_subject}.{user}", body, headers=headers
            )
        finally:
            await nc.close()

    async def dead_letters(self, settings: Settings, count: int) -> list[DeadLetter]:
        nc = await nats.connect(settings.nats.url)
        try:
            js = nc.jetstream()
            sub = await js.pull_subscribe(
                f"{settings.nats.dead_letter_subject}.>", stream=settings.nats.dead_letter_stream
            )
            letters: list[DeadLetter] = []
            while len(letters) < count:
                for msg in await sub.fetch(count - len(letters), timeout=10):
                    letters.append((msg.data, dict(msg.headers or {})))
            return letters
        finally:
            await nc.close()

    def subscribe(self, settings: Settings, user_id: str) -> AsyncGenerator[ContextSnapshot]:
        return subscribe_context(
            user_id, nats_url=settings.nats.url, bucket=settings.nats.kv_bucket
        )

    async def record_snapshots(self, settings: Settings) -> None:
        # Live snapshots are plain NATS messages: a stream keeps them for the test.
        nc = await nats.connect(settings.nats.url)
        try:
            await nc.jetstream().add_stream(
                name=f"REC_{settings.nats.stream}", subjects=[f"{settings.nats.context_subject}.>"]
            )
        finally:
            await nc.close()

    async def snapshot_versions(self, settings: Settings, user_id: str) -> list[int]:
        nc = await nats.connect(settings.nats.url)
        try:
            js = nc.jetstream()
            stream = f"REC_{settings.nats.stream}"
            subject = f"{settings.nats.context_subject}.{user_token(user_id)}"
            sub = await js.pull_subscribe(subject, stream=stream)
            versions: list[int] = []
            while True:
                try:
                    messages = await sub.fetch(100, timeout=1)
                except nats.errors.TimeoutError:
                    return versions
                versions += [json.loads(m.data)["version"] for m in messages]
        finally:
            await nc.close()


class KafkaBroker:
    name = "kafka"

    def __init__(self, bootstrap_servers: str):
        self.bootstrap_servers = bootstrap_servers

    def settings(self, data_dir: Path, **overrides: Any) -> Settings:
        n = next(_ids)
        kafka_settings = {
            "bootstrap_servers": self.bootstrap_servers,
            "events_topic": f"t{n}.events",
            "dead_letter_topic": f"t{n}.events.dlq",
            "context_topic": f"t{n}.context",
            "group_id": f"memoryd{n}",
            "partitions": 4,
            # tansu's in-memory storage has no producer ids (InitProducerId fails)
            "enable_idempotence": False,
            "commit_interval_ms": 50,
            **overrides.pop("kafka", {}),
        }
        return Settings(transport="kafka", kafka=kafka_settings, **_common(data_dir, overrides))

    def options(self, settings: Settings) -> KafkaOptions:
        return KafkaOptions.from_settings(settings.kafka)

    async def publish(
        self, settings: Settings, event: dict[str, Any], *, traceparent: str | None = None
    ) -> None:
        await publish_event(event, kafka=self.options(settings), traceparent=traceparent)

    async def publish_raw(
        self, settings: Settings, user: str, body: bytes, headers: dict[str, str]
    ) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(
                settings.kafka.events_topic,
                body,
                key=user.encode(),
                headers=[(k, v.encode()) for k, v in headers.items()],
            )
        finally:
            await producer.stop()

    async def dead_letters(self, settings: Settings, count: int) -> list[DeadLetter]:
        consumer = AIOKafkaConsumer(
            settings.kafka.dead_letter_topic,
            bootstrap_servers=self.bootstrap_servers,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            letters: list[DeadLetter] = []
            async with asyncio.timeout(20):
                while len(letters) < count:
                    for records in (await consumer.getmany(timeout_ms=500)).values():
                        letters.extend(
                            (r.value, {k: v.decode() for k, v in r.headers}) for r in records
                        )
            return letters
        finally:
            await consumer.stop()

    def subscribe(self, settings: Settings, user_id: str) -> AsyncGenerator[ContextSnapshot]:
        return subscribe_context(user_id, kafka=self.options(settings))

    async def record_snapshots(self, settings: Settings) -> None:
        return None  # the context topic keeps them

    async def snapshot_versions(self, settings: Settings, user_id: str) -> list[int]:
        consumer = AIOKafkaConsumer(
            settings.kafka.context_topic,
            bootstrap_servers=self.bootstrap_servers,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await consumer.start()
        try:
            versions: list[int] = []
            while batches := await consumer.getmany(timeout_ms=1000):
                for records in batches.values():
                    versions += [
                        json.loads(r.value)["version"] for r in records if r.key == user_id.encode()
                    ]
            return versions
        finally:
            await consumer.stop()


async def start_daemon(
    settings: Settings,
    engine: MemoryEngine | None = None,
    *,
    close_engine: bool = True,
    clock: Clock | None = None,
) -> Daemon:
    """A started daemon; over Kafka, once it owns its first partitions."""
    engine = engine or MemoryEngine(
        QdrantEdgeStore(settings.edge_path()), HashEmbedder(), settings=settings.memory
    )
    daemon = Daemon(settings, engine, close_engine=close_engine, clock=clock)
    await daemon.start()
    assigned = getattr(daemon.transport, "assigned", None)
    if assigned is not None:
        await asyncio.wait_for(assigned.wait(), 60)
    return daemon


def event(eid: str, content: str, user: str = "alice@example.com") -> dict[str, Any]:
    return {
        "id": eid,
        "user_id": user,
        "speaker": "Alice",
        "content": content,
        "time": "2024-03-01T09:00:00Z",
    }


async def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
