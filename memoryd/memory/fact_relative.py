"""What a relative clause says of whom it names: "the Pixel 8 Zofia switched to",
"with the ThinkPad X1 Carbon Uzma bought for the new year", "the Jeep Renegade Valentina
bought has more boot space than her old Panda".

A device or a vehicle someone bought, got or switched to is theirs now, wherever in the
sentence it stands. Not one bought for someone else ("the iPhone Sam bought for his
son", "the Tesla Sam bought his wife"), nor one wanted, rented or borrowed: only the
verbs below say it is had.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from memoryd.memory.fact_lexicon import LAPTOP, PHONE, VEHICLE

__all__ = ["owned_by_relative"]

_KINDS = (("vehicle", VEHICLE), ("phone", PHONE), ("laptop", LAPTOP))
_THING = r"(?-i:[A-Z0-9])[\w.+-]*(?: (?-i:[A-Z0-9])[\w.+-]*| [a-z]?\d[\w+-]*){0,4}"
_OWNER = r"(?-i:[A-Z])[\w’'-]+(?: (?-i:[A-Z])[\w’'-]+)?"
_HAD = (
    r"(?:just |finally |recently |eventually )?(?:bought|got|switched to|picked up|"
    r"upgraded to|traded up to|went with|settled on|ended up with|chose|leased|ordered)"
)
_RELATIVE = re.compile(
    rf"\b(?:the|that|this) (?:new )?(?P<thing>{_THING}) (?:that |which )?(?P<owner>{_OWNER}) "
    rf"{_HAD}\b(?P<after>.{{0,40}})",
    re.I,
)
# Bought for, or given to, someone else: "for his son", "his wife", "for Maya".
_FOR_ANOTHER = re.compile(
    r"^\s*(?:for )?(?:his|her|their|my|our|him|them|(?-i:[A-Z])[\w’'-]+(?:['’]s)?)\b(?! own)",
)


def owned_by_relative(text: str) -> Iterator[tuple[str, str, str]]:
    """(owner, attribute, thing) for each device or vehicle ``text`` says someone bought,
    got or switched to in a relative clause."""
    for found in _RELATIVE.finditer(text):
        if _FOR_ANOTHER.match(found["after"]):
            continue
        thing = found["thing"]
        for attribute, kind in _KINDS:
            if kind.search(thing):
                yield found["owner"], attribute, thing
                break
