"""Which fact an item states, for finding the items a newer one supersedes offline.

A fact is (subject, attribute, value): "Caroline lives in Berlin" and "Caroline moved to
Lisbon" are both Caroline's *residence*, with different values, so the newer replaces the
older. Only attributes a person has one value of at a time are recognised; everything
else is never superseded offline (an LLM extractor says what it replaces itself).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The value: a few words, up to punctuation or a word that starts a new clause.
_VALUE = (
    r"(?P<value>[\w'’-]+(?: (?!(?:with|and|for|since|last|because|in|on|at|to|from|when|"
    r"after|before|but|as|who|which|where|while|so|now|recently|this|next|ago)\b)[\w'’-]+)"
    r"{0,3})"
)
_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "residence",
        re.compile(
            r"\b(?:lives|is living|resides|moved|has moved|relocated|has relocated|settled|"
            r"is based|is now based) (?:back )?(?:in|to) " + _VALUE,
            re.I,
        ),
    ),
    (
        "employer",
        re.compile(
            r"\b(?:works|is working|is employed|started working|now works) (?:at|for|by) "
            + _VALUE,
            re.I,
        ),
    ),
    ("occupation", re.compile(r"\b(?:works|is working|now works) as an? " + _VALUE, re.I)),
    (
        "relationship",
        re.compile(
            r"\b(?:is|got|is now) (?P<value>single|married|engaged|divorced|separated|widowed)\b",
            re.I,
        ),
    ),
    (
        "age",
        re.compile(r"\bis (?P<value>\d{1,3}) years old\b|\bturned (?P<value2>\d{1,3})\b", re.I),
    ),
    ("name", re.compile(r"\bname is " + _VALUE, re.I)),
]
_FAVOURITE = re.compile(r"\bfavou?rite (?P<attribute>[a-z]+(?: [a-z]+)?) is " + _VALUE, re.I)
_POSSESSIVE = re.compile(r"(?:'s|’s)$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Fact:
    subject: str
    attribute: str
    value: str


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" .,;:!?\"'").casefold()


def fact_of(text: str) -> Fact | None:
    """The single-valued fact ``text`` states, or None. The subject is what precedes the
    fact's verb (e.g. the speaker's name the extractor put first), without a possessive."""
    found: tuple[str, re.Match[str]] | None = None
    favourite = _FAVOURITE.search(text)
    if favourite:
        found = (f"favourite {_norm(favourite['attribute'])}", favourite)
    else:
        for attribute, pattern in _RULES:
            match = pattern.search(text)
            if match:
                found = (attribute, match)
                break
    if found is None:
        return None
    attribute, match = found
    value = next((v for k, v in match.groupdict().items() if k.startswith("value") and v), None)
    subject = _POSSESSIVE.sub("", _norm(text[: match.start()]))
    if not value or not subject or len(subject.split()) > 4:
        return None
    return Fact(subject, attribute, _norm(value))
