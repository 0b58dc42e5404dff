"""Port types to and from ``qdrant_client.models``, and client errors to the error tree."""

from __future__ import annotations

from typing import cast

import httpx
from pydantic import ValidationError
from qdrant_client import models
from qdrant_client.common.client_exceptions import ResourceExhaustedResponse
from qdrant_client.http.exceptions import ResponseHandlingException, UnexpectedResponse

from memoryd.errors import MemorydError, PermanentError, TransientError
from memoryd.memory.ports import DENSE, LEXICAL, CollectionSpec, Filter, Record, VectorPoint
from memoryd.stores.translation import (
    AnyOf,
    FieldMatch,
    field_matches,
    float_list,
    is_unconstrained,
)

# Statuses a later retry can succeed on: request timeout, rate limit, server-side trouble.
_TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def classify_client_error(exc: Exception) -> type[MemorydError]:
    """``TransientError`` for network failures, timeouts and retryable statuses."""
    if isinstance(exc, ResponseHandlingException):
        # The client wraps both transport failures and unparseable responses in this.
        return TransientError if _is_network(exc.source) else PermanentError
    if isinstance(exc, UnexpectedResponse):
        return TransientError if exc.status_code in _TRANSIENT_STATUSES else PermanentError
    if isinstance(exc, ResourceExhaustedResponse) or _is_network(exc):
        return TransientError
    return PermanentError


def describe_client_error(exc: Exception, secret: str | None) -> str:
    """A short, single-line description of ``exc`` that never contains ``secret``."""
    if isinstance(exc, UnexpectedResponse):
        text = f"HTTP {exc.status_code}: {exc.content[:200]!r}"
    elif isinstance(exc, ResponseHandlingException):
        text = f"{type(exc.source).__name__}: {exc.source}"
    else:
        text = f"{type(exc).__name__}: {exc}"
    text = " ".join(text.split())[:300]
    return text.replace(secret, "***") if secret else text


def vectors_config(spec: CollectionSpec) -> dict[str, models.VectorParams]:
    """The named cosine ``dense`` vector."""
    return {DENSE: models.VectorParams(size=spec.dim, distance=models.Distance.COSINE)}


def sparse_config(spec: CollectionSpec) -> dict[str, models.SparseVectorParams] | None:
    """The IDF-weighted ``lexical`` sparse vector, if the spec asks for one."""
    if not spec.lexical:
        return None
    return {LEXICAL: models.SparseVectorParams(modifier=models.Modifier.IDF)}


def shape_mismatch(info: models.CollectionInfo, spec: CollectionSpec) -> str | None:
    """Why an existing collection can't serve ``spec``, or ``None`` if it can."""
    vectors = info.config.params.vectors
    dense = vectors.get(DENSE) if isinstance(vectors, dict) else None
    if dense is None:
        return f"it has no named vector {DENSE!r}"
    if dense.size != spec.dim or dense.distance != models.Distance.COSINE:
        return f"its {DENSE!r} vector is {dense.distance.value} of dim {dense.size}"
    lexical = (info.config.params.sparse_vectors or {}).get(LEXICAL)
    if spec.lexical and (lexical is None or lexical.modifier != models.Modifier.IDF):
        return f"it has no IDF-weighted sparse vector {LEXICAL!r}"
    return None


def client_point(point: VectorPoint) -> models.PointStruct:
    """The client point for ``point``."""
    vectors: dict[str, models.Vector] = {DENSE: float_list(point.vector)}
    if point.sparse is not None:
        vectors[LEXICAL] = models.SparseVector(
            indices=list(point.sparse.indices), values=list(point.sparse.values)
        )
    try:
        return models.PointStruct(id=point.id, vector=vectors, payload=point.payload)
    except ValidationError as exc:
        raise PermanentError(f"invalid point {point.id!r}: {exc.errors()[0]['msg']}") from exc


def client_record(point: models.Record | models.ScoredPoint) -> Record:
    """A port ``Record`` with the dense vector only (if it was fetched)."""
    vectors = point.vector
    dense = vectors.get(DENSE) if isinstance(vectors, dict) else None
    score = point.score if isinstance(point, models.ScoredPoint) else 0.0
    return Record(
        id=str(point.id),
        payload=dict(point.payload or {}),
        vector=[float(x) for x in cast(list[float], dense)] if isinstance(dense, list) else None,
        score=float(score),
    )


def client_filter(where: Filter) -> models.Filter | None:
    """The client filter for ``where``, or ``None`` when it matches everything."""
    if is_unconstrained(where):
        return None
    must: list[models.Condition] = [_condition(match) for match in field_matches(where.must)]
    must += [models.IsEmptyCondition(is_empty=models.PayloadField(key=k)) for k in where.is_null]
    must_not: list[models.Condition] = [_condition(m) for m in field_matches(where.must_not)]
    return models.Filter(must=must or None, must_not=must_not or None)


def _condition(match: FieldMatch) -> models.FieldCondition:
    if isinstance(match, AnyOf):
        return models.FieldCondition(key=match.key, match=models.MatchAny(any=list(match.values)))
    return models.FieldCondition(key=match.key, match=models.MatchValue(value=match.value))


def _is_network(exc: BaseException) -> bool:
    return isinstance(exc, httpx.TransportError | ConnectionError | TimeoutError)
