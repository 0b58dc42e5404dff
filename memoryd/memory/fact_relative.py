"""What a relative clause says of whom it names: "the Pixel 8 Zofia switched to",
"with the ThinkPad X1 Carbon Uzma bought for the new year", "the Jeep Renegade Valentina
bought has more boot space than her old Panda".

A device or a vehicle someone bought, got or switched to is theirs now, wherever in the
sentence it stands. Not one bought for someone else ("the iPhone Sam bought for his
son", "the Tesla Sam bought his wife"), got rid of, ordered and not yet come, wanted,
rented or borrowed: only the verbs below say it is had, in a sentence that says nothing
of a wish, a condition, a rental, a loan or a loss.
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
    r"(?:just |finally |recently |eventually )?(?:bought|got(?! (?:rid|to|stolen|back)\b)|"
    r"switched to|upgraded to|traded up to|went with|settled on|ended up with|chose|leased)"
)
_RELATIVE = re.compile(
    rf"\b(?:the|that|this) (?:new )?(?P<thing>{_THING}) (?:that |which )?(?P<owner>{_OWNER}) "
    rf"{_HAD}\b(?P<after>.{{0,40}})",
    re.I,
)
# Bought for, or given to, someone else, or a thing of its own after the verb: "for his
# son", "his wife", "for Maya", "the twins", "at the airport rental desk".
_FOR_ANOTHER = re.compile(
    r"^\s*(?:(?:for |to )(?:his|her|their|my|our|him|them|(?-i:[A-Z])[\w’'-]+(?:['’]s)?)|"
    r"(?:his|her|their|him|them|the|a|an|(?-i:[A-Z])[\w’'-]+(?:['’]s)?))\b(?! own)",
)
# A sentence that says the thing is not had: a wish, a condition, a rental, a loan, a shop.
_NOT_HELD = re.compile(
    r"\b(?:if|would|could|might|will|wish\w*|want\w*|hop(?:e|es|ing)|rent\w*|borrow\w*|"
    r"loan\w*|loaner|test[- ]?dr\w*|dealer\w*|showroom|airport|hotel|returned|sold|stolen|"
    r"crashed|totalled|totaled|ordered|arriv\w*|ship\w*)\b|n't\b",
    re.I,
)


def owned_by_relative(text: str) -> Iterator[tuple[str, str, str]]:
    """(owner, attribute, thing) for each device or vehicle ``text`` says someone bought,
    got or switched to in a relative clause."""
    if _NOT_HELD.search(text):
        return
    for found in _RELATIVE.finditer(text):
        if _FOR_ANOTHER.match(found["after"]):
            continue
        thing = found["thing"]
        for attribute, kind in _KINDS:
            if kind.search(thing):
                yield found["owner"], attribute, thing
                break
