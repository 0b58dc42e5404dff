"""Refinement of a conversation window (two-tier LLM mode): one request shows the model the
window's turns and the draft items the offline extractor made of them, to confirm,
rewrite, merge or drop, and the user's category summaries, to revise in the same answer
(:mod:`memoryd.llm.refine_summaries`). Its items go through the memorize path
(dedup, facts, supersedes) and replace the drafts, which are archived as ``refined`` with
``replaced_by``; its summaries replace those of the touched categories. A touched category
the answer left without a summary gets one in a separate request (the fallback).

Lineage is kept: a refined item's sources are its turns plus those of the drafts it
replaces, so its ``valid_from`` is the earliest of them. A failed or refused request leaves
the drafts as they are (counted as a fallback). Run with the user's lock held.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from memoryd.events import Event
from memoryd.llm.client import ChatClient, LlmFailure
from memoryd.llm.extract import RelatedItems
from memoryd.llm.prompts import REFINE_VERSION, RefineAnswer, RefinedItem, refine_messages
from memoryd.llm.refine_summaries import (
    Folded,
    FoldedSummaries,
    folded_summaries,
    stale_summaries,
    summary_context,
)
from memoryd.llm.windows import PendingTurn, done_runs, finish
from memoryd.memory import ids
from memoryd.memory.category_refresh import CategoryRefresher
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.extract import Candidate
from memoryd.memory.memorize import UserBatch
from memoryd.memory.models import Item, MemoryType, Resource
from memoryd.memory.ports import Filter
from memoryd.memory.schema import ITEMS, RESOURCES, item_from, resource_from, to_payload
from memoryd.memory.summarize import Summarizer

log = logging.getLogger(__name__)
_MAX_TEXT = 1000
_TYPES = {t.value for t in MemoryType}

Outcome = Literal["refined", "unchanged", "fallback", "skipped"]


@dataclass(frozen=True, slots=True)
class RefineReport:
    run_id: str
    user_id: str
    turns: list[str]
    outcome: Outcome
    written: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    detail: str | None = None


@dataclass(slots=True)
class Prepared:
    """A window read and answered by the model, not yet written (or its early outcome)."""

    run_id: str
    user_id: str
    turn_ids: list[str]
    drafts: dict[str, Item] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)
    replaces: list[list[str]] = field(default_factory=list)
    summaries: dict[str, Folded] = field(default_factory=dict)
    report: RefineReport | None = None

    def ends(self, outcome: Outcome, detail: str) -> Prepared:
        self.report = RefineReport(self.run_id, self.user_id, self.turn_ids, outcome, detail=detail)
        return self


class WindowRefiner:
    """Refines one window of one user's turns; records it in the user's bookkeeping."""

    def __init__(
        self,
        engine: MemoryEngine,
        client: ChatClient,
        related: RelatedItems,
        summarizer: Summarizer | None = None,
    ):
        self.engine = engine
        self.client = client
        self.related = related
        self.categories = list(engine.categorizer.specs)
        # Ingest holds the summaries; a window's categories are rewritten here, from the
        # refinement answer (``summarizer`` only for what it lacks). None: extractive ones.
        self.summarizer = summarizer

    def refine(self, user_id: str, window: Sequence[PendingTurn]) -> RefineReport:
        """:meth:`prepare` then :meth:`apply` (the caller holds the user's lock)."""
        return self.apply(self.prepare(user_id, window))

    def prepare(self, user_id: str, window: Sequence[PendingTurn]) -> Prepared:
        """Read the window and ask the model. Needs no lock: the user's turns keep being
        memorised meanwhile (a slow model must not hold up their snapshots)."""
        turn_ids = [t.id for t in window]
        run_id = ids.refine_run_id(user_id, turn_ids[0], turn_ids[-1])
        prepared = Prepared(run_id, user_id, turn_ids)
        if run_id in done_runs(self.engine.user_state(user_id)):
            return prepared.ends("skipped", "done before")
        events = self._events(user_id, turn_ids)
        if not events:
            return prepared.ends("skipped", "no turns stored")
        prepared.drafts = drafts = self._drafts(user_id, turn_ids)
        try:
            related = [i for i in self.related(user_id, events) if i.id not in drafts]
        except Exception as exc:  # context is a help, not a requirement
            log.warning("related items unavailable", extra={"error": repr(exc)})
            related = []
        context = (
            summary_context(self.engine, user_id, list(drafts.values()))
            if self.summarizer is not None
            else None
        )
        messages = refine_messages(
            events,
            list(drafts.values()),
            self.categories,
            related,
            context.shown if context is not None else None,
            self.engine.settings.summary_target_chars,
        )
        try:
            answer, usage = self.client.ask("refine", user_id, messages, RefineAnswer)
        except LlmFailure as exc:
            return self._fallback(prepared, exc.reason, str(exc))
        except Exception as exc:  # whatever the model or the network did: keep the drafts
            log.exception("LLM refinement failed unexpectedly")
            return self._fallback(prepared, "unavailable", repr(exc))
        log.debug(
            "window refined",
            extra={
                "prompt": REFINE_VERSION,
                "user_id": user_id,
                "items": len(answer.items),
                "prompt_tokens": usage.prompt_tokens,
                "completion_tokens": usage.completion_tokens,
            },
        )
        known = {e.id: e for e in events}
        chosen: list[tuple[Candidate, list[str]]] = []
        positions: dict[int, int] = {}  # the answer's item -> its candidate
        for n, item in enumerate(answer.items):
            if (pair := self._candidate(item, known, drafts)) is not None:
                positions[n] = len(chosen)
                chosen.append(pair)
        self._with_other_sources(user_id, [c for c, _ in chosen], known)
        prepared.candidates = self._ordered([c for c, _ in chosen], known, {i.id for i in related})
        prepared.replaces = [r for _, r in chosen]
        if context is not None:
            prepared.summaries = folded_summaries(answer.summaries, context, positions)
        return prepared

    def apply(self, prepared: Prepared) -> RefineReport:
        """Write what :meth:`prepare` got (under the user's lock) and record the run:
        whatever the outcome, a window is refined once, or left to its drafts."""
        report = self._apply(prepared)
        user_id = prepared.user_id
        state = self.engine.user_state(user_id)
        if state:  # a user deleted meanwhile keeps no bookkeeping
            self.engine.set_user_state(user_id, **finish(state, prepared.turn_ids, prepared.run_id))
        self.engine.store.flush()
        self.client.metrics.refine_runs.labels(report.outcome).inc()
        return report

    def _apply(self, p: Prepared) -> RefineReport:
        if p.report is not None:
            return p.report
        state = self.engine.user_state(p.user_id)
        if not state:  # deleted while the model was thinking: write nothing back
            return RefineReport(p.run_id, p.user_id, p.turn_ids, "skipped", detail="no memory")
        if p.run_id in done_runs(state):
            return RefineReport(p.run_id, p.user_id, p.turn_ids, "skipped", detail="done before")
        # The drafts as they are now (a turn since may have reinforced one).
        drafts = {i: d for i, d in self._drafts(p.user_id, p.turn_ids).items() if i in p.drafts}
        batch = self.engine.memorize_candidates(
            p.user_id, p.candidates, replacing=list(drafts), stamp={"refined_in": p.run_id}
        )
        landed = [_landed(c, batch) for c in p.candidates]
        archived = self._archive(drafts, landed, p.replaces, p.candidates, batch)
        touched = batch.touched | {drafts[i].category for i in archived}
        if touched:
            refresher = self._refresher(p, landed, batch, [drafts[i] for i in archived])
            refresher.refresh(p.user_id, sorted(touched), force=True)
        written = [d.item.id for d in batch.drafts if d.changed]
        outcome: Outcome = "refined" if written or archived else "unchanged"
        return RefineReport(p.run_id, p.user_id, p.turn_ids, outcome, written, archived)

    def _refresher(
        self, p: Prepared, landed: Sequence[str | None], batch: UserBatch, archived: list[Item]
    ) -> CategoryRefresher:
        engine = self.engine
        summarizer = None
        if self.summarizer is not None:
            summarizer = FoldedSummaries(
                p.summaries,
                landed,
                self.summarizer,
                self.client.metrics,
                written_in={d.item.category for d in batch.drafts if d.changed},
                stale=stale_summaries(engine, p.user_id, archived) if archived else set(),
            )
        return CategoryRefresher(engine.store, engine.categorizer, engine.settings, summarizer)

    def _fallback(self, prepared: Prepared, reason: str, detail: str) -> Prepared:
        self.client.metrics.fallbacks.labels(reason).inc()
        log.warning(
            "LLM refinement unavailable; the window keeps its offline items",
            extra={"reason": reason, "user_id": prepared.user_id, "turns": len(prepared.turn_ids)},
        )
        return prepared.ends("fallback", f"{reason}: {detail}")

    def _events(self, user_id: str, event_ids: Sequence[str]) -> list[Event]:
        found = self.engine.store.get(RESOURCES, [ids.resource_id(user_id, e) for e in event_ids])
        resources = sorted((resource_from(r) for r in found), key=lambda r: (r.time, r.event_id))
        return [_event(r) for r in resources]

    def _drafts(self, user_id: str, turn_ids: Sequence[str]) -> dict[str, Item]:
        """The live offline items the window's turns created (their first source)."""
        where = Filter(must={"user_id": user_id, "sources": list(turn_ids)})
        where = Filter(must=where.must, must_not={"archived": True})
        window = set(turn_ids)
        items = (item_from(r) for r in self.engine.store.scroll(ITEMS, where))
        found = [i for i in items if i.sources[0] in window and i.refined_in is None]
        return {i.id: i for i in sorted(found, key=lambda i: (i.created_at, i.id))}

    def _candidate(
        self, item: RefinedItem, window: dict[str, Event], drafts: dict[str, Item]
    ) -> tuple[Candidate, list[str]] | None:
        text = " ".join(item.text.split())[:_MAX_TEXT]
        replaces = [i for i in dict.fromkeys(item.replaces) if i in drafts]
        cited = [s for s in dict.fromkeys(item.sources) if s in window]
        if not text or not cited:
            # Lineage is not invented: an item must come from a turn of the window.
            log.info("dropping a refined item without text or a source in the window")
            return None
        inherited = [s for i in replaces for s in drafts[i].sources if s not in cited]
        candidate = Candidate(
            text=text,
            event=window[cited[0]],
            happened_at=_date(item.happened_at),
            signal=1.0,
            category=item.category if item.category in self.categories else None,
            memory_type=item.memory_type if item.memory_type in _TYPES else None,
            other_sources=tuple(dict.fromkeys([*cited[1:], *inherited])),
            supersedes=tuple(item.supersedes),
        )
        return candidate, replaces

    def _with_other_sources(
        self, user_id: str, candidates: Sequence[Candidate], known: dict[str, Event]
    ) -> None:
        """Load the events of inherited sources outside the window (a draft reinforced by
        a later turn), so every source can be ordered by time."""
        missing = {s for c in candidates for s in c.other_sources if s not in known}
        if missing:
            for event in self._events(user_id, sorted(missing)):
                known[event.id] = event

    def _ordered(
        self, candidates: Sequence[Candidate], known: dict[str, Event], shown: set[str]
    ) -> list[Candidate]:
        """Sources oldest first, so an item's first event (its id, ``created_at`` and
        ``valid_from``) is its earliest: a rewrite keeps its draft's ``valid_from``. Other
        sources stay within the first's agent; ``supersedes`` only names items shown."""
        out = []
        for c in candidates:
            sources = [s for s in dict.fromkeys([c.event.id, *c.other_sources]) if s in known]
            sources.sort(key=lambda s: (known[s].at(), s))
            first = known[sources[0]]
            others = tuple(s for s in sources[1:] if known[s].agent_id == first.agent_id)
            supersedes = tuple(i for i in c.supersedes if i in shown)
            out.append(
                Candidate(
                    text=c.text,
                    event=first,
                    happened_at=c.happened_at,
                    signal=c.signal,
                    category=c.category,
                    memory_type=c.memory_type,
                    other_sources=others,
                    supersedes=supersedes,
                )
            )
        return out

    def _archive(
        self,
        drafts: dict[str, Item],
        landed: Sequence[str | None],
        replaces: Sequence[list[str]],
        candidates: Sequence[Candidate],
        batch: UserBatch,
    ) -> list[str]:
        """Archive the drafts the model's items stand in for (``replaced_by``: the item
        that took its place (``landed``); none when the model dropped it). A draft the model
        kept word for word is the refined item itself and stays."""
        kept = {d.item.id for d in batch.drafts}
        by_draft: dict[str, str] = {}
        for target, named in zip(landed, replaces, strict=True):
            for draft_id in named:
                if target is not None:
                    by_draft.setdefault(draft_id, target)
        for target, cand in zip(landed, candidates, strict=True):
            # A model that forgets `replaces`: a draft of the same turns is what it rewrote.
            for draft in drafts.values():
                sources = {cand.event.id, *cand.other_sources}
                if target is not None and draft.sources[0] in sources:
                    by_draft.setdefault(draft.id, target)
        archived = []
        for draft in drafts.values():
            if draft.id in kept:
                continue
            item = draft.model_copy(
                update={
                    "archived": True,
                    "archived_reason": "refined",
                    "replaced_by": by_draft.get(draft.id),
                }
            )
            self.engine.store.set_payload(ITEMS, [draft.id], to_payload(item))
            archived.append(draft.id)
        return archived


def _landed(candidate: Candidate, batch: UserBatch) -> str | None:
    """The item a candidate became: its own new item, or the one dedup merged it into."""
    own = ids.item_id(candidate.event.user_id, candidate.event.id, candidate.text)
    for draft in batch.drafts:
        if draft.item.id == own:
            return own
    for draft in batch.drafts:
        if candidate.event.id in draft.item.sources:
            return draft.item.id
    return None


def _event(resource: Resource) -> Event:
    return Event(
        id=resource.event_id,
        user_id=resource.user_id,
        agent_id=resource.agent_id,
        session_id=resource.session_id,
        role=resource.role,
        speaker=resource.speaker,
        content=resource.content,
        time=resource.time,
        kind=resource.kind,
    )


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
