from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from memoryd.errors import InvalidEventError, PermanentError
from memoryd.events import parse_event

VALID = {
    "id": "evt-1",
    "user_id": "u-42",
    "content": "I moved to Lisbon last week.",
    "speaker": "Caroline",
    "time": "2023-05-08T13:56:00Z",
}


def test_valid_event_parses_with_defaults() -> None:
    event = parse_event(json.dumps(VALID).encode())
    assert event.role == "user"
    assert event.kind == "message"
    assert event.time == datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


def test_missing_time_becomes_receive_time() -> None:
    received = datetime(2024, 1, 1, tzinfo=UTC)
    event = parse_event({"id": "e", "user_id": "u", "content": "hi there"}, received_at=received)
    assert event.time == received


def test_naive_time_is_utc() -> None:
    event = parse_event({**VALID, "time": "2023-05-08T13:56:00"})
    assert event.time is not None and event.time.tzinfo is not None


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"user_id": None}, "user_id"),
        ({"content": ""}, "content"),
        ({"time": "soon"}, "time"),
        ({"id": 7}, "id"),
    ],
)
def test_invalid_event_names_the_field(patch: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidEventError) as info:
        parse_event({**VALID, **patch})
    assert info.value.field == field
    assert field in str(info.value)
    assert isinstance(info.value, PermanentError)


def test_missing_required_field_is_named() -> None:
    body = {k: v for k, v in VALID.items() if k != "content"}
    with pytest.raises(InvalidEventError, match="content") as info:
        parse_event(body)
    assert info.value.event_id == "evt-1"


def test_not_json_is_rejected() -> None:
    with pytest.raises(InvalidEventError, match="JSON"):
        parse_event(b"{not json")


def test_cloudevents_envelope_supplies_id_and_time() -> None:
    envelope = {
        "specversion": "1.0",
        "id": "ce-1",
        "source": "app",
        "type": "chat.message",
        "time": "2023-05-08T13:56:00Z",
        "data": {"user_id": "u-42", "content": "I love hiking in the Alps."},
    }
    event = parse_event(envelope)
    assert event.id == "ce-1"
    assert event.time == datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


def test_cloudevents_with_bad_data_names_data() -> None:
    with pytest.raises(InvalidEventError) as info:
        parse_event({"specversion": "1.0", "id": "x", "data": [1, 2]})
    assert info.value.field == "data"


@pytest.mark.parametrize("version", ["0.3", "1.1", 1.0, None, ""])
def test_cloudevents_other_than_1_0_are_rejected_naming_specversion(version: object) -> None:
    # Given an envelope of another (or no usable) CloudEvents version
    envelope = {"specversion": version, "id": "ce-1", "data": {"user_id": "u", "content": "hi"}}

    # When it is parsed, then it is invalid, and the reason says what is expected
    with pytest.raises(InvalidEventError) as info:
        parse_event(envelope)
    assert info.value.field == "specversion"
    assert "'1.0'" in info.value.reason and info.value.event_id == "ce-1"


@pytest.mark.parametrize(
    "raw",
    [
        {**VALID, "metadata": {"a": json.loads("[" * 100 + "]" * 100)}},
        json.dumps({**VALID, "metadata": {"a": 0}}).replace(": 0", ": " + "[" * 9999 + "]" * 9999),
        {"specversion": "1.0", "id": "ce", "data": "[" * 100_000},
    ],
    ids=["deep-metadata", "beyond-the-parser", "deep-cloudevents-data"],
)
def test_json_nested_too_deeply_is_invalid_not_a_crash(raw: Any) -> None:
    with pytest.raises(InvalidEventError, match="nested"):
        parse_event(raw)


def test_control_characters_in_ids_are_rejected() -> None:
    with pytest.raises(InvalidEventError) as info:
        parse_event({**VALID, "user_id": "a\x1fb"})
    assert info.value.field == "user_id"
