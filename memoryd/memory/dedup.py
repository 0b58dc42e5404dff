"""Near-duplicate matching for a batch: which existing item a candidate reinforces.

A candidate reinforces the closest live item at or above the threshold, whether written
by its own batch or before it, unless that item states another value of one of the
candidate's facts; else it becomes a new item. Similarities are compared at three places,
past the embedder's batch noise, so the choice does not depend on how the stream was cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from memoryd.events import Event
from memoryd.memory.models import Item, StatedFact
from memoryd.memory.ports import Record, Vector
from memoryd.memory.schema import item_from
from memoryd.memory.truth import conflicting, stated_facts


@dataclass(slots=True)
class ItemDraft:
    """An item being written by this batch, with its vector and whether it is new."""

    item: Item
    vector: Vector
    is_new: bool
    changed: bool = True


#: Stored neighbours looked at per candidate: the nearest may be one it must not
#: reinforce (an item it replaces, or one stating another value of the same fact).
NEIGHBOURS = 3


def rounded(similarity: float | np.floating[Any]) -> float:
    """A similarity to three places: a text embedded in a batch and alone differs in the
    last bits of its vector, which must not tip a decision at the threshold."""
    return round(float(similarity), 3)


def closest(
    found: Sequence[tuple[float, ItemDraft]], facts: Sequence[StatedFact], threshold: float
) -> ItemDraft | None:
    """The nearest draft at or above ``threshold`` that does not state another value of
    one of the candidate's facts ("Priya is 29" and "Priya is 30" read alike, and are two
    facts). Ties go to the lower id, so the choice never depends on arrival order."""
    for sim, draft in sorted(found, key=lambda pair: (-pair[0], pair[1].item.id)):
        if sim < threshold:
            return None
        if not conflicting(facts, draft.item.facts or stated_facts(draft.item.text)):
            return draft
    return None


def reinforce(item: Item, event: Event, happened_at: object) -> Item | None:
    """Add ``event`` as a source; ``None`` when it already is one (a redelivery)."""
    if event.id in item.sources:
        return None
    when = event.at()
    return item.model_copy(
        update={
            "sources": [*item.sources, event.id],
            "reinforcement": len(item.sources) + 1,
            "updated_at": max(item.updated_at, when),
            "happened_at": item.happened_at or happened_at,
            # A memory said again is salient again: a re-mention revives an archived item.
            "archived": False,
            "archived_reason": None,
        }
    )


def in_batch(
    drafts: list[ItemDraft], vector: Vector, agent_id: str | None
) -> list[tuple[float, ItemDraft]]:
    # An agent's memory only reinforces that agent's items, so agent scoping holds.
    mine = [d for d in drafts if d.item.agent_id == agent_id]
    if not mine:
        return []
    sims = np.stack([d.vector for d in mine]) @ vector
    return [(rounded(sim), d) for sim, d in zip(sims, mine, strict=True)]


def from_store(
    hits: Sequence[Record],
    vector: Vector,
    seen: dict[str, ItemDraft],
    replaces: tuple[str, ...],
) -> list[tuple[float, ItemDraft]]:
    found: list[tuple[float, ItemDraft]] = []
    for hit in hits:
        if hit.id in replaces or hit.vector is None:
            continue  # never reinforce the item the candidate itself replaces
        draft = seen.get(hit.id) or ItemDraft(
            item_from(hit), np.asarray(hit.vector, dtype=np.float32), False, changed=False
        )
        found.append((rounded(float(draft.vector @ vector)), draft))
    return found
