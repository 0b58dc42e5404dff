"""Text in the plain form the frames are written in: tenses and contractions.

The frames spell out a verb in its simple forms ("moved to", "works as", "is at"). People
say the same with an auxiliary and an adverb in between: "has finally relocated to",
"has formally changed her major to", "has been working full-time as", "has been at
JetBrains since May". ``plain`` rewrites the opening of a predicate so the frame of the
simple form reads it:

* the present perfect is the simple past: "has (just) switched to" → "switched to",
  "has become" → "became"; "has" before anything that is not a participle stays ("has a
  Pixel");
* the present perfect of "be" is the present: "has been working as" → "is working as",
  "has been at" → "is at", "has been vegan" → "is vegan" (also with "has" left out, as
  chat does: "been at Klarna a few months now"); never "has been in" or "has
  been to", which are as often a stay as a home;
* an adverb that leaves the claim as it is goes ("formally", "quietly", "finally"); any
  other stays ("probably", "temporarily", "previously", "technically"), so a plan or a
  past is still read as one.

``uncontracted`` writes out an "'s" that stands for "is" ("my phone's a Pixel", "my
major's economics").
"""

from __future__ import annotations

import re

# Adverbs that leave what a clause claims as it is; any other ("probably", "temporarily",
# "previously", "technically", "presumably") stays, so a plan or a past reads as one.
_DROPPED = frozenset(
    "formally officially finally quietly recently just now also already since full-time "
    "happily proudly gladly newly eventually actually basically legally permanently fully "
    "successfully totally completely really sadly reluctantly suddenly openly seriously "
    "literally honestly".split()
)
_IRREGULAR = {
    "become": "became", "begun": "began", "gotten": "got", "taken": "took", "gone": "went",
    "driven": "drove", "given": "gave", "chosen": "chose", "grown": "grew", "fallen": "fell",
    "come": "came", "run": "ran", "written": "wrote", "ridden": "rode", "risen": "rose",
    "undertaken": "undertook", "overtaken": "overtook",
}  # fmt: skip
# Participles with the simple past's form that the frames use.
_SAME = frozenset(
    "bought sold left got found made quit set put met built spent won lost held led sent "
    "landed kept brought moved".split()
)
_AUXILIARY = frozenset(("has", "have", "'s", "’s", "'ve", "’ve"))
_BEEN_NEXT = re.compile(
    r"(?:[a-z]+ing|at|with|an?|single|married|engaged|divorced|vegan|vegetarian|pescatarian|"
    r"plant-based|based|settled)$"
)


# What is said before the deed it came to: "ended up buying", "caved and got", "went ahead
# and booked". What was done is the deed.
_GAVE_IN = (
    ("caved", "and"), ("gave", "in", "and"), ("went", "ahead", "and"),
    ("bit", "the", "bullet", "and"), ("took", "the", "plunge", "and"),
    ("pulled", "the", "trigger", "and"), ("finally", "caved", "and"),
)  # fmt: skip
_ING_PAST = {
    "buying": "bought", "getting": "got", "going": "went", "taking": "took",
    "leaving": "left", "selling": "sold", "making": "made", "finding": "found",
    "becoming": "became", "choosing": "chose", "running": "ran", "driving": "drove",
}  # fmt: skip


def _past_of(ing: str) -> str | None:
    if ing in _ING_PAST:
        return _ING_PAST[ing]
    if not ing.endswith("ing") or len(ing) < 6:
        return None
    stem = ing[:-3]
    if stem.endswith("y") and stem[-2] not in "aeiou":  # "marrying"
        return stem[:-1] + "ied"
    return stem + "ed"  # "moving" → "moved", "transferring" → "transferred"


def _done_at_last(words: list[str], n: int) -> str | None:
    """"ended up buying a Kia Niro" → "bought a Kia Niro"; "caved and got an iPhone" →
    "got an iPhone"; ``None`` when the predicate says no such thing."""
    if words[n : n + 2] == ["ended", "up"] and n + 2 < len(words):
        past = _past_of(words[n + 2])
        return " ".join([past, *words[n + 3 :]]) if past else None
    for lead in _GAVE_IN:
        if tuple(words[n : n + len(lead)]) == lead and n + len(lead) < len(words):
            return " ".join(words[n + len(lead) :])
    return None


def _skip_adverbs(words: list[str], n: int) -> int:
    while n < len(words) - 1 and words[n] in _DROPPED:
        n += 1
    return n


def plain(predicate: str) -> str:
    """``predicate`` with its opening auxiliary and adverbs in the frames' simple tense;
    ``predicate`` itself when there is nothing to rewrite."""
    words = predicate.split(" ")
    n = _skip_adverbs(words, 0)
    if (done := _done_at_last(words, n)) is not None:
        return done
    if words[n] == "been":  # "been at Klarna a couple of months now": "has" left out
        words.insert(n, "has")
    if words[n] in ("is", "are") and (m := _skip_adverbs(words, n + 1)) > n + 1:
        if words[m].endswith("ing"):  # "is officially practising as" → "is practising as"
            return " ".join([*words[n : n + 1], *words[m:]])
    if words[n] not in _AUXILIARY:
        return " ".join(words[n:]) if n and words[n - 1].endswith("ly") else predicate
    if n + 1 >= len(words):
        return predicate
    n = _skip_adverbs(words, n + 1)
    verb = words[n]
    if verb == "been" and n + 1 < len(words):
        n = _skip_adverbs(words, n + 1)
        if not _BEEN_NEXT.match(words[n]):
            return predicate
        rest = _skip_adverbs(words, n + 1) if words[n].endswith("ing") else n + 1
        return " ".join(["is", *words[n : n + 1], *words[rest:]])
    if verb in _IRREGULAR:
        return " ".join([_IRREGULAR[verb], *words[n + 1 :]])
    if verb.endswith("ed") or verb in _SAME:
        return " ".join(words[n:])
    return predicate


# "Dmitri's phone's a Galaxy S21": before an article, "'s" is "is", never a possessive.
# So is it after a noun that owns nothing said of it: "Isabela's major's mechanical
# engineering", "name's Kate now".
_IS_CONTRACTED = re.compile(
    # "my cousin's single now": a state, so "is"
    r"(\w)['’]s (a|an|the|(?:single|married|engaged|divorced|separated|widowed|vegan|vegetarian|"
    r"pescatarian)(?=\s*(?:[,.;:!?]|$)|\s+(?:now|again|too|since|for|and|these days|anymore)\b))"
    r"\b|\b(major|name|nickname|goal|target|diet)['’]s\b"
    r"(?!\s+\w+\s+(?:is|are|was|were|has|have)\b)"
)


def _is(match: re.Match[str]) -> str:
    if match[3]:
        return f"{match[3]} is"
    return f"{match[1]} is {match[2]}"


# "its officially her favourite film": "it's" typed without its apostrophe.
_ITS = re.compile(
    r"\b(?-i:its) (?=(?:officially|now|definitely|literally|really|just|been|gonna|a|an|the|"
    r"my|his|her|their|(?-i:[A-Z])[\w-]*['’]s)\b)"
)


def uncontracted(text: str) -> str:
    """``text`` with each "'s" that stands for "is" written out."""
    return _IS_CONTRACTED.sub(_is, _ITS.sub("it's ", text))
