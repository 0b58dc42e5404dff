"""Where a person the subject has may be in a parsed text, for ``fact_loose``: a manager
("my team lead raj is great", "Helmut (my boss) wants…", "now I report to Steve") and a
partner ("my boyfriend Jun's birthday", "since the divorce was finalized").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from memoryd.memory.fact_lexicon import OTHER_PERSON, RELATIONSHIP
from memoryd.memory.fact_loose_readers import OWNER, SAID_TO_BE, said_of_owned
from memoryd.memory.fact_parse_base import unreal
from memoryd.memory.fact_subjects import norm
from memoryd.memory.fact_values import is_casual
from memoryd.memory.fact_whose import BOSS, NOT_NAME, doer, is_proper, means, pobj_of, said_of
from memoryd.memory.names import is_first_name

if TYPE_CHECKING:
    from spacy.tokens import Token


_OWNED_BOSS = re.compile(
    rf"\b{OWNER}\s+(?:(?:new|current)\s+)?(?:boss|manager|line manager|team lead|lead|"
    rf"supervisor){SAID_TO_BE}",
    re.I,
)

_COUPLE = {"mrs": "married", "couple": "in a relationship", "wife": "married"}

_BOSS_ASIDE = re.compile(
    rf"\b(?P<value>(?-i:[A-Z])[\w'’-]+) \({OWNER} (?:boss|manager|team lead|supervisor)\)",
    re.I,
)


def _owned_boss(doc: Any, subject: str) -> Iterator[str]:
    """ "my boss is Mr. Ito", "my team lead raj is great" (a name typed casually)."""
    for said in said_of_owned(doc, subject, _OWNED_BOSS):
        words = said.split()
        title = words[0].rstrip(".") in ("Mr", "Mrs", "Ms", "Dr") if words else False
        name = words[1 if title else 0] if len(words) > int(title) else ""
        typed = name[:1].isupper() or (is_casual(doc.text) and is_first_name(name.title()))
        if typed and name.casefold() not in NOT_NAME:
            yield f"{words[0]} {name}" if title else name


# Whoever else a manager-like noun names: "my skip-level manager", "my old boss".
_NOT_MY_MANAGER = re.compile(
    r"\b(?:skip-level|skip level|grand|former|old|previous|ex-|acting|interim|project) "
    r"(?:boss|manager|lead|supervisor)\b",
    re.I,
)


def managers(doc: Any, subject: str) -> Iterator[Token | str]:
    if _NOT_MY_MANAGER.search(doc.text):
        return  # "my skip-level manager is Grace now"
    for aside in _BOSS_ASIDE.finditer(doc.text):  # "Helmut (my boss) wants a deck"
        if aside["name"] is None or norm(aside["name"]) == subject:
            yield aside["value"]
    yield from _owned_boss(doc, subject)
    for token in doc:
        if not (is_proper(token) or is_first_name(token.text)):
            continue
        head = token.head
        if pobj_of(token, ("to",)) and head.head.lemma_.lower() == "report":
            yield token
        elif token.dep_ in ("attr", "appos") and head.lemma_.lower() in BOSS:
            yield token  # "his replacement is Malin", "my new boss, Malin"
        elif any(c.dep_ == "compound" and c.lemma_.lower() in BOSS for c in token.children):
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            if owner is not None and means(owner, subject):
                yield token  # "my manager Karen keeps booking Friday meetings"
        elif token.dep_ == "attr" and any(
            c.dep_ == "nsubj" and c.lemma_.lower() in BOSS for c in head.children
        ):
            yield token
        elif (
            token.dep_ == "nsubj"
            and head.lemma_ == "take"
            and any(c.dep_ == "prt" and c.lower_ == "over" for c in head.children)
        ):
            yield token  # "Priscilla took over"


_PARTNER = {
    "husband": "married",
    "wife": "married",
    "hubby": "married",
    "fiancé": "engaged",
    "fiancée": "engaged",
    "fiance": "engaged",
    "fiancee": "engaged",
    "boyfriend": "in a relationship",
    "girlfriend": "in a relationship",
    "bf": "in a relationship",
    "gf": "in a relationship",
}


def _partner_owner(token: Token) -> Token | None:
    """Whose partner ``token`` names: "my boyfriend", and "my boyfriend Jun's birthday"
    (the title then leans on the name, which carries the owner)."""
    owner = next((c for c in token.children if c.dep_ == "poss"), None)
    named = token.head.pos_ == "PROPN" or is_first_name(token.head.text)
    if owner is None and token.dep_ in ("compound", "amod") and named:
        owner = next((c for c in token.head.children if c.dep_ == "poss"), None)
    if any(c.dep_ == "compound" for c in token.children):
        return None  # "my business partner", "my gym buddy's girlfriend"
    return owner


def relationships(doc: Any, subject: str) -> Iterator[str]:
    for token in doc:
        owner = _partner_owner(token) if token.lower_ in _PARTNER else None
        if token.lower_ in _PARTNER and owner is not None and means(owner, subject):
            if not any(c.lower_ in ("ex", "former", "late", "old") for c in token.children):
                yield _PARTNER[token.lower_]  # "my husband" (once "engaged" is known)
            continue
        word = token.lower_.strip(".")
        if token.lemma_.lower() == "divorce" and _FINAL.search(token.sent.text):
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            unowned = owner is None and not OTHER_PERSON["they"].search(token.sent.text)
            if (unowned or (owner is not None and means(owner, subject))) and said_of(
                token, subject
            ):
                # "since the divorce was finalized"; not "after the divorce went through,
                # my best friend Aisha seems happy": whose, the sentence leaves open
                yield "divorced"
            continue
        if word in _COUPLE and said_of(token, subject):
            yield _COUPLE[word]  # "officially Mrs now", "he and his partner are a couple"
        elif word in RELATIONSHIP and token.pos_ == "ADJ" and token.dep_ in ("acomp", "ROOT"):
            if doer(token.head, subject) and not unreal(token.head):
                yield RELATIONSHIP[word]


_FINAL = re.compile(r"\b(?:final\w*|went through|came through|official|signed|done)\b", re.I)
