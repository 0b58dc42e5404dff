"""Timeline steps and summary diffs, from models (no daemon, no browser)."""

from __future__ import annotations

from datetime import UTC, datetime

from memoryd.memory.models import Item, MemoryType, StatedFact
from memoryd.ui.lineage import Segment, long_date, superseded_timeline, word_diff

T1 = datetime(2024, 1, 10, 10, tzinfo=UTC)
T2 = datetime(2024, 6, 2, 9, tzinfo=UTC)


def item(item_id: str, text: str, value: str, when: datetime, **extra: object) -> Item:
    fact = StatedFact(subject="maria", attribute="residence", value=value.lower(), display=value)
    fields: dict[str, object] = {
        "id": item_id,
        "user_id": "u",
        "text": text,
        "memory_type": MemoryType.PROFILE,
        "category": "personal_info",
        "sources": [f"e-{item_id}"],
        "created_at": when,
        "updated_at": when,
        "valid_from": when,
        "facts": [fact],
        **extra,
    }
    return Item.model_validate(fields)


def test_a_superseded_fact_becomes_a_step_from_its_value_to_the_new_one() -> None:
    old = item(
        "a",
        "Maria lives in Berlin.",
        "Berlin",
        T1,
        archived=True,
        archived_reason="superseded",
        replaced_by="b",
        valid_to=T2,
    )
    new = item("b", "Maria moved to Lisbon.", "Lisbon", T2)

    (step,) = superseded_timeline([new, old])

    assert (step.subject, step.attribute, step.before, step.after) == (
        "maria",
        "residence",
        "Berlin",
        "Lisbon",
    )
    assert step.at == T2 and step.old is old and step.new is new
    assert long_date(step.at) == "2 June 2024"


def test_live_and_otherwise_archived_items_are_not_on_the_timeline() -> None:
    decayed = item(
        "c", "Maria lives in Porto.", "Porto", T1, archived=True, archived_reason="decayed"
    )
    assert superseded_timeline([decayed, item("d", "Maria lives in Rome.", "Rome", T2)]) == []


def test_word_diff_marks_what_changed_and_keeps_the_rest() -> None:
    assert word_diff("Maria lives in Berlin.", "Maria lives in Lisbon.") == [
        Segment("same", "Maria lives in "),
        Segment("del", "Berlin."),
        Segment("ins", "Lisbon."),
    ]
    assert word_diff("same", "same") == [Segment("same", "same")]
