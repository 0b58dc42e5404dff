"""Keeps each touched category's summary, item count and vector in step with its items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from memoryd.memory import ids
from memoryd.memory.categorize import Categorizer
from memoryd.memory.models import Category, CategorySpec, Item
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
    """Recomputes extractive summaries for the categories a batch touched."""

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

    def refresh(self, user_id: str, names: Sequence[str]) -> list[Category]:
        """Rewrite the named categories; ``summary_version`` moves only if the summary did.
        With a summarizer, all of them are rewritten in one request."""
        states = [self._load(user_id, name) for name in names]
        rewritten = self._rewrite(user_id, states) if self.summarizer else {}
        points: list[VectorPoint] = []
        updated: list[Category] = []
        for state in states:
            refreshed = self._recompute(state, rewritten.get(state.name))
            if refreshed is not None:
                category, vector = refreshed
                updated.append(category)
                points.append(VectorPoint(category.id, vector.tolist(), to_payload(category)))
        self.store.upsert(CATEGORIES, points)
        return updated

    def _load(self, user_id: str, name: str) -> _State:
        records = list(
            self.store.scroll(ITEMS, live_items(user_id, category=name), with_vectors=True)
        )
        existing = self.store.get(CATEGORIES, [ids.category_id(user_id, name)])
        return _State(
            user_id,
            name,
            [item_from(r) for r in records],
            np.asarray([r.vector for r in records], dtype=np.float32),
            category_from(existing[0]) if existing else None,
        )

    def _rewrite(self, user_id: str, states: Sequence[_State]) -> dict[str, SummaryDraft]:
        """Ask the summarizer for the categories whose items changed since their summary."""
        assert self.summarizer is not None
        requests: list[SummaryRequest] = []
        unchanged: dict[str, SummaryDraft] = {}
        for state in states:
            previous = state.previous
            since = previous.updated_at if previous else None
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
            unchanged.update(self.summarizer.rewrite(user_id, requests))
        return unchanged

    def _recompute(
        self, state: _State, rewritten: SummaryDraft | None
    ) -> tuple[Category, Vector] | None:
        user_id, name, items, vectors, previous = (
            state.user_id,
            state.name,
            state.items,
            state.vectors,
            state.previous,
        )
        cid = ids.category_id(user_id, name)
        if rewritten is not None and items:
            summary, item_ids = rewritten.text, rewritten.item_ids
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
        if previous is None or previous.summary != summary:
            version += 1
        spec = self.categorizer.specs.get(name) or CategorySpec(
            name=name, description=name.replace("_", " ")
        )
        category = Category(
            id=cid,
            user_id=user_id,
            name=name,
            description=spec.description,
            summary=summary,
            summary_version=version,
            summary_item_ids=item_ids,
            item_count=len(items),
            updated_at=max((i.updated_at for i in items), default=None),
        )
        if previous == category:
            return None
        chosen = [i for i, item in enumerate(items) if item.id in set(item_ids)]
        return category, category_vector(self.categorizer.description_vector(name), vectors[chosen])
