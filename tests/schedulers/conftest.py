from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from memoryd.embedders.fastembed import FastEmbedEmbedder
from memoryd.embedders.lexical import Bm25Encoder
from memoryd.memory import ids
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Item, MemoryType
from memoryd.memory.ports import Embedder, VectorPoint
from memoryd.memory.schema import ITEMS, to_payload
from memoryd.memory.settings import MemorySettings
from memoryd.stores.edge import QdrantEdgeStore

T0 = datetime(2023, 1, 1, tzinfo=UTC)


@pytest.fixture
def edge_engine(tmp_path: Path, embedder: FastEmbedEmbedder) -> Iterator[MemoryEngine]:
    """A real Qdrant Edge store, the bundled embedder and BM25, as the daemon runs them."""
    engine = MemoryEngine(
        QdrantEdgeStore(tmp_path / "qdrant", flush_interval=0),
        embedder,
        lexical=Bm25Encoder(),
        settings=MemorySettings(dedup_threshold=0.99),
    )
    yield engine
    engine.store.close()


def put_item(
    engine: MemoryEngine,
    embedder: Embedder,
    text: str,
    *,
    user: str = "u-1",
    days: float = 0.0,
    category: str = "knowledge",
    category_score: float = 0.5,
    memory_type: MemoryType = MemoryType.KNOWLEDGE,
    sources: list[str] | None = None,
    **fields: Any,
) -> Item:
    """Write one item as memorising would have, ``days`` after T0 (tests of the jobs
    need items with exact times, types and fit)."""
    when = T0 + timedelta(days=days)
    sources = sources or [f"ev-{ids.normalize_text(text)[:40]}"]
    item = Item(
        id=ids.item_id(user, sources[0], text),
        user_id=user,
        text=text,
        memory_type=memory_type,
        category=category,
        category_score=category_score,
        sources=sources,
        created_at=when,
        updated_at=when,
        valid_from=when,
        reinforcement=len(sources),
        **fields,
    )
    vector = np.asarray(embedder.embed([text])[0], dtype=np.float32)
    sparse = engine.lexical.encode_document(text) if engine.lexical else None
    engine.store.upsert(ITEMS, [VectorPoint(item.id, vector.tolist(), to_payload(item), sparse)])
    return item
