"""The memory engine: the Python API over the three layers of memory."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from memoryd.errors import InvalidEventError, PermanentError
from memoryd.events import Event, parse_event
from memoryd.memory import ids
from memoryd.memory.categorize import Categorizer
from memoryd.memory.category_refresh import CategoryRefresher
from memoryd.memory.engine_evolution import EvolutionAccess
from memoryd.memory.extract import Candidate, Extractor, OfflineExtractor
from memoryd.memory.memorize import BatchMemorizer, UserBatch
from memoryd.memory.models import (
    FORGOTTEN,
    Category,
    Item,
    MemorizeResult,
    Resource,
    RetrieveResult,
    ScoredItem,
    ScoredResource,
    UserStats,
)
from memoryd.memory.ports import (
    Embedder,
    Filter,
    LexicalEncoder,
    Vector,
    VectorPoint,
    VectorStore,
)
from memoryd.memory.retrieve import Query, RagRetriever, Ranker, events_vector
from memoryd.memory.schema import (
    CATEGORIES,
    ITEMS,
    RESOURCES,
    USER_VECTOR,
    USERS,
    category_from,
    collection_specs,
    item_from,
    live_items,
    resource_from,
    to_payload,
    user_scope,
)
from memoryd.memory.settings import MemorySettings
from memoryd.memory.summarize import Summarizer

log = logging.getLogger(__name__)


#: Marks a deleted user's tombstone among the per-user bookkeeping records.
_KIND, _TOMBSTONE = "kind", "tombstone"

#: More bookkeeping written with a batch's fresh events, in the same write: given the
#: user, the fresh resources and the user's state, the fields to merge into it.
StateHook = Callable[[str, Sequence[Resource], Mapping[str, Any]], Mapping[str, Any]]


class MemoryEngine(EvolutionAccess):
    """Memorise events for users and retrieve what is relevant.

    Synchronous and thread-compatible per user; the daemon runs it in worker threads.
    Writes are flushed before ``memorize`` returns, so a caller may ack its input then.
    """

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        *,
        lexical: LexicalEncoder | None = None,
        settings: MemorySettings | None = None,
        extractor: Extractor | None = None,
        summarizer: Summarizer | None = None,
        ranker: Ranker | None = None,
    ):
        self.settings = settings or MemorySettings()
        self.store = store
        self.embedder = embedder
        for spec in collection_specs(embedder.dim):
            store.ensure_collection(spec)
        self.lexical = lexical
        self.categorizer = categorizer = Categorizer(embedder, self.settings.categories)
        self._extractor = extractor or OfflineExtractor(
            self.settings.extractor_min_score, self.settings.max_items_per_event
        )
        self._memorizer = BatchMemorizer(
            store, embedder, lexical, self._extractor, categorizer, self.settings
        )
        self.refresher = CategoryRefresher(store, categorizer, self.settings, summarizer)
        self._retriever = RagRetriever(store, embedder, lexical, self.settings)
        self._ranker = ranker
        self._state_hooks: list[StateHook] = []

    @property
    def ranker(self) -> Ranker | None:
        """LLM mode's ranker (retrieval ``method="llm"``), if any."""
        return self._ranker

    def add_state_hook(self, hook: StateHook) -> None:
        """Record more per-user bookkeeping with every batch of fresh events, before
        ``memorize`` returns (so before the caller acks them)."""
        self._state_hooks.append(hook)

    def memorize_candidates(
        self,
        user_id: str,
        candidates: Sequence[Candidate],
        *,
        replacing: Sequence[str] = (),
        stamp: dict[str, Any] | None = None,
    ) -> UserBatch:
        """Write memories drawn from the user's stored events (LLM refinement) through the
        memorize path; see :meth:`BatchMemorizer.write_candidates`. Not flushed."""
        return self._memorizer.write_candidates(
            user_id, candidates, replacing=replacing, stamp=stamp
        )

    def memorize(self, events: Iterable[Event | Mapping[str, Any]]) -> MemorizeResult:
        """Memorise a batch. Invalid events are returned in ``rejected`` (each an
        :class:`InvalidEventError` naming the field) and write nothing; the rest go through.
        """
        valid, rejected = _validate(events)
        per_user: dict[str, list[Event]] = {}
        for event in valid:
            per_user.setdefault(event.user_id, []).append(event)
        merged = MemorizeResult.merge(list(self.memorize_users(per_user).values()))
        return merged.model_copy(update={"rejected": rejected})

    def memorize_users(self, batches: Mapping[str, Sequence[Event]]) -> dict[str, MemorizeResult]:
        """Memorise several users' batches with one model call for their texts and one
        store flush, and return each user's own result: a caller that got its events per
        user (the ingest pipeline) keeps them per user, so nothing of one user is counted
        for another."""
        received = datetime.now(UTC)
        kept: dict[str, list[Event]] = {}
        deleted: dict[str, list[str]] = {}
        for user_id, batch in batches.items():
            if any(e.user_id != user_id for e in batch):
                raise ValueError(f"a batch for {user_id!r} holds another user's event")
            timed = [e if e.time else e.model_copy(update={"time": received}) for e in batch]
            kept[user_id], deleted[user_id] = self._drop_deleted(user_id, timed)
        try:
            written = self._memorizer.memorize_users({u: e for u, e in kept.items() if e})
            results = {
                user_id: self._result(
                    user_id, kept[user_id], deleted[user_id], written.get(user_id)
                )
                for user_id in batches
            }
        except BaseException:
            # Part of the batch may be written without its categories refreshed; the
            # retry finds those items already stored and would not report them as written.
            for user_id in batches:
                self.refresher.cache.forget_user(user_id)
            raise
        if written:
            self.store.flush()
        return results

    def _result(
        self, user_id: str, events: list[Event], deleted: list[str], batch: UserBatch | None
    ) -> MemorizeResult:
        dropped = {user_id: deleted} if deleted else {}
        if batch is None:
            return MemorizeResult(deleted=dropped)
        touched = batch.touched_categories
        self.refresher.refresh(user_id, touched, written=batch.written)
        if batch.resources:  # fresh events (a redelivery changes nothing)
            last = max(events, key=lambda e: (e.at(), e.id))
            self._record_user(user_id, last, batch.resources)
        changed = [d for d in batch.drafts if d.changed]
        return MemorizeResult(
            resources=batch.resources,
            items=[d.item for d in changed],
            new_item_ids=[d.item.id for d in changed if d.is_new],
            reinforced_item_ids=[d.item.id for d in changed if not d.is_new],
            touched_categories={user_id: touched},
            deleted=dropped,
            changes=batch.changes,
        )

    def retrieve(
        self,
        user_id: str,
        query: str,
        top_k: int = 10,
        method: str = "rag",
        *,
        agent_id: str | None = None,
        items_only: bool = False,
        context: Sequence[str] = (),
        include_history: bool = False,
        query_vector: Vector | None = None,
    ) -> RetrieveResult:
        """Find the memory relevant to ``query`` for one user (and optionally one agent);
        ``items_only`` skips the category and resource layers. ``method="llm"`` (LLM mode)
        lets the model rank the candidates, after rewriting the query from ``context``
        (the recent turns) when given. ``include_history`` also searches archived items
        (superseded and decayed ones), ranked below current memory at equal relevance.
        ``query_vector``: the query's embedding when the caller has it (rag only)."""
        if top_k < 1:
            raise ValueError("top_k must be at least 1")
        if method == "rag":
            return self._retriever.retrieve(
                Query(user_id, query, top_k, agent_id, items_only, include_history, query_vector)
            )
        if method != "llm":
            raise PermanentError(f"retrieval method {method!r} is unknown: use 'rag' or 'llm'")
        if self._ranker is None:
            raise PermanentError(
                "retrieval method 'llm' needs LLM mode (llm.base_url and llm.model)"
            )
        text = self._ranker.rewrite(user_id, query, context) if context else query
        wide = Query(
            user_id, text, self._ranker.candidates(top_k), agent_id, items_only, include_history
        )
        ranked = self._ranker.rank(user_id, text, self._retriever.retrieve(wide), top_k)
        if ranked.method != "llm" or items_only:
            return ranked
        # Full lineage: the events the chosen items come from, in the items' order.
        return ranked.model_copy(update={"resources": self._sources_of(user_id, ranked.items)})

    def _sources_of(self, user_id: str, items: Sequence[ScoredItem]) -> list[ScoredResource]:
        score: dict[str, float] = {}
        for scored in items:
            for event_id in scored.item.sources:
                score.setdefault(ids.resource_id(user_id, event_id), scored.score)
        found = {r.id: resource_from(r) for r in self.store.get(RESOURCES, list(score))}
        return [
            ScoredResource(resource=found[rid], score=s) for rid, s in score.items() if rid in found
        ]

    def events_vector(self, user_id: str, event_ids: Sequence[str]) -> Vector | None:
        """A query vector for what the user's events are about, with no model call (see
        :func:`~memoryd.memory.retrieve.events_vector`)."""
        return events_vector(self.store, user_id, event_ids)

    def categories(self, user_id: str) -> list[Category]:
        found = [category_from(r) for r in self.store.scroll(CATEGORIES, user_scope(user_id))]
        return sorted(found, key=lambda c: c.name)

    def items(self, user_id: str, *, category: str | None = None) -> list[Item]:
        where = live_items(user_id, category=category) if category else live_items(user_id)
        found = [item_from(r) for r in self.store.scroll(ITEMS, where)]
        return sorted(found, key=lambda i: (i.created_at, i.id))

    def item_history(self, user_id: str) -> list[Item]:
        """Every item of the user, archived ones too (merged, superseded, decayed,
        forgotten), oldest first: the lineage behind live memory."""
        found = [item_from(r) for r in self.store.scroll(ITEMS, user_scope(user_id))]
        return sorted(found, key=lambda i: (i.created_at, i.id))

    def resources(self, user_id: str, event_ids: Sequence[str]) -> list[Resource]:
        """The user's raw events with these ids, in that order (unknown ids left out)."""
        wanted = {ids.resource_id(user_id, e): e for e in dict.fromkeys(event_ids)}
        found = {r.id: resource_from(r) for r in self.store.get(RESOURCES, list(wanted))}
        return [found[rid] for rid in wanted if rid in found]

    def rollback_summary(self, user_id: str, category: str, version: int) -> Category:
        """Make a kept earlier summary version of ``category`` current again (as a new
        version). Raises ``LookupError`` for an unknown category or version."""
        if not self.store.get(CATEGORIES, [ids.category_id(user_id, category)]):
            raise LookupError(f"user has no category {category!r}")
        restored = self.refresher.rollback(user_id, category, version)
        self.store.flush()
        return restored

    def forget_item(self, user_id: str, item_id: str) -> Item:
        """Archive one of the user's items as ``forgotten``: it leaves live memory, the
        category summaries and retrieval (history searches too), and so the next snapshot.
        Kept for lineage, as every archived item is. Idempotent: forgetting a forgotten item
        changes nothing. Raises ``LookupError`` when the user has no item ``item_id``.
        A later event that states the same memory again revives it, as it would revive a
        decayed one: forgetting takes back what was said, not what will be said."""
        try:
            uuid.UUID(item_id)
        except ValueError:
            raise LookupError(f"user has no item {item_id!r}") from None
        found = [item_from(r) for r in self.store.get(ITEMS, [item_id])]
        if not found or found[0].user_id != user_id:
            raise LookupError(f"user has no item {item_id!r}")
        item = found[0]
        if item.archived_reason == FORGOTTEN:
            return item
        forgotten = item.model_copy(update={"archived": True, "archived_reason": FORGOTTEN})
        self.store.set_payload(ITEMS, [item.id], to_payload(forgotten))
        # The summary must not keep saying what was forgotten.
        self.refresher.refresh(user_id, [item.category], force=True)
        self.store.flush()
        log.info("forgot an item", extra={"user_id": user_id, "item_id": item.id})
        return forgotten

    def user_ids(self) -> list[str]:
        """Every user with memorised events (from the per-user bookkeeping; a deleted
        user's tombstone does not count)."""
        records = self.store.scroll(USERS, Filter(must_not={_KIND: _TOMBSTONE}))
        return sorted({str(r.payload["user_id"]) for r in records})

    def deleted_at(self, user_id: str) -> datetime | None:
        """When the user was last deleted (their tombstone), or None."""
        found = self.store.get(USERS, [ids.tombstone_id(user_id)])
        return datetime.fromisoformat(str(found[0].payload["deleted_at"])) if found else None

    def _drop_deleted(self, user_id: str, events: list[Event]) -> tuple[list[Event], list[str]]:
        """Deletion sticks: a deleted user's events timed at or before the deletion (a
        redelivery, a replay, a re-send) are dropped; later ones are memorised."""
        deleted_at = self.deleted_at(user_id)
        if deleted_at is None:
            return events, []
        kept = [e for e in events if e.at() > deleted_at]
        dropped = [e.id for e in events if e.at() <= deleted_at]
        if dropped:
            log.info(
                "dropped events of a deleted user",
                extra={"user_id": user_id, "events": len(dropped)},
            )
        return kept, dropped

    def user_state(self, user_id: str) -> dict[str, Any]:
        """The user's bookkeeping: ``last_event_time``, ``revision`` (bumped by every batch
        with fresh events) and what self-evolution recorded; empty for an unknown user."""
        state = self.store.get(USERS, [ids.user_state_id(user_id)])
        return dict(state[0].payload) if state else {}

    def set_user_state(self, user_id: str, **fields: Any) -> None:
        """Merge ``fields`` into the user's bookkeeping."""
        payload = {**self.user_state(user_id), **fields, "user_id": user_id}
        self.store.upsert(USERS, [VectorPoint(ids.user_state_id(user_id), USER_VECTOR, payload)])

    def stats(self, user_id: str) -> UserStats:
        state = self.store.get(USERS, [ids.user_state_id(user_id)])
        return UserStats(
            user_id=user_id,
            events=self.store.count(RESOURCES, user_scope(user_id)),
            items=self.store.count(ITEMS, live_items(user_id)),
            categories=self.store.count(CATEGORIES, user_scope(user_id)),
            last_event_id=state[0].payload.get("last_event_id") if state else None,
        )

    def delete_user(self, user_id: str) -> UserStats:
        """Delete everything derived from the user's events and record a tombstone (see
        :meth:`deleted_at`); return what was there."""
        before = self.stats(user_id)
        # The tombstone is written after the erase (which takes the old one too) and never
        # moves back: events timed up to it stay out, whatever replays them later.
        deleted_at = max(
            datetime.now(UTC), self.deleted_at(user_id) or datetime.min.replace(tzinfo=UTC)
        )
        for collection in (ITEMS, CATEGORIES, RESOURCES, USERS):
            self.store.delete(collection, Filter(must={"user_id": user_id}))
        tombstone = {"user_id": user_id, _KIND: _TOMBSTONE, "deleted_at": deleted_at.isoformat()}
        self.store.upsert(USERS, [VectorPoint(ids.tombstone_id(user_id), USER_VECTOR, tombstone)])
        self.store.flush()
        log.info("deleted user memory", extra={"user_id": user_id, "items": before.items})
        return before

    # --- what self-evolution (memoryd.schedulers.jobs) reads and writes ---------------
    def flush(self) -> None:
        """Make the writes so far durable."""
        self.store.flush()

    def close(self) -> None:
        self.store.close()
        for part in (self._extractor, self._ranker, self.embedder):
            close = getattr(part, "close", None)
            if close is not None:  # HTTP connection pools (LLM, remote embeddings)
                close()

    def _record_user(self, user_id: str, last: Event, fresh: Sequence[Resource]) -> None:
        """Bump the user's revision and remember the newest event (by time, then id): a
        late old event must not move ``last_event_id`` backwards."""
        state = self.user_state(user_id)
        fields: dict[str, Any] = {"revision": int(state.get("revision", 0)) + 1}
        for hook in self._state_hooks:
            fields |= hook(user_id, fresh, state)
        previous = (str(state.get("last_event_time", "")), str(state.get("last_event_id", "")))
        if previous < (last.at().isoformat(), last.id):
            fields |= {"last_event_id": last.id, "last_event_time": last.at().isoformat()}
        self.set_user_state(user_id, **fields)


def _validate(
    events: Iterable[Event | Mapping[str, Any]],
) -> tuple[list[Event], list[InvalidEventError]]:
    valid: list[Event] = []
    rejected: list[InvalidEventError] = []
    received = datetime.now(UTC)
    for raw in events:
        if isinstance(raw, Event):
            valid.append(raw if raw.time else raw.model_copy(update={"time": received}))
            continue
        try:
            valid.append(parse_event(raw, received_at=received))
        except InvalidEventError as exc:
            log.warning("rejected event", extra={"event_id": exc.event_id, "reason": str(exc)})
            rejected.append(exc)
    return valid, rejected
