"""A deterministic bag-of-words embedder for fast unit tests of the core (no model)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from memoryd.memory.ports import Vector

_WORD = re.compile(r"[a-z0-9]+")


class HashEmbedder:
    """Each lower-cased word adds a fixed pseudo-random direction; vectors are normalised.

    Texts sharing words are similar and identical texts are identical, which is all the
    core's logic (dedup, ranking, summaries) needs to be tested without a model.
    """

    def __init__(self, dim: int = 64):
        self._dim = dim
        self.calls = 0
        self.texts_embedded = 0

    @property
    def dim(self) -> int:
        return self._dim

    def _word(self, word: str) -> Vector:
        seed = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
        return np.random.default_rng(seed).standard_normal(self._dim).astype(np.float32)

    def embed(self, texts: Sequence[str]) -> Vector:
        self.calls += 1
        self.texts_embedded += len(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                out[i] += self._word(word)
            norm = float(np.linalg.norm(out[i]))
            out[i] = (
                out[i] / norm
                if norm
                else self._word("<empty>") / np.linalg.norm(self._word("<empty>"))
            )
        return out
