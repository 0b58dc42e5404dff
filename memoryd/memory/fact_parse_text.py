"""Facts read across a whole parsed text rather than from one verb: a favourite, an
owner's car, "a new X" beside the one value of its kind, a home, an age said up front.
The clause-level reading and the gate that decides what is parsed are in ``fact_parse``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from memoryd.memory.fact_lexicon import BORROWED, SCHOOL, VEHICLE
from memoryd.memory.fact_parse_base import (
    FUTURE,
    ORG_KIND,
    PLACE_KIND,
    SCHOOL_KIND,
    VISIT,
    antecedent,
    entities,
    person,
    phrase,
    place_in,
    possessor,
    unreal,
    vehicle_in,
)
from memoryd.memory.fact_subjects import norm
from memoryd.memory.fact_values import checked, favourite, role
from memoryd.memory.names import is_first_name

if TYPE_CHECKING:
    from spacy.tokens import Token


def favourites(verb: Token) -> Iterator[tuple[str, str, str]]:
    """ "Piranesi is Connor's favourite book now", "ramen has overtaken biryani as Ahmed's
    favourite food", "finished Piranesi and it's officially his favourite book": the
    favourite is the verb's subject (for "it", what the clause before was about)."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects or verb.tag_ in ("VBD",) and verb.lemma_ == "be":
        return
    things = [c for c in verb.children if c.dep_ in ("attr", "oprd")]
    things += [
        o for p in verb.children if p.dep_ == "prep" and p.lower_ == "as" for o in p.children
    ]
    for thing in things:
        liked = [c for c in thing.children if c.lower_ in ("favourite", "favorite")]
        owner = next((c for c in thing.children if c.dep_ == "poss"), None)
        if not liked or owner is None:
            continue
        whose = (
            person(owner)
            if owner.pos_ == "PROPN"
            else (antecedent(owner) if owner.lower_ in ("his", "her") else None)
        )
        value = _favoured(subjects[0])
        if whose and value and norm(value) != whose:
            yield whose, favourite(thing.text), value


# "As a 41-year-old, Haruka feels …": the age of whom the sentence is about.
AGED = re.compile(
    r"^As an? (?P<age>\d{2,3})[- ]year[- ]old(?: [a-z]+)?,?\s+"
    r"(?P<name>(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]+)\b(?!['’])"
)
# "As a biology major, Zainab …", "As a nurse, Omar …": what someone is, said up front.
AS_A = re.compile(
    r"^As an? (?P<what>[a-z][\w-]*(?: [a-z][\w-]*){0,3}),?\s+"
    r"(?P<name>(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]+)\b(?!['’])"
)


def said_up_front(text: str) -> Iterator[tuple[str, str, str]]:
    """An age, a major or a role said before the subject it belongs to."""
    if (aged := AGED.match(text)) and is_first_name(aged["name"]):
        yield norm(aged["name"]), "age", aged["age"]
    elif (being := AS_A.match(text)) and is_first_name(being["name"]):
        what = being["what"]
        if what.endswith(" major") and len(what.split()) > 1:
            yield norm(being["name"]), "major", what.rsplit(" ", 1)[0]
        elif (title := role(what)) is not None and title.split()[-1] not in _NOT_JOBS:
            yield norm(being["name"]), "occupation", title


# "As a parent, …", "As a fan, …": roles of life, not jobs.
_NOT_JOBS = frozenset("parent mom mum dad mother father fan student kid child".split())
_CAR = frozenset("car ride truck bike motorbike motorcycle scooter wheels".split())


def owned_vehicle(verb: Token) -> Iterator[tuple[str, str, str]]:
    """ "Dana's car's a 2018 Subaru Outback", "his ride is a Ducati Monster": the car is
    its owner's vehicle, whoever the verb's subject is."""
    if verb.lemma_ != "be" or verb.tag_ not in ("VBZ", "VBP"):
        return
    for car in (c for c in verb.children if c.dep_ == "nsubj" and c.lemma_.lower() in _CAR):
        owner, whose = possessor(car)
        if owner is None or any(
            c.dep_ == "amod" and c.lower_ in ("old", "first", "last", "previous", "former")
            for c in car.children
        ):
            continue
        value = vehicle_in([c for c in verb.children if c.dep_ in ("attr", "acomp")])
        if whose and value:
            yield whose, "vehicle", value


# What someone has that says one of their single values: "Sakura's little Honda Fit",
# "Noa's team lead Yael", "Paulo's Florianópolis apartment", "Lucía's boyfriend Andrés".
# Not "partner": married people say it too, and it would close their "married".
_BOSS = frozenset("boss manager lead supervisor".split())
_PARTNER = {
    "boyfriend": "in a relationship",
    "girlfriend": "in a relationship",
    "husband": "married",
    "wife": "married",
    "fiancé": "engaged",
    "fiancée": "engaged",
    "fiance": "engaged",
    "fiancee": "engaged",
}
_BYGONE = frozenset("old former previous ex ex- late first last dead".split())


def possessions(doc: Any) -> Iterator[tuple[str, str, str]]:
    for thing in doc:
        owner, whose = possessor(thing)
        if owner is None or thing.pos_ not in ("NOUN", "PROPN") or _past_or_unreal(thing):
            continue
        modifiers = {c.lower_ for c in thing.children if c.dep_ in ("amod", "compound")}
        if not whose or modifiers & _BYGONE:
            continue
        lemma = thing.lemma_.lower()
        named = [c for c in thing.children if c.dep_ in ("appos", "npadvmod") and c.pos_ == "PROPN"]
        if lemma in _BOSS and named:
            yield whose, "manager", phrase(named[0]).text
        elif lemma in _PARTNER and not modifiers and not _qualified(thing):
            yield whose, "relationship", _PARTNER[lemma]
        elif lemma in _HOMES and not VISIT.search(doc.text):
            places = [c for c in thing.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
            if places and (value := checked(PLACE_KIND, phrase(places[-1]).text)):
                yield whose, "residence", value
        elif thing.pos_ == "PROPN" and not BORROWED.search(doc.text):
            if value := vehicle_in([thing]):
                yield whose, "vehicle", value


def _qualified(noun: Token) -> bool:
    """ "partner in crime", "boyfriend back in college": not the partner of now."""
    return any(c.dep_ in ("prep", "advmod", "relcl", "acl") for c in noun.children)


_HOMES = frozenset("apartment flat house place home condo studio loft".split())


def _past_or_unreal(token: Token) -> bool:
    """Whether what the token belongs to was, or is not real: "Dana's Civic was great"."""
    head = token.head
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i:
        head = head.head
    verbs = [head, *(c for c in head.children if c.dep_ in ("aux", "auxpass"))]
    past = any(v.tag_ in ("VBD",) for v in verbs) or any(v.lower_ == "used" for v in verbs)
    return past or unreal(head) or bool(FUTURE.search(token.sent.text))


def _favoured(subject: Token) -> str | None:
    if subject.lower_ in ("it", "that", "this"):
        before = [t for t in subject.doc[: subject.i] if t.dep_ == "dobj"]
        return phrase(before[-1]).text if before and before[-1].pos_ == "PROPN" else None
    if subject.pos_ in ("PRON", "DET") or subject.lower_ in ("he", "she", "they"):
        return None
    return " ".join(t.text for t in subject.subtree if t.dep_ not in ("det", "poss"))


# "loving the new apartment" beside "Austin": a new thing of an attribute's kind, and the
# one value of that kind the text names.
_NEW_THING = {
    "residence": frozenset(
        "apartment place house flat home city neighbourhood neighborhood condo".split()
    ),
    "employer": frozenset("job gig role position company employer workplace office".split()),
    "school": frozenset("school campus uni university college program programme".split()),
    "manager": frozenset("boss manager lead supervisor".split()),
    "vehicle": frozenset("car ride truck wheels bike".split()),
}


def new_things(doc: Any) -> Iterator[tuple[str, str, str]]:
    nouns = frozenset().union(*_NEW_THING.values())
    if not any(t.lower_ == "new" and t.head.lemma_.lower() in nouns for t in doc):
        return
    doc = entities(doc)
    names = {name for t in doc if (name := person(t))}
    if len(names) != 1 or VISIT.search(doc.text):
        return
    speaker = next(iter(names))
    for token in doc:
        if not any(c.lower_ == "new" for c in token.children if c.dep_ == "amod"):
            continue
        owner, whose = possessor(token)
        if owner is not None and whose != speaker:
            continue  # "her sister's new flat", "Priya's sister loves her new job"
        if unreal(token.head) or FUTURE.search(token.sent.text):
            continue
        if _someone_else_has(token, speaker):
            continue  # "Dana's sister got a new job at Google": the sister's
        for attribute, nouns in _NEW_THING.items():
            if token.lemma_.lower() in nouns and (value := _only_value(doc, attribute, names)):
                yield speaker, attribute, value


def _someone_else_has(thing: Any, speaker: str) -> bool:
    """Whether the clause ``thing`` is the object of has a subject other than the speaker
    (a relative, a colleague, "my sister")."""
    verb = thing.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.i == thing.i or child.lower_ in ("i", "we", "he", "she", "they"):
                return False  # "the new job at Google is great"
            return person(child) != speaker
    return False


def homes(doc: Any) -> Iterator[tuple[str, str, str]]:
    """ "Nadia's move to Johannesburg went smoothly": the move's owner lives there now.
    "Paris is home now, Kofi moved here": home for the one person the text names."""
    if VISIT.search(doc.text):
        return
    for token in doc:
        if FUTURE.search(token.sent.text) or unreal(token.head):
            continue
        owner, whose = possessor(token)
        if token.pos_ == "NOUN" and token.lemma_.lower() in ("move", "relocation") and whose:
            preps = [c for c in token.children if c.dep_ == "prep"]
            if place := place_in(preps, ("to", "into")):
                yield whose, "residence", place
        home = token.lemma_.lower() == "home" and token.dep_ == "attr"
        if home and token.head.lemma_ == "be" and token.head.tag_ in ("VBZ", "VBP"):
            where = [c for c in token.head.children if c.dep_ == "nsubj" and c.pos_ == "PROPN"]
            places = {t.i for t in where}
            names = {  # who acts in the text: "Kofi's sister says" is not Kofi's home
                name for t in doc if t.i not in places and t.dep_ == "nsubj" and (name := person(t))
            }
            who = whose or (next(iter(names)) if len(names) == 1 and owner is None else None)
            value = checked(PLACE_KIND, phrase(where[0]).text) if where else None
            if who and value and norm(value) != who:
                yield who, "residence", value


def _only_value(doc: Any, attribute: str, people: set[str]) -> str | None:
    """The one value of the attribute's kind the text names, if exactly one."""
    if attribute == "vehicle":
        generic = _NEW_THING["vehicle"] | {"motorbike", "motorcycle", "scooter", "van", "suv"}
        found = {
            m.group(0) for m in VEHICLE.finditer(doc.text) if m.group(0).lower() not in generic
        }
        return next(iter(found)) if len(found) == 1 else None
    labels = {
        "residence": ("GPE",),
        "employer": ("ORG",),
        "school": ("ORG",),
        "manager": ("PERSON",),
    }
    values = {
        e.text for e in doc.ents if e.label_ in labels[attribute] and norm(e.text) not in people
    }
    if attribute == "school":
        values = {v for v in values if SCHOOL.search(v)}
    elif attribute == "employer":
        values = {v for v in values if not SCHOOL.search(v)}
    if len(values) != 1:
        return None
    value = next(iter(values))
    kinds = {"residence": PLACE_KIND, "employer": ORG_KIND, "school": SCHOOL_KIND}
    return checked(kinds[attribute], value) if attribute in kinds else value
