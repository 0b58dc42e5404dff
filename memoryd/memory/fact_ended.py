"""Whether a newer message says a known value is over: "Jerome left for another company",
"sold the MT-07", "not at Maersk anymore", "got the deadlift done", "the outback's gone".

The value must be the verb's own argument (not a word that only describes it: "quit the
keto subreddit"), the verb must be the speaker's or the value's own ("Henrik retired"),
and leaving must be for good ("left London at 6am for the conference" is a trip).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from memoryd.memory.fact_lexicon import OTHER_PERSON
from memoryd.memory.fact_parse_base import VISIT, antecedent, unreal
from memoryd.memory.fact_subjects import norm
from memoryd.memory.models import StatedFact

if TYPE_CHECKING:
    from spacy.tokens import Token


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
        "phone": "sell trade swap replace retire ditch",
        "laptop": "sell trade swap replace retire ditch",
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

_FAVOURED_OVER = frozenset(
    "overtake replace dethrone beat knock displace supplant usurp unseat oust topple".split()
)

_GONE = re.compile(r"\b(?:anymore|any more|no longer)\b", re.I)

WORDS = re.compile(r"[^\W_][\w'’-]*")

_GENERIC = frozenset(
    """the a an of and at in for my his her their high school university college company
    corp inc ltd team club""".split()
)


def ended(doc: object, subject: str, fact: StatedFact) -> bool:
    """Whether the parsed text says the known value is over: "Jerome left for another
    company", "sold the MT-07", "the vegan label doesn't fit me anymore", "the half went
    great", "instead of mech"."""
    words = value_words(fact.display or fact.value)
    if not words:
        return False
    if fact.attribute in ("vehicle", "phone", "laptop") and _gone(doc.text, words):  # type: ignore[attr-defined]
        return True
    proper = (fact.display or fact.value)[:1].isupper()
    for token in doc:  # type: ignore[attr-defined]
        if not _names_value(token, words, proper):
            continue
        if _owned_by_another(token, subject):
            continue  # "Tom's Galaxy S21 was replaced", "my sister's Civic got sold"
        if fact.attribute == "major" and _instead_of(token):
            return True
        verb, how = _governor(token)
        if verb is not None and how == "object" and _favoured_over(verb, subject, fact.attribute):
            return True  # "Piranesi has overtaken The Bone People as my favourite"
        if verb is None or not _speaker_or_value(verb, subject, token):
            continue
        if _ends_through(verb, how, fact.attribute, doc):
            return True
    return False


def _favoured_over(verb: Token, subject: str, attribute: str) -> bool:
    """Whether ``verb`` puts something else in the value's place as the subject's
    favourite, whatever does it: "X has dethroned it as my all-time favourite"."""
    if not attribute.startswith("favourite") or verb.lemma_.lower() not in _FAVOURED_OVER:
        return False
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ != "as":
            continue
        said = prep.doc[prep.left_edge.i : prep.right_edge.i + 1].text.casefold()
        owner = rf"(?:my|{re.escape(subject)}['’]s)"
        kind = r"(?:new |current |all-time |absolute )*(?:favou?rite|fave?)\b"
        if re.search(rf"\b{owner} {kind}", said):
            return not (unreal(verb) or _NOT_DONE.search(_before(verb)))
    return False


# Before the verb: "Nothing has overtaken…", "Dune almost overtook…" put nothing in place.
_NOT_DONE = re.compile(r"\b(?:nothing|nobody|none|no|never|almost|nearly|not)\b|n't\b", re.I)


def _before(verb: Token) -> str:
    return verb.doc[max(0, verb.left_edge.i) : verb.i].text


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
        return not _NOT_DONE.search(_before(verb))
    taken = how in ("object", "passive") or how in _END_PREPS.get(attribute, ())
    if taken and lemma in _ENDS_OBJECT.get(attribute, ()) and _left_home(attribute, verb):
        return _past_for_goal(attribute, verb)
    if how == "subject" and lemma in _ENDS_SUBJECT.get(attribute, ()):
        return _past_for_goal(attribute, verb) and _left_home(attribute, verb)
    return False


def value_words(value: str) -> set[str]:
    return {
        w.casefold()
        for w in WORDS.findall(value)
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


def _owned_by_another(token: Token, subject: str) -> bool:
    """Whether the value's phrase is owned by someone other than the subject."""
    head = token
    while head.dep_ in ("compound", "amod", "nummod", "flat") and head.head.i != head.i:
        head = head.head
    for child in head.children:
        if child.dep_ != "poss":
            continue
        owner = child.lower_
        mine = owner in ("my", "our") or owner == subject or owner in subject.split()
        if not mine and owner not in ("his", "her", "their", "its"):
            return True
    return False


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
    return attribute != "residence" or bool(MOVED.search(verb.doc.text))


_FOR_A_TIME = re.compile(
    r"\b(?:at \d|\d{1,2}(?::\d\d)?\s*(?:am|pm)|today|tonight|early|late|this (?:morning|"
    r"afternoon|evening|week)|for (?:lunch|the day|the night|the weekend|a (?:bit|while|"
    r"week|month|few)|work|vacation|holiday|a conference|a trip|a meeting))\b",
    re.I,
)

MOVED = re.compile(
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


def names_in(text: str, words: set[str]) -> bool:
    """Whether ``text`` has a word of the value, or one of its stem (see ``_names_value``)."""
    if not words:
        return False
    stems = {w[:5] for w in words}
    return any(
        w in words or w[:5] in stems or any(v.startswith(w) for v in words)
        for w in (t.casefold() for t in WORDS.findall(text))
        if len(w) >= 4 or w in words
    )
