"""Truth over time: which items a newer statement of the same fact closes.

Each item may state single-valued facts (``facts.facts_of``). For one subject's attribute
(and one agent), the items stating it are ordered by ``valid_from``; an item is closed by
the earliest later item that states a different value, or that ends its value ("quit her
job at Google", "sold the Civic"). Berlin → Lisbon → Porto closes Berlin by Lisbon and
Lisbon by Porto, in whatever order the three arrive: an item that arrives after a newer
one is closed on arrival. The same value said again closes nothing.

Pure: the caller reads the candidates from the store and writes the closures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from memoryd.memory.fact_values import same_value
from memoryd.memory.facts import Fact, facts_of
from memoryd.memory.models import Item, StatedFact


@dataclass(frozen=True, slots=True)
class Closure:
    """``closed`` stops being current at ``by.valid_from``, replaced by ``by``."""

    closed: Item
    by: Item
    attribute: str
    subject: str
    old: str
    new: str | None

    @property
    def at(self) -> datetime:
        return self.by.valid_from


def stated_facts(text: str) -> list[StatedFact]:
    """The facts an item's text states, as stored on the item."""
    return [stated(f) for f in facts_of(text)]


def stated(fact: Fact) -> StatedFact:
    """A fact as stored on an item."""
    return StatedFact(
        subject=fact.subject,
        attribute=fact.attribute,
        value=fact.value,
        display=fact.display or fact.value,
        ends=fact.ends,
    )


def conflicting(a: Sequence[StatedFact], b: Sequence[StatedFact]) -> bool:
    """Whether two items state different values of one subject's attribute (so they are
    two facts however alike they read)."""
    return any(
        x.key == y.key and (x.ends != y.ends or not same_value(x.attribute, x.value, y.value))
        for x in a
        for y in b
    )


def _order(item: Item) -> tuple[datetime, str]:
    return (item.valid_from, item.id)


def plan_closures(items: Iterable[Item], *, involving: set[str] | None = None) -> list[Closure]:
    """The closures among ``items`` (each closed at most once, by its earliest closer).

    With ``involving``, only closures where the closed item or its closer is one of those
    ids (a batch's own items) are returned.
    """
    groups: dict[tuple[str | None, str], list[tuple[Item, StatedFact]]] = {}
    for item in items:
        if item.valid_to is not None:
            continue  # already history
        for fact in item.facts:
            groups.setdefault((item.agent_id, fact.key), []).append((item, fact))
    closures: dict[str, Closure] = {}
    for stated in groups.values():
        stated.sort(key=lambda pair: _order(pair[0]))
        for i, (item, fact) in enumerate(stated):
            if fact.ends or item.id in closures:
                continue
            closer = _first_closer(item, fact, stated[i + 1 :])
            if closer is None:
                continue
            by, by_fact = closer
            if involving is not None and item.id not in involving and by.id not in involving:
                continue
            closures[item.id] = Closure(
                closed=item,
                by=by,
                attribute=fact.attribute,
                subject=fact.subject,
                old=fact.display,
                new=_new_value(by, by_fact),
            )
    return sorted(closures.values(), key=lambda c: _order(c.closed))


def _new_value(by: Item, fact: StatedFact) -> str | None:
    """What replaced the old value: "sold the Civic and bought a Tesla" ends the Civic
    and names the Tesla."""
    if not fact.ends:
        return fact.display
    return next((f.display for f in by.facts if f.key == fact.key and not f.ends), None)


def _first_closer(
    item: Item, fact: StatedFact, later: Sequence[tuple[Item, StatedFact]]
) -> tuple[Item, StatedFact] | None:
    for other, other_fact in later:
        if other.valid_from <= item.valid_from or other.id == item.id:
            continue  # not newer: two statements of one moment do not replace each other
        if other_fact.ends:
            if not other_fact.value or same_value(fact.attribute, other_fact.value, fact.value):
                return other, other_fact
        elif not same_value(fact.attribute, other_fact.value, fact.value):
            return other, other_fact
    return None


def closed(item: Item, closure: Closure) -> Item:
    """``item`` as history: superseded from its closer's time on."""
    return item.model_copy(
        update={
            "archived": True,
            "archived_reason": "superseded",
            "valid_to": max(closure.at, item.valid_from),
            "replaced_by": closure.by.id,
        }
    )
