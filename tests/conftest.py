from __future__ import annotations

import pytest

from memoryd.testing.embedder import HashEmbedder


@pytest.fixture
def hash_embedder() -> HashEmbedder:
    return HashEmbedder()
