"""The ports the memory core depends on: a vector store, a dense embedder, a lexical encoder.

The core never imports an adapter; adapters live in ``memoryd.stores`` and
``memoryd.embedders`` and are handed to the engine by whoever builds it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
#: A dense vector as a caller holds it: floats, or a float32 array (no list made for it).
Dense = Sequence[float] | Vector
Payload = dict[str, Any]
#: Equality (scalar) or any-of (sequence) conditions, ANDed together.
Conditions = Mapping[str, "str | int | bool | Sequence[str]"]

DENSE = "dense"
LEXICAL = "lexical"


@dataclass(frozen=True, slots=True)
class SparseVector:
    """Term weights keyed by a stable hash of the term (BM25 document or query side)."""

    indices: tuple[int, ...]
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class VectorPoint:
    """A point to write: one dense vector, an optional lexical vector, a JSON payload."""

    id: str
    vector: Dense
    payload: Payload
    sparse: SparseVector | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """A point read back. ``score`` is the similarity for searches and 0.0 otherwise."""

    id: str
    payload: Payload
    vector: list[float] | None = None
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class Filter:
    """A conjunction of payload conditions.

    ``must``: each field equals the value, or is one of the values for a sequence.
    ``must_not``: the same, negated. ``is_null``: the field is absent or null.
    """

    must: Conditions = field(default_factory=dict)
    must_not: Conditions = field(default_factory=dict)
    is_null: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CollectionSpec:
    """What a collection holds: its dense size, whether it has a lexical vector, indexed keys."""

    name: str
    dim: int
    keyword_indexes: tuple[str, ...] = ()
    lexical: bool = False


@runtime_checkable
class VectorStore(Protocol):
    """Collections of points with a cosine dense vector and an optional IDF-weighted sparse one.

    Writes are idempotent by point id. ``flush`` returns once written data is durable.
    """

    def ensure_collection(self, spec: CollectionSpec) -> None: ...

    def upsert(self, collection: str, points: Sequence[VectorPoint]) -> None: ...

    def set_payload(self, collection: str, ids: Sequence[str], payload: Payload) -> None:
        """Merge ``payload`` into the payload of each listed point (vectors untouched)."""
        ...

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
        """The ``limit`` nearest points; without ``with_payload`` their payloads are empty
        (ids and scores only: candidates to fuse before reading the few kept)."""
        ...

    def search_batch(
        self,
        collection: str,
        vectors: Sequence[Dense],
        where: Filter,
        limit: int,
        *,
        with_vectors: bool = False,
    ) -> list[list[Record]]:
        """``search`` for each of ``vectors`` under one filter, as one request: a batch's
        dedup costs one round trip, not one per candidate."""
        ...

    def search_lexical(
        self,
        collection: str,
        query: SparseVector,
        where: Filter,
        limit: int,
        *,
        with_payload: bool = True,
    ) -> list[Record]: ...

    def get(
        self, collection: str, ids: Sequence[str], *, with_vectors: bool = False
    ) -> list[Record]: ...

    def scroll(
        self, collection: str, where: Filter, *, with_vectors: bool = False
    ) -> Iterator[Record]: ...

    def count(self, collection: str, where: Filter) -> int: ...

    def delete(self, collection: str, where: Filter) -> None: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


@runtime_checkable
class Embedder(Protocol):
    """Dense text embeddings, L2-normalised, shape ``(len(texts), dim)``."""

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Vector: ...


@runtime_checkable
class LexicalEncoder(Protocol):
    """Sparse term vectors for lexical (BM25) matching; the store applies IDF."""

    def encode_document(self, text: str) -> SparseVector: ...

    def encode_query(self, text: str) -> SparseVector: ...


class CategoryNamer(Protocol):
    """Names a cluster of memories: returns ``(name, description)``; ``name`` matches
    ``^[a-z][a-z0-9_]{0,63}$``."""

    def name(
        self, user_id: str, texts: Sequence[str], corpus: Sequence[str]
    ) -> tuple[str, str] | None:
        """``None``: the memories share no topic worth a category."""
        ...
