"""Builds a :class:`MemoryEngine` from settings: the only place adapters are chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from memoryd.config import EmbedderSettings, Settings, StoreSettings
from memoryd.memory.category_naming import TermNamer
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.extract import Extractor, OfflineExtractor
from memoryd.memory.ports import CategoryNamer, Embedder, VectorStore
from memoryd.memory.retrieve import Ranker
from memoryd.memory.summarize import Summarizer
from memoryd.telemetry.llm_metrics import LlmMetrics

if TYPE_CHECKING:
    from memoryd.llm.refine import WindowRefiner


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


class Parts(NamedTuple):
    """What LLM mode swaps in; offline, the extractor is the offline one and the rest
    are the defaults (extractive summaries, rag only, offline category names)."""

    extractor: Extractor
    summarizer: Summarizer | None = None
    ranker: Ranker | None = None
    namer: CategoryNamer | None = None


def build_llm_parts(
    settings: Settings, store: VectorStore, embedder: Embedder, llm_metrics: LlmMetrics | None
) -> Parts:
    """The offline extractor (extractive summaries, rag retrieval only), or with
    ``llm.base_url`` and ``llm.model`` set, the LLM ones, which fall back to those."""
    memory = settings.memory
    offline = OfflineExtractor(memory.extractor_min_score, memory.max_items_per_event)
    if not settings.llm.enabled:
        return Parts(offline)
    from memoryd.llm.client import ChatClient
    from memoryd.llm.discover import LlmNamer
    from memoryd.llm.extract import LlmExtractor, related_items
    from memoryd.llm.retrieve import LlmRanker
    from memoryd.llm.summarize import LlmSummarizer

    client = ChatClient(settings.llm, llm_metrics)
    names = [c.name for c in memory.categories]
    if settings.llm.mode == "two_tier":
        # Ingest stays offline (fresh snapshots at once); build_refiner adds the model.
        from memoryd.llm.summarize import HeldSummaries

        held = HeldSummaries() if settings.llm.summaries else None
        return Parts(offline, held, LlmRanker(client), LlmNamer(client, TermNamer(), names))
    extractor = LlmExtractor(
        client, offline, names, related_items(store, embedder, settings.llm.related_items)
    )
    summarizer = (
        LlmSummarizer(client, interval=settings.llm.summary_interval_seconds)
        if settings.llm.summaries
        else None
    )
    return Parts(extractor, summarizer, LlmRanker(client), LlmNamer(client, TermNamer(), names))


def build_runtime(
    settings: Settings, *, llm_metrics: LlmMetrics | None = None
) -> tuple[MemoryEngine, CategoryNamer | None]:
    """The engine the settings describe, and the namer self-evolution uses (LLM mode)."""
    lexical = None
    if settings.memory.lexical:
        from memoryd.embedders.lexical import Bm25Encoder

        lexical = Bm25Encoder()
    store = build_store(settings)
    embedder = build_embedder(settings.embedder)
    parts = build_llm_parts(settings, store, embedder, llm_metrics)
    engine = MemoryEngine(
        store,
        embedder,
        lexical=lexical,
        settings=settings.memory,
        extractor=parts.extractor,
        summarizer=parts.summarizer,
        ranker=parts.ranker,
    )
    return engine, parts.namer


def build_refiner(settings: Settings, engine: MemoryEngine) -> WindowRefiner | None:
    """Two-tier LLM mode: what refines the conversation windows of ``engine`` (built by
    :func:`build_runtime`, whose ranker holds the model client); None otherwise."""
    if not settings.llm.enabled or settings.llm.mode != "two_tier":
        return None
    from memoryd.llm.extract import related_items
    from memoryd.llm.refine import WindowRefiner
    from memoryd.llm.retrieve import LlmRanker
    from memoryd.llm.summarize import LlmSummarizer

    ranker = engine.ranker
    if not isinstance(ranker, LlmRanker):
        raise TypeError("two-tier LLM mode needs the engine build_runtime makes")
    client = ranker.client  # one client: one token budget per tenant, one pool
    summarizer = LlmSummarizer(client) if settings.llm.summaries else None
    related = related_items(engine.store, engine.embedder, settings.llm.related_items)
    return WindowRefiner(engine, client, related, summarizer)


def build_engine(settings: Settings, *, llm_metrics: LlmMetrics | None = None) -> MemoryEngine:
    """The engine the settings describe; the caller owns it and must ``close()`` it."""
    return build_runtime(settings, llm_metrics=llm_metrics)[0]
