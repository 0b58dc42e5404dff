"""Resolve relative time expressions ("yesterday", "last week", "3 days ago") against the
event time, so a memory stays true when it is read months later."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import TypeAlias


class Precision(Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    """The date an expression points to, how precise it is, and where it was found."""

    day: date
    precision: Precision
    start: int
    end: int

    def phrase(self) -> str:
        """An absolute rendering to put in place of the relative expression."""
        if self.precision is Precision.DAY:
            return f"on {self.day.day} {calendar.month_name[self.day.month]} {self.day.year}"
        if self.precision is Precision.WEEK:
            monday = self.day - timedelta(days=self.day.weekday())
            return f"in the week of {monday.day} {calendar.month_name[monday.month]} {monday.year}"
        if self.precision is Precision.MONTH:
            return f"in {calendar.month_name[self.day.month]} {self.day.year}"
        return f"in {self.day.year}"


_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a couple of": 2,
    "a few": 3,
}
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_UNIT = r"(day|week|month|year)s?"
_NUM = r"(\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)"
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(" + "|".join(_WEEKDAYS) + r")"

# "Today's my birthday", "Today was my first day": the day is the subject of the sentence.
_NOT_SUBJECT = r"(?!['’]s|\s+(?:is|was|were)\b)"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(rx, re.IGNORECASE))
    for name, rx in [
        ("iso", r"\b(\d{4})-(\d{2})-(\d{2})\b"),
        ("dmy", r"\b(\d{1,2})(?:st|nd|rd|th)? " + _MONTH + r",? (\d{4})\b"),
        ("mdy", r"\b" + _MONTH + r" (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})\b"),
        ("day_before_yesterday", r"\bthe day before yesterday\b"),
        ("yesterday", r"\b(yesterday|last night)\b" + _NOT_SUBJECT),
        ("today", r"\b(today|tonight|this (?:morning|afternoon|evening))\b" + _NOT_SUBJECT),
        ("tomorrow", r"\btomorrow\b"),
        ("ago", r"\b" + _NUM + r" " + _UNIT + r" ago\b"),
        ("weekend", r"\b(last|this|next) weekend\b"),
        ("weekday", r"\b(last|next|this) " + _WEEKDAY + r"\b"),
        # Not "last day" ("last day at Microsoft was Friday"): a week, month or year.
        ("relative_unit", r"\b(last|this|next|past) (week|month|year)s?\b"),
        ("month_year", r"\bin " + _MONTH + r" (\d{4})\b"),
        ("month", r"\b(?:in|last|this|next) " + _MONTH + r"\b(?! \d)"),
        ("year", r"\bin (19\d{2}|20\d{2})\b"),
    ]
]


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _shift(anchor: date, unit: str, amount: int) -> tuple[date, Precision]:
    unit = unit.lower()
    if unit == "day":
        return anchor + timedelta(days=amount), Precision.DAY
    if unit == "week":
        return anchor + timedelta(weeks=amount), Precision.WEEK
    if unit == "month":
        return _add_months(anchor, amount), Precision.MONTH
    return _add_months(anchor, 12 * amount), Precision.YEAR


def _direction(word: str) -> int:
    return {"last": -1, "past": -1, "next": 1}.get(word.lower(), 0)


Resolved: TypeAlias = tuple[date, Precision]
Resolver: TypeAlias = Callable[[tuple[str, ...], date, str], Resolved]


def _explicit_iso(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
    return date(int(g[0]), int(g[1]), int(g[2])), Precision.DAY


def _explicit_dmy(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
    return date(int(g[2]), _MONTHS[g[1].lower()], int(g[0])), Precision.DAY


def _explicit_mdy(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
    return date(int(g[2]), _MONTHS[g[0].lower()], int(g[1])), Precision.DAY


def _fixed(days: int) -> Resolver:
    def resolve(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
        return anchor + timedelta(days=days), Precision.DAY

    return resolve


def _ago(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
    amount = int(g[0]) if g[0].isdigit() else _NUMBERS[g[0].lower()]
    return _shift(anchor, g[1], -amount)


def _weekend(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
    saturday = anchor + timedelta(days=(5 - anchor.weekday()) % 7)
    if _direction(g[0]) < 0:
        saturday -= timedelta(days=7)
    elif _direction(g[0]) > 0 and saturday - anchor < timedelta(days=2):
        saturday += timedelta(days=7)
    return saturday, Precision.DAY


def _weekday(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
    target = _WEEKDAYS[g[1].lower()]
    step = _direction(g[0]) or 1
    delta = (target - anchor.weekday()) % 7 if step > 0 else -((anchor.weekday() - target) % 7)
    return anchor + timedelta(days=delta or 7 * step), Precision.DAY


def _relative_unit(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
    return _shift(anchor, g[1], _direction(g[0]))


def _month_year(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
    return date(int(g[1]), _MONTHS[g[0].lower()], 1), Precision.MONTH


def _month(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
    month = _MONTHS[g[0].lower()]
    year = anchor.year
    # "next May" is the coming May; "in May" / "last May" the most recent May not after
    # the event.
    if said.lower().startswith("next") and month <= anchor.month:
        year += 1
    elif not said.lower().startswith("next") and month > anchor.month:
        year -= 1
    return date(year, month, 1), Precision.MONTH


def _year(g: tuple[str, ...], anchor: date, said: str) -> Resolved:
    return date(int(g[0]), 1, 1), Precision.YEAR


_RESOLVERS: dict[str, Resolver] = {
    "iso": _explicit_iso,
    "dmy": _explicit_dmy,
    "mdy": _explicit_mdy,
    "day_before_yesterday": _fixed(-2),
    "yesterday": _fixed(-1),
    "today": _fixed(0),
    "tomorrow": _fixed(1),
    "ago": _ago,
    "weekend": _weekend,
    "weekday": _weekday,
    "relative_unit": _relative_unit,
    "month_year": _month_year,
    "month": _month,
    "year": _year,
}


def resolve_date(text: str, anchor: date) -> ResolvedDate | None:
    """Find the first time expression in ``text`` and resolve it relative to ``anchor``."""
    found: list[ResolvedDate] = []
    for name, pattern in _PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        try:
            day, precision = _RESOLVERS[name](match.groups(), anchor, match.group(0))
        except ValueError:  # e.g. 31 February: not a date, keep looking
            continue
        found.append(ResolvedDate(day, precision, match.start(), match.end()))
    if not found:
        return None
    return min(found, key=lambda r: r.start)
