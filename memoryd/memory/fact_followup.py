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
from datetime import date, datetime
from typing import TYPE_CHECKING

from memoryd.memory.fact_contrast import contrasted
from memoryd.memory.fact_ended import MOVED, ended, names_in, value_words
from memoryd.memory.fact_frames import Frame
from memoryd.memory.fact_implied import in_use, new_favourite, new_lead, replaced_by
from memoryd.memory.fact_lexicon import (
    DIETS,
    LAPTOP,
    OTHER_PERSON,
    PHONE,
    VEHICLE,
    in_an_idiom,
)
from memoryd.memory.fact_loose import CHANGE, loose_value, may_say
from memoryd.memory.fact_parse_base import ORG_KIND, PLACE_KIND, parse
from memoryd.memory.fact_subjects import norm
from memoryd.memory.fact_unreal import in_fiction, real_part
from memoryd.memory.fact_values import canonical, checked, read_as_typed, role, same_value
from memoryd.memory.facts import Fact, facts_of
from memoryd.memory.models import StatedFact

if TYPE_CHECKING:
    pass

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
    if not known or text.endswith("?") or in_fiction(text):
        return []
    with read_as_typed(text):
        # not what someone else is quoted as saying, nor a game before "IRL"
        return _later_facts(real_part(text), subject, known, at)


def _later_facts(text: str, subject: str, known: Sequence[Known], at: datetime) -> list[Fact]:
    found: list[Fact] = []
    doc = None
    for k in known:
        fact = k.fact
        if fact.ends or fact.subject != subject:
            continue
        if fact.attribute == "age":
            aged = _aged(text, subject, fact.value, (at - k.since).days, at.date())
            if aged is not None:
                found.append(Fact(subject, "age", aged, aged))
            continue
        if (said := _named_new(text, subject, fact)) is not None:
            found.append(Fact(subject, fact.attribute, canonical(said), said))
            continue
        named = names_in(text, value_words(fact.display or fact.value))
        if not (CHANGE.search(text) and may_say(text, fact.attribute)) and not named:
            continue  # nothing a reader of this attribute starts from: no parse
        doc = doc if doc is not None else parse(text)
        value = loose_value(doc, subject, fact.attribute, changed=True)
        if value is not None and (in_an_idiom(text, value) or _someone_elses(text, subject, value)):
            value = None  # "basically working at IKEA now lol", "our sitter, Marco, moved to…"
        if value is not None and not same_value(fact.attribute, canonical(value), fact.value):
            found.append(Fact(subject, fact.attribute, canonical(value), value))
        elif named and ended(doc, subject, fact):
            found.append(Fact(subject, fact.attribute, fact.value, fact.display, ends=True))
    return found


def _named_new(text: str, subject: str, fact: StatedFact) -> str | None:
    """The new value ``text`` names in a way its attribute has of saying it: a new lead, a
    favourite that overtook the known one, a value set against the known one, a device
    that replaced the known one or is in use now."""
    known = fact.display or fact.value
    if fact.attribute == "manager" and (lead := new_lead(text, subject, fact.value)):
        return lead
    if fact.attribute.startswith("favourite ") and (liked := new_favourite(text, subject, known)):
        return liked
    if (said := _set_against(text, subject, fact)) is not None:
        return said
    thing = replaced_by(text, subject, fact.attribute, known)
    return thing or in_use(text, subject, fact.attribute, fact.value)


def _set_against(text: str, subject: str, fact: StatedFact) -> str | None:
    """The new value ``text`` sets against the known one: "at Klarna now, not Spotify"."""
    said = contrasted(text, fact.attribute, fact.display or fact.value, subject)
    if (
        said is None
        or not of_kind(fact.attribute, said)
        or same_value(fact.attribute, canonical(said), fact.value)
        or _someone_elses(text, subject, said)
    ):
        return None
    return said


def _someone_elses(text: str, subject: str, value: str) -> bool:
    """Whether ``text`` states ``value`` as someone else's ("Dana's dog sitter, Marco, just
    relocated to Milwaukee")."""
    said, low = canonical(value), norm(text)
    return any(
        f.value == said
        and f.subject != subject
        and subject not in f.subject.split()  # "well dana": the parse's, the same person
        and not re.search(rf"\b{re.escape(subject)} and {re.escape(f.subject)}\b", low)
        and not re.search(rf"\b{re.escape(f.subject)} and {re.escape(subject)}\b", low)
        for f in facts_of(text)
    )


# What a newer message names as the value it replaces: "instead of econ", "traded the
# Mazda in for", "replaced Middlemarch as", "handed in my notice at Deloitte", "left
# teaching", "switched from keto to".
_STOP_WORD = (
    r"in|for|with|as|to|and|but|so|on|at|after|last|this|when|because|since|any|anymore|a|an|"
    r"the|while|ago|yesterday|today|recently|finally|now|yet|already|back|behind|did|does|"
    r"was|were|is|are|had|has|lol|lmao|tbh|ngl|haha|though"
)


def _what(n: int) -> str:
    return rf"(?P<old{n}>[\w'’-]+(?: (?!(?:{_STOP_WORD})\b)[\w'’-]+){{0,3}})"


_THE = r"(?:(?:my|the|our|his|her|their|a|an|[\w-]+['’]s) )?(?:old |former |trusty |beloved )?"
# How a newer message names what it replaces, and of which attributes it can be said.
_SWITCHED = r"switched (?:over )?from|changed from|replaced|no longer (?:at|in|with)"
_NOTICE = r"handed in (?:my|his|her|their|[\w-]+['’]s) notice at"
_SCHOOL_LEFT = r"left|graduated from|transferred (?:out )?from|dropped out of"
_OWNED = frozenset({"vehicle", "phone", "laptop"})
_REPLACED: tuple[tuple[re.Pattern[str], frozenset[str] | None], ...] = tuple(
    (re.compile(rf"\b(?:{verbs}) {_THE}{_what(1)}{tail}", re.I), kinds)
    for verbs, tail, kinds in (
        ("instead of", "", None),
        ("not (?:at|in|with)", " any ?more", None),
        (_SWITCHED, "", None),
        (
            "traded|swapped|exchanged|sold|ditched|gave up on|got rid of|"
            "moved (?:over )?from|upgraded from",
            "",
            _OWNED,
        ),
        ("ditched|dropped|quit|gave up", "", frozenset({"diet", "major", "training_goal"})),
        (f"left|leaving|quit|resigned from|{_NOTICE}", "", frozenset({"employer", "occupation"})),
        (_SCHOOL_LEFT, "", frozenset({"school"})),
        ("moved (?:away |out )?(?:from|of)", "", frozenset({"residence"})),
        # "compared to my IKEA days", "than my old Fiat Panda did": a name or a make
        ("my|his|her|their|[\\w-]+['’]s", " days\\b", frozenset({"employer", "school"})),
        ("(?:my|his|her|their|the|[\\w-]+['’]s) (?:old|former)", "", _OWNED),
        # "the Hamburg lease ended", "higher than it was back in Kraków"
        (
            "the|my|his|her|their|our|[\\w-]+['’]s",
            " (?:lease|flat|apartment|rental) (?:ended|is over|was over|ran out|expired|is up)",
            frozenset({"residence"}),
        ),
        (
            "than (?:it|they|we|I|he|she) (?:was|were|had|paid) back in|than back in",
            "",
            frozenset({"residence"}),
        ),
        # "than my old Denver place did", "my old Deloitte team", "my old UCLA dorm"
        (
            "(?:my|his|her|their|[\\w-]+['’]s) (?:old|former|previous)",
            " (?:place|flat|apartment|house|home|neighbou?rhood|commute|landlord)\\b",
            frozenset({"residence"}),
        ),
        (
            "(?:my|his|her|their|[\\w-]+['’]s) (?:old|former|previous)",
            " (?:job|team|office|colleagues|coworkers|co-workers|boss|manager|role|badge|"
            "laptop|desk)\\b",
            frozenset({"employer"}),
        ),
        (
            "(?:my|his|her|their|[\\w-]+['’]s) (?:old|former|previous)",
            " (?:dorm|campus|classmates|professors|roommates?|library|lectures)\\b",
            frozenset({"school"}),
        ),
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
    moved = MOVED.search(text) is not None
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


def of_kind(attribute: str, value: str, *, casual: bool = False) -> bool:
    """Whether ``value`` may be a value of ``attribute`` (a name for a place, a company, a
    school or a person; a field, a diet, a make, a title, a race). In ``casual`` text
    (typed without capitals) a name may be in lower case: "quit deloitte"."""
    if (
        casual
        and attribute in ("employer", "residence")
        and value.islower()
        and not (_UNSAID.match(value) or _PLAIN.fullmatch(value) or value.endswith("ing"))
    ):
        value = value.title()
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
        "phone": lambda: (PHONE.search(value) or _PHONE_MAKER.fullmatch(value)) is not None,
        "laptop": lambda: (LAPTOP.search(value) or _LAPTOP_MAKER.fullmatch(value)) is not None,
        "training_goal": lambda: _RACE_WORD.search(value) is not None,
    }
    if attribute.startswith("favourite "):
        return True
    check = kinds.get(attribute)
    return bool(check()) if check is not None else False


# A maker named alone for the device a newer message says it replaces: "gave up on the
# dell", "ditched the samsung" (the lexicons want a model: "Dell XPS", "Galaxy S21").
_PHONE_MAKER = re.compile(r"samsung|galaxy|pixel|nokia|sony|oppo|vivo|honor|lg", re.I)
_LAPTOP_MAKER = re.compile(r"dell|lenovo|hp|asus|acer|msi|mac|toshiba|xps|surface", re.I)


_FIELD = Frame("major", re.compile(""), "academic")
_LINE_OF_WORK = re.compile(r"[a-z]+ing")  # "left teaching", "quit nursing"
_UNSAID = re.compile(r"^(?:it|that|this|them|him|her|one|home|work|school|job|the)\b", re.I)
# Common words a casual text may leave where a name would be: "left the company".
_PLAIN = re.compile(
    r"(?:a|an|my|his|her|their|our)\b.*|company|firm|office|team|place|city|town|area|"
    r"country|there|here|uni|college|university|everything|everyone|it all"
)
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
    with read_as_typed(text):
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
    r"bike|phone|laptop|tree|team|club)\b|\b(?:it|this|that)(?:['’]s| is| was)?\s*$",
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


def _aged(text: str, subject: str, old: str, days: int, today: date) -> str | None:
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
    if not found and days <= 365 and _own_birthday_now(text, subject, today):
        # "it's my birthday today" within a year of "I'm 17": one birthday since, 18
        found.add(str(int(old) + 1))
    return found.pop() if len(found) == 1 else None


def _own_birthday_now(text: str, subject: str, today: date) -> bool:
    """Whether ``text`` says the subject's birthday is today or has just passed (not one
    to come, nor someone else's). A date said with it ("it's Ana's birthday on 26 August
    2023", as "today" is written down) must not be after ``today``."""
    who = re.escape(subject)
    said = re.compile(
        rf"\b(?:it['’]?s|it is|today is|today['’]s) {who}['’]s birthday\b|"
        rf"\b{who} (?:celebrated|had|spent) {who}['’]s birthday\b|"
        rf"\b{who}['’]s birthday (?:was|is) (?:today|yesterday)\b",
        re.I,
    )
    for sentence in _SENTENCE.split(text):
        found = said.search(sentence)
        if found is None or _NOT_NOW.search(sentence) or _TO_COME.match(sentence, found.end()):
            continue  # "it's Ana's birthday tomorrow", "… on Friday", "… in two weeks"
        on = _ON_DATE.match(sentence, found.end())
        if on is not None:
            try:
                when = datetime.strptime(on["date"], "%d %B %Y").date()
            except ValueError:
                continue
            if when > today:
                continue  # a date written down for a day to come
        return True
    return False


_ON_DATE = re.compile(r" on (?P<date>\d{1,2} [A-Z][a-z]+ \d{4})")
# A day named after the birthday that is not a full date already past, or one to come.
_TO_COME = re.compile(
    r" (?:on (?!\d{1,2} [A-Z][a-z]+ \d{4})|tomorrow|soon|next|in (?:a|an|\d+|two|three|four|"
    r"five|six|a few|a couple of) (?:days?|weeks?)|this (?:weekend|week|month|friday|saturday|"
    r"sunday)|coming up|is coming)",
    re.I,
)


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
