"""Reading a message with what is already known of its speaker.

A message that states no fact on its own may still change one that is known. Knowing
Kenji is 33, "Birthday today, 34 and feeling great" says he is 34. Knowing Holly's boss
is Jerome, "Jerome left for another company in May" ends that. Knowing Youssef studies
mechanical engineering, "now that I'm in aerospace engineering instead of mech" says what
he studies now. The other way round, a fact just stated lets an older message be read for
what it said in passing: once Nikolai is known to live in Tbilisi, "Living in Novosibirsk
means the winters are no joke" said where he lived before.

Every reading here needs the attribute to be known of the subject already, and a value of
that attribute's kind in the text. A reading of a newer message also needs a word that
says the value is new or the old one is over ("now", "new", "first day", "anymore",
"left", "sold"). A plan, a wish, a negation, a visit or another person's fact states
nothing here either. Readers of the values themselves are in ``fact_loose``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from memoryd.memory.fact_lexicon import OTHER_PERSON
from memoryd.memory.fact_loose import CHANGE, loose_value, may_say
from memoryd.memory.fact_parse_base import antecedent, parse, unreal
from memoryd.memory.fact_subjects import norm
from memoryd.memory.fact_values import canonical, same_value
from memoryd.memory.facts import Fact
from memoryd.memory.models import StatedFact

if TYPE_CHECKING:
    from spacy.tokens import Token

#: The attributes a message may be read for once one of their values is known.
FOLLOWED = (
    "residence",
    "employer",
    "occupation",
    "school",
    "major",
    "vehicle",
    "diet",
    "age",
    "manager",
    "relationship",
    "training_goal",
    "phone",
    "laptop",
    "name",
    *(
        f"favourite {thing}"
        for thing in "band food movie film book song artist singer album show series team "
        "club sport game drink colour color restaurant author city podcast player".split()
    ),
)


@dataclass(frozen=True, slots=True)
class Known:
    """A value known of the subject, and since when."""

    fact: StatedFact
    since: datetime


def later_facts(text: str, subject: str, known: Sequence[Known], at: datetime) -> list[Fact]:
    """What ``text`` (said at ``at``) changes of the ``known`` values of ``subject``: a new
    value, or the end of the known one."""
    if not known or text.endswith("?"):
        return []
    found: list[Fact] = []
    doc = None
    for k in known:
        fact = k.fact
        if fact.ends or fact.subject != subject:
            continue
        if fact.attribute == "age":
            aged = _aged(text, fact.value, (at - k.since).days)
            if aged is not None:
                found.append(Fact(subject, "age", aged, aged))
            continue
        named = _names_in(text, _value_words(fact.display or fact.value))
        if not (CHANGE.search(text) and may_say(text, fact.attribute)) and not named:
            continue  # nothing a reader of this attribute starts from: no parse
        doc = doc if doc is not None else parse(text)
        value = loose_value(doc, subject, fact.attribute, changed=True)
        if value is not None and not same_value(fact.attribute, canonical(value), fact.value):
            found.append(Fact(subject, fact.attribute, canonical(value), value))
        elif named and _ended(doc, subject, fact):
            found.append(Fact(subject, fact.attribute, fact.value, fact.display, ends=True))
    return found


def _names_in(text: str, words: set[str]) -> bool:
    """Whether ``text`` has a word of the value, or one of its stem (see ``_names_value``)."""
    if not words:
        return False
    stems = {w[:5] for w in words}
    return any(
        w in words or w[:5] in stems or any(v.startswith(w) for v in words)
        for w in (t.casefold() for t in _WORDS.findall(text))
        if len(w) >= 4 or w in words
    )


# What a newer message names as the value it replaces: "instead of econ", "traded the
# Mazda in for", "replaced Middlemarch as", "handed in my notice at Deloitte", "left
# teaching", "switched from keto to".
_STOP_WORD = (
    r"in|for|with|as|to|and|but|so|on|at|after|last|this|when|because|since|any|anymore|a|an|"
    r"the|while|ago|yesterday|today|recently|finally|now|yet|already|back|behind"
)


def _what(n: int) -> str:
    return rf"(?P<old{n}>[\w'’-]+(?: (?!(?:{_STOP_WORD})\b)[\w'’-]+){{0,3}})"


_THE = r"(?:(?:my|the|our|his|her|their|a|an|[\w-]+['’]s) )?(?:old |former |trusty |beloved )?"
_REPLACED = re.compile(
    rf"\binstead of {_THE}{_what(1)}|"
    rf"\bnot (?:at|in|with) {_THE}{_what(2)} any ?more|"
    rf"\b(?:traded|swapped|exchanged|replaced|sold|ditched|dropped|quit|left|leaving|"
    rf"resigned from|graduated from|transferred (?:out )?from|switched (?:over )?from|changed "
    rf"from|moved (?:away |out )?(?:from|of)|handed in (?:my|his|her|their|[\w-]+['’]s) "
    rf"notice at|no longer (?:at|in|with)) (?:in )?{_THE}{_what(3)}",
    re.I,
)


def replaced_value(text: str) -> str | None:
    """The value a newer message names as the one it replaces, if it names one."""
    for match in _REPLACED.finditer(text):
        said = next((g for g in match.groups() if g), None)
        if said and not _UNSAID.match(said):
            return said
    return None


_UNSAID = re.compile(r"^(?:it|that|this|them|him|her|one|home|work|school|job|the)\b", re.I)


def mentions(text: str, value: str, subject: str) -> bool:
    """Whether ``text`` names ``value`` (a word of it, or one of the same stem), as the
    subject's own rather than someone else's ("a friend from Deloitte")."""
    words = _value_words(value)
    if not words or subject not in norm(text):
        return False
    tokens = _WORDS.findall(text)
    for i, token in enumerate(tokens):
        word = token.casefold().removesuffix("'s").removesuffix("’s")
        stem = any(w == word or (len(word) >= 4 and w[:5] == word[:5]) for w in words)
        if stem and not OTHER_PERSON["they"].search(" ".join(tokens[max(0, i - 3) : i])):
            return True
    return False


def earlier_fact(text: str, subject: str, attribute: str, newer: str, days: int = 0) -> Fact | None:
    """The value of ``attribute`` that ``text``, said ``days`` before ``subject``'s
    ``newer`` value, stated in passing, when it is another one."""
    if text.endswith("?"):
        return None
    if attribute == "age":
        said = _said_age(text, newer, days)
        return Fact(subject, "age", said, said) if said is not None else None
    if not may_say(text, attribute):
        return None
    value = loose_value(parse(text), subject, attribute, changed=False)
    if value is None or same_value(attribute, canonical(value), newer):
        return None
    return Fact(subject, attribute, canonical(value), value)


# An age said in passing, in the forms only an age takes: "as a 58-year-old", "at 44 I
# should", "aged 30", "33 years old".
_AGE_SAID = re.compile(
    r"\b(?:(?P<a>\d{1,3})-year-old|aged (?P<b>\d{1,3})\b|(?P<c>\d{1,3}) years? old|"
    r"at (?P<d>\d{1,3})(?=,? (?:I|he|she|they|you)\b))",
    re.I,
)


def _said_age(text: str, newer: str, days: int) -> str | None:
    """The one age said in ``text`` that is a year or more short of ``newer`` and no more
    than the time between the two allows, of nobody else ("my son is 5")."""
    if not newer.isdigit():
        return None
    high, low = int(newer) - 1, int(newer) - max(1, math.ceil(days / 365.25))
    found = set()
    for match in _AGE_SAID.finditer(text):
        n = int(next(g for g in match.groups() if g))
        if low <= n <= high and not OTHER_PERSON["they"].search(text[: match.start()][-40:]):
            found.add(str(n))
    return found.pop() if len(found) == 1 else None


# --- an age one or a few years on ------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\d$£€#:/.,-])(?P<n>\d{1,3})(?P<th>st|nd|rd|th)?(?![\d:%.,/]\d|\s*(?:%|kg|km|k\b|"
    r"lbs?\b|pounds|miles?|mi\b|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years? ago|"
    r"am\b|pm\b|dollars|bucks|euros|people|times|x\b|-minute|-hour|-day|-week|%))",
    re.I,
)
_AGE_CUE = re.compile(
    r"\b(?:birthday|bday|b-day|turned|turns|years? old|yrs? old|yo|y/o|age|aged|as of|"
    r"officially|big \d-\d)\b|"
    # "at her 18th on Saturday": an ordinal of the subject's that is a birthday
    r"\b(?:my|his|her|[\w-]+['’]s) \d{1,3}(?:st|nd|rd|th)(?=\s*(?:birthday|bday|b-day|party|"
    r"on|last|this|yesterday|today|[.!,]|$))",
    re.I,
)
_NOT_NOW = re.compile(
    r"\b(?:if|when|once|would|could|might|will|'ll|'d|wish|hope|plan|planning|next|until|"
    r"by the time|in \w+ (?:years?|months?))\b",
    re.I,
)
# Where a number is an age without saying so: "I'm 34", "at 34", "34 now".
_AGE_BEFORE = re.compile(r"\b(?:i'm|i am|is|am|'s|at|turning|now)\s+$", re.I)
_AGE_AFTER = re.compile(r"\s*(?:now|already|this year|-year-old|yo\b|y/o)", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _aged(text: str, old: str, days: int) -> str | None:
    """The one age in ``text`` a year or more past ``old`` and no further on than the time
    between them allows, said as an age ("turned 34", "34 and feeling great", "her 18th on
    Saturday") and of nobody else ("my son turned 5")."""
    if not old.isdigit():
        return None
    low, high = int(old) + 1, int(old) + max(1, math.ceil(days / 365.25))
    found: set[str] = set()
    for sentence in _SENTENCE.split(text):
        if _NOT_NOW.search(sentence):
            continue
        cue = _AGE_CUE.search(sentence) is not None
        for match in _NUMBER.finditer(sentence):
            n = int(match["n"])
            before, after = sentence[: match.start()], sentence[match.end() :]
            said = cue or _AGE_BEFORE.search(before) or _AGE_AFTER.match(after)
            if said and low <= n <= high and not OTHER_PERSON["they"].search(before):
                found.add(str(n))
    return found.pop() if len(found) == 1 else None


# --- the end of a known value ------------------------------------------------------------

# Verbs that end a value their object (or, for the value's own subject, the value) names.
_ENDS_OBJECT = {
    attribute: frozenset(verbs.split())
    for attribute, verbs in {
        "residence": "leave move",
        "employer": "leave quit resign fire lay exit",
        "school": "leave quit graduate finish drop transfer",
        "major": "drop switch change leave quit ditch",
        "occupation": "leave quit retire",
        "vehicle": "sell trade swap scrap total wreck replace retire ditch",
        "diet": "stop quit drop ditch break end abandon",
        "manager": "replace",
        "training_goal": "finish complete smash cross hit nail achieve crush run do beat",
    }.items()
}
_ENDS_SUBJECT = {
    attribute: frozenset(verbs.split())
    for attribute, verbs in {
        "manager": "leave retire quit resign go move depart",
        "vehicle": "go die",
        "training_goal": "go happen",
    }.items()
}
# What a value is left through, besides a direct object: "resigned from Deloitte",
# "dropped out of Yale", "moved away from Leeds".
_END_PREPS = {
    "employer": ("prep:from",),
    "school": ("prep:from", "prep:of"),
    "residence": ("prep:from", "prep:of"),
    "major": ("prep:from",),
    "occupation": ("prep:from",),
}
_FAVOURED_OVER = frozenset("overtake replace dethrone beat knock".split())
_GONE = re.compile(r"\b(?:anymore|any more|no longer)\b", re.I)
_WORDS = re.compile(r"[^\W_][\w'’-]*")
_GENERIC = frozenset(
    """the a an of and at in for my his her their high school university college company
    corp inc ltd team club""".split()
)


def _ended(doc: object, subject: str, fact: StatedFact) -> bool:
    """Whether the parsed text says the known value is over: "Jerome left for another
    company", "sold the MT-07", "the vegan label doesn't fit me anymore", "the half went
    great", "instead of mech"."""
    words = _value_words(fact.display or fact.value)
    if not words:
        return False
    for token in doc:  # type: ignore[attr-defined]
        if not _names_value(token, words):
            continue
        if fact.attribute == "major" and _instead_of(token):
            return True
        verb, how = _governor(token)
        if verb is None or not _speaker_or_value(verb, subject, token):
            continue
        if _ends_through(verb, how, fact.attribute, doc):
            return True
    return False


def _ends_through(verb: Token, how: str, attribute: str, doc: object) -> bool:
    """Whether ``verb``, taking the value as ``how`` (see ``_governor``), ends it."""
    lemma = verb.lemma_.lower()
    if how == "owner":  # "took over Mr. Delgado's role"
        return attribute == "manager" and lemma == "take" and _taken_over(verb)
    if _GONE.search(_clause(verb)) and not _modal(verb):
        return True  # "not at Maersk anymore": negated on purpose
    if unreal(verb):
        return False
    if attribute == "training_goal" and lemma == "get" and _done(verb):
        return True  # "got the deadlift done"
    if attribute.startswith("favourite") and lemma in _FAVOURED_OVER and how == "object":
        return True
    taken = how in ("object", "passive") or how in _END_PREPS.get(attribute, ())
    if taken and lemma in _ENDS_OBJECT.get(attribute, ()) and _left_home(attribute, doc):
        return _past_for_goal(attribute, verb)
    if how == "subject" and lemma in _ENDS_SUBJECT.get(attribute, ()):
        return _past_for_goal(attribute, verb)
    return False


def _value_words(value: str) -> set[str]:
    return {
        w.casefold()
        for w in _WORDS.findall(value)
        if len(w) > 2 and w.casefold() not in _GENERIC and not w.isdigit()
    }


def _names_value(token: Token, words: set[str]) -> bool:
    """A word of the value, a short form of one ("mech" for "mechanical"), or one of the
    same stem ("teaching" for "teacher")."""
    word = token.lower_
    if word in words or token.lemma_.lower() in words:
        return True
    if len(word) < 4 or token.pos_ not in ("NOUN", "PROPN", "ADJ"):
        return False
    return any(w.startswith(word) or (len(word) >= 5 and w[:5] == word[:5]) for w in words)


def _instead_of(token: Token) -> bool:
    head = token.head
    return head.lower_ == "of" and head.head.lower_ == "instead"


def _governor(token: Token) -> tuple[Token | None, str]:
    """The verb whose argument the value's phrase is, and how: "subject", "passive",
    "object", "owner" (the value owns the argument: "Greg's manager quit"), "prep:from"
    (through a preposition: "graduated from Yale") or "other"."""
    node, owner = token, False
    for _ in range(5):
        owner = owner or node.dep_ == "poss"
        head = node.head
        if head.i == node.i:
            break
        if head.pos_ in ("VERB", "AUX") or (head.dep_ == "ROOT" and head.pos_ == "ADJ"):
            if owner:
                return head, "owner"
            how = {"nsubj": "subject", "nsubjpass": "passive", "dobj": "object"}
            if node.dep_ == "prep":
                return head, f"prep:{node.lower_}"
            return head, how.get(node.dep_, "other")
        node = head
    return None, "other"


def _speaker_or_value(verb: Token, subject: str, value: Token) -> bool:
    """Whether the verb is the speaker's doing (or the value's own: "Henrik retired"),
    not another person's ("my sister quit Deloitte")."""
    for child in verb.children:
        if child.dep_ not in ("nsubj", "nsubjpass"):
            continue
        if value.i in range(child.left_edge.i, child.right_edge.i + 1):
            return True
        if child.lower_ in ("he", "she"):
            return antecedent(child) == subject
        if child.lower_ in ("i", "we"):
            return True
        owner = next((c for c in child.children if c.dep_ == "poss"), None)
        if owner is not None or OTHER_PERSON["they"].search(child.text):
            return False
        return norm(child.text) == subject
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
        return _speaker_or_value(verb.head, subject, value)
    return True  # a dropped subject is the speaker's: "Left London last month"


def _done(verb: Token) -> bool:
    return any(c.lower_ in ("done", "finished", "completed") for c in verb.children)


def _taken_over(verb: Token) -> bool:
    return any(c.dep_ == "prt" and c.lower_ == "over" for c in verb.children)


def _modal(verb: Token) -> bool:
    return any(
        c.dep_ == "aux" and c.lower_ in ("might", "could", "would", "may") for c in verb.children
    )


def _clause(verb: Token) -> str:
    return verb.doc[verb.left_edge.i : verb.right_edge.i + 1].text


def _left_home(attribute: str, doc: object) -> bool:
    """Leaving a city is leaving home only when the text says so ("now living in",
    "moved", "for good"); "left London at 6am" is a trip."""
    if attribute != "residence":
        return True
    return bool(CHANGE.search(doc.text))  # type: ignore[attr-defined]


def _past_for_goal(attribute: str, verb: Token) -> bool:
    """A goal is over when it was done ("crossed the finish line", "the half went great"),
    not while it is going well ("the training is going great")."""
    return attribute != "training_goal" or verb.tag_ in ("VBD", "VBN")


def followed_keys(subjects: Sequence[str]) -> list[str]:
    """The fact keys to look up for what is known of ``subjects``."""
    return [f"{s}|{a}" for s in subjects for a in FOLLOWED]


__all__ = [
    "FOLLOWED",
    "Known",
    "earlier_fact",
    "followed_keys",
    "mentions",
    "replaced_value",
    "later_facts",
]
