"""``QdrantServerStore``: the production ``VectorStore``, a Qdrant server through ``qdrant-client``.

With ``location=":memory:"`` or ``path=...`` the client runs its pure-Python local mode
instead, which is how the tests exercise this adapter without a server. Local mode is
not thread-safe (plain dicts and SQLite), so calls are serialised there; the HTTP client
is thread-safe and runs calls concurrently.
"""

from __future__ import annotations

import math
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

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
from memoryd.stores.qdrant_translation import (
    classify_client_error,
    client_filter,
    client_point,
    client_record,
    describe_client_error,
    shape_mismatch,
    sparse_config,
    vectors_config,
)
from memoryd.stores.translation import float_list


class QdrantServerStore:
    """A ``VectorStore`` whose collections are ``prefix + name`` on a Qdrant server.

    Writes wait for the server's acknowledgement, so they are in its WAL when they return
    and ``flush`` has nothing left to do. Connection failures, timeouts and retryable
    statuses raise ``TransientError``; the API key never appears in an error.
    """

    def __init__(
        self,
        url: str | None = None,
        api_key: str | None = None,
        path: str | None = None,
        location: str | None = None,
        prefix: str = "memoryd_",
        timeout: float = 10.0,
        *,
        page_size: int = 256,
    ) -> None:
        self._local = path is not None or location == ":memory:"
        self._secret = api_key
        self._prefix = prefix
        self._page_size = page_size
        # check_compatibility=False: building the store must not touch the network, so a
        # daemon can start while Qdrant is still coming up and retry its first calls.
        self._client = QdrantClient(
            location=location,
            url=url,
            api_key=api_key,
            path=path,
            timeout=max(1, math.ceil(timeout)),
            check_compatibility=False,
            force_disable_check_same_thread=path is not None,
        )
        self._serialised: AbstractContextManager[Any] = (
            threading.Lock() if self._local else nullcontext()
        )

    def ensure_collection(self, spec: CollectionSpec) -> None:
        """Create the collection if absent, check its shape if present, add keyword indexes."""
        name = self._prefix + spec.name
        with self._call("ensure collection", spec.name):
            if not self._client.collection_exists(name):
                self._create(name, spec)
            info = self._client.get_collection(name)
            mismatch = shape_mismatch(info, spec)
            if mismatch is not None:
                raise PermanentError(
                    f"collection {name!r} cannot hold dim={spec.dim}, lexical={spec.lexical}: "
                    f"{mismatch}"
                )
            if self._local:
                return  # local mode ignores payload indexes, and warns about each one
            for key in spec.keyword_indexes:
                if key not in info.payload_schema:
                    self._client.create_payload_index(
                        name, key, field_schema=models.PayloadSchemaType.KEYWORD, wait=True
                    )

    def upsert(self, collection: str, points: Sequence[VectorPoint]) -> None:
        if not points:
            return
        with self._call("upsert into", collection):
            structs = [client_point(point) for point in points]
            self._client.upsert(self._prefix + collection, structs, wait=True)

    def set_payload(self, collection: str, ids: Sequence[str], payload: Payload) -> None:
        """Merge ``payload`` into each listed point; ids that no longer exist are skipped."""
        if not ids or not payload:
            return
        # By filter rather than by id list: the id form fails the whole call on a missing id.
        selector = models.Filter(must=[models.HasIdCondition(has_id=list(ids))])
        with self._call("set payload in", collection):
            self._client.set_payload(self._prefix + collection, payload, selector, wait=True)

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
        dense = float_list(vector)
        return self._query(collection, dense, DENSE, where, limit, with_vectors, with_payload)

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
        condition = client_filter(where)
        requests = [
            models.QueryRequest(
                query=float_list(vector),
                using=DENSE,
                filter=condition,
                limit=limit,
                with_payload=True,
                with_vector=_vectors(with_vectors),
            )
            for vector in vectors
        ]
        with self._call("search", collection):
            responses = self._client.query_batch_points(self._prefix + collection, requests)
        return [[client_record(point) for point in r.points] for r in responses]

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
        sparse = models.SparseVector(indices=list(query.indices), values=list(query.values))
        return self._query(collection, sparse, LEXICAL, where, limit, False, with_payload)

    def get(
        self, collection: str, ids: Sequence[str], *, with_vectors: bool = False
    ) -> list[Record]:
        """The points that exist among ``ids``, in the order asked for."""
        if not ids:
            return []
        unique = list(dict.fromkeys(ids))
        with self._call("get from", collection):
            found = self._client.retrieve(
                self._prefix + collection,
                unique,
                with_payload=True,
                with_vectors=_vectors(with_vectors),
            )
        by_id = {record.id: record for record in map(client_record, found)}
        return [by_id[key] for key in map(_canonical, unique) if key in by_id]

    def scroll(
        self, collection: str, where: Filter, *, with_vectors: bool = False
    ) -> Iterator[Record]:
        """Every matching point, in id order, fetched a page at a time."""
        offset: models.ExtendedPointId | None = None
        while True:
            with self._call("scroll", collection):
                page, offset = self._client.scroll(
                    self._prefix + collection,
                    scroll_filter=client_filter(where),
                    limit=self._page_size,
                    offset=offset,
                    with_payload=True,
                    with_vectors=_vectors(with_vectors),
                )
            yield from map(client_record, page)
            if offset is None:
                return

    def count(self, collection: str, where: Filter) -> int:
        with self._call("count", collection):
            result = self._client.count(
                self._prefix + collection, count_filter=client_filter(where), exact=True
            )
        return result.count

    def delete(self, collection: str, where: Filter) -> None:
        """Delete every point matching ``where`` (an empty filter deletes them all)."""
        selector = models.FilterSelector(filter=client_filter(where) or models.Filter())
        with self._call("delete from", collection):
            self._client.delete(self._prefix + collection, selector, wait=True)

    def flush(self) -> None:
        """Nothing to do: every write already waited for the server's acknowledgement."""

    def close(self) -> None:
        """Close the client's connections (or release the local-mode directory lock)."""
        with self._call("close", "client"):
            self._client.close()

    def _create(self, name: str, spec: CollectionSpec) -> None:
        try:
            self._client.create_collection(
                name, vectors_config=vectors_config(spec), sparse_vectors_config=sparse_config(spec)
            )
        except UnexpectedResponse as exc:
            # Another replica created it between our check and our create; its shape is
            # checked next like any existing collection's.
            if exc.status_code != 409:
                raise

    def _query(
        self,
        collection: str,
        query: list[float] | models.SparseVector,
        using: str,
        where: Filter,
        limit: int,
        with_vectors: bool,
        with_payload: bool = True,
    ) -> list[Record]:
        if limit < 1:
            return []
        with self._call("search", collection):
            response = self._client.query_points(
                self._prefix + collection,
                query=query,
                using=using,
                query_filter=client_filter(where),
                limit=limit,
                with_payload=with_payload,
                with_vectors=_vectors(with_vectors),
            )
        return [client_record(point) for point in response.points]

    @contextmanager
    def _call(self, doing: str, collection: str) -> Iterator[None]:
        """Serialise in local mode and translate client errors into the error tree."""
        with self._serialised:
            try:
                yield
            except MemorydError:
                raise
            except Exception as exc:
                detail = describe_client_error(exc, self._secret)
                error = classify_client_error(exc)(f"qdrant: {doing} {collection!r}: {detail}")
                # Drop the chain when the original text held the key: tracebacks print it.
                leaks = self._secret is not None and self._secret in repr(exc)
                raise error from (None if leaks else exc)


def _vectors(with_vectors: bool) -> list[str] | bool:
    return [DENSE] if with_vectors else False


def _canonical(point_id: str) -> str:
    # The client answers with canonical (lower-case, hyphenated) UUIDs; the ids were
    # already validated by ``retrieve``.
    return str(uuid.UUID(point_id))
