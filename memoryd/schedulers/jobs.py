"""The self-evolution jobs for one user: synchronous, over the memory engine's store.

Every write is a pure function of what the store holds and the run's inputs (never the
wall clock), so running a job again, or finishing a run a crash interrupted, leaves the
same memory as one clean run. Nothing is deleted: items leave live memory archived, with
the reason and what replaced them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from memoryd.memory import ids
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Category, Item
from memoryd.memory.ports import Vector, VectorPoint
from memoryd.memory.schema import (
    CATEGORIES,
    ITEMS,
    category_from,
    item_from,
    live_items,
    to_payload,
)
from memoryd.memory.summarize import salience
from memoryd.memory.truth import closed, plan_closures, stated_facts
from memoryd.schedulers.discover import CategoryNamer, TermNamer
from memoryd.schedulers.settings import EvolutionSettings

log = logging.getLogger(__name__)

JobName = Literal["consolidate", "decay", "discover", "resummarize"]
#: The order a full run takes: structure first, summaries of the result last.
JOBS: tuple[JobName, ...] = ("consolidate", "decay", "discover", "resummarize")


class JobChanges(BaseModel):
    """What one job changed for one user (ids of items, names of categories)."""

    merged: list[str] = Field(default_factory=list, description="items merged into another")
    superseded: list[str] = Field(default_factory=list, description="items a newer one replaces")
    archived: list[str] = Field(default_factory=list, description="items archived by decay")
    categories_created: list[str] = Field(default_factory=list)
    refiled: list[str] = Field(default_factory=list, description="items moved to a category")
    summaries_rewritten: list[str] = Field(default_factory=list, description="category names")

    @property
    def changed(self) -> bool:
        return any(getattr(self, name) for name in type(self).model_fields)


@dataclass
class _Live:
    items: list[Item]
    vectors: Vector


class Evolver:
    """Runs the jobs for one user at a time (the caller holds the user's lock)."""

    def __init__(
        self,
        engine: MemoryEngine,
        settings: EvolutionSettings,
        namer: CategoryNamer | None = None,
    ):
        self.engine = engine
        self.store = engine.store
        self.settings = settings
        self.namer = namer or TermNamer()

    def run(self, job: JobName, user_id: str) -> JobChanges:
        changes = getattr(self, job)(user_id)
        if not isinstance(changes, JobChanges):
            raise TypeError(f"evolution job {job!r} returned {type(changes).__name__}")
        if changes.changed:
            self.store.flush()
        return changes

    # --- resummarize -----------------------------------------------------------------

    def resummarize(self, user_id: str) -> JobChanges:
        """Rewrite the summaries of dirty categories (items changed since the summary)."""
        categories = self.engine.categories(user_id)
        dirty = [c.name for c in categories if c.dirty]
        if not dirty:
            return JobChanges()
        before = {c.name: c.summary_version for c in categories}
        updated = self.engine.refresher.refresh(user_id, dirty, force=True)
        rewritten = [c.name for c in updated if c.summary_version != before.get(c.name)]
        return JobChanges(summaries_rewritten=sorted(rewritten))

    # --- consolidate -----------------------------------------------------------------

    def consolidate(self, user_id: str) -> JobChanges:
        """Merge near-duplicates into the oldest of them, then close the validity of facts
        a newer item replaces. Survivors are written before what merges into them, so an
        interrupted run leaves nothing lost and a rerun finishes the merge."""
        live = self._live(user_id)
        changes = JobChanges()
        touched: set[str] = set()
        merged = self._merge(live, changes, touched)
        current = [i for i in live.items if i.id not in merged]
        self._supersede(current, changes, touched)
        self._refresh(user_id, touched)
        return changes

    def _merge(self, live: _Live, changes: JobChanges, touched: set[str]) -> set[str]:
        threshold = self.settings.consolidate.merge_threshold
        order = np.asarray(
            sorted(range(len(live.items)), key=lambda i: _age_key(live.items[i])), dtype=np.int64
        )
        vectors = live.vectors[order] if len(order) else live.vectors
        merged = np.zeros(len(order), dtype=bool)
        gone: set[str] = set()
        for pos, i in enumerate(order):
            if merged[pos]:
                continue
            keep = live.items[i]
            sims = vectors[pos + 1 :] @ vectors[pos]
            close = np.flatnonzero((sims >= threshold) & ~merged[pos + 1 :]) + pos + 1
            picked = [c for c in close if _mergeable(keep, live.items[order[c]])]
            if not picked:
                continue
            merged[picked] = True
            dups = [live.items[order[c]] for c in picked]
            sources = list(dict.fromkeys([*keep.sources, *(s for d in dups for s in d.sources)]))
            survivor = keep.model_copy(
                update={
                    "sources": sources,
                    # Distinct events that stated it: the sum of disjoint reinforcements,
                    # and unchanged when a rerun merges the same items again.
                    "reinforcement": len(sources),
                    "updated_at": max(keep.updated_at, *(d.updated_at for d in dups)),
                    "happened_at": keep.happened_at
                    or next((d.happened_at for d in dups if d.happened_at), None),
                }
            )
            self.store.set_payload(ITEMS, [keep.id], to_payload(survivor))
            for dup in dups:
                self._archive(dup, "merged", replaced_by=keep.id)
                gone.add(dup.id)
                changes.merged.append(dup.id)
                touched.add(dup.category)
            touched.add(keep.category)
        return gone

    def _supersede(self, items: Sequence[Item], changes: JobChanges, touched: set[str]) -> None:
        """Close the facts a newer item replaced, as ingest does, for what ingest missed:
        items memorised before their facts were recorded, or stated before a rule knew
        the phrasing. Facts are read from the text again, so the sweep follows the rules."""
        current = [i.model_copy(update={"facts": stated_facts(i.text)}) for i in items]
        for closure in plan_closures(current):
            item = closed(closure.closed, closure)
            self.store.set_payload(ITEMS, [item.id], to_payload(item))
            changes.superseded.append(item.id)
            touched.add(item.category)

    # --- decay -----------------------------------------------------------------------

    def decay(self, user_id: str) -> JobChanges:
        """Archive live items whose salience fell below the floor. Age is measured in the
        user's own time (to their newest event), so a user who is away loses nothing."""
        settings = self.settings.decay
        last = self.engine.user_state(user_id).get("last_event_time")
        if last is None:
            return JobChanges()
        now = datetime.fromisoformat(str(last))
        changes = JobChanges()
        touched: set[str] = set()
        for record in self.store.scroll(ITEMS, live_items(user_id)):
            item = item_from(record)
            age_days = (now - item.updated_at).total_seconds() / 86400.0
            if (
                item.memory_type in settings.keep_types
                or age_days < settings.min_age_days
                or salience(item, now, settings.half_life_days) >= settings.floor
            ):
                continue
            self._archive(item, "decayed")
            changes.archived.append(item.id)
            touched.add(item.category)
        self._refresh(user_id, touched)
        changes.archived.sort()
        return changes

    # --- discover --------------------------------------------------------------------

    def discover(self, user_id: str) -> JobChanges:
        """File items that fit no category well into categories found among them: first
        into this user's discovered categories they are close to, then by clustering the
        rest; a cluster of ``min_cluster_size`` becomes a category, named by the namer."""
        settings = self.settings.discover
        categories = {c.name: c for c in self.engine.categories(user_id)}
        discovered = [c for c in categories.values() if c.discovered]
        live = self._live(user_id)
        changes = JobChanges()
        touched: set[str] = set()
        specs = self.engine.categorizer.specs
        poor = [
            i
            for i, item in enumerate(live.items)
            if (item.category_score < settings.fit_threshold and item.category in specs)
            # Filed under a name that has no category (a run cut short): found again.
            or (item.category not in specs and item.category not in categories)
        ]
        poor = self._into_discovered(user_id, live, poor, discovered, changes, touched)
        clusters = _clusters(live, poor, settings.cluster_similarity)
        room = settings.max_categories - len(discovered)
        for members in clusters:
            if len(members) < settings.min_cluster_size or room <= 0:
                continue
            texts = [live.items[i].text for i in members]
            named = self.namer.name(user_id, texts, [i.text for i in live.items])
            if named is None:
                continue  # no shared topic: not a category
            name, description = named
            if name in specs or (
                name in categories and not categories[name].discovered
            ):
                log.info("discovered category name taken", extra={"category": name})
                continue
            centroid = _unit(live.vectors[members].mean(axis=0))
            # Items first, then the category: a run cut in between leaves items filed under
            # a name with no category point, which the rerun clusters and names again.
            self._refile(live, members, name, centroid, changes, touched)
            if name not in categories:
                self._create(user_id, name, description, centroid)
                changes.categories_created.append(name)
                room -= 1
        self._refresh(user_id, touched)
        return changes

    def _into_discovered(
        self,
        user_id: str,
        live: _Live,
        poor: list[int],
        discovered: Sequence[Category],
        changes: JobChanges,
        touched: set[str],
    ) -> list[int]:
        if not discovered or not poor:
            return poor
        records = self.store.get(CATEGORIES, [c.id for c in discovered], with_vectors=True)
        targets = [(category_from(r).name, np.asarray(r.vector, dtype=np.float32)) for r in records]
        if not targets:
            return poor
        matrix = np.stack([v for _, v in targets])
        left = []
        for i in poor:
            sims = matrix @ live.vectors[i]
            best = int(np.argmax(sims))
            if sims[best] >= self.settings.discover.join_similarity:
                self._refile(live, [i], targets[best][0], matrix[best], changes, touched)
            else:
                left.append(i)
        return left

    def _refile(
        self,
        live: _Live,
        members: Sequence[int],
        name: str,
        centroid: Vector,
        changes: JobChanges,
        touched: set[str],
    ) -> None:
        for i in members:
            item = live.items[i]
            score = round(float(live.vectors[i] @ centroid), 6)
            self.store.set_payload(ITEMS, [item.id], {"category": name, "category_score": score})
            touched.update((item.category, name))
            changes.refiled.append(item.id)

    def _create(self, user_id: str, name: str, description: str, centroid: Vector) -> None:
        category = Category(
            id=ids.category_id(user_id, name),
            user_id=user_id,
            name=name,
            description=description,
            discovered=True,
        )
        self.store.upsert(
            CATEGORIES, [VectorPoint(category.id, centroid.tolist(), to_payload(category))]
        )

    # --- shared ----------------------------------------------------------------------

    def _refresh(self, user_id: str, touched: set[str]) -> None:
        """Bring every category of the user in line with its items (unchanged ones are not
        rewritten). All of them, not only those this run touched: a run a crash cut short
        touched some the rerun does not, and their summaries must still follow."""
        names = {c.name for c in self.engine.categories(user_id)} | touched
        self.engine.refresher.refresh(user_id, sorted(names))

    def _live(self, user_id: str) -> _Live:
        records = list(self.store.scroll(ITEMS, live_items(user_id), with_vectors=True))
        records.sort(key=lambda r: r.id)
        vectors = (
            np.asarray([r.vector for r in records], dtype=np.float32)
            if records
            else np.zeros((0, self.engine.embedder.dim), dtype=np.float32)
        )
        return _Live([item_from(r) for r in records], vectors)

    def _archive(
        self,
        item: Item,
        reason: str,
        *,
        replaced_by: str | None = None,
        valid_to: datetime | None = None,
    ) -> None:
        update: dict[str, object] = {"archived": True, "archived_reason": reason}
        if replaced_by is not None:
            update["replaced_by"] = replaced_by
        if valid_to is not None:
            update["valid_to"] = valid_to
        archived = item.model_copy(update=update)
        self.store.set_payload(ITEMS, [item.id], to_payload(archived))


def _age_key(item: Item) -> tuple[datetime, datetime, str]:
    return (item.valid_from, item.created_at, item.id)


def _mergeable(keep: Item, other: Item) -> bool:
    """Near-duplicates of one memory: same agent scope, and not two dated events on
    different days (the same thing done twice is two memories)."""
    if keep.agent_id != other.agent_id:
        return False
    return not (keep.happened_at and other.happened_at and keep.happened_at != other.happened_at)


def _unit(vector: Vector) -> Vector:
    out: Vector = (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)
    return out


def _clusters(live: _Live, members: Sequence[int], threshold: float) -> list[list[int]]:
    """Leader clustering in age order: an item joins the first cluster whose first item it
    is close to. Deterministic for a given set of items."""
    clusters: list[list[int]] = []
    for i in sorted(members, key=lambda i: _age_key(live.items[i])):
        for cluster in clusters:
            if float(live.vectors[cluster[0]] @ live.vectors[i]) >= threshold:
                cluster.append(i)
                break
        else:
            clusters.append([i])
    return clusters

