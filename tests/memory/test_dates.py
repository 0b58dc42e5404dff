from __future__ import annotations

from datetime import date

import pytest

from memoryd.memory.dates import Precision, resolve_date

ANCHOR = date(2023, 5, 8)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("I went there yesterday", date(2023, 5, 7), Precision.DAY),
        ("we met last night", date(2023, 5, 7), Precision.DAY),
        ("I moved to Lisbon last week", date(2023, 5, 1), Precision.WEEK),
        ("we start next month", date(2023, 6, 8), Precision.MONTH),
        ("I ran a race two days ago", date(2023, 5, 6), Precision.DAY),
        ("3 weeks ago I adopted a dog", date(2023, 4, 17), Precision.WEEK),
        ("last Friday was fun", date(2023, 5, 5), Precision.DAY),
        ("see you next Tuesday", date(2023, 5, 9), Precision.DAY),
        ("we married in June 2022", date(2022, 6, 1), Precision.MONTH),
        ("I started painting in 2019", date(2019, 1, 1), Precision.YEAR),
        ("it happened on 3 March, 2021", date(2021, 3, 3), Precision.DAY),
        ("the launch is 2024-02-29", date(2024, 2, 29), Precision.DAY),
        ("last year I painted a lot", date(2022, 5, 8), Precision.YEAR),
        ("tomorrow I fly home", date(2023, 5, 9), Precision.DAY),
    ],
)
def test_relative_dates_resolve_against_event_time(
    text: str, expected: date, precision: Precision
) -> None:
    resolved = resolve_date(text, ANCHOR)
    assert resolved is not None
    assert resolved.day == expected
    assert resolved.precision is precision


def test_no_date_and_impossible_dates_give_none() -> None:
    assert resolve_date("I love painting landscapes", ANCHOR) is None
    assert resolve_date("on 31 February, 2023", ANCHOR) is None


def test_phrase_renders_absolute_date() -> None:
    resolved = resolve_date("yesterday", ANCHOR)
    assert resolved is not None and resolved.phrase() == "on 7 May 2023"
