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

from collections.abc import Mapping, Sequence

from memoryd.memory.dedup import ItemDraft
from memoryd.memory.fact_followup import FOLLOWED, Known, earlier_fact, followed_keys, later_facts
from memoryd.memory.fact_loose import CHANGE
from memoryd.memory.fact_subjects import norm
from memoryd.memory.models import Item
from memoryd.memory.ports import Filter, VectorStore
from memoryd.memory.schema import ITEMS, item_from
from memoryd.memory.truth import stated

#: Older items of the user looked at for what they said in passing.
EARLIER_NEIGHBOURS = 8
_FOLLOWED = frozenset(FOLLOWED)


def read_with_known(
    store: VectorStore, user_id: str, drafts: Sequence[ItemDraft], speakers: Mapping[str, str]
) -> list[Item]:
    """Add to the batch's new items the facts they state given what is known; return the
    stored items read anew (with the facts they stated in passing)."""
    new = [
        (draft, norm(speakers[draft.item.sources[0]]))
        for draft in drafts
        if draft.is_new and not draft.item.archived and speakers.get(draft.item.sources[0])
    ]
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
    return _read_earlier(store, user_id, new, stored, in_batch)


def _read_later(draft: ItemDraft, subject: str, stored: Sequence[Item]) -> None:
    item = draft.item
    if not CHANGE.search(item.text) and not any(ch.isdigit() for ch in item.text):
        return  # nothing here says a value is new (an age says so by its number)
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


def _read_earlier(
    store: VectorStore,
    user_id: str,
    new: Sequence[tuple[ItemDraft, str]],
    stored: Sequence[Item],
    in_batch: set[str],
) -> list[Item]:
    known = {(i.agent_id, f.key) for i in stored for f in i.facts}
    read: dict[str, Item] = {}
    for draft, subject in new:
        item = draft.item
        for fact in item.facts:
            if fact.ends or fact.subject != subject or fact.attribute not in _FOLLOWED:
                continue
            if (item.agent_id, fact.key) in known:
                continue
            where = Filter(must={"user_id": user_id}, must_not={"archived": True})
            for hit in store.search(ITEMS, draft.vector, where, EARLIER_NEIGHBOURS):
                older = read.get(hit.id) or item_from(hit)
                if older.id in in_batch or older.agent_id != item.agent_id:
                    continue
                if older.valid_from >= item.valid_from or any(
                    f.key == fact.key for f in older.facts
                ):
                    continue
                said = earlier_fact(older.text, subject, fact.attribute, fact.value)
                if said is not None:
                    read[older.id] = older.model_copy(
                        update={"facts": [*older.facts, stated(said)]}
                    )
                    known.add((item.agent_id, fact.key))
                    break
    return list(read.values())
