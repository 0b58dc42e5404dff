"""The dialect-independent half of translating port types for Qdrant.

Both dialects (``qdrant_edge`` in ``edge_translation``, ``qdrant_client.models`` in
``qdrant_translation``) read filters and vectors through here, so the adapters differ only
in the classes they build. This module imports neither library, so the in-memory fake
can share its reading of filters without loading either.

``Filter.is_null`` is translated to Qdrant's ``is_empty`` rather than its ``is_null``:
``is_null`` skips absent fields, while ``is_empty`` matches absent, ``null`` and ``[]``.
Qdrant cannot tell ``[]`` from a missing field, so every store treats ``[]`` as null.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

import numpy as np

from memoryd.errors import PermanentError
from memoryd.memory.ports import Conditions, Dense, Filter

Scalar = str | int | bool


@dataclass(frozen=True, slots=True)
class Equals:
    """The field holds ``value`` (or, for an array field, one of its elements does)."""

    key: str
    value: Scalar


@dataclass(frozen=True, slots=True)
class AnyOf:
    """The field holds one of ``values``; an empty tuple matches nothing."""

    key: str
    values: tuple[str, ...]


FieldMatch = Equals | AnyOf


def field_matches(conditions: Conditions) -> Iterator[FieldMatch]:
    """One ``Equals`` per scalar condition and one ``AnyOf`` per sequence condition.

    A ``str`` is a ``Sequence[str]`` too, so it is checked first: ``{"k": "ab"}`` means
    equality with ``"ab"``, not any of ``"a"``/``"b"``.
    """
    for key, value in conditions.items():
        if isinstance(value, str | int | bool):
            yield Equals(key, value)
        elif all(isinstance(item, str) for item in value):
            yield AnyOf(key, tuple(value))
        else:
            raise PermanentError(f"filter on {key!r}: any-of values must all be strings")


def is_unconstrained(where: Filter) -> bool:
    """True when the filter matches every point (adapters then send no filter at all)."""
    return not (where.must or where.must_not or where.is_null)


def float_list(vector: Dense) -> list[float]:
    """``vector`` as a plain list of float32-rounded floats, which both clients accept."""
    array = np.asarray(vector, dtype=np.float32)
    if array.ndim != 1:
        raise PermanentError(f"a dense vector must be one-dimensional, got shape {array.shape}")
    return cast(list[float], array.tolist())
