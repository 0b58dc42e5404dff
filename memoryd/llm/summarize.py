"""Category summaries rewritten by an LLM (memU's approach): the previous summary plus the
new and changed items in, the new summary and the item ids it drew on out. One request
covers every category a batch touched; a category the model leaves out, or a request
that fails, gets the extractive summary instead."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from memoryd.llm.client import ChatClient, LlmFailure
from memoryd.llm.prompts import SummaryAnswer, summary_messages
from memoryd.memory.summarize import SummaryDraft, SummaryRequest

log = logging.getLogger(__name__)


class LlmSummarizer:
    """A :class:`~memoryd.memory.summarize.Summarizer` backed by a chat model."""

    def __init__(self, client: ChatClient, *, interval: float = 0.0, clock: Any = time.monotonic):
        self.client = client
        self.interval = interval
        self._clock = clock
        self._rewritten: dict[tuple[str, str], float] = {}

    def rewrite(
        self, user_id: str, requests: Sequence[SummaryRequest], *, force: bool = False
    ) -> dict[str, SummaryDraft]:
        # A category rewritten less than `interval` ago keeps its summary for now: at a
        # live chat's pace that bounds the requests by time, not by events.
        now = self._clock()
        due = [
            r
            for r in requests
            if force
            or not r.previous
            or now - self._rewritten.get((user_id, r.name), float("-inf")) >= self.interval
        ]
        held = {
            r.name: SummaryDraft(r.previous, [i.id for i in r.kept], fresh=False)
            for r in requests
            if r not in due
        }
        if not due:
            return held
        return {**held, **self._ask(user_id, due, now)}

    def _ask(
        self, user_id: str, requests: Sequence[SummaryRequest], now: float
    ) -> dict[str, SummaryDraft]:
        try:
            answer, _ = self.client.ask(
                "summarize", user_id, summary_messages(requests), SummaryAnswer
            )
        except LlmFailure as exc:
            self.client.metrics.fallbacks.labels(exc.reason).inc()
            log.warning(
                "LLM summaries unavailable; using extractive ones", extra={"reason": exc.reason}
            )
            return {}
        asked = {r.name: r for r in requests}
        drafts = {}
        for category in answer.categories:
            request = asked.get(category.name)
            text = category.summary.strip()
            if request is None or not text:
                continue
            known = {i.id for i in [*request.changed, *request.kept]}
            item_ids = [i for i in dict.fromkeys(category.item_ids) if i in known]
            drafts[category.name] = SummaryDraft(
                clip_summary(text, 2 * request.target_chars), item_ids
            )
            self._rewritten[(user_id, category.name)] = now
        return drafts


def clip_summary(text: str, limit: int) -> str:
    """A runaway answer cut at ``limit``, at a line or sentence end."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind("\n"), cut.rfind(". "))
    return cut[: end + 1].rstrip() if end > limit // 2 else cut.rstrip()


class HeldSummaries:
    """Two-tier mode's summarizer at ingest: a category that has a summary keeps it (its
    window's refinement rewrites it with the model) rather than flipping to an extractive
    one with every turn; a category without one gets the extractive summary at once."""

    def rewrite(
        self, user_id: str, requests: Sequence[SummaryRequest], *, force: bool = False
    ) -> dict[str, SummaryDraft]:
        return {
            r.name: SummaryDraft(r.previous, [i.id for i in r.kept], fresh=False)
            for r in requests
            if r.previous
        }
