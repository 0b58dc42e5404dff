"""Reading a message with what is already known of its speaker.

A message that states no fact on its own may still change one that is known. Knowing
Kenji is 33, "Birthday today, 34 and feeling great" says he is 34. Knowing Holly's boss
is Jerome, "Jerome left for another company in May" ends that. Knowing Youssef studies
mechanical engineering, "now that I'm in aerospace engineering instead of mech" says what
he studies now. The other way round, a fact just stated lets an older message be read for
what it said in passing: once Nikolai is known to live in Tbilisi, "Living in Novosibirsk
means the winters are no joke" said where he lived before.

Every reading here is of one attribute the subject is known to have a value of (from an
older statement, or from the newer one when an older message is read), and needs a value
of that attribute's kind in the text. A reading of a newer message also needs a word that
says the value is new or the old one is over ("now", "new", "first day", "anymore",
"left", "sold"), or, for an age, a birthday or the age said of the subject. A plan, a
wish, a negation, a visit or another person's fact states nothing here either. Readers of
the values themselves are in ``fact_loose``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from memoryd.memory.fact_frames import Frame
from memoryd.memory.fact_lexicon import DIETS, LAPTOP, OTHER_PERSON, PHONE, VEHICLE
from memoryd.memory.fact_loose import CHANGE, loose_value, may_say
from memoryd.memory.fact_parse_base import ORG_KIND, PLACE_KIND, VISIT, antecedent, parse, unreal
from memoryd.memory.fact_subjects import norm
from memoryd.memory.fact_values import canonical, checked, role, same_value
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
            aged = _aged(text, subject, fact.value, (at - k.since).days)
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
# How a newer message names what it replaces, and of which attributes it can be said.
_SWITCHED = r"switched (?:over )?from|changed from|replaced|no longer (?:at|in|with)"
_NOTICE = r"handed in (?:my|his|her|their|[\w-]+['’]s) notice at"
_SCHOOL_LEFT = r"left|graduated from|transferred (?:out )?from|dropped out of"
_REPLACED: tuple[tuple[re.Pattern[str], frozenset[str] | None], ...] = tuple(
    (re.compile(rf"\b(?:{verbs}) {_THE}{_what(1)}{tail}", re.I), kinds)
    for verbs, tail, kinds in (
        ("instead of", "", None),
        ("not (?:at|in|with)", " any ?more", None),
        (_SWITCHED, "", None),
        ("traded|swapped|exchanged|sold", "", frozenset({"vehicle", "phone", "laptop"})),
        ("ditched|dropped|quit|gave up", "", frozenset({"diet", "major", "training_goal"})),
        (f"left|leaving|quit|resigned from|{_NOTICE}", "", frozenset({"employer", "occupation"})),
        (_SCHOOL_LEFT, "", frozenset({"school"})),
        ("moved (?:away |out )?(?:from|of)", "", frozenset({"residence"})),
        ("left", ",? (?:last|this|in|and|for good|to move|now)", frozenset({"home"})),
    )
)
_HOME_LEFT = frozenset({"home"})
_SHORT_FIELDS = frozenset(
    "econ bio biochem chem mech compsci cs psych stats maths math physics polisci poli-sci "
    "philosophy history english law nursing medicine premed pre-med finance marketing".split()
)


def replaced_value(text: str, attribute: str) -> str | None:
    """The value of ``attribute`` a newer message names as the one it replaces, if it
    names one of that attribute's kind ("instead of econ", "traded the Mazda in")."""
    moved = _MOVED.search(text) is not None
    for pattern, attributes in _REPLACED:
        if attributes == _HOME_LEFT and attribute == "residence" and moved:
            pass  # "Left London last month, now living in Edinburgh"
        elif attributes is not None and attribute not in attributes:
            continue
        for match in pattern.finditer(text):
            said = match["old1"]
            if said and not _UNSAID.match(said) and of_kind(attribute, said):
                return said
    return None


def of_kind(attribute: str, value: str) -> bool:
    """Whether ``value`` may be a value of ``attribute`` (a name for a place, a company, a
    school or a person; a field, a diet, a make, a title, a race)."""
    name = value[:1].isupper()
    kinds = {
        "residence": lambda: name and checked(PLACE_KIND, value) is not None,
        "employer": lambda: name and checked(ORG_KIND, value) is not None,
        "school": lambda: name,
        "manager": lambda: name,
        "occupation": lambda: role(value) is not None or _LINE_OF_WORK.fullmatch(value) is not None,
        "major": lambda: value.casefold() in _SHORT_FIELDS or checked(_FIELD, value) is not None,
        "diet": lambda: _DIET_WORD.fullmatch(value.casefold()) is not None,
        "vehicle": lambda: VEHICLE.search(value) is not None,
        "phone": lambda: PHONE.search(value) is not None,
        "laptop": lambda: LAPTOP.search(value) is not None,
        "training_goal": lambda: _RACE_WORD.search(value) is not None,
    }
    if attribute.startswith("favourite "):
        return True
    check = kinds.get(attribute)
    return bool(check()) if check is not None else False


_FIELD = Frame("major", re.compile(""), "academic")
_LINE_OF_WORK = re.compile(r"[a-z]+ing")  # "left teaching", "quit nursing"
_UNSAID = re.compile(r"^(?:it|that|this|them|him|her|one|home|work|school|job|the)\b", re.I)
_DIET_WORD = re.compile(rf"(?:{DIETS})(?: diet)?")
_RACE_WORD = re.compile(
    r"\b(?:marathon|half|triathlon|ultra|ironman|10k|5k|deadlift|squat|bench)\b", re.I
)


def mentions(text: str, value: str, subject: str) -> bool:
    """Whether ``text`` is the subject's and names ``value`` whole (a name with its
    capital, or with a model number run on: "Mazda3"; a word in lower case also in a
    short form or of the same stem), not as someone else's ("a friend from Deloitte")."""
    if not re.search(rf"(?<![\w'’]){re.escape(subject)}(?![\w])", norm(text)):
        return False  # "Samantha" is not Sam
    first = value.split()[0]
    name = first[:1].isupper()
    if name:
        rest = "".join(rf"\s+{re.escape(w)}" for w in value.split()[1:])
        # with a model number ("Mazda3") or as a demonym ("a Londoner")
        pattern = rf"\b{re.escape(first)}(?:\d*|ers?|ians?|ites?){rest}\b"
    else:
        stem = re.escape(first[:5]) if len(first) >= 5 else re.escape(first)
        pattern = rf"(?i:\b{stem}\w*)"
    for found in re.finditer(pattern, text):
        before = text[max(0, found.start() - 40) : found.start()]
        opens = not before.strip() or before.rstrip().endswith((".", "!", "?", ":"))
        if not name and found.group(0)[:1].isupper() and not opens:
            continue  # "Seattle" is no "seat"
        if not OTHER_PERSON["they"].search(before):
            return True
    return False


def earlier_fact(text: str, subject: str, attribute: str, newer: str, days: int = 0) -> Fact | None:
    """The value of ``attribute`` that ``text``, said ``days`` before ``subject``'s
    ``newer`` value, stated in passing, when it is another one."""
    if text.endswith("?"):
        return None
    if attribute == "age":
        said = _said_age(text, subject, newer, days)
        return Fact(subject, "age", said, said) if said is not None else None
    if not may_say(text, attribute):
        return None
    value = loose_value(parse(text), subject, attribute, changed=False)
    if value is None or same_value(attribute, canonical(value), newer):
        return None
    return Fact(subject, attribute, canonical(value), value)


# An age said in passing, in the forms only a person's age takes: "as a 58-year-old",
# "at 44 I should", "aged 30", "Sam is 33 years old".
_AGE_SAID = re.compile(
    r"\b(?:an? (?P<a>\d{1,3})-year-old|aged (?P<b>\d{1,3})\b|"
    r"at (?P<d>\d{1,3})(?=,? (?:I|he|she|they)\b))",
    re.I,
)


def _said_age(text: str, subject: str, newer: str, days: int) -> str | None:
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
    for match in _NUMBER.finditer(text):  # "Sam is 33", "she's 33 years old"
        n = int(match["n"])
        if low <= n <= high and _own_age(text[max(0, match.start() - 60) : match.start()], subject):
            found.add(str(n))
    return found.pop() if len(found) == 1 else None


# --- an age one or a few years on ------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\d$£€#:/.,-])(?P<n>\d{1,3})(?P<th>st|nd|rd|th)?(?![\d:%.,/]\d|\s*(?:%|kg|km|k\b|"
    r"lbs?\b|pounds|miles?|mi\b|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years? ago|"
    r"am\b|pm\b|dollars|bucks|euros|people|times|x\b|-minute|-hour|-day|-week|%))",
    re.I,
)
# A birthday said as one: "birthday today, 34", "turned 34", "at her 18th on Saturday".
_BIRTHDAY = re.compile(
    r"\b(?:birthday|bday|b-day|turned|turns|big \d-\d)\b|"
    r"\b(?:my|his|her|[\w-]+['’]s) \d{1,3}(?:st|nd|rd|th)(?=\s*(?:birthday|bday|b-day|party|"
    r"on|last|this|yesterday|today|[.!,]|$))",
    re.I,
)
_NOT_NOW = re.compile(
    r"\b(?:if|when|once|would|could|might|will|'ll|'d|wish|hope|plan|planning|next|until|"
    r"by the time|in \w+ (?:years?|months?))\b",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
# Things that have an age of their own: "my car is 34 years old", "the house is 33".
_AGED_THING = re.compile(
    r"\b(?:car|truck|house|home|flat|apartment|building|dog|cat|pet|company|business|"
    r"bike|phone|laptop|tree|team|club|it|this|that)\b",
    re.I,
)


def _own_age(before: str, subject: str) -> bool:
    """Whether the words before a number make it the subject's age: "Sam is 34",
    "she's 34 now", "I'm 34"."""
    whom = rf"(?:{re.escape(subject)}|he|she|i)"
    said = re.search(
        rf"\b{whom}(?:['’]s| is| am|['’]m)(?: now| officially| finally| already| just)?\s+$",
        before,
        re.I,
    )
    return said is not None


def _aged(text: str, subject: str, old: str, days: int) -> str | None:
    """The one age in ``text`` a year or more past ``old`` and no further on than the time
    between them allows, said as the subject's age ("turned 34", "birthday today, 34",
    "her 18th on Saturday", "I'm 34 now") and of nobody and nothing else ("my son turned
    35", "my car is 34 years old", "it's 34 degrees")."""
    if not old.isdigit():
        return None
    low, high = int(old) + 1, int(old) + max(1, math.ceil(days / 365.25))
    found: set[str] = set()
    for sentence in _SENTENCE.split(text):
        if _NOT_NOW.search(sentence):
            continue
        birthday = _BIRTHDAY.search(sentence) is not None
        for match in _NUMBER.finditer(sentence):
            n = int(match["n"])
            before = sentence[max(0, match.start() - 60) : match.start()]
            if not low <= n <= high or OTHER_PERSON["they"].search(before):
                continue
            if _own_age(before, subject) or (birthday and not _AGED_THING.search(before)):
                found.add(str(n))
    return found.pop() if len(found) == 1 else None


# --- the end of a known value ------------------------------------------------------------


def _verbs(table: dict[str, str]) -> dict[str, frozenset[str]]:
    return {attribute: frozenset(verbs.split()) for attribute, verbs in table.items()}


# Verbs that end a value their object (or, for the value's own subject, the value) names.
_ENDS_OBJECT = _verbs(
    {
        "residence": "leave move",
        "employer": "leave quit resign fire lay exit",
        "school": "leave quit graduate finish drop transfer",
        "major": "drop switch change leave quit ditch",
        "occupation": "leave quit retire",
        "vehicle": "sell trade swap scrap total wreck replace retire ditch",
        "diet": "stop quit drop ditch break end abandon",
        "manager": "replace",
        "training_goal": "finish complete smash cross hit nail achieve crush run do beat",
    }
)
_ENDS_SUBJECT = _verbs(
    {
        "manager": "leave retire quit resign go move depart",
        "vehicle": "go",
        "training_goal": "go happen",
    }
)
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
    if fact.attribute in ("vehicle", "phone", "laptop") and _gone(doc.text, words):  # type: ignore[attr-defined]
        return True
    proper = (fact.display or fact.value)[:1].isupper()
    for token in doc:  # type: ignore[attr-defined]
        if not _names_value(token, words, proper):
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
    if unreal(verb) or how == "modifier":
        return False
    if attribute == "training_goal" and lemma == "get" and _done(verb):
        return True  # "got the deadlift done"
    if attribute.startswith("favourite") and lemma in _FAVOURED_OVER and how == "object":
        return True
    taken = how in ("object", "passive") or how in _END_PREPS.get(attribute, ())
    if taken and lemma in _ENDS_OBJECT.get(attribute, ()) and _left_home(attribute, verb):
        return _past_for_goal(attribute, verb)
    if how == "subject" and lemma in _ENDS_SUBJECT.get(attribute, ()):
        return _past_for_goal(attribute, verb) and _left_home(attribute, verb)
    return False


def _value_words(value: str) -> set[str]:
    return {
        w.casefold()
        for w in _WORDS.findall(value)
        if len(w) > 2 and w.casefold() not in _GENERIC and not w.isdigit()
    }


def _gone(text: str, words: set[str]) -> bool:
    """ "the outback's gone", "my iPhone is dead", "the Civic was totaled"."""
    said = "|".join(re.escape(w) for w in sorted(words))
    return (
        re.search(
            rf"\b(?:{said})(?:['’]s| is| was| has been| got)(?: finally| officially)? "
            r"(?:gone|history|dead|totaled|totalled|written off|sold|no more)\b",
            text,
            re.I,
        )
        is not None
    )


def _names_value(token: Token, words: set[str], proper: bool = False) -> bool:
    """A word of the value; for a value in lower case (a field, a title) also a short form
    ("mech" for "mechanical") or a word of the same stem ("teaching" for "teacher"). A
    name matches only whole or with a model number run on ("Mazda3")."""
    word = token.lower_
    if word in words or token.lemma_.lower() in words:
        return True
    if len(word) < 4 or token.pos_ not in ("NOUN", "PROPN", "ADJ"):
        return False
    if proper or (token.text[:1].isupper() and token.i > token.sent.start):
        # a name: whole, or with a model number run on ("Mazda3"), never "seat" for Seattle
        return any(word.startswith(w) and word[len(w) :].isdigit() for w in words)
    return any(w.startswith(word) or (len(word) >= 5 and w[:5] == word[:5]) for w in words)


def _instead_of(token: Token) -> bool:
    head = token.head
    return head.lower_ == "of" and head.head.lower_ == "instead"


def _governor(token: Token) -> tuple[Token | None, str]:
    """The verb whose argument the value's phrase is, and how: "subject", "passive",
    "object", "owner" (the value owns the argument: "Greg's manager quit"), "prep:from"
    (through a preposition: "graduated from Yale") or "other"."""
    node, owner, modifier = token, False, False
    for _ in range(5):
        owner = owner or node.dep_ == "poss"
        head = node.head
        if head.i == node.i:
            break
        if node.dep_ in ("compound", "amod", "nmod") and not _same_phrase(node, head):
            if head.lemma_.lower() not in _GOAL_NOUNS:
                # "quit the keto subreddit", "sold Civic parts": the value only describes
                # what the verb takes ("the vegan label doesn't fit me anymore" still says
                # the value is over)
                modifier = True
        if head.pos_ in ("VERB", "AUX") or (head.dep_ == "ROOT" and head.pos_ == "ADJ"):
            if owner:
                return head, "owner"
            if modifier:
                return head, "modifier"
            how = {"nsubj": "subject", "nsubjpass": "passive", "dobj": "object"}
            if node.dep_ == "prep":
                return head, f"prep:{node.lower_}"
            return head, how.get(node.dep_, "other")
        node = head
    return None, "other"


# What a goal's word may modify and still be the goal: "crossed the half finish line".
_GOAL_NOUNS = frozenset("line finish race goal".split())


def _same_phrase(node: Token, head: Token) -> bool:
    """Whether ``head`` is part of the same name as ``node`` ("Subaru Outback")."""
    return head.pos_ == "PROPN" and node.pos_ == "PROPN"


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


def _left_home(attribute: str, verb: Token) -> bool:
    """Whether leaving is for good: leaving a city only when the text says it moved
    ("now living in", "moved", "for good"); no leaving for a time, a trip or the day
    ("left London at 6am", "left Acme at 5pm today", "left for a conference")."""
    clause = _clause(verb)
    if verb.lemma_.lower() == "leave" and (_FOR_A_TIME.search(clause) or VISIT.search(clause)):
        return False
    return attribute != "residence" or bool(_MOVED.search(verb.doc.text))


_FOR_A_TIME = re.compile(
    r"\b(?:at \d|\d{1,2}(?::\d\d)?\s*(?:am|pm)|today|tonight|early|late|this (?:morning|"
    r"afternoon|evening|week)|for (?:lunch|the day|the night|the weekend|a (?:bit|while|"
    r"week|month|few)|work|vacation|holiday|a conference|a trip|a meeting))\b",
    re.I,
)
_MOVED = re.compile(
    r"\b(?:moved|relocated|for good|now liv\w+|living in|new (?:place|home|apartment|flat|"
    r"city)|settled)\b",
    re.I,
)


def _past_for_goal(attribute: str, verb: Token) -> bool:
    """A goal is over when it was done ("crossed the finish line", "the half went great"),
    not while it is going well ("the training is going great"); a car is gone when it is
    "gone", not when it "went in for a new clutch"."""
    if attribute == "vehicle" and verb.lemma_.lower() == "go":
        return verb.lower_ == "gone" and not any(c.dep_ in ("prep", "prt") for c in verb.children)
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
    "of_kind",
    "replaced_value",
    "later_facts",
]
