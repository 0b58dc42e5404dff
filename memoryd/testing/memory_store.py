"""``InMemoryStore``: a brute-force, in-process fake of the ``VectorStore`` port.

It answers like the Qdrant adapters do, so unit tests of the core can trust it (the
shared contract suite in ``tests/stores`` holds all three to the same behaviour):
cosine scores over normalised vectors; lexical scores ``sum(query weight * idf * document
weight)`` with Qdrant's IDF, ``ln(1 + (N - n + 0.5) / (n + 0.5))``, where ``N`` counts the
collection's points that have a lexical vector and ``n`` those containing the term;
payload matches that are type-strict (``True`` is not ``1``) and look inside arrays.
Unlike Qdrant Edge, IDF statistics never include deleted or overwritten points.
"""

from __future__ import annotations

import copy
import math
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from memoryd.errors import PermanentError
from memoryd.memory.ports import (
    CollectionSpec,
    Dense,
    Filter,
    Payload,
    Record,
    SparseVector,
    Vector,
    VectorPoint,
)
from memoryd.stores.translation import AnyOf, FieldMatch, Scalar, field_matches


@dataclass(slots=True)
class _StoredPoint:
    vector: Vector  # normalised, as Qdrant stores cosine vectors
    payload: Payload
    terms: dict[int, float] | None


@dataclass(slots=True)
class _Collection:
    spec: CollectionSpec
    points: dict[str, _StoredPoint] = field(default_factory=dict)


class InMemoryStore:
    """A ``VectorStore`` held in dicts; thread-safe, nothing survives ``close``."""

    def __init__(self) -> None:
        self._collections: dict[str, _Collection] = {}
        self._lock = threading.RLock()
        self._closed = False

    def ensure_collection(self, spec: CollectionSpec) -> None:
        with self._lock:
            self._check_open()
            existing = self._collections.get(spec.name)
            if existing is None:
                self._collections[spec.name] = _Collection(spec)
            elif existing.spec.dim != spec.dim or (spec.lexical and not existing.spec.lexical):
                raise PermanentError(
                    f"collection {spec.name!r} has dim={existing.spec.dim}, "
                    f"lexical={existing.spec.lexical}; dim={spec.dim}, lexical={spec.lexical} "
                    "requested"
                )

    def upsert(self, collection: str, points: Sequence[VectorPoint]) -> None:
        with self._lock:
            target = self._collection(collection)
            # Validate the whole batch first: Qdrant applies all of it or none of it.
            stored = [(_canonical(p.id), self._stored(target.spec, p)) for p in points]
            target.points.update(stored)

    def set_payload(self, collection: str, ids: Sequence[str], payload: Payload) -> None:
        with self._lock:
            points = self._collection(collection).points
            for key in map(_canonical, ids):
                if key in points:
                    points[key].payload.update(copy.deepcopy(payload))

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
        with self._lock:
            target = self._collection(collection)
            query = _normalised(vector, target.spec.dim)
            scored = [
                (float(np.dot(query, point.vector)), key, point)
                for key, point in self._matching(target, where)
            ]
            return _top(scored, limit, with_vectors, with_payload)

    def search_batch(
        self,
        collection: str,
        vectors: Sequence[Dense],
        where: Filter,
        limit: int,
        *,
        with_vectors: bool = False,
    ) -> list[list[Record]]:
        return [
            self.search(collection, vector, where, limit, with_vectors=with_vectors)
            for vector in vectors
        ]

    def search_lexical(
        self,
        collection: str,
        query: SparseVector,
        where: Filter,
        limit: int,
        *,
        with_payload: bool = True,
    ) -> list[Record]:
        with self._lock:
            target = self._collection(collection)
            if not target.spec.lexical:
                raise PermanentError(f"collection {collection!r} has no lexical vector")
            documents = [p.terms for p in target.points.values() if p.terms is not None]
            weights = {
                term: weight * _idf(len(documents), sum(term in d for d in documents))
                for term, weight in zip(query.indices, query.values, strict=True)
            }
            # Like a sparse index, only points sharing a term with the query are candidates.
            scored = [
                (_dot(weights, point.terms), key, point)
                for key, point in self._matching(target, where)
                if point.terms is not None and not weights.keys().isdisjoint(point.terms)
            ]
            return _top(scored, limit, False, with_payload)

    def get(
        self, collection: str, ids: Sequence[str], *, with_vectors: bool = False
    ) -> list[Record]:
        with self._lock:
            points = self._collection(collection).points
            keys = dict.fromkeys(map(_canonical, ids))
            return [_record(k, points[k], with_vectors) for k in keys if k in points]

    def scroll(
        self, collection: str, where: Filter, *, with_vectors: bool = False
    ) -> Iterator[Record]:
        with self._lock:
            # A snapshot, so callers may write to the collection while iterating.
            matching = self._matching(self._collection(collection), where)
            page = [_record(key, point, with_vectors) for key, point in matching]
        return iter(sorted(page, key=lambda record: record.id))

    def count(self, collection: str, where: Filter) -> int:
        with self._lock:
            return sum(1 for _ in self._matching(self._collection(collection), where))

    def delete(self, collection: str, where: Filter) -> None:
        with self._lock:
            target = self._collection(collection)
            for key in [key for key, _ in self._matching(target, where)]:
                del target.points[key]

    def flush(self) -> None:
        """Nothing to make durable."""

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._collections.clear()

    def _matching(self, target: _Collection, where: Filter) -> Iterator[tuple[str, _StoredPoint]]:
        return ((k, p) for k, p in target.points.items() if payload_matches(where, p.payload))

    def _collection(self, name: str) -> _Collection:
        self._check_open()
        target = self._collections.get(name)
        if target is None:
            raise PermanentError(f"unknown collection {name!r}: ensure_collection first")
        return target

    def _stored(self, spec: CollectionSpec, point: VectorPoint) -> _StoredPoint:
        if point.sparse is not None and not spec.lexical:
            raise PermanentError(f"collection {spec.name!r} has no lexical vector")
        terms = None
        if point.sparse is not None:
            terms = dict(zip(point.sparse.indices, point.sparse.values, strict=True))
        vector = _normalised(point.vector, spec.dim)
        return _StoredPoint(vector, copy.deepcopy(point.payload), terms)

    def _check_open(self) -> None:
        if self._closed:
            raise PermanentError("the in-memory store is closed")


def _dot(weights: dict[int, float], terms: dict[int, float]) -> float:
    return sum(weight * terms[term] for term, weight in weights.items() if term in terms)


def _idf(documents: int, containing: int) -> float:
    return math.log(1.0 + (documents - containing + 0.5) / (containing + 0.5))


def _normalised(vector: Dense, dim: int) -> Vector:
    array = np.asarray(vector, dtype=np.float32)
    if array.shape != (dim,):
        raise PermanentError(f"Vector dimension error: expected dim: {dim}, got {array.size}")
    norm = float(np.linalg.norm(array))
    return array / norm if norm > 0 else array


def _canonical(point_id: str) -> str:
    try:
        return str(uuid.UUID(point_id))
    except (TypeError, ValueError) as exc:
        raise PermanentError(f"point id {point_id!r} is not a UUID") from exc


def _top(
    scored: list[tuple[float, str, _StoredPoint]],
    limit: int,
    with_vectors: bool,
    with_payload: bool = True,
) -> list[Record]:
    scored.sort(key=lambda item: item[0], reverse=True)
    return [
        _record(key, point, with_vectors, score, with_payload)
        for score, key, point in scored[: max(limit, 0)]
    ]


def _record(
    key: str,
    point: _StoredPoint,
    with_vectors: bool,
    score: float = 0.0,
    with_payload: bool = True,
) -> Record:
    vector = [float(x) for x in point.vector] if with_vectors else None
    payload = copy.deepcopy(point.payload) if with_payload else {}
    return Record(id=key, payload=payload, vector=vector, score=score)


def payload_matches(where: Filter, payload: Payload) -> bool:
    """Whether ``payload`` passes ``where`` by Qdrant's rules (``is_null`` accepts ``[]``)."""
    return (
        all(_holds(payload, match) for match in field_matches(where.must))
        and not any(_holds(payload, match) for match in field_matches(where.must_not))
        and all(payload.get(key) in (None, []) for key in where.is_null)
    )


def _holds(payload: Payload, match: FieldMatch) -> bool:
    value = payload.get(match.key)
    candidates = value if isinstance(value, list) else [value]
    wanted: tuple[Scalar, ...] = match.values if isinstance(match, AnyOf) else (match.value,)
    return any(_same(candidate, w) for candidate in candidates for w in wanted)


def _same(stored: object, wanted: Scalar) -> bool:
    # Type-strict like Qdrant: a boolean payload never matches 1, nor an integer True.
    return type(stored) is type(wanted) and stored == wanted
