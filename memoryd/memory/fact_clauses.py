"""A text cut into clauses, each with whom it is about.

A clause's subject is its own leading noun phrase (``fact_subjects``), else the one it
inherits from the clause before: "Priya moved to Lisbon and started at Feedzai" is Priya's
twice. A pronoun right after someone else is named ("…at Raj's roommate's wedding — he
married Anika") inherits nobody; "he" or "she" after a possessive thing ("Daniela's team
got reorganized and she…") means its owner; a reported fragment ("According to Lars,
vegan now") is the reporter's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from memoryd.memory.fact_lexicon import OTHER_PERSON
from memoryd.memory.fact_subjects import leading_subject, norm
from memoryd.memory.names import is_first_name

# "got a new phone, a Pixel 8", "going by my full name, Finnegan": the comma or colon
# sets off what the thing is.
_SETS_OFF = (
    r"(?:(?<!new phone)(?<!new laptop)(?<!new car)(?<!full name)(?<!middle name)(?<!real name)"
    r"|(?![:,]\s*(?:an?\s+|the\s+)?(?-i:[A-Z0-9]|i[A-Z])))"
)
_CLAUSE = re.compile(
    rf"\s*(?:;|(?<!target)(?<!goal)(?<!challenge){_SETS_OFF}:|—|–|"
    rf" - |{_SETS_OFF},\s*(?:and|but|so|then|while)?\s*|"
    # an emoji between two sentences typed without an end mark: "done ✅ Next target"
    r"\s[^\w\s,.;:!?'’\"()&/-]+\s+(?=\w)|"
    r"\s(?:and|but|so|then|while|whereas|plus)\s"
    r"(?=(?!(?:his|her|their|the|a|an|its|my|our|others|accepted|took|signed|beef|pork|lamb|"
    r"fish|chicken|meat|eggs|dairy|steak|seafood)\b)[a-z]))\s*"
)
_LEAD = re.compile(
    r"^(?:and|but|so|then|also|plus|now|luckily|thankfully|fortunately|unfortunately|sadly|"
    r"honestly|anyway|btw)\b,?\s+",
    re.I,
)


# "Dana's son's name is Leo", "Patrick's nephew is named Patrick": about the relative.
_RELATIVE = re.compile(
    r"^(?-i:[A-Z])[\w-]+['’]s\s+(?:(?:new|little|older|younger|big|baby|eldest|oldest|"
    r"youngest|twin|step|best|late)\s+)?(?:son|daughter|sister|brother|mom|mum|mother|dad|"
    r"father|wife|husband|partner|boyfriend|girlfriend|fianc[ée]e?|friend|cousin|aunt|uncle|"
    r"nephew|niece|kid|kids|child|children|baby|grandma|grandpa|grandmother|grandfather|"
    r"granddaughter|grandson|colleague|coworker|co-worker|roommate|flatmate|housemate|"
    r"neighbou?r|dog|cat|parents|in-laws?|family|sibling|stepson|stepdaughter)s?\b"
)


_REPORTED = re.compile(r"According to (?P<name>(?-i:[A-Z])[\w'’-]+)")
_PRONOUN_LED = re.compile(r"^(?P<pronoun>he|she|they)\b", re.I)


def clauses(text: str) -> Iterator[tuple[str | None, str]]:
    """``text``'s clauses, each with whom it is about (its own subject, else the one it
    inherits from the clause before; None when nobody is named yet)."""
    inherited: str | None = None
    previous = ""
    after_report = False
    named: str | None = None  # the one person a clause with no subject named
    for clause in _CLAUSE.split(text):
        clause = _LEAD.sub("", clause.strip())
        if not clause:
            continue
        if reported := _REPORTED.fullmatch(clause):
            inherited = norm(reported["name"])  # "According to Lars, vegan now."
            after_report = True
            continue
        relative = _RELATIVE.match(clause)
        own = norm(relative.group(0)) if relative else leading_subject(clause)
        if after_report and own and " " not in own and not is_first_name(own.title()):
            own = None  # "According to Ayesha, Reorg happened": a word, not a person
        after_report = False
        led = _PRONOUN_LED.match(clause)
        if own is None and led and OTHER_PERSON[led["pronoun"].lower()].search(previous, 1):
            inherited = None  # "…at Raj's roommate's wedding — he married Anika": whose he?
        elif own is None and led and named and led["pronoun"].lower() != "they":
            inherited = named  # "Work upgraded Freya — she is on a MacBook now": Freya
        elif own is None and led and inherited and led["pronoun"].lower() != "they":
            inherited = _person(inherited)  # "Daniela's team got…, and she": Daniela
        if own is None and inherited and clause[:1].islower() and not led:
            inherited = _person(inherited)  # "Arjun's last day…, starting at Razorpay"
        yield own or inherited, clause
        named = _named(clause) if own is None else None
        inherited = own or _possessor(clause) or inherited
        previous = clause


def _person(subject: str) -> str:
    """A person "he" or "she" may mean: a possessive subject naming a thing ("daniela's
    team") stands for its owner; a person ("priya's sister") stays as it is."""
    owner, _, thing = subject.partition("'s ")
    if not thing or OTHER_PERSON["he"].search(thing) or OTHER_PERSON["she"].search(thing):
        return subject  # one person ("priya's sister"), not "raj's brothers"
    return owner


_POSSESSOR = re.compile(r"\b(?-i:[A-ZÀ-ÖØ-Þ])(?-i:[a-zß-öø-ÿ])+(?:-[A-Za-z]+)?(?=['’]s\b)")


def _possessor(clause: str) -> str | None:
    """Whom a clause with no subject of its own is about, for a pronoun that follows
    ("The registrar processed Sade's change of major — she is a journalism major now")."""
    found = _POSSESSOR.findall(clause)
    if found:
        return norm(found[-1])
    # "No more Big Four for Giulia — started at Stripe": the one it was for
    benefit = _FOR_NAME.search(clause)
    return norm(benefit["name"]) if benefit else None


# A name that does something or has something done to it: not one after a preposition
# ("in May", "at Austin"), nor a month.
_NAME = re.compile(
    r"(?<!\bin )(?<!\bon )(?<!\bat )(?<!\bby )(?<!\bsince )(?<!\buntil )(?<!\bof )(?<!\bto )"
    r"(?<!\bfrom )(?<!\bwith )(?<!\bnot )(?<!\bunlike )(?<!\blike )(?<!\bthan )(?<!\bthanks )"
    r"(?<!\bthank )(?<=\s)(?!(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\b)(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]+(?:-[^\W\d_]+)?\b"
)


def _named(clause: str) -> str | None:
    """The one person a clause with no subject of its own names, for a he/she that opens
    the next ("Work upgraded Freya — she is on a MacBook Pro 14 now"); not one after
    "with", "not", "unlike" ("lunch with Priya, then started at Google")."""
    people = {norm(w) for w in _NAME.findall(clause) if is_first_name(w)}
    return people.pop() if len(people) == 1 else None


_FOR_NAME = re.compile(r"^no more .{1,40}? for (?P<name>(?-i:[A-Z])[a-z]+)\s*[.!]*$", re.I)


__all__ = ["clauses"]
