"""Whose phrase a value is, for the loose readers of ``fact_loose``.

A value counts for the subject when it is said by the subject's own verb (a name, he/she
for that name, I/we, or no subject at all) or of a noun the subject owns ("Björn's new
employer, Klarna"), and the phrase is neither unreal (a plan, a wish, a negation) nor a
stay (a trip, a rental, a side job). Also the small pieces every reader shares.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from memoryd.memory.fact_frames import Frame
from memoryd.memory.fact_lexicon import OTHER_PERSON
from memoryd.memory.fact_parse_base import (
    GENDER,
    MONTH,
    antecedent,
    unreal,
)
from memoryd.memory.fact_subjects import norm

if TYPE_CHECKING:
    from spacy.tokens import Token

# A stay somewhere, not a home there (as ``facts._VISIT``, and a plain "trip").
STAY = re.compile(
    r"\b(?:visit\w*|trip|vacation|holiday|conference|tour|getaway|honeymoon|layover|"
    r"airbnb|hotel|hostel|rental|sublet|for (?:a|the|two|three|\d+) (?:days?|weeks?|nights?|"
    r"weekend)|for the (?:summer|winter|holidays|season|semester)|this week|for work|"
    r"workshop|seminar|bootcamp|hackathon|meetup|offsite|retreat|summit|on the side|"
    r"side (?:gig|hustle|job)|second job|weekend (?:shift|job|gig)|part-time|freelanc\w*|"
    r"(?:a|one|two|three|\d+|few) (?:days?|weeks?|nights?) in|(?:got|just|am|i'm) back from|"
    # a stay that ends on a day: "rented a flat in Kilimani till the 20th"
    r"(?:till|until|til) (?:the )?(?:\d{1,2}(?:st|nd|rd|th)|end of (?:the )?(?:week|month)|"
    r"(?:mon|tues|wednes|thurs|fri|satur|sun)day))\b",
    re.I,
)

# Nouns a new employer's name goes with: "my new employer, Klarna", "my Vodafone badge".
EMPLOYER_NOUN = frozenset("employer company firm workplace job".split())

WORK_THING = frozenset(
    """badge onboarding laptop email benefit contract offer lanyard swag hoodie
    orientation payroll""".split()
)

# What a subject's own noun may be that says something of the subject itself (not a
# person: "my colleague joined Google" is the colleague's).
OWNED = (
    EMPLOYER_NOUN
    | WORK_THING
    | frozenset(
        """car truck ride bike motorcycle daily goal target focus diet major home place
        apartment flat house address commute school""".split()
    )
)

# Said of the subject's own without "my": "work's been busy", "new target is a 10k".
OWN_UNSAID = frozenset("work job goal target focus".split())

BOSS = frozenset("boss manager lead supervisor replacement".split())


NOT_SO = re.compile(
    r"\b(?:not|n't|never|if|would|might|will|wants? to|wish|hopes? to|plans? to|"
    r"planning|someday|dream|used to|was|were|old|former|previous|ex)\b",
    re.I,
)

NOT_NAME = frozenset("is was has the a an and but so who which".split())


def noun_phrase(token: Token) -> str:
    """The noun's phrase without its article or owner: "pharmaceutical sales rep"."""
    words = [
        t
        for t in token.subtree
        if t.i <= token.i and t.dep_ not in ("det", "poss", "case", "predet", "punct")
    ]
    start = next((i for i, t in enumerate(words) if t.dep_ not in ("det", "poss")), 0)
    return " ".join(t.text for t in words[start:])


def belongs(token: Token, subject: str, owned: frozenset[str]) -> bool:
    """Whether the value's phrase is the subject's: said by the subject's own verb, or of a
    noun the subject owns, and neither unreal nor a visit."""
    if STAY.search(token.sent.text):
        return False  # "Sam's kitchen in Lisbon is tiny, it's a holiday rental"
    node = token
    for _ in range(6):
        owner = next((c for c in node.children if c.dep_ == "poss"), None)
        if owner is not None:  # "my Vodafone badge"; "my dad's truck" is not the subject's
            return means(owner, subject)
        head = node.head
        if head.i == node.i:
            break
        if head.pos_ in ("VERB", "AUX"):
            if unreal(head) or (head.lemma_ == "stay" and head.tag_ == "VBG"):
                return False  # a plan; "is staying in Lisbon" is a stay
            if _for_someone(head, node, subject):
                return False  # "is buying my dad an iPhone 15": a gift
            return doer(head, subject, owned)
        node = head
    return False


def _for_someone(verb: Token, value: Token, subject: str) -> bool:
    """Whether the verb gives the value to another person: "bought my mom a Pixel 7"
    (the parse may take the person for the object), "got Lena a Kindle"."""
    for child in verb.children:
        if child.i == value.i or child.dep_ not in ("dative", "dobj", "iobj"):
            continue
        if child.lower_ in ("me", "myself", "himself", "herself", "themselves"):
            continue
        if OTHER_PERSON["they"].fullmatch(child.text):
            return True
        if child.pos_ == "PROPN" and child.ent_type_ == "PERSON" and norm(child.text) != subject:
            return True
    return False


def doer(verb: Token, subject: str, owned: frozenset[str] = frozenset()) -> bool:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "expl"):
            if child.lower_ in ("i", "we"):
                return True
            if child.lower_ in GENDER:
                return antecedent(child) == subject
            if child.lower_ in ("it", "that", "this", "there"):
                return verb.dep_ == "conj" and doer(verb.head, subject, owned)
            owner = next((c for c in child.children if c.dep_ == "poss"), None)
            if owner is not None:  # "my new employer is Klarna", not "my parents moved"
                return means(owner, subject) and child.lemma_.lower() in owned
            # "work's been busy at …": the subject's own, said without "my"
            return norm(child.text) == subject or child.lemma_.lower() in OWN_UNSAID
    if verb.dep_ in ("conj", "xcomp", "advcl", "ccomp") and verb.head.i != verb.i:
        return doer(verb.head, subject, owned)
    return True  # no subject: the speaker's own ("Left London last month")


def means(owner: Token, subject: str) -> bool:
    if owner.lower_ in ("my", "our"):
        return True
    if owner.lower_ in GENDER:
        return antecedent(owner) == subject
    return norm(owner.text.removesuffix("'s").removesuffix("’s")) == subject


def said_of(token: Token, subject: str) -> bool:
    """Whether the clause ``token`` is in is about the subject: its verb's subject is the
    subject's name, I/we, he/she when the sentence is about the subject, or none."""
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if unreal(verb):
        return False
    subjects = [t for t in token.sent if t.dep_ in ("nsubj", "nsubjpass") and t.i != token.i]
    about = bool(subjects) and norm(subjects[0].text) == subject
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    for child in [*verb.children, *(g for a in auxes for g in a.children)]:
        if child.dep_ in ("nsubj", "nsubjpass") and child.i != token.i:
            if child.lower_ in GENDER:
                return about or antecedent(child) == subject
            return child.lower_ in ("i", "we") or norm(child.text) == subject
    return True


def is_proper(token: Token) -> bool:
    return token.pos_ == "PROPN" and not MONTH.match(token.lower_)


def near(token: Token, lemmas: frozenset[str], steps: int = 3) -> bool:
    node = token
    for _ in range(steps):
        node = node.head
        if node.lemma_.lower() in lemmas or node.lower_ in lemmas:
            return True
        if node.head.i == node.i:
            break
    return False


def pobj_of(token: Token, preps: tuple[str, ...]) -> bool:
    return token.dep_ == "pobj" and token.head.lower_ in preps


@functools.cache
def with_model_number(lexicon: re.Pattern[str]) -> re.Pattern[str]:
    """The lexicon's makes with a model number run on: "Mazda3", "Pixel6"."""
    return re.compile(lexicon.pattern.removesuffix(r")\b") + r")\d*\b", lexicon.flags)


VEHICLE_KIND = Frame("vehicle", re.compile(""), "vehicle")
