"""Lineage as people read it: superseded facts on a timeline, and what changed between two
versions of a summary."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from memoryd.memory.models import Item, StatedFact


@dataclass(frozen=True)
class FactStep:
    """A fact that changed: ``subject``'s ``attribute`` went from ``before`` to ``after``
    (``None``: it just ended) at ``at``; ``old`` is the superseded item, ``new`` its
    replacement (``None`` if that is gone too)."""

    subject: str
    attribute: str
    before: str
    after: str | None
    at: datetime
    old: Item
    new: Item | None


def superseded_timeline(items: Sequence[Item]) -> list[FactStep]:
    """Every superseded item of ``items`` as a step, oldest first. The facts the items
    state name the attribute and the values; without them, the texts stand in."""
    by_id = {item.id: item for item in items}
    steps: list[FactStep] = []
    for old in items:
        if old.archived_reason != "superseded":
            continue
        new = by_id.get(old.replaced_by) if old.replaced_by else None
        at = old.valid_to or (new.valid_from if new else old.updated_at)
        new_facts = {fact.key: fact for fact in new.facts} if new else {}
        matched = [(fact, new_facts.get(fact.key)) for fact in old.facts]
        if not matched:
            after_text = new.text if new else None
            steps.append(FactStep("", "", old.text, after_text, at, old, new))
            continue
        for before, after in matched:
            steps.append(
                FactStep(
                    before.subject,
                    before.attribute.replace("_", " "),
                    _shown(before),
                    None if after is None or after.ends else _shown(after),
                    at,
                    old,
                    new,
                )
            )
    return sorted(steps, key=lambda s: (s.at, s.old.id))


def _shown(fact: StatedFact) -> str:
    return fact.display or fact.value


def long_date(when: date | datetime | None) -> str:
    """``2 June 2024`` (no leading zero, month in full); empty for ``None``."""
    return f"{when.day} {when:%B %Y}" if when else ""


@dataclass(frozen=True)
class Segment:
    """A run of words in a diff: kept, inserted or deleted."""

    op: Literal["same", "ins", "del"]
    text: str


_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> list[Segment]:
    """What turned ``before`` into ``after``, word by word (whitespace kept)."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("del", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(Segment("ins", "".join(new[j1:j2])))
    return segments
