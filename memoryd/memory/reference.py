"""Whom a sentence refers to besides its speaker: the person the turn just named (for a
"He"/"She" that opens the next sentence) and the listener it addresses ("Thanks, Melanie!",
"Jon, I'll watch your routine"), who is neither that person nor part of what is said.
"""

from __future__ import annotations

import re

from memoryd.memory.names import gender_of, is_first_name

_NAMED = re.compile(r"(?<![.!?]\s)(?<!^)\b(?-i:[A-Z])[a-z]+(?:-[A-Za-z]+)?\b|^(?-i:[A-Z])[a-z]+\b")
_LEADING_PRONOUN = re.compile(r"^(?P<pronoun>He|She|His|Her)(?P<verb>'s|’s)?\b")


# A name the speaker addresses ("Thanks, Melanie!", "Hey Jon", "Melanie, look", "...,
# Jon!"): the listener, whom a later "she" or "he" does not mean.
_VOCATIVE = re.compile(
    r"(?:^|[,;]\s*|\b(?:hi|hey|hello|hiya|thanks|thank you|thx|congrats|congratulations|yo|"
    r"dear|bye|cheers|sorry|go|love you|miss you|morning|night)\b,?\s+)"
    r"(?-i:[A-Z])[a-z]+(?=\s*(?:[,!?.;:]|\s[-–—]\s|$))",
    re.I,
)


_GREETINGS = ("hi", "hey", "hello", "hiya", "thanks", "congrats", "yo", "dear", "sorry", "wow")


def addressed(sentence: str) -> set[int]:
    """Where the names the speaker addresses in ``sentence`` start."""
    return {
        m.end() - len(m.group(0).split()[-1].lstrip(",;")) for m in _VOCATIVE.finditer(sentence)
    }


# "Jon, I'll ...", "Melanie, that's ...": a name before what is said to its bearer (not
# "Paris, the city of light, was lovely").
_LEADING_ADDRESS = re.compile(
    r"^(?P<name>(?-i:[A-Z])[a-z]+)\s*[,!]\s+(?=(?:i|i'm|i've|i'll|i'd|we|we're|we've|you|"
    r"you're|you've|your|that|that's|this|it|it's|thanks|thank|congrats|so|how|what|please|"
    r"let's|don't|glad|sure|wow|hope|can|could|would|will|did|do|are|have|just|yes|yeah|"
    r"ok|okay|sounds|looks|guess)\b)",
    re.I,
)
_TRAILING_ADDRESS = re.compile(
    r"(?P<before>\w+),\s*(?P<name>(?-i:[A-Z])[a-z]+)\s*(?P<end>[.!?]*)\s*$"
)
# "my friend, Sara.": a name after one of these is who they are, not the listener.
_APPOSED = frozenset(
    "friend friends sister brother mom mum dad mother father boss partner wife husband son "
    "daughter cousin aunt uncle neighbor neighbour colleague coworker roommate named called "
    "girlfriend boyfriend fiance fiancee teacher coach manager baby puppy dog cat kitten pet "
    "horse twins kid child grandson granddaughter niece nephew doctor therapist".split()
)


def without_address(sentence: str) -> str:
    """``sentence`` without the name of the listener it opens or ends with ("Jon, I'll
    watch your routine!", "… with my business, Jon."): who is spoken to is not part of
    what is said."""
    lead = _LEADING_ADDRESS.match(sentence)
    if lead and is_first_name(lead["name"]):
        rest = sentence[lead.end() :]
        sentence = rest[:1].upper() + rest[1:]
    tail = _TRAILING_ADDRESS.search(sentence)
    if tail and is_first_name(tail["name"]) and tail["before"].casefold() not in _APPOSED:
        sentence = sentence[: tail.start("before") + len(tail["before"])] + (tail["end"] or ".")
    return sentence


def last_person(sentence: str, speaker: str) -> str | None:
    """The last person other than the speaker named in ``sentence``, by given name; not
    one the speaker only addresses."""
    own = speaker.split()[0].casefold() if speaker.split() else ""
    listener = addressed(sentence)
    names = [
        m.group(0)
        for m in _NAMED.finditer(sentence)
        if m.group(0).casefold() not in (own, *_GREETINGS) and m.start() not in listener
    ]
    return next((n for n in reversed(names) if is_first_name(n.split("-")[0])), None)


def resolve_pronoun(sentence: str, antecedent: str | None) -> str:
    """A sentence that opens with "He"/"She" standing for the person the turn named just
    before ("Omar switched jobs! He's at Bosch now") names them, so the memory stands on
    its own; only when the name's gender agrees with the pronoun."""
    match = _LEADING_PRONOUN.match(sentence)
    if match is None or antecedent is None:
        return sentence
    guess = gender_of(antecedent.split("-")[0])
    wanted = "male" if match["pronoun"] in ("He", "His") else "female"
    if guess not in (wanted, f"mostly_{wanted}", "andy"):
        return sentence
    rest = sentence[match.end() :]
    if match["pronoun"] in ("His", "Her"):  # "His teacher says" → "Eli's teacher says"
        return f"{antecedent}'s{rest}"
    if match["verb"]:  # "He's at Bosch" / "She's been": is or has
        verb = "has" if re.match(r"\s+(?:been|got|gotten|had)\b", rest) else "is"
        return f"{antecedent} {verb}{rest}"
    return f"{antecedent}{rest}"
