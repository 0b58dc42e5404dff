"""Shards and shard leases against a real nats-server."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import nats
import pytest
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig
from nats.js.errors import NoKeysError, NotFoundError

from memoryd.transports.nats.leases import ShardLeaseError, ShardLeases
from memoryd.transports.nats.topology import shard_of, stream_transform, user_token

pytestmark = pytest.mark.anyio

SHARDS = 8

Connect = Callable[..., Awaitable[Client]]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def connect(nats_server: Any) -> AsyncIterator[Connect]:
    """Opens NATS connections (to the session server unless told); closes them after the test."""
    clients: list[Client] = []

    async def open_connection(url: str | None = None) -> Client:
        nc = await nats.connect(url or nats_server.url)
        clients.append(nc)
        return nc

    yield open_connection
    for nc in clients:
        if not nc.is_closed:
            await nc.close()


@pytest.fixture
async def bucket(connect: Connect) -> AsyncIterator[str]:
    """A lease bucket name unique to the test, deleted after it."""
    name = f"leases_{uuid.uuid4().hex[:12]}"
    yield name
    nc = await connect()
    with contextlib.suppress(NotFoundError):
        await nc.jetstream().delete_key_value(name)


def tokens() -> list[str]:
    """Subject tokens as memoryd makes them: plain ids, ``-``/``_`` ids, ``=``-encoded ids."""
    plain = [f"u-{n}" for n in range(20)] + ["alice", "Bob_2", "-", "_", "a-b_c", "0", "x" * 128]
    encoded = [
        user_token(user_id)
        for user_id in [
            "alice@example.com",
            "Zoë",
            "日本語",
            "user 1",
            "a.b",
            "tenant/42",
            "x" * 129,
            "?",
            "==",
            "emoji 🙂",
        ]
    ]
    encoded += [user_token(f"mail{n}@example.org") for n in range(13)]
    assert all(token.startswith("=") for token in encoded)
    return plain + encoded


@contextlib.asynccontextmanager
async def partitioned_stream(js: JetStreamContext) -> AsyncIterator[tuple[str, str]]:
    """A stream partitioning ``<prefix>.<token>`` into SHARDS shards: (name, prefix)."""
    stream, prefix = unique_prefix()
    await js.add_stream(
        StreamConfig(
            name=stream,
            subjects=[f"{prefix}.*"],
            subject_transform=stream_transform(prefix, SHARDS),
        )
    )
    try:
        yield stream, prefix
    finally:
        await js.delete_stream(stream)


def unique_prefix() -> tuple[str, str]:
    suffix = uuid.uuid4().hex[:12]
    return f"SHARDS_{suffix}", f"s{suffix}.events"


async def eventually(predicate: Callable[[], bool], *, within: float, what: str) -> float:
    """Poll ``predicate`` until true; the seconds it took. Fails after ``within`` seconds."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within}s: {what}")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


class Ownership:
    """Who owns which shard, as the callbacks of every replica tell it, in one timeline."""

    def __init__(self) -> None:
        self.owner: dict[int, str] = {}
        self.timeline: list[tuple[str, str, int]] = []
        self.conflicts: list[str] = []

    def replica(
        self, js: JetStreamContext, bucket: str, name: str, *, shards: int = SHARDS, ttl: float
    ) -> ShardLeases:
        async def acquired(shard: int) -> None:
            if shard in self.owner:
                self.conflicts.append(f"{name} got shard {shard} of {self.owner[shard]}")
            self.owner[shard] = name
            self.timeline.append(("acquired", name, shard))

        async def lost(shard: int) -> None:
            if self.owner.get(shard) != name:
                self.conflicts.append(f"{name} lost shard {shard} it did not own")
            self.owner.pop(shard, None)
            self.timeline.append(("lost", name, shard))

        return ShardLeases(
            js,
            bucket=bucket,
            replica_id=name,
            shards=shards,
            ttl=ttl,
            on_acquired=acquired,
            on_lost=lost,
        )

    def held_by(self, name: str) -> frozenset[int]:
        return frozenset(shard for shard, owner in self.owner.items() if owner == name)

    def last(self, event: str, name: str, shard: int) -> int:
        return max(i for i, entry in enumerate(self.timeline) if entry == (event, name, shard))


def test_shard_of_is_fnv1a_32_modulo_shards() -> None:
    # Published FNV-1a 32-bit test vectors (the offset basis for "", then "a", "foobar").
    for data, digest in [("", 0x811C9DC5), ("a", 0xE40C292C), ("foobar", 0xBF9CF968)]:
        assert shard_of(data, 1_000_003) == digest % 1_000_003
    assert {shard_of(token, 1) for token in tokens()} == {0}
    with pytest.raises(ValueError):
        shard_of("u-1", 0)


def test_stream_transform_partitions_on_the_user_token() -> None:
    assert stream_transform("memoryd.events", 1) is None
    transform = stream_transform("memoryd.events", 4)
    assert transform is not None
    assert transform.src == "memoryd.events.*"
    assert transform.dest == "memoryd.events.{{partition(4,1)}}.{{wildcard(1)}}"


async def test_shard_of_matches_the_server_partition_function(connect: Connect) -> None:
    # Given a stream that partitions <prefix>.<token> into 8 shards
    js = (await connect()).jetstream()
    async with partitioned_stream(js) as (stream, prefix):
        # When an event is published for each token
        stored = {}
        for token in tokens():
            ack = await js.publish(f"{prefix}.{token}", b"{}")
            stored[token] = (await js.get_msg(stream, ack.seq)).subject

    # Then the server stored it under the shard shard_of computes
    assert stored == {t: f"{prefix}.{shard_of(t, SHARDS)}.{t}" for t in tokens()}
    assert len({shard_of(t, SHARDS) for t in tokens()}) == SHARDS  # every shard was exercised


async def test_a_shard_consumer_sees_exactly_its_users(connect: Connect) -> None:
    # Given a partitioned stream with two events per token
    js = (await connect()).jetstream()
    async with partitioned_stream(js) as (stream, prefix):
        for token in tokens() * 2:
            await js.publish(f"{prefix}.{token}", b"{}")

        # When each shard's durable consumer filters <prefix>.<k>.>
        pending = {}
        for shard in range(SHARDS):
            config = ConsumerConfig(
                durable_name=f"shard{shard}",
                ack_policy=AckPolicy.EXPLICIT,
                filter_subject=f"{prefix}.{shard}.>",
            )
            pending[shard] = (await js.add_consumer(stream, config)).num_pending

    # Then it has exactly the events of the tokens shard_of assigns to it
    expected = {k: 2 * sum(shard_of(t, SHARDS) == k for t in tokens()) for k in range(SHARDS)}
    assert pending == expected


async def test_a_lone_replica_owns_every_shard_once_started(connect: Connect, bucket: str) -> None:
    # Given one replica
    nc = await connect()
    ownership = Ownership()
    replica = ownership.replica(nc.jetstream(), bucket, "pod-a", ttl=2.0)

    # When it starts
    await replica.start()
    try:
        # Then it owns every shard, and was told so for each one
        assert replica.owned == frozenset(range(SHARDS))
        assert all(replica.owns(k) for k in range(SHARDS))
        assert ownership.held_by("pod-a") == replica.owned
    finally:
        await replica.stop()

    # And on stop it lets every shard go and leaves no keys behind
    assert replica.owned == frozenset()
    assert ownership.owner == {}
    assert ownership.conflicts == []
    kv = await nc.jetstream().key_value(bucket)
    with pytest.raises(NoKeysError):
        await kv.keys()


@pytest.mark.parametrize("shards", [8, 5])
async def test_two_replicas_split_the_shards_without_overlap(
    connect: Connect, bucket: str, shards: int
) -> None:
    # Given a replica that owns every shard
    ownership = Ownership()
    a = ownership.replica((await connect()).jetstream(), bucket, "pod-a", shards=shards, ttl=1.0)
    b = ownership.replica((await connect()).jetstream(), bucket, "pod-b", shards=shards, ttl=1.0)
    await a.start()
    try:
        assert a.owned == frozenset(range(shards))

        # When a second replica joins
        await b.start()

        # Then they split the shards within a few rounds
        took = await eventually(
            lambda: (
                sorted([len(a.owned), len(b.owned)]) == [shards // 2, shards - shards // 2]
                and a.owned | b.owned == frozenset(range(shards))
            ),
            within=5.0,
            what="two replicas split the shards",
        )
        assert took < 3.0
        assert a.owned.isdisjoint(b.owned)
        assert (ownership.held_by("pod-a"), ownership.held_by("pod-b")) == (a.owned, b.owned)
    finally:
        await b.stop()
        await a.stop()

    # And no shard ever had two owners
    assert ownership.conflicts == []


async def test_graceful_stop_hands_the_shards_over(connect: Connect, bucket: str) -> None:
    # Given two replicas that split the shards
    ttl = 2.0
    ownership = Ownership()
    a = ownership.replica((await connect()).jetstream(), bucket, "pod-a", ttl=ttl)
    b = ownership.replica((await connect()).jetstream(), bucket, "pod-b", ttl=ttl)
    await a.start()
    await b.start()
    try:
        await eventually(lambda: len(b.owned) == SHARDS // 2, within=5.0, what="split")
        handed_over = a.owned

        # When one stops gracefully
        await a.stop()
        stopped = time.monotonic()

        # Then the other takes its shards at once (the keys were deleted, not left to expire)
        await eventually(lambda: b.owned == frozenset(range(SHARDS)), within=ttl, what="handover")
        assert time.monotonic() - stopped < ttl
    finally:
        await b.stop()
        await a.stop()

    # And each shard was let go before the other replica was told it has it
    for shard in handed_over:
        assert ownership.last("lost", "pod-a", shard) < ownership.last("acquired", "pod-b", shard)
    assert ownership.conflicts == []


async def test_a_replica_cut_off_gives_up_before_another_takes_over(
    connect: Connect, bucket: str
) -> None:
    # Given two replicas that split the shards
    ttl = 1.0
    ownership = Ownership()
    nc_a = await connect()
    a = ownership.replica(nc_a.jetstream(), bucket, "pod-a", ttl=ttl)
    b = ownership.replica((await connect()).jetstream(), bucket, "pod-b", ttl=ttl)
    await a.start()
    await b.start()
    try:
        await eventually(lambda: len(b.owned) == SHARDS // 2, within=5.0, what="split")
        abandoned = a.owned

        # When one loses its connection without letting anything go
        await nc_a.close()
        closed = time.monotonic()

        # Then it stops consuming, and only after the leases expire the other takes over
        took = await eventually(
            lambda: b.owned == frozenset(range(SHARDS)), within=4 * ttl, what="takeover"
        )
        assert a.owned == frozenset()
        assert took > ttl / 2  # by expiry: the last renewal was at most ttl / 3 before closing
        for shard in abandoned:
            assert ownership.last("lost", "pod-a", shard) < ownership.last(
                "acquired", "pod-b", shard
            )
        assert time.monotonic() - closed < 4 * ttl

        # And stopping it without a connection doesn't raise
        await a.stop()
    finally:
        await b.stop()
        await a.stop()
    assert ownership.conflicts == []


class FreezableProxy:
    """A TCP proxy to nats-server that can stop forwarding while keeping sockets open: a
    network partition, where requests hang instead of failing."""

    def __init__(self, upstream_url: str) -> None:
        host, port = upstream_url.removeprefix("nats://").rsplit(":", 1)
        self._upstream = (host, int(port))
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._writers: list[asyncio.StreamWriter] = []
        self._handlers: set[asyncio.Task[Any]] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"nats://127.0.0.1:{port}"

    def freeze(self) -> None:
        self._flowing.clear()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for writer in self._writers:
            writer.close()
        self._flowing.set()
        await asyncio.gather(*self._handlers, return_exceptions=True)

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handler = asyncio.current_task()
        if handler is not None:
            self._handlers.add(handler)
        up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        self._writers += [writer, up_writer]
        await asyncio.gather(
            self._pump(reader, up_writer), self._pump(up_reader, writer), return_exceptions=True
        )

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                await self._flowing.wait()
                sink.write(data)
                await sink.drain()
        finally:
            sink.close()


async def test_a_partitioned_replica_stops_before_its_leases_expire(
    connect: Connect, bucket: str, nats_server: Any
) -> None:
    # Given two replicas that split the shards, one reaching the server through a proxy
    ttl = 1.0
    proxy = FreezableProxy(nats_server.url)
    ownership = Ownership()
    nc_a = await connect(await proxy.start())
    a = ownership.replica(nc_a.jetstream(), bucket, "pod-a", ttl=ttl)
    b = ownership.replica((await connect()).jetstream(), bucket, "pod-b", ttl=ttl)
    try:
        await a.start()
        await b.start()
        await eventually(lambda: len(b.owned) == SHARDS // 2, within=5.0, what="split")
        abandoned = a.owned

        # When the network between it and the server stops carrying anything
        proxy.freeze()

        # Then its requests hang, yet it gives its shards up before the other gets them
        await eventually(lambda: a.owned == frozenset(), within=ttl, what="partitioned gives up")
        await eventually(
            lambda: b.owned == frozenset(range(SHARDS)), within=4 * ttl, what="takeover"
        )
        for shard in abandoned:
            assert ownership.last("lost", "pod-a", shard) < ownership.last(
                "acquired", "pod-b", shard
            )

        # And stopping it while partitioned neither raises nor hangs
        started = time.monotonic()
        await a.stop()
        assert time.monotonic() - started < ttl
    finally:
        await b.stop()
        await a.stop()
        await nc_a.close()
        await proxy.close()
    assert ownership.conflicts == []


async def test_a_bucket_whose_entries_expire_too_soon_is_refused(
    connect: Connect, bucket: str
) -> None:
    # Given a bucket whose entries expire sooner than the leases assume
    js = (await connect()).jetstream()
    await js.create_key_value(bucket=bucket, history=1, ttl=1.0)
    replica = Ownership().replica(js, bucket, "pod-a", ttl=2.0)

    # When a replica starts on it, then it refuses
    with pytest.raises(ShardLeaseError):
        await replica.start()
    assert replica.owned == frozenset()


async def test_a_failed_on_acquired_gives_the_lease_back(connect: Connect, bucket: str) -> None:
    # Given a replica whose consumer for shard 3 fails to start the first time
    ttl = 2.0
    calls: list[tuple[str, int]] = []

    async def acquired(shard: int) -> None:
        calls.append(("acquired", shard))
        if calls.count(("acquired", 3)) == 1 and shard == 3:
            raise RuntimeError("consumer for shard 3 failed")

    async def lost(shard: int) -> None:
        calls.append(("lost", shard))

    replica = ShardLeases(
        (await connect()).jetstream(),
        bucket=bucket,
        replica_id="pod-a",
        shards=SHARDS,
        ttl=ttl,
        on_acquired=acquired,
        on_lost=lost,
    )

    # When it starts
    await replica.start()
    try:
        # Then it keeps the other shards and undoes shard 3
        assert replica.owned == frozenset(range(SHARDS)) - {3}
        assert calls.index(("acquired", 3)) < calls.index(("lost", 3))

        # And it deleted the lease: shard 3 is taken again before the key could have expired
        took = await eventually(lambda: replica.owns(3), within=ttl, what="shard 3 retried")
        assert took < ttl
        assert calls.count(("acquired", 3)) == 2
    finally:
        await replica.stop()
