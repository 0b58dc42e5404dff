"""Keeps each touched category's summary, item count and vector in step with its items."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from memoryd.memory import ids
from memoryd.memory.categorize import Categorizer
from memoryd.memory.category_cache import CategoryCache, WrittenItem
from memoryd.memory.models import Category, Item, SummaryVersion
from memoryd.memory.ports import Vector, VectorPoint, VectorStore
from memoryd.memory.schema import (
    CATEGORIES,
    ITEMS,
    category_from,
    item_from,
    live_items,
    to_payload,
)
from memoryd.memory.settings import MemorySettings
from memoryd.memory.summarize import (
    Summarizer,
    SummaryDraft,
    SummaryRequest,
    extractive_summary,
)


@dataclass
class _State:
    user_id: str
    name: str
    items: list[Item]
    vectors: Vector
    previous: Category | None
    digest: str = ""

    def __post_init__(self) -> None:
        self.digest = items_digest(self.items)


def items_digest(items: Sequence[Item]) -> str:
    """A fingerprint of a category's live items: it changes when one is added, removed,
    changed or reinforced (event times alone can tie)."""
    rows = sorted(f"{i.id}:{i.updated_at.isoformat()}:{i.reinforcement}" for i in items)
    return hashlib.blake2b("\n".join(rows).encode(), digest_size=8).hexdigest()


def category_vector(description: Vector | None, summary_items: Vector) -> Vector:
    """A category points at its purpose and at what it currently says: the normalised sum
    of its description's embedding and the centroid of its summary items. No model call,
    which keeps refreshing categories off the embedder's hot path."""
    parts = [v for v in (description,) if v is not None]
    if len(summary_items):
        centroid = summary_items.mean(axis=0)
        parts.append(centroid / max(float(np.linalg.norm(centroid)), 1e-12))
    total: Vector = np.sum(parts, axis=0).astype(np.float32)
    return total / max(float(np.linalg.norm(total)), 1e-12)


class CategoryRefresher:
    """Recomputes the summaries, counts and vectors of the categories a batch touched."""

    def __init__(
        self,
        store: VectorStore,
        categorizer: Categorizer,
        settings: MemorySettings,
        summarizer: Summarizer | None = None,
    ):
        self.store = store
        self.categorizer = categorizer
        self.settings = settings
        self.summarizer = summarizer
        self.cache = CategoryCache()

    def refresh(
        self,
        user_id: str,
        names: Sequence[str],
        *,
        force: bool = False,
        written: Sequence[WrittenItem] | None = None,
    ) -> list[Category]:
        """Rewrite the named categories; ``summary_version`` moves only if the summary did.
        With a summarizer, all of them are rewritten in one request. Unless ``force``d,
        rewrites may be held back (``memory.summarize_on_ingest`` off, or the LLM's rate
        limit): counts and vectors follow the items, the summary waits (it is dirty).

        ``written``: every item the caller wrote since the categories were last refreshed
        (the memorize path knows them), so cached items can be brought up to date instead
        of read again. Without it the items are read from the store."""
        states = self._load_all(user_id, names, written)
        if not force and not self.settings.summarize_on_ingest:
            rewritten = {s.name: self._held(s) for s in states}
        elif self.summarizer:
            rewritten = self._rewrite(user_id, states, force)
        else:
            rewritten = {}
        return self._write(states, rewritten)

    def rollback(self, user_id: str, name: str, version: int) -> Category:
        """Make an earlier summary version current again, as a new version (versions only
        go up). The restored summary counts as the summary of the current items: the next
        rewrite starts from it. Raises ``LookupError`` if that version is not kept."""
        (state,) = self._load_all(user_id, [name], None)
        previous = state.previous
        kept = {v.version: v for v in previous.history} if previous else {}
        if version not in kept:
            raise LookupError(
                f"category {name!r} has no kept summary version {version} "
                f"(kept: {sorted(kept) or 'none'})"
            )
        old = kept[version]
        live = {i.id for i in state.items}
        draft = SummaryDraft(old.summary, [i for i in old.summary_item_ids if i in live])
        (category,) = self._write([state], {name: draft}, bump=True)
        return category

    def _write(
        self, states: Sequence[_State], drafts: dict[str, SummaryDraft], *, bump: bool = False
    ) -> list[Category]:
        points: list[VectorPoint] = []
        updated: list[Category] = []
        for state in states:
            refreshed = self._recompute(state, drafts.get(state.name), bump)
            if refreshed is not None:
                category, vector = refreshed
                updated.append(category)
                points.append(VectorPoint(category.id, vector.tolist(), to_payload(category)))
        self.store.upsert(CATEGORIES, points)
        for state in states:  # what the store now says, for the next batch
            self.cache.put(state.user_id, state.name, state.items, state.vectors, state.digest)
        return updated

    def _load_all(
        self, user_id: str, names: Sequence[str], written: Sequence[WrittenItem] | None
    ) -> list[_State]:
        stored = self.store.get(CATEGORIES, [ids.category_id(user_id, n) for n in names])
        previous = {c.name: c for c in map(category_from, stored)}
        states = []
        for name in names:
            before = previous.get(name)
            cached = None
            if written is not None and before is not None:
                cached = self.cache.take(user_id, name, before.items_digest, written)
            else:
                self.cache.forget(user_id, [name])
            if cached is None:
                states.append(self._load(user_id, name, before))
                continue
            cached.sort(key=lambda pair: pair[0].id)  # the store's scroll order
            vectors = np.asarray([v for _, v in cached], dtype=np.float32)
            states.append(_State(user_id, name, [i for i, _ in cached], vectors, before))
        return states

    def _load(self, user_id: str, name: str, previous: Category | None) -> _State:
        records = list(
            self.store.scroll(ITEMS, live_items(user_id, category=name), with_vectors=True)
        )
        return _State(
            user_id,
            name,
            [item_from(r) for r in records],
            np.asarray([r.vector for r in records], dtype=np.float32),
            previous,
        )

    @staticmethod
    def _held(state: _State) -> SummaryDraft:
        previous = state.previous
        if previous is None:
            return SummaryDraft("", [], fresh=False)
        live = {i.id for i in state.items}
        ids_ = [i for i in previous.summary_item_ids if i in live]
        return SummaryDraft(previous.summary, ids_, fresh=False)

    def _rewrite(
        self, user_id: str, states: Sequence[_State], force: bool
    ) -> dict[str, SummaryDraft]:
        """Ask the summarizer for the categories whose items changed since their summary."""
        if self.summarizer is None:
            raise RuntimeError("summaries are rewritten only when a summarizer is configured")
        requests: list[SummaryRequest] = []
        unchanged: dict[str, SummaryDraft] = {}
        for state in states:
            if not state.items:
                continue  # emptied (merged, refined away): its summary is empty, no model call
            previous = state.previous
            # Changed since the summary was written (a held rewrite leaves it behind).
            since = previous.summarized_at if previous else None
            drawn = set(previous.summary_item_ids) if previous else set()
            # New to the summary, or changed since it: event times can arrive out of
            # order, so "not drawn on yet" counts too (the most recent 30 are sent).
            changed = [
                i for i in state.items if since is None or i.id not in drawn or i.updated_at > since
            ]
            changed = sorted(changed, key=lambda i: i.updated_at)[-30:]
            if (
                not changed
                and previous is not None
                and len(drawn) == len(drawn & {i.id for i in state.items})
            ):
                # Nothing new, nothing gone: the summary stands, with no model call.
                unchanged[state.name] = SummaryDraft(previous.summary, previous.summary_item_ids)
                continue
            spec = self.categorizer.specs.get(state.name)
            requests.append(
                SummaryRequest(
                    name=state.name,
                    description=spec.description if spec else state.name,
                    previous=previous.summary if previous else "",
                    changed=changed,
                    kept=[i for i in state.items if i.id in drawn],
                    target_chars=self.settings.summary_target_chars,
                )
            )
        if requests:
            unchanged.update(self.summarizer.rewrite(user_id, requests, force=force))
        return unchanged

    def _recompute(
        self, state: _State, rewritten: SummaryDraft | None, bump: bool = False
    ) -> tuple[Category, Vector] | None:
        user_id, name, items, vectors, previous = (
            state.user_id,
            state.name,
            state.items,
            state.vectors,
            state.previous,
        )
        cid = ids.category_id(user_id, name)
        fresh = True
        digest = state.digest
        if rewritten is not None and items:
            summary, item_ids, fresh = rewritten.text, rewritten.item_ids, rewritten.fresh
        elif items and previous is not None and previous.summarized_digest == digest:
            # The items the summary was written for, unchanged: it stands (it may be a
            # rolled-back version, which a rebuild would undo).
            summary, item_ids = previous.summary, previous.summary_item_ids
        elif items:
            draft = extractive_summary(
                items,
                vectors,
                target_chars=self.settings.summary_target_chars,
                half_life_days=self.settings.summary_half_life_days,
                diversity=self.settings.summary_diversity,
            )
            summary, item_ids = draft.text, draft.item_ids
        else:
            summary, item_ids = "", []
        version = previous.summary_version if previous else 0
        history = list(previous.history) if previous else []
        if (previous.summary if previous else "") != summary or bump:
            version += 1
            if previous is not None and previous.summary:
                # The version being replaced is kept (newest first) for a rollback.
                replaced = SummaryVersion(
                    version=previous.summary_version,
                    summary=previous.summary,
                    summary_item_ids=previous.summary_item_ids,
                    summarized_at=previous.summarized_at,
                )
                history = [replaced, *history]
        history = history[: self.settings.summary_history]
        spec = self.categorizer.specs.get(name)
        description = (
            spec.description
            if spec
            else previous.description
            if previous
            else name.replace("_", " ")
        )
        updated_at = max((i.updated_at for i in items), default=None)
        category = Category(
            id=cid,
            user_id=user_id,
            name=name,
            description=description,
            summary=summary,
            summary_version=version,
            summary_item_ids=item_ids,
            item_count=len(items),
            updated_at=updated_at,
            summarized_at=updated_at if fresh else previous.summarized_at if previous else None,
            items_digest=digest,
            summarized_digest=digest if fresh else previous.summarized_digest if previous else "",
            history=history,
            discovered=previous.discovered if previous else False,
        )
        if previous == category:
            return None
        chosen = [i for i, item in enumerate(items) if item.id in set(item_ids)]
        return category, category_vector(self.categorizer.description_vector(name), vectors[chosen])
