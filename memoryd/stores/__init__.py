"""``VectorStore`` adapters: ``QdrantEdgeStore`` (embedded default), ``QdrantServerStore``.

Exports resolve on first access so that the embedded default never imports
``qdrant_client`` (about a second of start-up, plus gRPC and protobuf).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from memoryd.stores.edge import QdrantEdgeStore
    from memoryd.stores.qdrant import QdrantServerStore

__all__ = ["QdrantEdgeStore", "QdrantServerStore"]


def __getattr__(name: str) -> object:
    if name == "QdrantEdgeStore":
        from memoryd.stores.edge import QdrantEdgeStore

        return QdrantEdgeStore
    if name == "QdrantServerStore":
        from memoryd.stores.qdrant import QdrantServerStore

        return QdrantServerStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
