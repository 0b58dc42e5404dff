"""Extraction by an LLM: one request per user micro-batch.

The request carries the batch's turns (ids, times, speakers), the category names and the
user's existing memories most related to the batch, so the model updates rather than
repeats. Whatever goes wrong — no budget left, an endpoint that keeps failing, an answer
that does not parse even after the repair request — the batch is extracted offline
instead: events are never dropped because the model misbehaved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date

from memoryd.events import Event
from memoryd.llm.client import BudgetExceeded, ChatClient, LlmFailure
from memoryd.llm.prompts import EXTRACTION_VERSION, ExtractedItem, ExtractionAnswer
from memoryd.llm.prompts import extraction_messages as build_messages
from memoryd.memory.extract import Candidate, Extractor
from memoryd.memory.models import Item, MemoryType
from memoryd.memory.ports import Embedder, Filter, VectorStore
from memoryd.memory.schema import ITEMS, item_from, live_items

log = logging.getLogger(__name__)
_MAX_TEXT = 1000
_TYPES = {t.value for t in MemoryType}

#: The user's existing items most related to a batch of events.
RelatedItems = Callable[[str, Sequence[Event]], list[Item]]


class LlmExtractor:
    """An :class:`~memoryd.memory.extract.Extractor` backed by a chat model."""

    def __init__(
        self,
        client: ChatClient,
        fallback: Extractor,
        categories: Sequence[str],
        related: RelatedItems,
    ):
        self.client = client
        self.fallback = fallback
        self.categories = list(categories)
        self.related = related

    def close(self) -> None:
        self.client.close()

    def extract(self, events: Sequence[Event]) -> list[Candidate]:
        if not events:
            return []
        user_id = events[0].user_id
        try:
            related = self.related(user_id, events)
        except Exception as exc:  # context is a help, not a requirement
            log.warning("related items unavailable", extra={"error": repr(exc)})
            related = []
        messages = build_messages(events, self.categories, related)
        try:
            answer, usage = self.client.ask("extract", user_id, messages, ExtractionAnswer)
        except BudgetExceeded:
            return self._offline(events, BudgetExceeded.reason)
        except LlmFailure as exc:
            return self._offline(events, exc.reason, str(exc))
        except Exception as exc:  # whatever the model or the network did: offline
            log.exception("LLM extraction failed unexpectedly")
            return self._offline(events, "unavailable", repr(exc))
        log.debug(
            "extracted",
            extra={
                "prompt": EXTRACTION_VERSION,
                "items": len(answer.items),
                "prompt_tokens": usage.prompt_tokens,
                "completion_tokens": usage.completion_tokens,
            },
        )
        by_id = {e.id: e for e in events}
        known = {i.id for i in related}
        candidates = []
        for item in answer.items:
            candidate = self._candidate(item, by_id, known)
            if candidate is not None:
                candidates.append(candidate)
        return candidates

    def _candidate(
        self, item: ExtractedItem, events: dict[str, Event], known: set[str]
    ) -> Candidate | None:
        sources = [s for s in dict.fromkeys(item.sources) if s in events]
        text = " ".join(item.text.split())[:_MAX_TEXT]
        if not sources or not text:
            # Lineage is not invented: an item must come from a turn of this batch.
            log.info("dropping an extracted item without text or a source in the batch")
            return None
        first = events[sources[0]]
        # An item belongs to one agent's memory: other sources from the same agent only.
        same_agent = [s for s in sources[1:] if events[s].agent_id == first.agent_id]
        return Candidate(
            text=text,
            event=first,
            happened_at=_date(item.happened_at),
            signal=1.0,
            category=item.category if item.category in self.categories else None,
            memory_type=item.memory_type if item.memory_type in _TYPES else None,
            other_sources=tuple(same_agent),
            supersedes=tuple(i for i in item.supersedes if i in known),
        )

    def _offline(self, events: Sequence[Event], reason: str, detail: str = "") -> list[Candidate]:
        self.client.metrics.fallbacks.labels(reason).inc()
        log.warning(
            "LLM extraction unavailable; extracting this batch offline",
            extra={"reason": reason, "detail": detail, "events": len(events)},
        )
        return self.fallback.extract(events)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def related_items(store: VectorStore, embedder: Embedder, limit: int) -> RelatedItems:
    """The user's live items nearest to the batch's turns (one embedding of the batch)."""

    def related(user_id: str, events: Sequence[Event]) -> list[Item]:
        agents = {e.agent_id for e in events}
        if limit <= 0 or len(agents) != 1:
            return []  # a batch from several agents is shown no agent's memory
        (agent,) = agents
        scope = live_items(user_id, agent)
        if agent is None:  # user-level memory only, as dedup scopes it
            scope = Filter(must=scope.must, must_not=scope.must_not, is_null=("agent_id",))
        # The latest turns, within what an embedding model reads at once.
        text = "\n".join(e.content for e in events[-16:])[-4000:]
        vector = embedder.embed([text])[0].tolist()
        return [item_from(r) for r in store.search(ITEMS, vector, scope, limit)]

    return related
