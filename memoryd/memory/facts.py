"""Which single-valued facts an item states: (subject, attribute, value).

"Priya moved to Austin" and "Priya lives in Boston" both state Priya's *residence*, with
different values, so the newer replaces the older. Subjects are resolved as a reader
would: the leading noun phrase of a clause ("Priya", "Priya and her family" → Priya;
"Priya's sister Anna" → Anna; "Priya's husband" → that husband, never Priya), and a
clause joined by "and" keeps its sentence's subject ("sold the Civic and bought a
Tesla"). A clause whose subject is not a plain noun phrase ("Priya might move to",
"Priya is thinking of", "If Priya worked at") states no fact: plans, wishes and
hypotheticals never supersede. Questions state nothing. Only attributes a person has one
value of at a time are recognised; an LLM extractor says what it replaces itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from memoryd.memory.fact_frames import (
    ACADEMIC,
    FRAMES,
    GENERIC_VEHICLE,
    INVERTED,
    NOT_CURRENT_ROLE,
    NOT_EMPLOYER,
    ROLE_HEADS,
    SCHOOL,
    VEHICLE,
    Frame,
    age_number,
)


@dataclass(frozen=True, slots=True)
class Fact:
    """``ends``: the clause closes ``value`` (or any value, when empty) without a new one."""

    subject: str
    attribute: str
    value: str
    display: str = ""
    ends: bool = False

    @property
    def key(self) -> str:
        return f"{self.subject}|{self.attribute}"


_NAME = r"[A-Z][A-Za-z-]*(?:['’][A-Z][A-Za-z-]+)?(?:\s+[A-Z][A-Za-z-]*(?:['’][A-Z][A-Za-z-]+)?){0,2}"  # noqa: E501
_COMPANY = (
    r"(?:family|partner|wife|husband|kids|children|boyfriend|girlfriend|fianc[ée]e?|spouse|"
    r"son|daughter|roommates?|housemates?|dog|cat)"
)
_SUBJECTS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Priya's sister Anna" is Anna; "Priya's sister" is that sister.
    (re.compile(rf"^(?P<owner>{_NAME})(?:'s|’s) (?P<rel>(?:[a-z][\w-]*\s+){{0,2}}[a-z][\w-]*)(?: (?P<name>{_NAME}))?(?=\s)"), "relation"),  # noqa: E501
    (re.compile(rf"^(?P<name>{_NAME}) and (?:his|her|their) (?:new )?{_COMPANY}(?=\s)"), "name"),
    (re.compile(rf"^(?P<name>{_NAME}) and (?P<other>{_NAME})(?=\s)"), "pair"),
    (re.compile(rf"^(?:he|she|they|He|She|They)(?: and (?:his|her|their) {_COMPANY})?(?=\s)"), "inherit"),  # noqa: E501
    (re.compile(rf"^(?P<name>{_NAME})(?=\s|['’]s\s)"), "name"),
)
_CLAUSE = re.compile(
    r"\s*(?:;|:|—|–| - |,\s*(?:and|but|so|then|while)?\s*|"
    r"\s(?:and|but|so|then|while|whereas|plus)\s(?=(?!(?:his|her|their|the|a|an|its|my|our)\b)[a-z]))\s*"
)
_INNER = re.compile(r"\b(?:and|so|but|then|because|after|when)\s+(?=[A-Z])")
_LEAD = re.compile(r"^(?:and|but|so|then|also|plus|now)\s+", re.I)
_STRIP = re.compile(r"^(?:(?:a|an|the|his|her|their|its|my|our|new|old|used|brand-new|little|own)\s+)+", re.I)  # noqa: E501
_SPACES = re.compile(r"\s+")
_PRONOUN_VALUE = frozenset("it that this them him her one there here home something".split())
_STOP_TAIL = re.compile(r"\s+(?:at|for|with|in|on|from|since|and|who|which|because)\b.*$")
_ARTICLE_NOUN = re.compile(r"^(?:a|an|the)\s+[a-z]")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" .,;:!?\"'()").casefold()


def _canonical(value: str) -> str:
    return _norm(_STRIP.sub("", _norm(value)))


_TIME_LEAD = re.compile(
    r"^(?:Since|As of|Starting|From|On|In|After|Before|Last|This|Next|Earlier|Back in|Over|By|"
    r"Today|Yesterday|Recently|Now|Finally|Also)\b(?:\s+(?:[A-Za-z0-9]+))??(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?\s+(?=[A-Z])"
)


def _subjects(clause: str) -> Iterator[tuple[str | None, str]]:
    """Each way ``clause`` opens with a subject: (subject or None to inherit, predicate).
    A leading time phrase ("Since Monday", "In June") is not part of the subject."""
    lead = _TIME_LEAD.match(clause)
    if lead:
        yield from _subjects(clause[lead.end() :])
    for pattern, kind in _SUBJECTS:
        match = pattern.match(clause)
        if match is None:
            continue
        rest = clause[match.end() :].lstrip()
        if kind == "relation":
            owner, rel, name = match["owner"], match["rel"], match["name"]
            subject = name if name else f"{owner}'s {rel}"
            yield _norm(subject), rest
            # "Priya's new manager is Dana": the possessive belongs to the frame.
            yield _norm(owner), clause[len(owner) :]
        elif kind == "inherit":
            yield None, rest
        elif kind == "pair":  # "Tobi and Amara called off the engagement": both did
            yield _norm(match["name"]), rest
            yield _norm(match["other"]), rest
        else:
            yield _norm(match["name"]), rest if not rest.startswith(("'s", "’s")) else rest


def _role(value: str) -> str | None:
    words = _STOP_TAIL.sub("", value).split()
    if not words or any(w.casefold().strip("-") in NOT_CURRENT_ROLE for w in words):
        return None
    head = words[-1].casefold()
    suffix = head.endswith(("ologist", "ician", "grapher", "eer", "ist")) and head not in (
        "list", "wrist", "twist", "artist-in-residence"
    )
    if head in ROLE_HEADS or suffix:
        return " ".join(words)
    return None


def _checked(frame: Frame, value: str) -> str | None:
    """The value as stated, if it is of the kind the frame needs; else None."""
    value = value.strip(" .,;:!?\"'")
    if frame.kind == "age":
        return age_number(value)
    if not value or _norm(value) in _PRONOUN_VALUE:
        return None
    words = _STRIP.sub("", value).split() or value.split()
    first = words[0]
    proper = first[:1].isupper() or first[:1].isdigit()
    if frame.kind == "place":
        return value if proper or _ARTICLE_NOUN.match(value) else None
    if frame.kind in ("org", "company"):
        if NOT_EMPLOYER.search(value) or (frame.kind == "company" and SCHOOL.search(value)):
            return None
        return value if proper or (frame.kind == "org" and _ARTICLE_NOUN.match(value)) else None
    if frame.kind == "school":
        return value if SCHOOL.search(value) else None
    if frame.kind == "role":
        return _role(value)
    if frame.kind == "vehicle":
        found = VEHICLE.search(value)
        if found is None:
            return None
        return value[found.start() :]
    if frame.kind == "academic":
        field = _STOP_TAIL.sub("", value)
        return field if ACADEMIC.search(field.split()[-1] if field.split() else "") else None
    if frame.kind == "race":
        races = r"\b(?:marathon|half|triathlon|race|10k|5k|ultra|ironman|century|meet|tournament|championship|competition|swim|ride|trek)\b"  # noqa: E501
        return value if re.search(races, value, re.I) else None
    return value


def _frame_facts(subject: str, predicate: str) -> Iterator[Fact]:
    for frame in FRAMES:
        match = frame.pattern.match(predicate)
        if match is None:
            continue
        raw = frame.fixed if frame.fixed is not None else (match.groupdict().get("value") or "")
        value = raw if frame.fixed is not None else _checked(frame, raw)
        if value is None:
            continue
        attribute = frame.attribute
        if attribute == "favourite":
            attribute = f"favourite {_norm(match['thing'])}"
        if attribute == "relationship" and frame.fixed is None:
            value = _relationship(value)
        yield Fact(subject, attribute, _canonical(value), value, frame.ends)


def _relationship(value: str) -> str:
    from memoryd.memory.fact_frames import RELATIONSHIP

    return RELATIONSHIP.get(_norm(value), _norm(value))


def facts_of(text: str) -> list[Fact]:
    """The single-valued facts ``text`` states, at most one per attribute and subject."""
    text = text.strip()
    if not text or text.endswith("?"):
        return []
    found: dict[str, Fact] = {}
    inherited: str | None = None
    previous = ""
    for clause in _CLAUSE.split(text):
        clause = _LEAD.sub("", clause.strip())
        if not clause:
            continue
        stated = list(_clause_facts(clause, inherited))
        if not stated and previous and inherited:
            stated = list(_anaphora(clause, previous, inherited))
        for fact in stated:
            found.setdefault(f"{fact.key}|{fact.ends}", fact)
        subject = _leading_subject(clause)
        if subject is not None:
            inherited = subject
        previous = clause
    return list(found.values())


_IT_IS = re.compile(
    r"^(?:it's|it is|that's|that is|which is|it has become|it became)\s+(?:now\s+)?"
    r"(?:his|her|their|(?P<owner>[A-Z][\w-]*)(?:'s|’s))\s+(?:new\s+|current\s+|all-time\s+)?"
    r"favou?rite\s+(?P<thing>[a-z]+(?: [a-z]+)?)\b"
)


def _anaphora(clause: str, previous: str, subject: str) -> Iterator[Fact]:
    """"Beatriz finished The Remains of the Day, and it's her new favourite book": the
    favourite is what the previous clause was about."""
    match = _IT_IS.match(clause)
    if match is None:
        return
    predicate = previous
    for parsed, rest in _subjects(previous):
        if parsed is not None:
            predicate = rest
            break
    words = predicate.split()
    # The object: past the verb and its adverbs and particles.
    skip = {"just", "finally", "recently", "really", "mostly", "totally", "now", "also",
            "into", "on", "about", "to", "a", "an", "the"}  # fmt: skip
    body = words[1:] if words else []
    while body and body[0].casefold() in skip - {"the"}:
        body = body[1:]
    value = " ".join(body).strip(" .,!")
    if value and len(value.split()) <= 8:
        attribute = f"favourite {_norm(match['thing'])}"
        yield Fact(subject, attribute, _canonical(value), value)


def _leading_subject(clause: str) -> str | None:
    for subject, _ in _subjects(clause):
        if subject is not None:
            return subject
    return None


def _clause_facts(clause: str, inherited: str | None) -> Iterator[Fact]:
    for frame in INVERTED:
        match = frame.pattern.match(clause)
        if match:
            subject = _leading_subject(match["subject"] + " x")
            if subject:
                attribute = frame.attribute
                if attribute == "favourite":
                    attribute = f"favourite {_norm(match['thing'])}"
                value = match["value"].strip()
                yield Fact(subject, attribute, _canonical(value), value)
                return
    found_in: str | None = None
    for subject, predicate in _subjects(clause):
        if found_in is not None and predicate != found_in:
            return  # a pair's second subject shares the predicate; nothing else does
        subject = subject if subject is not None else inherited
        if subject is None:
            continue
        facts = list(_frame_facts(subject, predicate))
        if facts:
            yield from facts
            found_in = predicate
    if found_in is not None:
        return
    if inherited is not None and clause[:1].islower():
        yield from _frame_facts(inherited, clause)
        return
    # "Insurance came through and Alexei picked up a Volvo": a clause of its own.
    for inner in _INNER.finditer(clause):
        yield from _clause_facts(clause[inner.end() :], None)


def same_value(attribute: str, a: str, b: str) -> bool:
    """Whether two canonical values name the same thing ("austin" and "austin texas" do;
    a different job title never does: a promotion is a change)."""
    if a == b:
        return True
    if attribute in ("occupation", "age", "relationship", "diet") or not a or not b:
        return False
    ta, tb = set(a.split()), set(b.split())
    return ta <= tb or tb <= ta


def is_vehicle_generic(value: str) -> bool:
    return bool(GENERIC_VEHICLE.match(value))
