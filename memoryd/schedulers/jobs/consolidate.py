"""The consolidate job: merge near-duplicates into the oldest of them, then close the
validity of facts a newer item replaces. Survivors are written before what merges into
them, so an interrupted run leaves nothing lost and a rerun finishes the merge."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from memoryd.memory.engine import LiveItems
from memoryd.memory.models import Item
from memoryd.memory.truth import closed, plan_closures, stated_facts
from memoryd.schedulers.jobs.base import JobChanges, JobContext, age_key, refresh_all


def consolidate(ctx: JobContext, user_id: str) -> JobChanges:
    live = ctx.engine.live_items_with_vectors(user_id)
    changes = JobChanges()
    touched: set[str] = set()
    merged = _merge(ctx, live, changes, touched)
    current = [i for i in live.items if i.id not in merged]
    _supersede(ctx, current, changes, touched)
    refresh_all(ctx.engine, user_id, touched)
    return changes


def _merge(ctx: JobContext, live: LiveItems, changes: JobChanges, touched: set[str]) -> set[str]:
    threshold = ctx.settings.consolidate.merge_threshold
    order = np.asarray(
        sorted(range(len(live.items)), key=lambda i: age_key(live.items[i])), dtype=np.int64
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
        ctx.engine.write_item(survivor)
        for dup in dups:
            ctx.engine.archive_item(dup, "merged", replaced_by=keep.id)
            gone.add(dup.id)
            changes.merged.append(dup.id)
            touched.add(dup.category)
        touched.add(keep.category)
    return gone


def _supersede(
    ctx: JobContext, items: Sequence[Item], changes: JobChanges, touched: set[str]
) -> None:
    """Close the facts a newer item replaced, as ingest does, for what ingest missed:
    items memorised before their facts were recorded, or stated before a rule knew
    the phrasing. Facts are read from the text again, so the sweep follows the rules."""
    current = [i.model_copy(update={"facts": stated_facts(i.text)}) for i in items]
    for closure in plan_closures(current):
        item = closed(closure.closed, closure)
        ctx.engine.write_item(item)
        changes.superseded.append(item.id)
        touched.add(item.category)


def _mergeable(keep: Item, other: Item) -> bool:
    """Near-duplicates of one memory: same agent scope, and not two dated events on
    different days (the same thing done twice is two memories)."""
    if keep.agent_id != other.agent_id:
        return False
    return not (keep.happened_at and other.happened_at and keep.happened_at != other.happened_at)
