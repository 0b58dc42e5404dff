"""Discovered categories named and described by an LLM; offline naming is the fallback."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from memoryd.llm.client import ChatClient, LlmFailure
from memoryd.llm.prompts import CategoryAnswer, discover_messages
from memoryd.memory.category_naming import slug
from memoryd.memory.ports import CategoryNamer

log = logging.getLogger(__name__)
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class LlmNamer:
    """A :class:`~memoryd.memory.ports.CategoryNamer` backed by a chat model."""

    def __init__(self, client: ChatClient, fallback: CategoryNamer, existing: Sequence[str]):
        self.client = client
        self.fallback = fallback
        self.existing = list(existing)

    def name(
        self, user_id: str, texts: Sequence[str], corpus: Sequence[str]
    ) -> tuple[str, str] | None:
        try:
            answer, _ = self.client.ask(
                "discover", user_id, discover_messages(texts, self.existing), CategoryAnswer
            )
        except LlmFailure as exc:
            self.client.metrics.fallbacks.labels(exc.reason).inc()
            log.warning("LLM naming unavailable; naming offline", extra={"reason": exc.reason})
            return self.fallback.name(user_id, texts, corpus)
        if not answer.name.strip():
            return None  # the model sees no topic: no category
        name = slug(re.split(r"[\s_-]+", answer.name.strip()))
        if not _NAME.match(name) or name in self.existing:
            self.client.metrics.fallbacks.labels("malformed").inc()
            return self.fallback.name(user_id, texts, corpus)
        description = answer.description.strip()[:300]
        return name, description or f"Memories the model filed as {name.replace('_', ' ')}"
