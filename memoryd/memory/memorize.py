"""The memorize pipeline for one user's batch: extract → embed → classify → dedup → write.

Everything written is a pure function of the events and what the store already holds,
so memorising the same batch again rewrites the same points: effectively-once memory.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from opentelemetry import trace

from memoryd.events import Event
from memoryd.memory import ids
from memoryd.memory.categorize import Categorizer
from memoryd.memory.category_cache import WrittenItem
from memoryd.memory.dedup import NEIGHBOURS, ItemDraft, closest, from_store, in_batch, reinforce
from memoryd.memory.extract import Candidate, Extractor
from memoryd.memory.follow import read_with_known
from memoryd.memory.models import FactChange, Item, MemoryType, Resource
from memoryd.memory.ports import (
    Embedder,
    Filter,
    LexicalEncoder,
    Record,
    Vector,
    VectorPoint,
    VectorStore,
)
from memoryd.memory.schema import ITEMS, RESOURCES, item_from, to_payload, user_scope
from memoryd.memory.settings import MemorySettings
from memoryd.memory.truth import Closure, closed, plan_closures, stated_facts

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Prepared:
    """One user's part of a batch before embedding: fresh events and their candidates."""

    fresh: list[Event]
    known: list[str]
    candidates: list[Candidate]
    #: What to embed: the candidates, then the fresh turns that have none.
    texts: list[str] = field(default_factory=list)
    vectors: Vector | None = None

    def __post_init__(self) -> None:
        with_candidates = {c.event.id for c in self.candidates}
        bare = [e.content for e in self.fresh if e.id not in with_candidates]
        self.texts = [c.text for c in self.candidates] + bare


@dataclass(slots=True)
class UserBatch:
    """What one user's batch wrote, and the categories whose summaries it may change."""

    resources: list[Resource] = field(default_factory=list)
    drafts: list[ItemDraft] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    changes: list[FactChange] = field(default_factory=list)
    #: Every item written, as written: what a category refresh must take into account.
    written: list[WrittenItem] = field(default_factory=list)

    @property
    def touched_categories(self) -> list[str]:
        return sorted(self.touched)


class BatchMemorizer:
    """Turns one user's events into resources and items in the store."""

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        lexical: LexicalEncoder | None,
        extractor: Extractor,
        categorizer: Categorizer,
        settings: MemorySettings,
    ):
        self.store = store
        self.embedder = embedder
        self.lexical = lexical
        self.extractor = extractor
        self.categorizer = categorizer
        self.settings = settings

    def memorize_user(self, user_id: str, events: Sequence[Event]) -> UserBatch:
        """Memorise one user's events (see :meth:`memorize_users`)."""
        return self.memorize_users({user_id: events})[user_id]

    def memorize_users(self, groups: Mapping[str, Sequence[Event]]) -> dict[str, UserBatch]:
        """Memorise each user's events. The texts of every user's batch are embedded in one
        model call (the model is fastest on large, length-sorted batches); each user's
        items are then deduplicated and written on their own. Events whose resource is
        already stored are redeliveries: they add nothing, but their categories are
        refreshed again in case the previous attempt stopped before doing so."""
        tracer = trace.get_tracer(__name__)
        prepared: dict[str, _Prepared] = {}
        with tracer.start_as_current_span("memoryd.extract") as span:
            for user_id, events in groups.items():
                fresh, known = self._split_redelivered(user_id, events)
                prepared[user_id] = _Prepared(fresh, known, self.extractor.extract(fresh))
            span.set_attribute(
                "memoryd.candidates", sum(len(p.candidates) for p in prepared.values())
            )
        with tracer.start_as_current_span("memoryd.embed") as span:
            # Candidates, then the turns with nothing memorable (their resource vector);
            # a turn with candidates gets the mean of theirs, at no extra model call.
            texts = [t for p in prepared.values() for t in p.texts]
            vectors = self.embedder.embed(texts) if texts else None
            span.set_attribute("memoryd.texts", len(texts))
        start = 0
        out: dict[str, UserBatch] = {}
        for user_id, ready in prepared.items():
            end = start + len(ready.texts)
            ready.vectors = vectors[start:end] if vectors is not None else None
            start = end
            out[user_id] = self._write_user(user_id, ready)
        return out

    def write_candidates(
        self,
        user_id: str,
        candidates: Sequence[Candidate],
        *,
        replacing: Sequence[str] = (),
        stamp: dict[str, Any] | None = None,
    ) -> UserBatch:
        """Memorise candidates drawn from events already stored (LLM refinement), through
        the same dedup, facts and supersession as ingest. The ``replacing`` items (the ones
        the candidates stand in for) are neither reinforced nor closed by them; the caller
        archives them. New items get the ``stamp`` fields."""
        ready = _Prepared([], [], list(candidates))
        with trace.get_tracer(__name__).start_as_current_span("memoryd.embed") as span:
            ready.vectors = self.embedder.embed(ready.texts) if ready.texts else None
            span.set_attribute("memoryd.texts", len(ready.texts))
        return self._write_user(user_id, ready, set(replacing), stamp or {})

    def _write_user(
        self,
        user_id: str,
        ready: _Prepared,
        replacing: set[str] | None = None,
        stamp: dict[str, Any] | None = None,
    ) -> UserBatch:
        tracer = trace.get_tracer(__name__)
        replacing = replacing or set()
        candidates = ready.candidates
        vectors = ready.vectors[: len(candidates)] if ready.vectors is not None else None
        batch = UserBatch(resources=[self._resource(e) for e in ready.fresh])
        with tracer.start_as_current_span("memoryd.store") as span:
            if vectors is not None and candidates:
                batch.drafts = self._dedup(user_id, candidates, vectors, replacing)
            if stamp:
                for draft in batch.drafts:
                    if draft.is_new:
                        draft.item = draft.item.model_copy(update=stamp)
            speakers = {c.event.id: c.event.speaker or "" for c in candidates}
            closures = self._close_replaced_facts(user_id, batch.drafts, replacing, speakers)
            changed = [d for d in batch.drafts if d.changed]
            # Items before resources: a stored resource marks its event as done, so it
            # must only exist once everything derived from the event does.
            if changed:
                self.store.upsert(ITEMS, [self._item_point(d) for d in changed])
            batch.written = [WrittenItem(d.item, d.vector) for d in changed]
            superseded = self._archive_closed(user_id, closures, batch)
            superseded |= self._supersede(
                user_id, candidates, {d.item.id for d in batch.drafts}, batch
            )
            self._write_resources(batch.resources, ready)
            span.set_attribute("memoryd.items_written", len(changed))
        batch.touched = (
            {d.item.category for d in batch.drafts}
            | self._categories_of(user_id, ready.known)
            | superseded
        )
        return batch

    def _close_replaced_facts(
        self,
        user_id: str,
        drafts: list[ItemDraft],
        replacing: set[str],
        speakers: Mapping[str, str],
    ) -> list[Closure]:
        """Plan what the batch's facts close: live stored items stating another value of
        the same subject's attribute, and batch items that arrived after a newer fact
        (closed here, before they are written). Returns the closures of stored items."""
        for draft in drafts:  # items stored before facts were recorded learn theirs now
            facts = [] if draft.item.facts or draft.is_new else stated_facts(draft.item.text)
            if facts:
                draft.item, draft.changed = draft.item.model_copy(update={"facts": facts}), True
        read_anew = read_with_known(self.store, user_id, drafts, speakers, self.lexical)
        keys = sorted({key for d in drafts for key in d.item.fact_keys})
        if not keys:
            return []
        where = Filter(must={"user_id": user_id, "fact_keys": keys}, must_not={"archived": True})
        in_batch = {d.item.id: d for d in drafts}
        by_id = {i.id: i for i in map(item_from, self.store.scroll(ITEMS, where))}
        by_id |= {i.id: i for i in read_anew}  # with what they said in passing
        stored = [i for i in by_id.values() if i.id not in in_batch and i.id not in replacing]
        batch_items = [d.item for d in drafts if not d.item.archived]
        plan = plan_closures([*stored, *batch_items], involving=set(in_batch))
        outside: list[Closure] = []
        for closure in plan:
            late = in_batch.get(closure.closed.id)
            if late is None:
                outside.append(closure)
            else:  # an older statement that arrived late: stored already closed
                late.item, late.changed = closed(late.item, closure), True
        return outside

    def _archive_closed(
        self, user_id: str, closures: Sequence[Closure], batch: UserBatch
    ) -> set[str]:
        """Write the closures of stored items and record them as the batch's changes."""
        for closure in closures:
            item = closed(closure.closed, closure)
            self.store.set_payload(ITEMS, [item.id], to_payload(item))
            batch.written.append(WrittenItem(item, None))
            batch.changes.append(
                FactChange(
                    user_id=user_id,
                    subject=closure.subject,
                    attribute=closure.attribute,
                    **{"from": closure.old},
                    to=closure.new,
                    at=closure.at,
                    item_id=closure.by.id,
                    replaced_item_id=item.id,
                )
            )
        return {c.closed.category for c in closures}

    def _supersede(
        self, user_id: str, candidates: Sequence[Candidate], kept: set[str], batch: UserBatch
    ) -> set[str]:
        """Archive the items the extractor said new ones replace (an updated fact); their
        ``valid_to`` is the time of the event that replaced them. Returns their categories."""
        replaced: dict[str, tuple[datetime, str | None]] = {}
        for cand in candidates:
            for item_id in cand.supersedes:
                if item_id not in kept and item_id not in replaced:
                    replaced[item_id] = (cand.event.at(), cand.event.agent_id)
        if not replaced:
            return set()
        points = []
        for record in self.store.get(ITEMS, list(replaced), with_vectors=True):
            item = item_from(record)
            when, agent = replaced[item.id]
            if item.user_id != user_id or item.agent_id != agent or item.archived:
                continue  # never another user's or another agent's memory
            if record.vector is None:
                continue
            until = max(when, item.valid_from)
            old = item.model_copy(
                update={"archived": True, "archived_reason": "superseded", "valid_to": until}
            )
            draft = ItemDraft(old, np.asarray(record.vector, dtype=np.float32), is_new=False)
            points.append(self._item_point(draft))
            batch.written.append(WrittenItem(old, None))
        if points:
            self.store.upsert(ITEMS, points)
        return {str(p.payload["category"]) for p in points}

    def _split_redelivered(
        self, user_id: str, events: Sequence[Event]
    ) -> tuple[list[Event], list[str]]:
        stored = self.store.get(RESOURCES, [ids.resource_id(user_id, e.id) for e in events])
        known = {str(r.payload["event_id"]) for r in stored}
        fresh: list[Event] = []
        seen: set[str] = set()
        for event in events:
            if event.id not in known and event.id not in seen:
                fresh.append(event)
                seen.add(event.id)
        return fresh, sorted(known)

    def _categories_of(self, user_id: str, event_ids: Sequence[str]) -> set[str]:
        if not event_ids:
            return set()
        where = Filter(must={"user_id": user_id, "sources": list(event_ids)})
        return {str(r.payload["category"]) for r in self.store.scroll(ITEMS, where)}

    @staticmethod
    def _resource(event: Event) -> Resource:
        return Resource(
            id=ids.resource_id(event.user_id, event.id),
            event_id=event.id,
            user_id=event.user_id,
            agent_id=event.agent_id,
            session_id=event.session_id,
            role=event.role,
            speaker=event.speaker,
            content=event.content,
            time=event.at(),
            kind=event.kind,
        )

    def _dedup(
        self,
        user_id: str,
        candidates: Sequence[Candidate],
        vectors: Vector,
        replacing: set[str] | None = None,
    ) -> list[ItemDraft]:
        """Each candidate reinforces the closest live item at or above the threshold,
        whether it was written by this batch or before it, else becomes a new item. The
        store is searched once for the whole batch (it is not written until dedup ends),
        and the closer of the two wins: how the stream was cut into batches does not
        change what is memorised."""
        classes = self.categorizer.classify(
            [c.text for c in candidates], vectors, [c.happened_at is not None for c in candidates]
        )
        replacing = replacing or set()
        stored = self._store_neighbours(user_id, candidates, vectors, len(replacing))
        drafts: list[ItemDraft] = []
        by_id: dict[str, ItemDraft] = {}
        threshold = self.settings.dedup_threshold
        for cand, vector, cls, hits in zip(candidates, vectors, classes, stored, strict=True):
            facts = stated_facts(cand.text)
            match = closest(
                [
                    *in_batch(drafts, vector, cand.event.agent_id),
                    *from_store(hits, vector, by_id, (*cand.supersedes, *replacing)),
                ],
                facts,
                threshold,
            )
            if match is not None:
                if match.item.id not in by_id:
                    drafts.append(match)
                    by_id[match.item.id] = match
                updated = reinforce(match.item, cand.event, cand.happened_at)
                if updated is not None:
                    match.item, match.changed = updated, True
                continue
            when = cand.event.at()
            item = Item(
                id=ids.item_id(user_id, cand.event.id, cand.text),
                user_id=user_id,
                agent_id=cand.event.agent_id,
                text=cand.text,
                memory_type=MemoryType(cand.memory_type) if cand.memory_type else cls.memory_type,
                category=cand.category if cand.category in self.categorizer.specs else cls.category,
                category_score=1.0
                if cand.category in self.categorizer.specs
                else round(cls.category_score, 6),
                sources=[cand.event.id, *(s for s in cand.other_sources if s != cand.event.id)],
                happened_at=cand.happened_at,
                created_at=when,
                updated_at=when,
                valid_from=when,
                facts=facts,
            )
            draft = ItemDraft(item, vector, is_new=True)
            drafts.append(draft)
            by_id[item.id] = draft
        return drafts

    def _store_neighbours(
        self, user_id: str, candidates: Sequence[Candidate], vectors: Vector, skipped: int = 0
    ) -> list[list[Record]]:
        """The live items nearest each candidate, one batched search per agent scope.
        A superseded item (valid_to set) is history: it is never reinforced or revived,
        and neither is one merged into another (its survivor is the live copy) or one an
        LLM refinement replaced (``refined``). ``skipped``: hits the caller will pass over."""
        out: list[list[Record]] = [[] for _ in candidates]
        by_agent: dict[str | None, list[int]] = {}
        for i, cand in enumerate(candidates):
            by_agent.setdefault(cand.event.agent_id, []).append(i)
        for agent_id, positions in by_agent.items():
            scope = user_scope(user_id, agent_id)
            where = Filter(
                must=scope.must,
                must_not={"archived_reason": ["merged", "refined"]},
                is_null=("valid_to",) if agent_id is not None else ("agent_id", "valid_to"),
            )
            queries = [vectors[i] for i in positions]
            limit = NEIGHBOURS + min(skipped, 3 * NEIGHBOURS)
            found = self.store.search_batch(ITEMS, queries, where, limit, with_vectors=True)
            for i, hits in zip(positions, found, strict=True):
                out[i] = hits
        return out

    def _write_resources(self, resources: Sequence[Resource], ready: _Prepared) -> None:
        if not resources or ready.vectors is None:
            return
        per_event: dict[str, list[int]] = {}
        for i, cand in enumerate(ready.candidates):
            per_event.setdefault(cand.event.id, []).append(i)
        bare: Iterator[Vector] = iter(ready.vectors[len(ready.candidates) :])
        points = []
        for resource, event in zip(resources, ready.fresh, strict=True):
            if event.id in per_event:
                mean = ready.vectors[per_event[event.id]].mean(axis=0)
                vector = mean / max(float(np.linalg.norm(mean)), 1e-12)
            else:
                vector = next(bare)
            sparse = self.lexical.encode_document(event.content) if self.lexical else None
            points.append(VectorPoint(resource.id, vector, to_payload(resource), sparse))
        self.store.upsert(RESOURCES, points)

    def _item_point(self, draft: ItemDraft) -> VectorPoint:
        sparse = self.lexical.encode_document(draft.item.text) if self.lexical else None
        return VectorPoint(draft.item.id, draft.vector, to_payload(draft.item), sparse)
