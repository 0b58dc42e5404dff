"""Facts read from a dependency parse: what the frames of ``facts`` were not written for.

The frames match surface patterns, so they miss a change said in other words ("Priya
finally signed the lease on a place in Denver", "ramen has overtaken biryani as Ahmed's
favourite food", "Anneke traded the vespa in for a cargo bike"). A parse generalises over
the words between the parts that matter: it finds the verb, who does it, what it is done
to and where, whatever stands in between. ``facts`` adds the facts read here for the
subjects and attributes its frames found nothing of. A fact is read only when

* the subject is a name (the speaker, after the rewrite), or he/she right after that name
  with nobody else in between; never a relative ("Priya's sister") or a common noun;
* the clause is real and current: no negation, modal, condition or wish on the verb or a
  word before it that it depends on ("thinks she might move", "wants to join"), no "used
  to", no future time, no past "was"; a progressive of a change verb ("is moving to") is
  a plan;
* the value is of the attribute's kind, checked by the same value checks as the frames
  (``fact_values.checked``): a place, an organisation, a school, a vehicle, an age.

"A new X" of an attribute (a new apartment, job, campus, boss, car) with the one value of
its kind the text names is a change too ("loving the new job, Rappi moves fast").

Parsing costs 2–4 ms a sentence here, so only a text with a cue of some attribute and
something that may be its value (not a date's numbers, not a given name) is parsed, once
(``facts`` caches by text).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from memoryd.memory.fact_frames import Frame, age_number
from memoryd.memory.fact_lexicon import (
    BORROWED,
    DIET,
    DIETS,
    LAPTOP,
    LIVED_IN_IDIOM,
    OTHER_PERSON,
    PHONE,
    SCHOOL,
    VEHICLE,
)
from memoryd.memory.fact_parse_base import (
    MONTH,
    VISIT,
    clause_subject,
    org_in,
    parse,
    phrase,
    place_in,
    pobjs,
    possessor,
    school_in,
    span_text,
    unreal,
    vehicle_in,
)
from memoryd.memory.fact_parse_text import (
    favourites,
    homes,
    new_things,
    owned_vehicle,
    possessions,
    said_up_front,
)
from memoryd.memory.fact_values import canonical, checked, role
from memoryd.memory.names import is_first_name

if TYPE_CHECKING:
    from spacy.tokens import Token

# Texts worth parsing: a change verb or the noun of an attribute.
_CUE = re.compile(
    r"\b(?:now|officially|anymore|these days|new|mov(?:e|ed|ing)|relocat\w*|liv(?:e|es|ing)|"
    r"settled|lease|house|apartment|flat|condo|place|home|join(?:ed|s|ing)?|start(?:ed|s|ing)?|"
    r"hired|job|gig|position|role|offer|work(?:s|ing)?|employ\w*|bought|buy|got|gets?|getting|picked|"
    r"drive|drives|driving|leased|turn(?:ed|s)?|birthday|years? old|transfer\w*|enroll\w*|"
    r"admitted|accepted|universit\w*|college|school|major\w*|switch\w*|chang\w*|trad(?:e|ed)|"
    r"swap\w*|replac\w*|upgrad\w*|report(?:s|ing)?|go(?:es|ing)? by|sign(?:ed)? up|"
    r"register\w*|train\w*|building|aiming|preparing|prepping|gearing|resident|favou?rite|"
    r"(?:is|am|are) \d{1,3}|boss|manager|"
    r"supervisor|boyfriend|girlfriend|partner|husband|wife|fianc[ée]e?)\b|"
    r"\b(?:is|am|are) (?:\w+ )?in (?-i:[A-Z])",
    re.I,
)
_HOME = frozenset("house home place apartment flat condo townhouse lease loft studio".split())
_NOT_HOME = frozenset("vacation holiday summer second rental investment beach lake ski".split())
# A stay that ends: "in Lisbon this week", "in Berlin until Friday", "in Rome right now".
_STAY = re.compile(
    r"\b(?:this|next|last|that|the|a|one|two|few|couple of)\s+(?:\w+\s+)?(?:days?|nights?|weeks?|"
    r"weekends?|months?|summer|semester)\b|\b(?:today|tonight|tomorrow|right now|at the moment|"
    r"currently|until|till|for now|for a|for the|for two|for three|for work|for business|"
    r"on business|visit\w*|trip|staying|"
    r"hospital|vacation|holiday|conference|layover|traffic)\b",
    re.I,
)
_UNTIL = re.compile(
    r"\b(?:until|till|til|for the (?:week|month|summer)|for (?:a|two|three|\d+) weeks)\b", re.I
)
_DEGREE = ("master", "bachelor", "phd", "doctorate", "degree", "mba", "undergrad", "program")
_JOB = frozenset("job gig position role offer post internship".split())
_RACE_FRAME = Frame("training_goal", re.compile(""), "race")


def parsed_facts(text: str) -> list[tuple[str, str, str, str]]:
    """(subject, attribute, canonical value, value as written) for each fact the parse
    reads in ``text``; nothing unless the text names a cue of some attribute."""
    found: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    for whom, what, said in said_up_front(text):
        found[(whom, what)] = (whom, what, canonical(said), said)
    if not (_CUE.search(text) or VEHICLE.search(text)) or not _has_value(text):
        return list(found.values())

    def add(subject: str, attribute: str, value: str) -> None:
        found.setdefault((subject, attribute), (subject, attribute, canonical(value), value))

    doc = parse(text)
    for verb in doc:
        if verb.pos_ not in ("VERB", "AUX") or unreal(verb):
            continue
        for whose, attribute, value in [*favourites(verb), *owned_vehicle(verb)]:
            add(whose, attribute, value)
        subject = _traded_for(verb) or clause_subject(verb)
        if subject is not None and subject != _SOMEONE_ELSE:
            for attribute, value in _read(verb):
                add(subject, attribute, value)
    for subject, attribute, value in [*new_things(doc), *homes(doc), *possessions(doc)]:
        add(subject, attribute, value)
    return list(found.values())


# What a value may be: a number; a word of a diet, a vehicle, a major or a favourite; a
# state said to hold "now"; a person for the attributes whose value is one ("reports to
# Steve", "goes by Kate"); else a capitalised word past the first that is not a month,
# a weekday or a given name ("Caroline got a job at Melanie's" names no value).
_HINT = re.compile(
    rf"\b(?:{DIETS}|major|resident|favou?rite|officially|report\w*|boss|manager|lead|"
    r"supervisor|go(?:es|ing)? by|boyfriend|girlfriend|partner|husband|wife|fianc[ée]e?)\b|"
    # an age or a race, not a date: "turned 31", "is 42 now", "a 10k"
    r"\b(?:turn\w*|is|am|hit|reach\w*|as of)\s+\d{1,3}\b|\b\d{1,3}(?:st|nd|rd|th)? birthday|"
    r"\d{1,3}[- ]year[- ]old|\b\d{1,3}k\b|"
    # a state said to hold now: "is a UX researcher now"
    r"\b(?:is|am|are|'s|’s|'m|’m)\b[^,.;!?]{0,40}\bnow\b",
    re.I,
)
# A capitalised word inside a clause (not one opening a sentence or following a comma),
# with the word before it.
_CAPITALISED = re.compile(r"([\w'’)]+) ((?-i:[A-Z])[\w&-]+)")


_CLAUSE_NAME = re.compile(r"[,;—–] +(?-i:[A-Z])[a-z]+ (?:is|has|feels|looks|seems)\b")
# Where a home is spoken of, a given name may be a place ("moved to Austin").
_HOME_TALK = re.compile(
    r"\b(?:mov\w+|relocat\w+|liv\w+|settled|lease|house|apartment|flat|condo|place|home|city)\b",
    re.I,
)


def _has_value(text: str) -> bool:
    if text.startswith("According to "):
        return False  # about something else than the speaker, as the rewrite reports it
    if _HINT.search(text) or VEHICLE.search(text):
        return True
    places = bool(_HOME_TALK.search(text))
    for before, word in _CAPITALISED.findall(text):
        word = re.split(r"['’]", word)[0]
        if word == "I" or MONTH.match(word.lower()):
            continue
        # A given name is a person, unless it is where one moves ("moved to Austin").
        if not is_first_name(word) or (places and before.lower() in ("to", "in", "into")):
            return True
    # "loving the new apartment, Denver is so sunny"
    return places and bool(_CLAUSE_NAME.search(text))


def _read(verb: Token) -> Iterator[tuple[str, str]]:
    lemma = verb.lemma_.lower()
    visit = bool(VISIT.search(span_text(verb)) or LIVED_IN_IDIOM.search(span_text(verb)))
    objects = [c for c in verb.children if c.dep_ in ("dobj", "attr", "oprd", "acomp")]
    preps = [c for c in verb.children if c.dep_ in ("prep", "dative", "agent")]
    if not visit:
        yield from _home(lemma, verb, objects, preps)
    yield from _work(lemma, verb, objects, preps)
    yield from _school_or_vehicle(lemma, verb, objects, preps)
    if lemma in _TRADE:
        yield from _traded(verb, objects, preps)
    if lemma in ("turn", "hit", "reach"):
        for obj in [*objects, *(c for c in verb.children if c.dep_ in ("npadvmod", "nummod"))]:
            if (number := _age(obj)) is not None:
                yield "age", number
    if lemma in ("ride", "get", "commute") and (
        ride := vehicle_in(pobjs(preps, ("on", "in", "by")))
    ):
        yield "vehicle", ride  # "gets around Utrecht on an old Vespa", "rides a Ducati"
    if lemma == "be" and verb.tag_ in ("VBZ", "VBP"):  # "was vegan for a year" is the past
        yield from _state(objects)
        yield from _in(verb, preps)
    if lemma == "go" and (name := _pobj_name(preps, "by")):
        yield "name", name
    if lemma == "report" and (name := _pobj_name(preps, "to")):
        yield "manager", name
    if lemma in _TOWARD and (race := _race(preps)):
        yield "training_goal", race


def _in(verb: Token, preps: list[Token]) -> Iterator[tuple[str, str]]:
    """What one is in: a car ("I'm in a Kia Sportage these days", not "in a Ford Focus
    club") or a place ("I'm in Boston", "she's based in Leeds", with no stay's end in
    sight)."""
    cars = [
        o
        for o in pobjs(preps, ("in",))
        if o.pos_ == "PROPN" and any(d.lower_ in ("a", "an") for d in o.children)
    ]
    if ride := vehicle_in(cars):
        yield "vehicle", ride
    elif not _STAY.search(span_text(verb)) and (place := place_in(preps, ("in",))):
        yield "residence", place


# "signed up for a full marathon", "building toward the Cape Town Marathon"
_TOWARD = frozenset("train sign register enter work build aim prepare prep gear".split())
# "traded the Vespa in for a cargo bike", "swapped the Civic for a Model 3", "replaced
# biryani with ramen", "upgraded to a Rivian": the new value is what follows for/with/to.
_TRADE = frozenset("trade swap exchange replace upgrade switch".split())
_BIKE = re.compile(
    r"\b(?:bike|e-bike|scooter|motorcycle|motorbike|moped|truck|van|car|suv)\b", re.I
)


def _home(
    lemma: str, verb: Token, objects: list[Token], preps: list[Token]
) -> Iterator[tuple[str, str]]:
    place = None
    if lemma in ("move", "relocate", "settle", "emigrate"):
        place = place_in(preps, ("to", "into", "in", "over"))
    elif lemma in ("live", "reside") and verb.tag_ in ("VBZ", "VBP", "VBN", "VBG"):
        place = place_in(preps, ("in",))
    elif lemma in ("buy", "sign", "rent", "close", "get", "find", "lease"):
        if lemma in ("rent", "lease", "get", "find") and _UNTIL.search(span_text(verb)):
            return  # "rented a flat in Kilimani till the 20th": a stay
        home = [o for o in objects if o.lemma_.lower() in _HOME and not _not_home(o)]
        inner = [p for o in home for p in o.children if p.dep_ == "prep"]
        place = place_in([*preps, *inner], ("in", "on")) if home else None
    if place:
        yield "residence", place


def _work(
    lemma: str, verb: Token, objects: list[Token], preps: list[Token]
) -> Iterator[tuple[str, str]]:
    org = None
    if lemma in ("join", "start", "begin") or (lemma == "work" and verb.tag_ != "VBD"):
        org = org_in(objects if lemma == "join" else [], preps, ("at", "with", "for"))
        degree = any(o.lower_.startswith(_DEGREE) for o in objects)
        if org and (degree or SCHOOL.search(org)):
            yield "school", org
            return
    jobs = [o for o in objects if o.lemma_.lower() in _JOB]
    if lemma not in ("accept", "take", "sign"):
        jobs = [o for o in jobs if o.lemma_.lower() != "offer"]  # "got an offer": not taken yet
    if org is None and lemma in ("get", "land", "take", "accept", "start", "sign") and jobs:
        inner = [p for o in jobs for p in o.children if p.dep_ == "prep"]
        org = org_in([], [*preps, *inner], ("at", "with", "from", "for"))
    if org is None and lemma == "hire" and any(c.dep_ == "auxpass" for c in verb.children):
        org = org_in([], preps, ("by", "at"))
    if org:
        yield "employer", org


def _school_or_vehicle(
    lemma: str, verb: Token, objects: list[Token], preps: list[Token]
) -> Iterator[tuple[str, str]]:
    if lemma in ("transfer", "enroll", "admit", "accept", "start", "attend", "begin", "get"):
        school = school_in(objects, preps)
        # "got into the PhD programme at KU Leuven": the programme says it is a school
        programmes = [o for o in pobjs(preps, ("into", "to")) if o.lower_.startswith(_DEGREE)]
        inner = [p for o in programmes for p in o.children if p.dep_ == "prep"]
        if school is None and (org := org_in([], inner, ("at", "in"))):
            school = org
        if school:
            yield "school", school
    if lemma in ("buy", "get", "lease", "purchase", "pick", "drive") and verb.tag_ != "VBG":
        vehicle = vehicle_in(objects)
        if vehicle and not BORROWED.search(span_text(verb)):
            yield "vehicle", vehicle


_SOMEONE_ELSE = "\0"  # a subject no fact is kept of


def _traded_for(verb: Token) -> str | None:
    """Whose thing a trade replaces, when a name owns it: "Work replaced Nadia's ThinkPad
    with a MacBook Pro M3" is Nadia's laptop, whoever did the replacing."""
    if verb.lemma_.lower() not in _TRADE:
        return None
    for obj in verb.children:
        owner, name = possessor(obj) if obj.dep_ == "dobj" else (None, None)
        if name is not None:
            return name
        if owner is not None and owner.lower_ not in ("my", "his", "her", "their", "our"):
            return _SOMEONE_ELSE  # "replaced her sister's Civic": not the subject's either
    return None


def _traded(verb: Token, objects: list[Token], preps: list[Token]) -> Iterator[tuple[str, str]]:
    if BORROWED.search(span_text(verb)) or any(
        c.lower_ in ("almost", "nearly") for c in verb.children
    ):
        return  # a loaner, a trade that almost happened
    if any(OTHER_PERSON["they"].fullmatch(o.text) for o in objects):
        return  # "switched his dad to a Pixel 8": the dad's phone
    particles = [c for c in verb.children if c.dep_ == "prt"]
    new = [o for p in [*preps, *particles] if p.lower_ in ("for", "with", "to")
           for o in p.children if o.dep_ == "pobj"]  # fmt: skip
    for obj in new:
        text = " ".join(t.text for t in obj.subtree if t.dep_ not in ("det", "poss"))
        if VEHICLE.search(text) or _BIKE.search(obj.text):
            yield "vehicle", text
        elif LAPTOP.search(text) or PHONE.search(text):
            yield "laptop" if LAPTOP.search(text) else "phone", text
        elif (
            obj.pos_ == "PROPN"
            and objects
            and org_in(objects, [], ())
            and (org := org_in([obj], [], ()))
        ):
            yield "employer", org


def _age(token: Token) -> str | None:
    number = age_number(token.text)
    if number and token.pos_ == "NUM" and 10 <= int(number) <= 110:
        return number
    return None


def _state(objects: list[Token]) -> Iterator[tuple[str, str]]:
    """ "is a UX researcher now", "is officially a computer science major", "is 42 now",
    "is lacto-ovo vegetarian now", "is a Tucson resident now"."""
    for obj in objects:
        words = [t for t in obj.subtree if t.dep_ not in ("det", "poss", "advmod", "punct")]
        text = " ".join(t.text for t in words)
        head = obj.lower_
        if obj.pos_ == "NUM" and (number := _age(obj)) is not None:
            yield "age", number
        elif head == "major" and len(words) > 1:
            yield "major", " ".join(t.text for t in words if t.i < obj.i)
        elif head in ("resident", "local") and words[0].pos_ == "PROPN":
            yield "residence", " ".join(t.text for t in words if t.i < obj.i and t.pos_ == "PROPN")
        elif DIET.search(text) and obj.pos_ in ("ADJ", "NOUN"):
            yield "diet", DIET.search(text).group(0).lower()  # type: ignore[union-attr]
        elif (title := role(" ".join(t.text for t in words if t.i <= obj.i))) is not None:
            yield "occupation", title
            inner = [c for c in obj.children if c.dep_ == "prep"]
            if org := org_in([], inner, ("at", "for", "with")):  # "a backend dev at Shopify"
                yield "employer", org


def _pobj_name(preps: list[Token], word: str) -> str | None:
    for obj in pobjs(preps, (word,)):
        name = (
            obj
            if obj.pos_ == "PROPN"
            else next(
                (
                    t
                    for t in obj.subtree
                    if t.pos_ == "PROPN" and t.dep_ in ("oprd", "dobj", "appos", "attr")
                ),
                None,
            )
        )
        if name is not None:
            return phrase(name).text
    return None


def _race(preps: list[Token]) -> str | None:
    """ "signed up for a full marathon", "is working on running a 10k"."""
    for prep in preps:
        if prep.lower_ not in ("for", "toward", "towards", "on"):
            continue
        heads = [c for c in prep.children if c.dep_ == "pobj"]
        heads += [
            o for c in prep.children if c.dep_ == "pcomp" for o in c.children if o.dep_ == "dobj"
        ]
        for obj in heads:
            text = " ".join(
                t.text for t in obj.subtree if t.i <= obj.i and t.dep_ not in ("det", "poss")
            )
            race = checked(_RACE_FRAME, text)
            if race:
                return race
    return None


def _not_home(noun: Token) -> bool:
    return any(c.lower_ in _NOT_HOME for c in noun.children if c.dep_ in ("amod", "compound"))
