"""An open Qdrant Edge shard as ``QdrantEdgeStore`` holds it: the shard, its write lock,
and a gate that counts the calls in flight so that closing waits for them; and how the
binding's errors are told and a shard is closed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import qdrant_edge as qe

from memoryd.errors import MemorydError
from memoryd.stores.edge_translation import classify_edge_error

logger = logging.getLogger(__name__)


class Gate:
    """Counts a shard's calls in flight so that closing it can wait for them."""

    def __init__(self) -> None:
        self._idle = threading.Condition()
        self._calls = 0

    @contextmanager
    def call(self) -> Iterator[None]:
        with self._idle:
            self._calls += 1
        try:
            yield
        finally:
            with self._idle:
                self._calls -= 1
                if not self._calls:
                    self._idle.notify_all()

    def wait_idle(self) -> None:
        with self._idle:
            self._idle.wait_for(lambda: not self._calls)


@dataclass(frozen=True, slots=True)
class OpenShard:
    shard: qe.EdgeShard
    dim: int
    lexical: bool
    #: One write at a time per shard (index creation, upserts, payload updates, deletes).
    lock: threading.Lock = field(default_factory=threading.Lock)
    gate: Gate = field(default_factory=Gate)


@contextmanager
def edge_errors(doing: str) -> Iterator[None]:
    """Re-raise anything the binding throws as a ``MemorydError`` saying what was being done."""
    try:
        yield
    except MemorydError:
        raise
    except Exception as exc:
        raise classify_edge_error(exc)(f"qdrant-edge: {doing}: {exc}") from exc


def close_shard(name: str, opened: OpenShard) -> bool:
    try:
        opened.shard.flush()
        opened.shard.close()
    except Exception:
        logger.exception("closing edge collection failed", extra={"collection": name})
        return False
    return True
