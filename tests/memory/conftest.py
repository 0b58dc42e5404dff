"""Fixtures shared by the memory tests that need the real store and embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from memoryd.embedders.fastembed import FastEmbedEmbedder
from memoryd.embedders.lexical import Bm25Encoder
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.settings import MemorySettings
from memoryd.stores.edge import QdrantEdgeStore


@pytest.fixture
def edge_engine(tmp_path: Path, embedder: FastEmbedEmbedder) -> Iterator[MemoryEngine]:
    """An engine over a real Qdrant Edge store (flushed at once) and the bundled embedder."""
    engine = MemoryEngine(
        QdrantEdgeStore(tmp_path / "qdrant", flush_interval=0),
        embedder,
        lexical=Bm25Encoder(),
        settings=MemorySettings(),
    )
    yield engine
    engine.close()
