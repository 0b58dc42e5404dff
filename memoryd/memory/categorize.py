"""File memories under categories and memory types by embedding similarity to their
descriptions, with a few lexical cues where embeddings are known to be weak (time, habit)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from memoryd.memory.category_defaults import MEMORY_TYPE_DESCRIPTIONS
from memoryd.memory.models import CategorySpec, MemoryType
from memoryd.memory.ports import Embedder, Vector

_HABIT = re.compile(
    r"\b(usually|always|often|every (?:day|week|morning|night|weekend)|"
    r"regularly|each (?:day|week)|routine|habit)\b",
    re.I,
)
_SKILL = re.compile(r"\b(can|know how to|skilled|good at|learn(?:ed|ing)? to|trained as)\b", re.I)


@dataclass(frozen=True, slots=True)
class Classification:
    category: str
    category_score: float
    memory_type: MemoryType


class Categorizer:
    """Holds the embeddings of category and memory-type descriptions, computed once."""

    def __init__(self, embedder: Embedder, categories: Sequence[CategorySpec]):
        if not categories:
            raise ValueError("at least one category is required")
        self.specs = {spec.name: spec for spec in categories}
        self._names = [spec.name for spec in categories]
        self._category_vectors = embedder.embed(
            [f"{spec.name.replace('_', ' ')}: {spec.description}" for spec in categories]
        )
        self._types = list(MEMORY_TYPE_DESCRIPTIONS)
        self._type_vectors = embedder.embed([MEMORY_TYPE_DESCRIPTIONS[t] for t in self._types])

    def description_vector(self, name: str) -> Vector | None:
        """The embedding of a configured category's description (None for others)."""
        if name not in self.specs:
            return None
        vector: Vector = self._category_vectors[self._names.index(name)]
        return vector

    def classify(
        self, texts: Sequence[str], vectors: Vector, dated: Sequence[bool]
    ) -> list[Classification]:
        """Classify each text; ``dated`` marks texts that carry a resolved date."""
        if len(texts) == 0:
            return []
        category_scores = vectors @ self._category_vectors.T
        type_scores = vectors @ self._type_vectors.T
        out = []
        for i, text in enumerate(texts):
            best = int(np.argmax(category_scores[i]))
            out.append(
                Classification(
                    category=self._names[best],
                    category_score=float(category_scores[i, best]),
                    memory_type=self._memory_type(text, type_scores[i], dated[i]),
                )
            )
        return out

    def _memory_type(self, text: str, scores: Vector, dated: bool) -> MemoryType:
        if _HABIT.search(text):
            return MemoryType.BEHAVIOR
        if dated:
            return MemoryType.EVENT
        if _SKILL.search(text) and scores[self._types.index(MemoryType.SKILL)] > 0.2:
            return MemoryType.SKILL
        return self._types[int(np.argmax(scores))]
