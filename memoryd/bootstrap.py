"""Builds a :class:`MemoryEngine` from settings: the only place adapters are chosen."""

from __future__ import annotations

from memoryd.config import EmbedderSettings, Settings, StoreSettings
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.ports import Embedder, VectorStore


def build_store(settings: Settings) -> VectorStore:
    store: StoreSettings = settings.store
    if store.kind == "edge":
        from memoryd.stores.edge import QdrantEdgeStore

        return QdrantEdgeStore(settings.edge_path(), flush_interval=store.flush_interval_seconds)
    from memoryd.stores.qdrant import QdrantServerStore

    if not store.url:
        raise ValueError("store.kind=qdrant needs store.url (MEMORYD_STORE__URL)")
    return QdrantServerStore(
        url=store.url,
        api_key=store.api_key.get_secret_value() if store.api_key else None,
        prefix=store.prefix,
        timeout=store.timeout,
    )


def build_embedder(settings: EmbedderSettings) -> Embedder:
    if settings.kind == "fastembed":
        from memoryd.embedders.fastembed import FastEmbedEmbedder

        return FastEmbedEmbedder(
            model_name=settings.model_name,
            model_path=settings.model_path,
            threads=settings.threads,
            batch_size=settings.batch_size,
        )
    from memoryd.embedders.openai import OpenAIEmbedder

    if not settings.base_url or not settings.model_name:
        raise ValueError("embedder.kind=openai needs embedder.base_url and embedder.model_name")
    return OpenAIEmbedder(
        base_url=settings.base_url,
        model=settings.model_name,
        api_key=settings.api_key.get_secret_value() if settings.api_key else None,
        dim=settings.dim,
        timeout=settings.timeout,
        batch_size=settings.batch_size,
    )


def build_engine(settings: Settings) -> MemoryEngine:
    """The engine the settings describe; the caller owns it and must ``close()`` it."""
    lexical = None
    if settings.memory.lexical:
        from memoryd.embedders.lexical import Bm25Encoder

        lexical = Bm25Encoder()
    return MemoryEngine(
        build_store(settings),
        build_embedder(settings.embedder),
        lexical=lexical,
        settings=settings.memory,
    )
