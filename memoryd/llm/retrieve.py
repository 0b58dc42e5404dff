"""Retrieval ``method="llm"``: the model ranks the candidates the fast ``rag`` retrieval
found (three times as many as asked, at least 20), as memU's LLM retrieval does, after
optionally rewriting the query from the conversation. Should the model fail, the ``rag``
result is returned (its ``method`` says so)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from memoryd.llm.client import ChatClient, LlmFailure
from memoryd.llm.prompts import RankAnswer, RewriteAnswer, rank_messages, rewrite_messages
from memoryd.memory.models import RetrieveResult, ScoredItem

log = logging.getLogger(__name__)


class LlmRanker:
    def __init__(self, client: ChatClient):
        self.client = client

    def close(self) -> None:
        self.client.close()

    @staticmethod
    def candidates(top_k: int) -> int:
        return max(3 * top_k, 20)

    def rewrite(self, user_id: str, query: str, context: Sequence[str]) -> str:
        try:
            answer, _ = self.client.ask(
                "rewrite", user_id, rewrite_messages(query, context[-10:]), RewriteAnswer
            )
        except LlmFailure as exc:
            self._fallback(exc, "rewrite")
            return query
        return answer.query.strip() or query

    def rank(self, user_id: str, query: str, wide: RetrieveResult, top_k: int) -> RetrieveResult:
        if not wide.items:
            return wide.model_copy(update={"method": "llm"})
        categories = [(c.category.name, c.category.summary) for c in wide.categories]
        messages = rank_messages(query, [s.item for s in wide.items], categories)
        try:
            answer, _ = self.client.ask("rank", user_id, messages, RankAnswer)
        except LlmFailure as exc:
            self._fallback(exc, "rank")
            # The rag answer to the question as asked: top_k items and resources.
            return wide.model_copy(
                update={"items": wide.items[:top_k], "resources": wide.resources[:top_k]}
            )
        by_id = {s.item.id: s for s in wide.items}
        chosen = [by_id[i] for i in dict.fromkeys(answer.item_ids) if i in by_id][:top_k]
        n = len(chosen)
        items = [ScoredItem(item=s.item, score=round(1.0 - k / n, 6)) for k, s in enumerate(chosen)]
        named = set(answer.categories)
        return RetrieveResult(  # resources: the engine adds the chosen items' sources
            query=query,
            method="llm",
            categories=[c for c in wide.categories if c.category.name in named],
            items=items,
        )

    def _fallback(self, exc: LlmFailure, operation: str) -> None:
        self.client.metrics.fallbacks.labels(exc.reason).inc()
        log.warning("LLM %s unavailable; using rag", operation, extra={"reason": exc.reason})
