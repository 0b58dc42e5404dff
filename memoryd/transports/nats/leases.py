"""Which replica consumes each shard of the events stream (see
:mod:`memoryd.transports.nats.topology` for the shards themselves).

:class:`ShardLeases` makes sure each shard is consumed by at most one replica at a time: a
replica consumes a shard only while it holds the shard's lease, a key in a JetStream KV
bucket whose entries expire ``ttl`` seconds after they were last written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from nats.js import JetStreamContext
from nats.js.errors import (
    BucketNotFoundError,
    KeyNotFoundError,
    KeyWrongLastSequenceError,
    NoKeysError,
)
from nats.js.kv import KeyValue

from memoryd.errors import MemorydError
from memoryd.transports.nats.topology import shard_of, user_token

log = logging.getLogger(__name__)

ShardCallback = Callable[[int], Awaitable[None]]
_T = TypeVar("_T")

_REPLICA = "replica."
_SHARD = "shard."


class ShardLeaseError(MemorydError):
    """The lease bucket cannot guarantee single ownership (its entries do not expire in time)."""


@dataclass
class _Lease:
    revision: int
    written_at: float  # monotonic time the last successful write was sent


class ShardLeases:
    """Which shards this replica consumes, kept in step with the other replicas.

    Every ``ttl / 3`` seconds a replica refreshes its heartbeat key ``replica.<id>``, renews
    the leases it holds and aims for ``ceil(shards / live replicas)`` of them: it creates
    free ``shard.<k>`` keys while below that and hands back extras while above it.
    ``on_acquired(k)`` runs once the lease is held; ``on_lost(k)`` runs when it is given up
    (before its key is deleted, so in-flight work finishes first) or when it could not be
    renewed for ``ttl * 5 / 6`` seconds, before the key can expire and another replica can
    take the shard. Each ``on_acquired(k)`` is matched by one later ``on_lost(k)``, at the
    latest in :meth:`stop`; :meth:`owns` is true during ``on_acquired`` and false during
    ``on_lost``. Callbacks run on the lease loop: keep them short next to ``ttl``, and don't
    raise (errors are logged; a failed ``on_acquired`` gives the lease back).
    """

    def __init__(
        self,
        js: JetStreamContext,
        *,
        bucket: str,
        replica_id: str,
        shards: int,
        ttl: float,
        on_acquired: ShardCallback,
        on_lost: ShardCallback,
        create_bucket: bool = True,
    ):
        if shards < 1:
            raise ValueError("shards must be at least 1")
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        self._js = js
        self._bucket = bucket
        self._replica = user_token(replica_id)  # a valid KV key for any id, and injective
        self._shards = shards
        self._ttl = ttl
        self._interval = ttl / 3
        self._hold = ttl * 5 / 6  # one failed round is tolerated; ttl / 6 is left for on_lost
        self._on_acquired = on_acquired
        self._on_lost = on_lost
        self._create_bucket = create_bucket
        offset = shard_of(self._replica, shards)  # replicas start their search apart
        self._preference = [(offset + i) % shards for i in range(shards)]
        self._leases: dict[int, _Lease] = {}
        self._kv: KeyValue | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @property
    def owned(self) -> frozenset[int]:
        return frozenset(self._leases)

    def owns(self, shard: int) -> bool:
        return shard in self._leases

    async def start(self) -> None:
        """Bind (or create) the bucket, run one round, then keep the leases in the background."""
        if self._task is not None:
            raise RuntimeError("shard leases already started")
        self._kv = await self._bind()
        first_round = time.monotonic()
        await self._round_logged()
        self._task = asyncio.create_task(
            self._run(next_round=first_round + self._interval), name=f"shard-leases:{self._replica}"
        )

    async def stop(self) -> None:
        """Stop the loop, hand every lease back (``on_lost`` first), drop the heartbeat."""
        self._stopping.set()
        task, self._task = self._task, None
        if task is not None:
            # The loop ends after its current round; a callback stuck past ttl is cancelled.
            done, _ = await asyncio.wait({task}, timeout=self._ttl)
            if not done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            elif task.exception() is not None:
                log.error(
                    "shard lease loop crashed",
                    extra={"replica": self._replica, "error": repr(task.exception())},
                )
        released = len(self._leases)
        for shard in sorted(self._leases):
            await self._release(shard)
        if self._kv is not None:
            await self._delete_key(_REPLICA + self._replica, last=None)
        log.info("shard leases stopped", extra={"replica": self._replica, "released": released})

    async def _bind(self) -> KeyValue:
        try:
            kv = await self._js.key_value(self._bucket)
        except BucketNotFoundError:
            if not self._create_bucket:
                raise
            kv = await self._js.create_key_value(bucket=self._bucket, history=1, ttl=self._ttl)
        bucket_ttl = (await kv.status()).ttl
        # Leases are given up ttl * 5/6 after their last renewal: entries that expire sooner
        # would let another replica take a shard this one still consumes.
        if not bucket_ttl or bucket_ttl < self._ttl * 0.999:
            raise ShardLeaseError(
                f"KV bucket {self._bucket!r} has ttl {bucket_ttl!r}; leases need at least "
                f"{self._ttl}"
            )
        return kv

    async def _run(self, *, next_round: float) -> None:
        while True:
            wake = min(next_round, self._earliest_deadline())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), max(wake - time.monotonic(), 0))
            if self._stopping.is_set():
                return
            if time.monotonic() >= next_round:
                next_round = max(next_round + self._interval, time.monotonic())
                await self._round_logged()
            await self._drop_overdue()

    async def _round_logged(self) -> None:
        try:
            await self._round()
        except Exception as exc:
            log.warning(
                "shard lease round failed",
                extra={"replica": self._replica, "owned": len(self._leases), "error": repr(exc)},
            )

    async def _round(self) -> None:
        kv = self._require_kv()
        await self._renew(kv)  # first: renewals keep what is being consumed safe
        await self._call(kv.put(_REPLICA + self._replica, self._replica.encode()))
        try:
            keys = set(await self._call(kv.keys()))
        except NoKeysError:
            keys = set()
        live = max(sum(1 for key in keys if key.startswith(_REPLICA)), 1)
        target = math.ceil(self._shards / live)
        if len(self._leases) < target:
            await self._acquire(kv, target, held=keys)
        elif len(self._leases) > target:
            for shard in reversed(self._preference):
                if len(self._leases) <= target:
                    break
                if shard in self._leases:
                    await self._release(shard)

    async def _renew(self, kv: KeyValue) -> None:
        """Renew every lease at once: one round trip however many shards are held."""
        if not self._leases:
            return
        sent = time.monotonic()
        renewals = {
            shard: asyncio.ensure_future(
                kv.update(_SHARD + str(shard), self._replica.encode(), last=lease.revision)
            )
            for shard, lease in self._leases.items()
        }
        _, unfinished = await asyncio.wait(renewals.values(), timeout=self._budget())
        for renewal in unfinished:
            renewal.cancel()
        await asyncio.wait(renewals.values())
        failure: BaseException | None = None
        for shard, renewal in sorted(renewals.items()):
            error = TimeoutError() if renewal.cancelled() else renewal.exception()
            lease = self._leases.get(shard)
            if lease is None:
                continue
            if error is None:
                lease.revision, lease.written_at = renewal.result(), sent
            elif isinstance(error, KeyWrongLastSequenceError):
                log.warning("shard lease lost", extra={"replica": self._replica, "shard": shard})
                await self._lose(shard)
            else:
                failure = error  # kept until deadline; the round stops here
        if failure is not None:
            raise failure

    async def _acquire(self, kv: KeyValue, target: int, *, held: set[str]) -> None:
        for shard in self._preference:
            if len(self._leases) >= target:
                return
            if shard in self._leases or _SHARD + str(shard) in held:
                continue
            sent = time.monotonic()
            try:
                revision = await self._call(kv.create(_SHARD + str(shard), self._replica.encode()))
            except (KeyWrongLastSequenceError, KeyNotFoundError):
                continue  # another replica was first
            self._leases[shard] = _Lease(revision, sent)
            log.info("shard lease acquired", extra={"replica": self._replica, "shard": shard})
            if not await self._notify(self._on_acquired, shard):
                await self._release(shard)
            await self._drop_overdue()

    async def _release(self, shard: int) -> None:
        """Give a lease back: the caller stops consuming, then others may take the shard."""
        lease = self._leases.pop(shard)
        await self._notify(self._on_lost, shard)
        await self._delete_key(_SHARD + str(shard), last=lease.revision)
        log.info("shard lease released", extra={"replica": self._replica, "shard": shard})

    async def _lose(self, shard: int) -> None:
        del self._leases[shard]
        await self._notify(self._on_lost, shard)

    async def _drop_overdue(self) -> None:
        now = time.monotonic()
        for shard in sorted(self._leases):
            lease = self._leases.get(shard)
            if lease is not None and lease.written_at + self._hold <= now:
                log.warning(
                    "shard lease not renewed in time; giving it up",
                    extra={"replica": self._replica, "shard": shard},
                )
                await self._lose(shard)

    def _earliest_deadline(self) -> float:
        return min(
            (lease.written_at + self._hold for lease in self._leases.values()), default=math.inf
        )

    async def _call(self, operation: Awaitable[_T]) -> _T:
        return await asyncio.wait_for(operation, self._budget())

    def _budget(self) -> float:
        """How long a KV operation may take: not past the next lease deadline, since a
        replica cut off from the broker must not wait beyond it before it stops consuming."""
        return max(min(self._interval, self._earliest_deadline() - time.monotonic()), 0)

    async def _delete_key(self, key: str, *, last: int | None) -> None:
        try:
            # ``last``: a lease that expired and was taken by another replica stays theirs.
            await self._call(self._require_kv().delete(key, last=last))
        except Exception as exc:
            log.warning(
                "deleting lease key failed; it expires on its own",
                extra={"replica": self._replica, "key": key, "error": repr(exc)},
            )

    async def _notify(self, callback: ShardCallback, shard: int) -> bool:
        try:
            await callback(shard)
        except Exception:
            log.exception("shard callback failed", extra={"replica": self._replica, "shard": shard})
            return False
        return True

    def _require_kv(self) -> KeyValue:
        if self._kv is None:
            raise RuntimeError("shard leases not started")
        return self._kv
