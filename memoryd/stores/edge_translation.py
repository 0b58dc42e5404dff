"""Port types to and from ``qdrant_edge`` types, and binding errors to the error tree."""

from __future__ import annotations

from typing import cast

import numpy as np
import qdrant_edge as qe

from memoryd.errors import MemorydError, PermanentError, TransientError
from memoryd.memory.ports import DENSE, LEXICAL, CollectionSpec, Filter, Record, VectorPoint
from memoryd.stores.translation import (
    AnyOf,
    FieldMatch,
    Scalar,
    field_matches,
    float_list,
    is_unconstrained,
)

# The binding raises a bare ``Exception`` carrying Qdrant's error text; these are the
# failures that can pass without anyone changing the input or the data directory.
_TRANSIENT_MARKERS = (
    "Timeout error",
    "Operation cancelled",
    "No space left on device",
    "Too many open files",
    "Cannot allocate memory",
)


def classify_edge_error(exc: Exception) -> type[MemorydError]:
    """``TransientError`` for timeouts and exhausted resources, ``PermanentError`` otherwise."""
    text = str(exc)
    if any(marker in text for marker in _TRANSIENT_MARKERS):
        return TransientError
    return PermanentError


def edge_config(spec: CollectionSpec) -> qe.EdgeConfig:
    """A cosine ``dense`` vector, plus an IDF-weighted ``lexical`` one if the spec asks."""
    sparse = None
    if spec.lexical:
        sparse = {LEXICAL: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)}
    return qe.EdgeConfig(
        vectors={DENSE: qe.EdgeVectorParams(size=spec.dim, distance=qe.Distance.Cosine)},
        sparse_vectors=sparse,
    )


def edge_point(point: VectorPoint) -> qe.Point:
    """The edge point for ``point``; a malformed id raises ``PermanentError``."""
    vectors: dict[str, qe.NamedVector] = {DENSE: float_list(point.vector)}
    if point.sparse is not None:
        vectors[LEXICAL] = qe.SparseVector(list(point.sparse.indices), list(point.sparse.values))
    try:
        return qe.Point(point.id, vectors, point.payload)
    except (TypeError, ValueError) as exc:
        raise PermanentError(f"invalid point {point.id!r}: {exc}") from exc


def edge_record(point: qe.Record | qe.ScoredPoint, *, score: float = 0.0) -> Record:
    """A port ``Record`` with the dense vector only (if it was fetched)."""
    vectors = point.vector
    dense = vectors.get(DENSE) if isinstance(vectors, dict) else None
    return Record(
        id=str(point.id),
        payload=dict(point.payload or {}),
        # The binding hands back a fresh list of Python floats: no copy needed.
        vector=cast(list[float], dense) if isinstance(dense, list) else None,
        score=float(score),
    )


def edge_filter(where: Filter) -> qe.Filter | None:
    """The edge filter for ``where``, or ``None`` when it matches everything."""
    if is_unconstrained(where):
        return None
    must: list[qe.ConditionType] = [_condition(match) for match in field_matches(where.must)]
    must += [qe.IsEmptyCondition(key) for key in where.is_null]
    must_not: list[qe.ConditionType] = [_condition(m) for m in field_matches(where.must_not)]
    return qe.Filter(must=must or None, must_not=must_not or None)


def _condition(match: FieldMatch) -> qe.FieldCondition:
    if isinstance(match, AnyOf):
        return qe.FieldCondition(match.key, match=qe.MatchAny(list(match.values)))
    return qe.FieldCondition(match.key, match=qe.MatchValue(_match_value(match.value)))


def _match_value(value: Scalar) -> Scalar:
    # qdrant-edge 0.9 converts MatchValue's argument trying int before bool, so True
    # becomes the integer 1 and never matches a boolean payload. numpy.bool_ is not an
    # int (no __index__) and converts as a bool.
    if isinstance(value, bool):
        return cast(bool, np.bool_(value))
    return value
