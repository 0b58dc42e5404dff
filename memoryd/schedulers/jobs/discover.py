"""The discover job: file items that fit no category well into categories found among
them. First into this user's discovered categories they are close to, then by clustering
the rest; a cluster of ``min_cluster_size`` becomes a category, named by the namer."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from memoryd.memory import ids
from memoryd.memory.engine import LiveItems
from memoryd.memory.models import Category
from memoryd.memory.ports import Vector
from memoryd.schedulers.jobs.base import JobChanges, JobContext, age_key, refresh_all

log = logging.getLogger(__name__)


def discover(ctx: JobContext, user_id: str) -> JobChanges:
    settings = ctx.settings.discover
    categories = {c.name: c for c in ctx.engine.categories(user_id)}
    discovered = [c for c in categories.values() if c.discovered]
    live = ctx.engine.live_items_with_vectors(user_id)
    changes = JobChanges()
    touched: set[str] = set()
    specs = ctx.engine.configured_categories
    poor = [
        i
        for i, item in enumerate(live.items)
        if (item.category_score < settings.fit_threshold and item.category in specs)
        # Filed under a name that has no category (a run cut short): found again.
        or (item.category not in specs and item.category not in categories)
    ]
    poor = _into_discovered(ctx, live, poor, discovered, changes, touched)
    clusters = _clusters(live, poor, settings.cluster_similarity)
    room = settings.max_categories - len(discovered)
    for members in clusters:
        if len(members) < settings.min_cluster_size or room <= 0:
            continue
        texts = [live.items[i].text for i in members]
        named = ctx.namer.name(user_id, texts, [i.text for i in live.items])
        if named is None:
            continue  # no shared topic: not a category
        name, description = named
        if name in specs or (name in categories and not categories[name].discovered):
            log.info("discovered category name taken", extra={"category": name})
            continue
        centroid = _unit(live.vectors[members].mean(axis=0))
        # Items first, then the category: a run cut in between leaves items filed under
        # a name with no category point, which the rerun clusters and names again.
        _refile(ctx, live, members, name, centroid, changes, touched)
        if name not in categories:
            category = Category(
                id=ids.category_id(user_id, name),
                user_id=user_id,
                name=name,
                description=description,
                discovered=True,
            )
            ctx.engine.create_category(category, centroid)
            changes.categories_created.append(name)
            room -= 1
    refresh_all(ctx.engine, user_id, touched)
    return changes


def _into_discovered(
    ctx: JobContext,
    live: LiveItems,
    poor: list[int],
    discovered: Sequence[Category],
    changes: JobChanges,
    touched: set[str],
) -> list[int]:
    if not discovered or not poor:
        return poor
    targets = ctx.engine.category_vectors(discovered)
    if not targets:
        return poor
    matrix = np.stack([v for _, v in targets])
    left = []
    for i in poor:
        sims = matrix @ live.vectors[i]
        best = int(np.argmax(sims))
        if sims[best] >= ctx.settings.discover.join_similarity:
            _refile(ctx, live, [i], targets[best][0], matrix[best], changes, touched)
        else:
            left.append(i)
    return left


def _refile(
    ctx: JobContext,
    live: LiveItems,
    members: Sequence[int],
    name: str,
    centroid: Vector,
    changes: JobChanges,
    touched: set[str],
) -> None:
    for i in members:
        item = live.items[i]
        ctx.engine.refile_item(item.id, name, round(float(live.vectors[i] @ centroid), 6))
        touched.update((item.category, name))
        changes.refiled.append(item.id)


def _unit(vector: Vector) -> Vector:
    out: Vector = (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)
    return out


def _clusters(live: LiveItems, members: Sequence[int], threshold: float) -> list[list[int]]:
    """Leader clustering in age order: an item joins the first cluster whose first item it
    is close to. Deterministic for a given set of items."""
    clusters: list[list[int]] = []
    for i in sorted(members, key=lambda i: age_key(live.items[i])):
        for cluster in clusters:
            if float(live.vectors[cluster[0]] @ live.vectors[i]) >= threshold:
                cluster.append(i)
                break
        else:
            clusters.append([i])
    return clusters
