"""A batch's new items read with what the store already knows of their speakers.

Two readings (``fact_followup``), both before the batch's closures are planned:

- **later**: a new item that states no value of an attribute the speaker has a live value
  of is read for a change of it ("Birthday today, 34 and feeling great" once 33 is
  known);
- **earlier**: a new item that states a value the store knows no live value of has the
  speaker's nearest older items read for the value they said in passing ("Living in
  Novosibirsk means the winters are no joke" once Tbilisi is stated). An older item read
  that way takes part in the closures like any stored statement, so it is closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from memoryd.memory.dedup import ItemDraft
from memoryd.memory.fact_followup import (
    FOLLOWED,
    Known,
    earlier_fact,
    followed_keys,
    later_facts,
    mentions,
    of_kind,
    replaced_value,
)
from memoryd.memory.fact_lexicon import LAPTOP, PHONE, VEHICLE
from memoryd.memory.fact_loose import CHANGE
from memoryd.memory.fact_subjects import norm
from memoryd.memory.fact_values import canonical, is_casual, same_value
from memoryd.memory.facts import Fact
from memoryd.memory.models import Item, StatedFact
from memoryd.memory.ports import Filter, LexicalEncoder, VectorStore
from memoryd.memory.schema import ITEMS, item_from
from memoryd.memory.truth import stated

#: Older items of the user looked at for what they said in passing.
EARLIER_NEIGHBOURS = 8
#: Longer item texts are not read again (the readers' cost grows with the text).
MAX_TEXT = 2000
_FOLLOWED = frozenset(FOLLOWED)


def read_with_known(
    store: VectorStore,
    user_id: str,
    drafts: Sequence[ItemDraft],
    speakers: Mapping[str, str],
    lexical: LexicalEncoder | None = None,
) -> list[Item]:
    """Add to the batch's new items the facts they state given what is known; return the
    stored items read anew (with the facts they stated in passing)."""
    new = [
        (draft, norm(speakers[draft.item.sources[0]]))
        for draft in drafts
        if draft.is_new
        and not draft.item.archived
        and draft.item.sources
        and speakers.get(draft.item.sources[0])
        and len(draft.item.text) <= MAX_TEXT
    ]
    # Only an item that may say a value changed, or that states one, needs the store.
    new = [(d, who) for d, who in new if d.item.facts or _may_change(d.item.text)]
    if not new:
        return []
    in_batch = {d.item.id for d in drafts}
    subjects = sorted({subject for _, subject in new})
    where = Filter(
        must={"user_id": user_id, "fact_keys": followed_keys(subjects)},
        must_not={"archived": True},
    )
    stored = [i for i in (item_from(r) for r in store.scroll(ITEMS, where)) if i.id not in in_batch]
    for draft, subject in new:
        _read_later(draft, subject, stored)
    return _read_earlier(store, user_id, new, stored, in_batch, lexical)


def _read_later(draft: ItemDraft, subject: str, stored: Sequence[Item]) -> None:
    item = draft.item
    if not _may_change(item.text):
        return
    have = {f.key for f in item.facts}
    latest: dict[str, Known] = {}
    for other in stored:
        if other.agent_id != item.agent_id or other.valid_from >= item.valid_from:
            continue
        for fact in other.facts:
            if fact.subject != subject or fact.key in have or fact.ends:
                continue
            if fact.key not in latest or latest[fact.key].since < other.valid_from:
                latest[fact.key] = Known(fact, other.valid_from)
    found = later_facts(item.text, subject, list(latest.values()), item.valid_from)
    if found:
        draft.item = item.model_copy(update={"facts": [*item.facts, *map(stated, found)]})


# An age said as new: a birthday, or a number said of someone ("I'm 34", "her 18th").
_AGE_SAID = re.compile(
    r"\b(?:birthday|bday|b-day|turned|turns)\b|\d(?:st|nd|rd|th)\b|"
    r"(?:['’]s|['’]m| is| am) (?:now |officially |just )?\d",
    re.I,
)


# A word that says a value is over: "Jerome left for another company", "sold the Civic".
_ENDED = re.compile(
    r"\b(?:left|leaving|quit|sold|retired|resigned|dropped|ditched|traded|swapped|gone|"
    r"graduated|finished|crossed|smashed|hit|done|divorce\w*|split|broke up|anymore|"
    r"any more|no longer|instead of|replaced|replacement|took over|inherited|"
    r"took (?:the |our |my )?(?:team|group) over)\b",
    re.I,
)


_MODELS = re.compile("|".join(f"(?:{p.pattern})" for p in (PHONE, LAPTOP, VEHICLE)), re.I)


def _may_change(text: str) -> bool:
    """Whether ``text`` has a word that says a value is new or over, or an age said as one
    (a date's digits are not: most items carry a date)."""
    # …or a device or a car named, which may be another one in use ("the Pixel 8")
    return any(p.search(text) is not None for p in (CHANGE, _ENDED, _AGE_SAID, _MODELS))


@dataclass(slots=True)
class _Earlier:
    """The store and what has been read of it while a batch's new items are read."""

    store: VectorStore
    where: Filter
    in_batch: set[str]
    lexical: LexicalEncoder | None
    read: dict[str, Item] = field(default_factory=dict)

    def older_items(self, item: ItemDraft, named: str | None) -> Iterator[Item]:
        """The live items nearest the new one (and, when it names what it replaces, those
        that name it), said before it."""
        hits = self.store.search(ITEMS, item.vector, self.where, EARLIER_NEIGHBOURS)
        if named and self.lexical is not None:
            query = self.lexical.encode_query(named)
            hits += self.store.search_lexical(ITEMS, query, self.where, EARLIER_NEIGHBOURS)
        for hit in hits:
            older = self.read.get(hit.id) or item_from(hit)
            if older.id in self.in_batch or older.agent_id != item.item.agent_id:
                continue
            if older.valid_from < item.item.valid_from:
                yield older


def _read_earlier(
    store: VectorStore,
    user_id: str,
    new: Sequence[tuple[ItemDraft, str]],
    stored: Sequence[Item],
    in_batch: set[str],
    lexical: LexicalEncoder | None,
) -> list[Item]:
    known = {(i.agent_id, f.key) for i in stored for f in i.facts}
    where = Filter(must={"user_id": user_id}, must_not={"archived": True})
    earlier = _Earlier(store, where, in_batch, lexical)
    for draft, subject in new:
        item = draft.item
        for fact in item.facts:
            if fact.subject != subject or fact.attribute not in _FOLLOWED:
                continue
            if (item.agent_id, fact.key) in known or (fact.ends and not fact.value):
                continue
            if _read_one(earlier, draft, fact):
                known.add((item.agent_id, fact.key))
    return list(earlier.read.values())


def _read_one(earlier: _Earlier, draft: ItemDraft, fact: StatedFact) -> bool:
    """Read the older items for the value ``fact`` (new in ``draft``) replaces; record the
    first that states it. An ended value ("sold the Civic") names itself."""
    if fact.ends:
        named: str | None = fact.display or fact.value
        casual = is_casual(draft.item.text)
        named = named if named and of_kind(fact.attribute, named, casual=casual) else None
    else:
        named = replaced_value(draft.item.text, fact.attribute)
    if not fact.ends and named and same_value(fact.attribute, canonical(named), fact.value):
        named = None
    for older in earlier.older_items(draft, named):
        if any(f.key == fact.key for f in older.facts):
            continue
        days = (draft.item.valid_from - older.valid_from).days
        said = None
        if not fact.ends:
            said = earlier_fact(older.text, fact.subject, fact.attribute, fact.value, days)
        if said is None and named and mentions(older.text, named, fact.subject):
            # the newer message names what it replaces: "instead of econ"
            value = fact.value if fact.ends else canonical(named)
            said = Fact(fact.subject, fact.attribute, value, named)
        if said is not None:
            facts = [*older.facts, stated(said)]
            earlier.read[older.id] = older.model_copy(update={"facts": facts})
            return True
    return False
