"""Whom a pronoun in a clause means: "he" or "she" for the subject it would inherit or
the one person of that gender the text names, "they" after a pair the subject is one of,
and a name set off after a possessive ("Dana's dog sitter, Marco, relocated")."""

from __future__ import annotations

import re

from memoryd.memory.fact_lexicon import OTHER_PERSON
from memoryd.memory.fact_subjects import TIME_NAMES, norm, without_lead
from memoryd.memory.names import pronouns_for
from memoryd.memory.verbs import conjugate

__all__ = ["group_in", "is_their", "named_after", "they_as", "whom_he_or_she_means"]


def is_their(pronoun: str, subject: str) -> bool:
    """Whether ``pronoun`` may stand for ``subject``: the one their name tells, or
    "they" for a name that tells none."""
    told = pronouns_for(subject)
    return (told.subject if told is not None else "they") == pronoun


_PRONOUN_LEAD = re.compile(r"^(?:and |so |but |now )?(he|she)\b", re.I)
_CAPITALISED = re.compile(r"\b(?-i:[A-Z])[^\W\d_]+\b")
_TIME_NAME = re.compile(TIME_NAMES)


_BARE_NAME = re.compile(r"^(?-i:[A-Z])[\w-]+(?: (?-i:[A-Z])[\w-]+)?$")
_OWNERS_ONE = re.compile(r"^(?-i:[A-Z])[\w-]+['’]s (?:[a-z][\w-]* ){0,2}[a-z][\w-]*$")


def they_as(group: str, clause: str) -> str:
    """ "they are renting in Portland" after "Aiyana and her family sold the condo": what
    "they" are, Aiyana is ("Aiyana is renting in Portland")."""
    they = _THEY.match(clause)
    if they is None:
        return clause
    verb = _THEY_FORMS.get(they["verb"], they["verb"]) if they["verb"] else ""
    rest = clause[they.end() :]
    if not verb and rest.split():
        first, _, tail = rest.strip().partition(" ")
        rest = f" {conjugate(first)} {tail}"
    return f"{group}{verb}{rest}"


def whom_he_or_she_means(clause: str, subject: str | None, text: str) -> str | None:
    """The subject of a clause that opens on "he" or "she": the inherited one if it may
    be, else the one person of that gender the text names ("Yandex is past for Dmitri now
    — he has joined JetBrains": a name known to be a man's before a word not known to be
    anyone's)."""
    pronoun = _PRONOUN_LEAD.match(without_lead(clause))
    if pronoun is None:
        return subject
    if not _may_mean(pronoun[1], subject):
        return _the_one_named(text, pronoun[1].casefold())
    if subject is not None and pronouns_for(subject) is None:
        # only a name said before the clause ("…reorganized and she now reports to Sarah
        # Kim" is not Sarah's)
        before = text[: max(text.find(clause), 0)]
        return _the_one_named(before, pronoun[1].casefold()) or subject
    return subject


def _may_mean(pronoun: str, subject: str | None) -> bool:
    """Whether a clause's "he" or "she" may be the subject it would inherit: not a gerund
    ("Cooking isn't Hiroshi's job — he drives…"), nor a name of the other gender."""
    if subject is None or (subject.endswith("ing") and pronouns_for(subject) is None):
        return False
    return pronouns_for(subject) is None or is_their(pronoun.casefold(), subject)


def _the_one_named(text: str, pronoun: str) -> str | None:
    """Whom "he" or "she" means in ``text`` when one person is named and no one else is
    spoken of: "You've got Tomasz down as in Kraków — he has been living in Gdańsk"."""
    if OTHER_PERSON[pronoun].search(text):
        return None
    named = {
        norm(w)
        for w in _CAPITALISED.findall(text)
        if pronouns_for(w) is not None and not _TIME_NAME.fullmatch(w)  # not "May"
    }
    if len(named) != 1:
        return None
    only = named.pop()
    return only if is_their(pronoun, only) else None


# A pair the subject is one of ("Aiyana and her family", "Ben and Marta"), whom the next
# clause's "they" may mean.
_GROUP = re.compile(
    r"^(?P<name>(?-i:[A-Z])[\w'’-]+) and (?:(?:his|her|their) (?:family|wife|husband|partner|"
    r"boyfriend|girlfriend|fianc[ée]e?|kids|children)|(?-i:[A-Z])[\w-]+)\b"
)
_OTHERS_MET = re.compile(
    r"\b(?:with|met|meet|visited|visiting|saw|see|friends?|parents|grandparents|"
    r"neighbou?rs|kids|children|family|colleagues|people|guests|cousins|in-laws)\b|"
    r"(?-i:[A-Z])[\w-]+['’]s\b|\b(?-i:[A-Z])[a-z]+\b",
    re.I,
)
_THEY = re.compile(r"^(?:and |so |but |now )?they(?P<verb> are|['’]re| were| have|['’]ve)?\b")
_THEY_FORMS = {" are": " is", "'re": " is", "’re": " is", " were": " was", " have": " has"}
_THEY_FORMS |= {"'ve": " has", "’ve": " has"}


def group_in(clause: str, subject: str | None) -> str | None:
    """The name of ``subject`` when ``clause`` opens on a pair they are one of ("Aiyana
    and her family sold the condo"), for the next clause's "they"; None when the clause
    goes on to meet others ("Dana and Jo visited Jo's parents": "they" are the parents)."""
    together = _GROUP.match(clause)
    if together is None or norm(together["name"]) != subject:
        return None
    return None if _OTHERS_MET.search(clause[together.end() :]) else together["name"]


def named_after(previous: str, clause: str) -> str:
    """A name set off after a possessive, whom the next clause is about: "Dana's dog
    sitter, Marco, just relocated" ("" when ``clause`` is no such name)."""
    return norm(clause) if _BARE_NAME.match(clause) and _OWNERS_ONE.match(previous) else ""
