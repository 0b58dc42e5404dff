"""What a text says that is not the speaker's own fact however it reads: a world that is
not this one (a game, a story, what comes before "IRL"), someone else's quoted words, a
diet kept for an occasion, a manager standing in, a namesake."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from memoryd.memory.fact_lexicon import DIET_FOR_A_WHILE
from memoryd.memory.fact_subjects import norm

if TYPE_CHECKING:
    from memoryd.memory.facts import Fact

__all__ = ["in_fiction", "not_the_speakers", "real_part"]


# A sentence about a world that is not this one: a game, a story, a dream.
_FICTION = re.compile(
    r"^(?:In|On) (?:(?:my|our|the|this|his|her|their|(?-i:[A-Z])[\w-]+['’]s) )?(?:[\w&-]+ ){0,2}"
    r"(?:game|games|campaign|story|novel|dream|play|sim|simulation|role-?play|rpg|d&d|dnd|"
    r"fic|fanfic|script|screenplay|server|universe|metaverse)\b",
    re.I,
)
# A manager for a while or a piece of work: "for this sprint", "on the side project", "our
# interim manager while Luis is on leave", "covering his team".
_STANDING_IN = re.compile(
    r"\b(?:for (?:this|the|that) (?:sprint|project|quarter|migration|launch|release|week|month)|"
    r"on the (?:side )?project|side project|interim|temporar\w*|acting|covering|"
    r"while \w+ (?:is|'s|’s) (?:on|out|away|off))\b",
    re.I,
)


def _kept_for_a_while(text: str) -> dict[str, int]:
    """How many times each diet is said as kept for an occasion or a set time."""
    kept: dict[str, int] = {}
    for found in DIET_FOR_A_WHILE.finditer(text):
        diet = found["diet"].casefold()
        kept[diet] = kept.get(diet, 0) + 1
    return kept


# …or says so further on: "I'm officially 40 as of Saturday in the board game".
_IN_FICTION = re.compile(
    r"\b(?:in|inside) (?:the|my|our|a|this|that) (?:board game|video game|card game|game I'm "
    r"playing|campaign|story|novel|dream|role-?play|rpg|simulation|fanfic|screenplay)\b"
    r"(?! (?:industry|company|studio|studios|shop|store|department|business|sector|world "
    r"cup|design|development|dev|tester|testing|jam)\b)",
    re.I,
)


def in_fiction(text: str) -> bool:
    """Whether ``text`` is set in a game, a story or a dream ("In her D&D game…", "…in
    the board game")."""
    return _FICTION.match(text) is not None or _IN_FICTION.search(text) is not None


# What someone else says the speaker did, in quotes ("keeps saying "you traded in for a
# BMW?"", "Rumor in the office is I "switched to a Razer Blade""), and what is not real
# life ("In Gran Turismo I just switched to a Porsche 911 — IRL still in the Outback").
_REPORTED_QUOTE = re.compile(
    r"\b(?:saying|says|said|asked|asks|asking|joked|jokes|claims?|claimed|wrote|texted|"
    r"goes|went|rumou?rs?|gossip)\b[^\"“”]{0,30}?[\"“](?P<quote>[^\"“”]{1,200})[\"”]",
    re.I,
)
_REAL_LIFE = re.compile(r"\b(?:IRL|irl|in real life)\b")


def real_part(text: str) -> str:
    """``text`` without someone else's quoted words and without what it says is not real
    life (all before an "IRL"), each left as "…"."""
    spans = [m.span("quote") for m in _REPORTED_QUOTE.finditer(text)]
    if real := _REAL_LIFE.search(text):
        spans.append((0, real.start()))
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + "…" + text[end:]
    return text


_NAMED_SO = re.compile(r"\b(?P<rel>[a-z][\w-]*) (?:named|called) (?P<name>(?-i:[A-Z])[\w-]+)")


def _not_the_namesakes(found: list[Fact], text: str) -> list[Fact]:
    """``found`` without what the parse gives a bare name that the text says is someone
    else's: "A coworker named Guillermo goes by Willy" is the coworker's (read as "coworker
    guillermo"), not the speaker Guillermo's."""
    theirs = {
        (norm(m["name"]), g.attribute, g.value)
        for m in _NAMED_SO.finditer(text)
        for g in found
        if g.subject.endswith(" " + norm(m["name"])) and m["rel"] in g.subject.split()
    }
    return [f for f in found if (f.subject, f.attribute, f.value) not in theirs]


_MEATLESS = re.compile(
    r"\b(?:plant-based (?:one|burger|steak|sausage|version|patty)|beyond (?:burger|meat)|"
    r"impossible (?:burger|whopper)|meatless|meat-free|tofu|seitan|fake meat|mock meat|"
    r"(?:vegan|veggie) (?:one|burger|steak|sausage|version|patty)|a plant-based)\b",
    re.I,
)


def not_the_speakers(found: list[Fact], text: str) -> list[Fact]:
    """``found`` without what ``text`` says only of an occasion, a stand-in or a namesake:
    a plant-based "first burger in years", "keto for a month before the wedding", "for
    this sprint I'm reporting to Kai", "a coworker named Guillermo goes by Willy"."""
    if _MEATLESS.search(text):  # "his first burger in years, a plant-based one"
        found = [f for f in found if not (f.attribute == "diet" and f.value == "eats meat")]
    for diet, kept in _kept_for_a_while(text).items():  # "keto for a month before a wedding"
        if text.casefold().count(diet) == kept:  # said only of the occasion
            found = [f for f in found if f.attribute != "diet" or f.ends or diet not in f.value]
    found = _not_the_namesakes(found, text)
    if _STANDING_IN.search(text):  # "for this sprint I'm reporting to Kai"
        found = [f for f in found if f.attribute != "manager" or f.ends]
    return found
