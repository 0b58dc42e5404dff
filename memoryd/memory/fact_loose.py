"""Values of one attribute, read loosely from a parsed text because the attribute is
already known of the subject (``fact_followup``).

A reader that does not know Carlos has an employer cannot tell what "my Vodafone badge
still hasn't arrived" says; one that knows he worked for Telefónica reads a new employer.
Each reader here finds a value of its attribute's kind in a phrase that belongs to the
subject: the subject's own verb (a name, he/she for that name, or no subject at all), or
a noun the subject owns ("Björn's new employer, Klarna"). Another person's phrase, a plan,
a wish, a negation, a question and a visit give nothing, and neither does a text with two
different values. Reading a newer message (``changed``), the sentence must also say the
value is new ("now", "new", "first week", "switched", "onboarding").

Here: the cues, the entry point, and the readers of diets, goals, favourites and names;
the readers of homes, work, titles, fields, schools, makes and people are in
``fact_loose_readers`` and ``fact_loose_people``, and whose a phrase is in ``fact_whose``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from memoryd.memory import fact_loose_people as people
from memoryd.memory import fact_loose_readers as readers
from memoryd.memory.fact_frames import Frame
from memoryd.memory.fact_lexicon import (
    BYGONE,
    DIET,
    DIET_FOR_A_WHILE,
    LAPTOP,
    OTHER_PERSON,
    PHONE,
    RACE,
    VEHICLE,
)
from memoryd.memory.fact_parse_base import (
    ORG_KIND,
    PLACE_KIND,
    phrase,
    unreal,
)
from memoryd.memory.fact_subjects import norm
from memoryd.memory.fact_values import checked, favourite, role
from memoryd.memory.fact_whose import (
    BOSS,
    NOT_NAME,
    NOT_SO,
    OWNED,
    VEHICLE_KIND,
    belongs,
    doer,
    means,
    noun_phrase,
    with_model_number,
)
from memoryd.memory.names import is_first_name

if TYPE_CHECKING:
    from spacy.tokens import Token

#: A word that says a value is new, or an old one over.
CHANGE = re.compile(
    r"\b(?:now|new|newly|anymore|any more|no longer|officially|these days|since|first "
    r"(?:day|week|month|shift|semester|term|year|lecture|class)|switch\w*|swapped|moved|"
    r"relocated|joined|started|took over|taken over|replaced|replacement|instead of|"
    r"upgrade\w*|traded|promoted|promotion|transferred|unpacked|settled|for good|overtaken|"
    r"overtook|dethroned|onboarding|orientation|just got|finally|ever since|full[- ]time|"
    r"signed up|registered|"
    r"next (?:goal|target|race|challenge))\b",
    re.I,
)

_MAJOR = Frame("major", re.compile(""), "academic")

_ROLE = Frame("occupation", re.compile(""), "role")

_NAME_CUE = re.compile(
    r"\b(?:now|new|officially|licen[cs]e|passport|married|wedding|maiden|name|changed|"
    r"goes by|call)\b",
    re.I,
)

_CUES = {
    attribute: re.compile(cue, re.I)
    for attribute, cue in {
        "residence": r"\b(?:liv(?:e|es|ed|ing)|mov(?:e|ed|ing)|relocat\w*|settled|home|apartment|"
        r"flat|place|house|condo|studio|stay\w*|rent|lease|landlord|balcony|neighbou?rhood|"
        r"unpack\w*|kitchen|bedroom|commute|street|here in|(?:is|am|are) in)\b",
        "employer": r"\b(?:work\w*|job|employer|company|firm|join\w*|hired|start\w*|onboarding|"
        r"badge|laptop|email|contract|offer|payroll|all-hands|shift|office|busy|appraisals?|"
        r"performance reviews?|reorg|layoffs|planning|standups?|retros?|on-call|sprints?)\b|"
        r"\b(?:with|at|for) (?-i:[A-Z])",
        "occupation": r"\b(?:as an?|being an?|promot\w*|hired|work\w*|job|role)\b",
        "major": r"\b(?:major\w*|stud(?:y|ying|ies)|degree|program\w*|"
        r"in \w+ (?:engineering|science))\b",
        "diet": DIET.pattern,
        "manager": r"\b(?:boss|manager|lead|supervisor|report\w*|took over|replacement)\b",
        "relationship": r"\b(?:mrs|couple|married|engaged|single|divorced|separated|widowed|"
        r"dating|relationship|taken|hitched|husband|wife|hubby|fianc\w*|boyfriend|girlfriend|"
        r"gf|bf|divorce\w*|wedding)\b",
        "training_goal": rf"{RACE.pattern}|\b(?:goal|target|focus)\b",
        "name": _NAME_CUE.pattern,
        "school": r"\b(?:sophomore|freshman|junior|senior|student|stud(?:y|ying|ies)|attend\w*|"
        r"enrol\w*|transfer\w*|semester|campus|library|orientation|lecture\w*|admitted|"
        r"master's|masters|phd|degree|undergrad|finals|midterms|exams?|dorm|dining hall|"
        r"tuition|registrar|professors?)\b",
    }.items()
}

_FAVOURITE_CUE = re.compile(r"\b(?:favou?rite|fave|number one)\b|#1", re.I)


def may_say(text: str, attribute: str) -> bool:
    """Whether ``text`` has a word any reader of ``attribute`` starts from (a cheap test
    before parsing)."""
    makes = {"vehicle": VEHICLE, "phone": PHONE, "laptop": LAPTOP}
    if attribute in makes:
        return with_model_number(makes[attribute]).search(text) is not None
    cue = _FAVOURITE_CUE if attribute.startswith("favourite ") else _CUES.get(attribute)
    return cue is not None and cue.search(text) is not None


def loose_value(doc: Any, subject: str, attribute: str, *, changed: bool) -> str | None:
    """The one value of ``attribute`` that ``doc`` says ``subject`` has."""
    if attribute.startswith("favourite "):
        reader: Callable[[Any, str], Iterator[Token | str]] = _favourite_of(attribute)
    else:
        reader = _READERS.get(attribute, _nothing)
    values: dict[str, str] = {}
    for found in reader(doc, subject):
        token = found if not isinstance(found, str) else None
        value = found if isinstance(found, str) else _value(attribute, found)
        sentence = (token.sent if token is not None else doc).text
        if value is None or (changed and (not CHANGE.search(sentence) or BYGONE.search(sentence))):
            continue  # ("before I moved to Berlin I lived in Kraków": a past, told)
        owned = OWNED | BOSS if attribute == "manager" else OWNED
        if token is not None and not belongs(token, subject, owned):
            continue
        values.setdefault(norm(value), value)
    return next(iter(values.values())) if len(values) == 1 else None


def _nothing(doc: Any, subject: str) -> Iterator[Token | str]:
    return iter(())


def _value(attribute: str, token: Token) -> str | None:
    if attribute == "residence":
        return checked(PLACE_KIND, phrase(token).text)
    if attribute == "employer":
        return checked(ORG_KIND, phrase(token).text)
    if attribute == "school":
        return phrase(token).text
    if attribute == "manager":
        return token.text if is_first_name(token.text) or token.pos_ == "PROPN" else None
    text = noun_phrase(token)
    kind = {
        "occupation": _ROLE,
        "major": _MAJOR,
        "vehicle": VEHICLE_KIND,
    }.get(attribute)
    if attribute == "training_goal":
        return text if RACE.search(text) else None
    if kind is None:
        return text
    return role(text) if kind is _ROLE else checked(kind, text)


def _other_in(sentence: Any) -> bool:
    return bool(OTHER_PERSON["they"].search(sentence.text))


def _diets(doc: Any, subject: str) -> Iterator[Token | str]:
    kept = {m.start("diet") for m in DIET_FOR_A_WHILE.finditer(doc.text)}
    for match in DIET.finditer(doc.text):
        if match.start() in kept:
            continue  # "going fully halal for the dinner I'm hosting"
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None:
            continue
        token = span.root
        if token.dep_ in ("nsubj", "ROOT", "npadvmod") and not _other_in(token.sent):
            if subject in norm(token.sent.text) and not unreal(token.head):
                yield match.group(0)  # "Keto has Yusuf craving bread", "Pescatarian for years"
                continue
        if _other_in(token.sent) and not re.search(
            rf"\b{re.escape(subject)} and\b", norm(token.sent.text)
        ):
            continue  # "Dana's wife's on carnivore now": the wife's
        yield token


_GOAL_VERBS = frozenset("chase target aim attempt pursue train sign register enter".split())


def _goals(doc: Any, subject: str) -> Iterator[Token | str]:
    for token in doc:
        if token.pos_ != "NOUN" or not RACE.search(noun_phrase(token)):
            continue
        verb = token.head.head if token.dep_ == "pobj" else token.head
        if token.dep_ in ("pobj", "dobj") and verb.lemma_.lower() in _GOAL_VERBS:
            yield token  # "signed up for my first full marathon", "chasing a 100 kg bench"
        elif token.dep_ == "attr":
            # "new target is a 120 kg deadlift", "Kwame's next race is a 10k" (a goal is
            # ahead by nature: "next" here is no plan of a change)
            aim = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
            if aim is None or aim.lemma_.lower() not in ("goal", "target", "focus", "race"):
                continue
            owner = next((c for c in aim.children if c.dep_ == "poss"), None)
            negated = any(c.dep_ == "neg" for c in token.head.children)
            if (owner is None or means(owner, subject)) and not negated:
                yield noun_phrase(token)


_FAVE = r"(?:#1|number one|no\. ?1|top|new favou?rite|favou?rite|fave)"

_DETHRONED = re.compile(
    r"(?P<value>[\w'’ -]{2,60}?) ha(?:s|ve) (?:\w+ ){0,2}?(?:replaced|overtaken|dethroned|beaten|"
    rf"knocked \w+ off) .{{1,60}}? as (?P<owner>my|his|her|[\w-]+['’]s) {_FAVE} (?P<thing>\w+)",
    re.I,
)

_NEW_FAVE = re.compile(
    rf"\b(?:(?P<owner>my|his|her|[\w-]+['’]s|an?) )?new {_FAVE.replace('new favou?rite|', '')} "
    r"(?P<thing>\w+)(?: \w+)?(?: is|:| and it['’]s|,? it['’]s| [—–] it['’]s) "
    r"(?P<value>[^,.;!?—–]{2,40})",
    re.I,
)

# "nothing beats poke, it's my favorite food forever"
_IT_IS_FAVE = re.compile(
    r"(?P<value>[\w'’ -]{2,40}?),? (?:it['’]s|that['’]s|which is) (?P<owner>my|his|her|"
    r"[\w-]+['’]s) (?:all-time |absolute |new |current )?(?:favou?rite|fave) (?P<thing>\w+)",
    re.I,
)

_MAYBE = re.compile(r"\b(?:probably|maybe|possibly|perhaps|going to|gonna)\b", re.I)

_LEADING = re.compile(r"^.*\b(?:but|and|so|tbh|honestly|lol|ok|okay|beats|than|like)[\s,]+", re.I)


def _said_favourite(text: str, subject: str, thing: str) -> Iterator[str]:
    """ "ramen has officially replaced tacos as my #1 food", "a new favourite band and
    it's Khruangbin", "nothing beats poke, it's my favorite food"."""
    for pattern in (_DETHRONED, _NEW_FAVE, _IT_IS_FAVE):
        for match in pattern.finditer(text):
            whose = (match["owner"] or "my").casefold().removesuffix("'s").removesuffix("’s")
            if not _same_thing(match["thing"], thing):
                continue
            if whose not in ("my", "his", "her", "a", "an", subject):
                continue
            start = match.start("owner") if match["owner"] else match.start()
            if whose != subject and OTHER_PERSON["they"].search(text[:start]):
                continue  # "Jake's sister has a new favourite band"
            words = _LEADING.sub("", match["value"]).split()
            if NOT_SO.search(match["value"]) or _MAYBE.search(match["value"]):
                continue  # "my new favourite band is probably not going to last"
            if words and not NOT_SO.search(text[: match.start()]):
                yield " ".join(words[:4] if pattern is _NEW_FAVE else words[-4:])


def _same_thing(said: str, thing: str) -> bool:
    """ "films" and "movie" are one kind of favourite (``fact_values.favourite``)."""
    said = said.casefold()
    return favourite(said) == favourite(thing) or favourite(said.rstrip("s")) == favourite(thing)


def _favourite_of(attribute: str) -> Callable[[Any, str], Iterator[Token | str]]:
    thing = attribute.removeprefix("favourite ")

    def read(doc: Any, subject: str) -> Iterator[Token | str]:
        yield from _said_favourite(doc.text, subject, thing)
        for token in doc:
            if not _same_thing(token.lemma_, thing):
                continue
            near = doc[max(0, token.i - 3) : token.i].text.lower()
            if not re.search(r"favou?rite|#1|number one|no\. ?1", near):
                continue
            verb = token.head.head if token.dep_ == "pobj" else token.head
            value = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            as_mine = owner is not None and means(owner, subject)
            if token.dep_ == "pobj" and token.head.lower_ == "as" and value and as_mine:
                yield noun_phrase(value)  # "ramen has replaced tacos as my #1 food"
            if not doer(verb, subject, OWNED):
                continue
            for conj in (c for c in verb.children if c.dep_ == "conj"):
                named = next((c for c in conj.children if c.dep_ == "attr"), None)
                if named is not None:
                    yield phrase(named).text  # "a new favourite band and it's Khruangbin"

    return read


def _names(doc: Any, subject: str) -> Iterator[Token | str]:
    """ "Emily Nguyen now!" once Emily Carter is known: the first name and a new surname."""
    if not _NAME_CUE.search(doc.text):
        return
    first = re.escape(subject.split()[0])
    for match in re.finditer(rf"(?i:\b{first}) ((?-i:[A-Z])[\w'’-]+)\b(?!['’]s)", doc.text):
        if match.group(1).casefold() in (*NOT_NAME, subject.split()[0]):
            continue
        if _CALLED.search(doc.text[: match.start()]):
            continue  # "a new hire kept calling Thandiwe Thandi": what another calls her
        yield match.group(0)


# Someone else's habit of calling, not the speaker's ask ("please call Katherine Kate").
_CALLED = re.compile(
    r"\b(?:kept|keeps|keep|was|were|been|is|are|started|starts)\s+(?:calling|addressing)\s+$",
    re.I,
)


_READERS: dict[str, Callable[[Any, str], Iterator[Token | str]]] = {
    "residence": readers.residences,
    "employer": readers.employers,
    "occupation": readers.roles,
    "major": readers.majors,
    "vehicle": readers.vehicles,
    "diet": _diets,
    "manager": people.managers,
    "relationship": people.relationships,
    "training_goal": _goals,
    "phone": readers.phones,
    "laptop": readers.laptops,
    "name": _names,
    "school": readers.schools,
}
