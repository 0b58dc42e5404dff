"""RAG retrieval: categories → items → resources, dense similarity fused with BM25.

Fusion is reciprocal-rank (RRF): dense cosine and BM25 scores live on different scales,
and ranks combine them without per-corpus calibration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from memoryd.memory import ids
from memoryd.memory.models import (
    FORGOTTEN,
    RetrieveResult,
    ScoredCategory,
    ScoredItem,
    ScoredResource,
)
from memoryd.memory.ports import Embedder, Filter, LexicalEncoder, Record, Vector, VectorStore
from memoryd.memory.schema import (
    CATEGORIES,
    ITEMS,
    RESOURCES,
    category_from,
    item_from,
    live_items,
    resource_from,
    user_scope,
)
from memoryd.memory.settings import MemorySettings

RRF_K = 60
#: An archived item's score is scaled by this in a history search: at equal relevance,
#: the current fact comes first and the one it replaced after it.
HISTORY_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class Query:
    user_id: str
    text: str
    top_k: int = 10
    agent_id: str | None = None
    #: Only the items layer (no category or resource search), e.g. for snapshots.
    items_only: bool = False
    #: Also archived items (superseded, decayed; not merged or forgotten), ranked lower.
    include_history: bool = False
    #: The dense query, when the caller has it already (else ``text`` is embedded).
    vector: Vector | None = None


def rrf(
    rankings: list[tuple[list[Record], float]], k: int = RRF_K
) -> dict[str, tuple[float, Record]]:
    """Weighted reciprocal-rank fusion of several ranked lists, keyed by point id."""
    fused: dict[str, tuple[float, Record]] = {}
    for records, weight in rankings:
        for rank, record in enumerate(records):
            score, _ = fused.get(record.id, (0.0, record))
            fused[record.id] = (score + weight / (k + rank + 1), record)
    return fused


class RagRetriever:
    """Embedding (and lexical) search scoped to one user, optionally one agent."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        lexical: LexicalEncoder | None,
        settings: MemorySettings,
    ):
        self.store = store
        self.embedder = embedder
        self.lexical = lexical if settings.lexical else None
        self.settings = settings

    def retrieve(self, query: Query) -> RetrieveResult:
        vector = query.vector if query.vector is not None else self.embedder.embed([query.text])[0]
        scope = user_scope(query.user_id, query.agent_id)
        # Summaries are per user across agents: an agent-scoped read must not see them.
        categories = (
            []
            if query.agent_id is not None or query.items_only
            else self.store.search(
                CATEGORIES, vector, user_scope(query.user_id), self.settings.category_top_k
            )
        )
        items = self._items(query, vector)
        resources = (
            [] if query.items_only else self.store.search(RESOURCES, vector, scope, query.top_k)
        )
        return RetrieveResult(
            query=query.text,
            method="rag",
            categories=[
                ScoredCategory(category=category_from(r), score=r.score) for r in categories
            ],
            items=items,
            resources=[ScoredResource(resource=resource_from(r), score=r.score) for r in resources],
        )

    def _items(self, query: Query, vector: Vector) -> list[ScoredItem]:
        where = live_items(query.user_id, query.agent_id)
        if query.include_history:
            scope = user_scope(query.user_id, query.agent_id)
            # Not merged duplicates (the survivor is the copy), nor what was forgotten.
            hidden = ["merged", FORGOTTEN]
            where = Filter(must=scope.must, must_not={"archived_reason": hidden})
        limit = max(self.settings.retrieve_candidates, query.top_k)
        # The candidates are ranked by ids and scores alone; only the kept ones are read
        # (a history search weighs archived items down, so it needs them all).
        bare = not query.include_history
        dense = self.store.search(ITEMS, vector, where, limit, with_payload=not bare)
        if self.lexical is None:
            scored = [(r.score, r) for r in dense]
        else:
            terms = self.lexical.encode_query(query.text)
            sparse = self.store.search_lexical(ITEMS, terms, where, limit, with_payload=not bare)
            fused = rrf([(dense, 1.0), (sparse, self.settings.lexical_weight)])
            # Report a score on the 0..1 scale of the best possible fused rank.
            best = (1.0 + self.settings.lexical_weight) / (RRF_K + 1)
            scored = [(s / best, r) for s, r in fused.values()]
        scored = [(s * HISTORY_WEIGHT if r.payload.get("archived") else s, r) for s, r in scored]
        ranked = sorted(scored, key=lambda pair: (-pair[0], pair[1].id))[: query.top_k]
        if bare:
            ranked = self._read(ranked)
        return [ScoredItem(item=item_from(r), score=round(s, 6)) for s, r in _current_first(ranked)]

    def _read(self, ranked: list[tuple[float, Record]]) -> list[tuple[float, Record]]:
        """The ranked candidates with their payloads; one archived or deleted since the
        search is left out."""
        read = {r.id: r for r in self.store.get(ITEMS, [r.id for _, r in ranked])}
        return [
            (score, read[r.id])
            for score, r in ranked
            if r.id in read and not read[r.id].payload.get("archived")
        ]


def events_vector(store: VectorStore, user_id: str, event_ids: Sequence[str]) -> Vector | None:
    """What the user's events are about: their stored resource vectors averaged, weighted
    by length (None when none is stored). MiniLM mean-pools its tokens, so this is close to
    embedding the events joined (cosine 0.91 on average over LoCoMo windows of five turns),
    and the vectors were made when the events were memorised."""
    wanted = [ids.resource_id(user_id, e) for e in dict.fromkeys(event_ids)]
    found = [r for r in store.get(RESOURCES, wanted, with_vectors=True) if r.vector]
    if not found:
        return None
    weights = np.array([len(str(r.payload.get("content", ""))) + 1 for r in found])
    total: Vector = (weights @ np.asarray([r.vector for r in found])).astype(np.float32)
    return total / max(float(np.linalg.norm(total)), 1e-12)


def _current_first(ranked: list[tuple[float, Record]]) -> list[tuple[float, Record]]:
    """A superseded item never ranks above the item that replaced it: it moves to just
    after its replacement when both were found."""
    out = list(ranked)
    for pair in ranked:
        newer = pair[1].payload.get("replaced_by")
        ids = [r.id for _, r in out]
        if newer in ids and ids.index(pair[1].id) < ids.index(newer):
            out.remove(pair)
            out.insert(ids.index(newer), (min(pair[0], out[ids.index(newer) - 1][0]), pair[1]))
    return out


class Ranker(Protocol):
    """Re-ranks retrieval candidates (an LLM, in LLM mode)."""

    def candidates(self, top_k: int) -> int: ...

    def rewrite(self, user_id: str, query: str, context: Sequence[str]) -> str: ...

    def rank(
        self, user_id: str, query: str, wide: RetrieveResult, top_k: int
    ) -> RetrieveResult: ...
