"""``QdrantEdgeStore``: the embedded default ``VectorStore``, one Qdrant Edge shard per collection.

Each collection lives in ``<data_dir>/<collection>/`` (WAL, segments, config) and is
created on first use or loaded on restart. A shard serves calls from several threads at
once (the binding is thread-safe and releases the GIL): reads and flushes run side by side
with everything, writes one at a time per shard (the shard's write lock). ``close`` waits
for the calls in flight (each shard's gate); the store lock only guards the table of
shards. With a ``flush_interval``, flushes run on a background thread: a shard flush
(fsync) takes tens of ms, which memorize and retrieval should not wait for, and until
flushes stopped holding the shard, retrieval waited behind them (13% of the daemon's
samples under the freshness bench).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import qdrant_edge as qe

from memoryd.errors import MemorydError, PermanentError
from memoryd.memory.ports import (
    DENSE,
    LEXICAL,
    CollectionSpec,
    Dense,
    Filter,
    Payload,
    Record,
    SparseVector,
    VectorPoint,
)
from memoryd.stores.edge_shards import OpenShard, close_shard, edge_errors
from memoryd.stores.edge_translation import (
    edge_config,
    edge_filter,
    edge_point,
    edge_record,
)
from memoryd.stores.translation import float_list

logger = logging.getLogger(__name__)

# Collection names become directory names: no separators, no "..", nothing hidden.
_COLLECTION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


class QdrantEdgeStore:
    """A ``VectorStore`` backed by embedded Qdrant Edge shards under ``data_dir``.

    Only one store may hold a collection directory at a time (the shard's WAL is locked);
    a second opener gets a ``PermanentError``. ``flush`` makes acknowledged writes durable.
    """

    def __init__(
        self, data_dir: str | Path, *, page_size: int = 256, flush_interval: float = 0.0
    ) -> None:
        """``flush_interval``: seconds between flushes of the shards to disk. Every write is in
        the shard's write-ahead log when ``upsert`` returns, which survives a crash of the
        process; a flush is what guards against a crash of the machine. 0 flushes on every call."""
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        if flush_interval < 0:
            raise ValueError("flush_interval must not be negative")
        self._flush_interval = flush_interval
        self._last_flush = float("-inf")
        self._data_dir = Path(data_dir)
        self._page_size = page_size
        self._shards: dict[str, OpenShard] = {}
        self._lock = threading.Lock()
        self._closed = False
        # Only shards written since the last flush are flushed: a flush costs a few ms
        # per shard even when there is nothing to write.
        self._dirty: set[str] = set()
        self._flusher: threading.Thread | None = None
        self._flush_due = threading.Condition(self._lock)

    def ensure_collection(self, spec: CollectionSpec) -> None:
        """Create the collection's shard, or load it after a restart, and its keyword indexes."""
        if not _COLLECTION_NAME.fullmatch(spec.name):
            raise PermanentError(f"invalid collection name {spec.name!r}")
        with self._lock, edge_errors(f"ensure collection {spec.name!r}"):
            self._check_open()
            opened = self._shards.get(spec.name)
            if opened is None:
                opened = OpenShard(self._open_shard(spec), spec.dim, spec.lexical)
                self._shards[spec.name] = opened
            elif (opened.dim, opened.lexical) != (spec.dim, spec.lexical):
                raise PermanentError(
                    f"collection {spec.name!r} is open with dim={opened.dim}, "
                    f"lexical={opened.lexical}; dim={spec.dim}, lexical={spec.lexical} requested"
                )
            with opened.lock:
                indexed = set(opened.shard.info().payload_schema)
                for key in spec.keyword_indexes:
                    if key not in indexed:
                        opened.shard.update(
                            qe.UpdateOperation.create_field_index(key, qe.PayloadSchemaType.Keyword)
                        )

    def upsert(self, collection: str, points: Sequence[VectorPoint]) -> None:
        if not points:
            return
        with self._shard(collection, "upsert into", write=True) as shard:
            shard.update(qe.UpdateOperation.upsert_points([edge_point(p) for p in points]))

    def set_payload(self, collection: str, ids: Sequence[str], payload: Payload) -> None:
        """Merge ``payload`` into each listed point; ids that no longer exist are skipped."""
        if not ids or not payload:
            return
        # By filter rather than by id list: the id form fails the whole call on a missing id.
        selector = qe.Filter(must=[qe.HasIdCondition(set(ids))])
        with self._shard(collection, "set payload in", write=True) as shard:
            shard.update(qe.UpdateOperation.set_payload_by_filter(selector, payload))

    def search(
        self,
        collection: str,
        vector: Dense,
        where: Filter,
        limit: int,
        *,
        with_vectors: bool = False,
        with_payload: bool = True,
    ) -> list[Record]:
        query = qe.Query.Nearest(float_list(vector), using=DENSE)
        return self._query(collection, query, where, limit, with_vectors, with_payload)

    def search_batch(
        self,
        collection: str,
        vectors: Sequence[Dense],
        where: Filter,
        limit: int,
        *,
        with_vectors: bool = False,
    ) -> list[list[Record]]:
        if limit < 1 or not vectors:
            return [[] for _ in vectors]
        condition = edge_filter(where)
        requests = [
            qe.QueryRequest(
                limit=limit,
                query=qe.Query.Nearest(float_list(vector), using=DENSE),
                filter=condition,
                with_payload=True,
                with_vector=_vectors(with_vectors),
            )
            for vector in vectors
        ]
        with self._shard(collection, "search") as shard:
            batches = shard.query_batch(qe.QueryBatchRequest(requests))
        return [[edge_record(hit, score=hit.score) for hit in hits] for hits in batches]

    def search_lexical(
        self,
        collection: str,
        query: SparseVector,
        where: Filter,
        limit: int,
        *,
        with_payload: bool = True,
    ) -> list[Record]:
        if not query.indices:
            return []
        sparse = qe.SparseVector(list(query.indices), list(query.values))
        nearest = qe.Query.Nearest(sparse, using=LEXICAL)
        return self._query(collection, nearest, where, limit, False, with_payload)

    def get(
        self, collection: str, ids: Sequence[str], *, with_vectors: bool = False
    ) -> list[Record]:
        """The points that exist among ``ids``, in the order asked for."""
        if not ids:
            return []
        unique = list(dict.fromkeys(ids))
        wanted: list[qe.PointId] = list(unique)
        with self._shard(collection, "get from") as shard:
            found = shard.retrieve(wanted, with_payload=True, with_vector=_vectors(with_vectors))
        by_id = {record.id: record for record in map(edge_record, found)}
        return [by_id[key] for key in map(_canonical, unique) if key in by_id]

    def scroll(
        self, collection: str, where: Filter, *, with_vectors: bool = False
    ) -> Iterator[Record]:
        """Every matching point, in id order, fetched a page at a time.

        The lock is held per page, never across a ``yield``.
        """
        offset: str | None = None
        while True:
            request = qe.ScrollRequest(
                offset=offset,
                limit=self._page_size,
                filter=edge_filter(where),
                with_payload=True,
                with_vector=_vectors(with_vectors),
            )
            with self._shard(collection, "scroll") as shard:
                page, next_offset = shard.scroll(request)
            yield from map(edge_record, page)
            if next_offset is None:
                return
            offset = str(next_offset)

    def count(self, collection: str, where: Filter) -> int:
        request = qe.CountRequest(exact=True, filter=edge_filter(where))
        with self._shard(collection, "count") as shard:
            return shard.count(request)

    def delete(self, collection: str, where: Filter) -> None:
        """Delete every point matching ``where`` (an empty filter deletes them all)."""
        selector = edge_filter(where) or qe.Filter()
        with self._shard(collection, "delete from", write=True) as shard:
            shard.update(qe.UpdateOperation.delete_points_by_filter(selector))

    def flush(self) -> None:
        """Write the written shards' WAL and segments to disk: at once with no
        ``flush_interval``; else at most once per interval, on the background flusher
        (the writes are in the WAL already; close flushes what is left)."""
        with self._lock:
            self._check_open()
            if self._flush_interval == 0:
                dirty = self._take_dirty()
            else:
                if self._flusher is None:
                    self._flusher = threading.Thread(
                        target=self._flush_periodically, name="edge-flusher", daemon=True
                    )
                    self._flusher.start()
                self._flush_due.notify()
                return
        self._flush_shards(dirty)

    def _take_dirty(self) -> list[tuple[str, OpenShard]]:
        dirty = [(name, self._shards[name]) for name in sorted(self._dirty)]
        self._dirty.clear()
        return dirty

    def _flush_shards(self, shards: Sequence[tuple[str, OpenShard]]) -> None:
        for name, opened in shards:
            with opened.gate.call(), edge_errors(f"flush {name!r}"):
                opened.shard.flush()

    def _flush_periodically(self) -> None:
        """The background flusher: wakes on ``flush`` and flushes the dirty shards, at most
        once per interval, until the store closes."""
        while True:
            with self._lock:
                while not self._closed and not self._dirty:
                    self._flush_due.wait()
                while (
                    not self._closed
                    and (wait := self._last_flush + self._flush_interval - time.monotonic()) > 0
                ):
                    self._flush_due.wait(wait)
                if self._closed:
                    return  # close flushes every shard itself
                self._last_flush = time.monotonic()
                dirty = self._take_dirty()
            try:
                self._flush_shards(dirty)
            except MemorydError:
                # Logged here: nobody waits on this thread. The writes are in the WAL.
                logger.exception("background flush failed")
                with self._lock:
                    self._dirty.update(name for name, _ in dirty)

    def close(self) -> None:
        """Flush and close every shard; idempotent. Later calls raise ``PermanentError``."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            shards, self._shards = self._shards, {}
            flusher, self._flusher = self._flusher, None
            self._flush_due.notify_all()
        if flusher is not None:
            flusher.join()
        failed = []
        for name, opened in shards.items():
            opened.gate.wait_idle()  # calls that started before ``_closed`` was set
            if not close_shard(name, opened):
                failed.append(name)
        if failed:
            raise PermanentError(f"failed to close collections {failed}")

    def _query(
        self,
        collection: str,
        query: qe.Query,
        where: Filter,
        limit: int,
        with_vectors: bool,
        with_payload: bool = True,
    ) -> list[Record]:
        if limit < 1:
            return []
        request = qe.QueryRequest(
            limit=limit,
            query=query,
            filter=edge_filter(where),
            with_payload=with_payload,
            with_vector=_vectors(with_vectors),
        )
        with self._shard(collection, "search") as shard:
            hits = shard.query(request)
        return [edge_record(hit, score=hit.score) for hit in hits]

    @contextmanager
    def _shard(self, collection: str, doing: str, *, write: bool = False) -> Iterator[qe.EdgeShard]:
        with self._lock:
            self._check_open()
            opened = self._shards.get(collection)
            if opened is None:
                raise PermanentError(f"unknown collection {collection!r}: ensure_collection first")
            if write:
                self._dirty.add(collection)
        with opened.gate.call(), edge_errors(f"{doing} {collection!r}"):
            # A close that began before the gate counted this call does not wait for it.
            self._check_open()
            if not write:
                yield opened.shard
                return
            with opened.lock:
                yield opened.shard

    def _open_shard(self, spec: CollectionSpec) -> qe.EdgeShard:
        path = self._data_dir / spec.name
        config = edge_config(spec)
        if not (path.is_dir() and any(path.iterdir())):
            logger.info("creating edge collection", extra={"collection": spec.name})
            self._data_dir.mkdir(parents=True, exist_ok=True)
            return qe.EdgeShard.create(str(path), config)
        try:
            return qe.EdgeShard.load(str(path), config)
        except Exception as exc:
            if "incompatible" in str(exc):
                raise PermanentError(
                    f"collection {spec.name!r} in {path} does not match the requested "
                    f"dim={spec.dim}, lexical={spec.lexical}: {exc}"
                ) from exc
            if "WouldBlock" in str(exc):
                raise PermanentError(
                    f"collection {spec.name!r} in {path} is open in another store or process"
                ) from exc
            raise

    def _check_open(self) -> None:
        if self._closed:
            raise PermanentError("the edge store is closed")


def _vectors(with_vectors: bool) -> list[str] | bool:
    return [DENSE] if with_vectors else False


def _canonical(point_id: str) -> str:
    # The shard answers with canonical (lower-case, hyphenated) UUIDs whatever form was
    # sent; the ids were already validated by ``retrieve``.
    return str(uuid.UUID(point_id))
