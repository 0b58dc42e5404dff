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

import functools
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from memoryd.memory.fact_frames import (
    ACADEMIC,
    FRAMES,
    GENERIC_VEHICLE,
    INVERTED,
    NOT_CURRENT_ROLE,
    NOT_EMPLOYER,
    ORGNAME,
    PLACE_NOUN,
    POSSESSED,
    ROLE_HEADS,
    SCHOOL,
    VEHICLE,
    WORKPLACE,
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


# A name is capitalised, but a capitalised word opening a sentence is not always a name.
_NOT_NAME = (
    r"(?!(?:The|This|That|These|Those|It|Its|There|Here|One|Two|Three|Four|Five|Six|Seven|"
    r"Eight|Nine|Ten|Some|All|Every|Each|No|Not|Yes|If|When|While|After|Before|Since|Until|"
    r"So|But|And|Or|Then|Now|Today|Yesterday|Tomorrow|Last|Next|First|According|Everyone|"
    r"Everybody|Someone|Somebody|People|Nobody|Please|Just|Also|Finally|Honestly|Actually|"
    r"What|Why|How|Who|Where|Which|Maybe|Perhaps|Still|Moving|Turns|Guess|Good|Great|Big|"
    r"New|Thanks|Sadly|Luckily|Hopefully)\b)"
)
_CAP = r"(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]*(?:-[^\W\d_]+)*"
_NAME = _NOT_NAME + rf"{_CAP}(?:['’]{_CAP})?(?:\s+{_CAP}(?:['’]{_CAP})?){{0,2}}"
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
_AND_NAME = re.compile(rf"^and (?P<other>{_NAME})\s+")
_CLAUSE = re.compile(
    r"\s*(?:;|:|—|–| - |,\s*(?:and|but|so|then|while)?\s*|"
    r"\s(?:and|but|so|then|while|whereas|plus)\s"
    r"(?=(?!(?:his|her|their|the|a|an|its|my|our|accepted|took|signed)\b)[a-z]))\s*"
)
_JOINER = r"\b(?:and|so|but|then|because|after|when|since|until|once|as|now that|though|although)"
_INNER = re.compile(
    rf"{_JOINER}\s+(?=(?:he|she|they)\s)|(?:{_JOINER}\s+|\s)(?=(?-i:[A-Z])[a-z]+(?:['’]s)?\s)"
)
# Before a subject, these make what follows a plan, a wish, a question or a supposition.
_UNREAL = re.compile(
    r"\b(?:if|unless|whether|would|could|might|may|maybe|perhaps|wish|wishes|hope|hopes|"
    r"dream|dreams|want|wants|plan|plans|planning|thinking|considering|wonder|wonders|"
    r"asked|asks|imagine|suppose|pretend|not|never|n't|should|will|'ll|'d|someday|"
    r"one day|what if|instead of|rather than|until|till|by the time|before)\b",
    re.I,
)
_FUTURE = re.compile(
    r"\b(?:next|upcoming|coming|will|soon|tomorrow|in \d+ days|plans?|planning)\b", re.I
)
_LEAD = re.compile(r"^(?:and|but|so|then|also|plus|now)\s+", re.I)
# Articles in any case; adjectives only in lower case ("New York" keeps its "New").
_STRIP = re.compile(
    r"^(?:(?:(?i:a|an|the|his|her|their|its|my|our)|new|old|used|brand-new|little|own)\s+)+"
)
_SPACES = re.compile(r"\s+")
_PRONOUN_VALUE = frozenset("it that this them him her one there here home something".split())
_STOP_TAIL = re.compile(
    r"\s+(?:at|for|with|in|on|from|since|and|who|which|because|now|these|today|again|too|"
    r"anymore|full-time|part-time|here|there|yet|already|though)\b.*$"
)
_ARTICLE_NOUN = re.compile(r"^(?:a|an|the)\s+[a-z]")


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" .,;:!?\"'()").casefold()


def _canonical(value: str) -> str:
    return _norm(_STRIP.sub("", value.strip(" .,;:!?\"'()")))


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
            pair = _AND_NAME.match(rest)
            if pair:  # "Robin's boyfriend Jake and Robin have been together"
                yield _norm(subject), rest[pair.end() :]
                yield _norm(pair["other"]), rest[pair.end() :]
                continue
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


_RACE = re.compile(
    r"\b(?:marathon|half|triathlon|race|10k|5k|ultra|ironman|century|meet|tournament|"
    r"championship|competition|swim|ride|trek)\b",
    re.I,
)


def _org(frame: Frame, value: str, words: list[str], proper: bool) -> str | None:
    if NOT_EMPLOYER.search(value) or (frame.kind == "company" and SCHOOL.search(value)):
        return None
    if proper:
        return value
    if frame.kind == "org" and _ARTICLE_NOUN.match(value) and WORKPLACE.search(words[-1]):
        return value  # "a bakery", not "a living"
    # "left the studio": a workplace named by what it is.
    return value if frame.ends and WORKPLACE.search(words[-1]) else None


def _first_found(pattern: re.Pattern[str], value: str, *, whole: bool = False) -> str | None:
    found = pattern.search(value)
    if found is None:
        return None
    return value if whole else value[found.start() : found.end() if pattern is ORGNAME else None]


def _academic(value: str) -> str | None:
    field = _STOP_TAIL.sub("", value)
    return field if ACADEMIC.search(field.split()[-1] if field.split() else "") else None


#: Set while reading a text written without capitals (see ``_is_casual``).
_CASUAL: ContextVar[bool] = ContextVar("casual", default=False)
_NOT_A_NAME = frozenset(
    """work home school bed church class night nights weekends weekend it there here fear
    peace hope tears love life town bed time times first last least most all once""".split()
)


def kind_may_be_lower(kind: str, value: str) -> bool:
    """In casual text, a place or an organisation may be written in lower case, unless the
    value is a common word that names neither ("live in fear", "work at night")."""
    return kind in ("place", "org", "company") and not (
        value.casefold().split()[0] in _NOT_A_NAME or _ARTICLE_NOUN.match(value)
    )


def _checked(frame: Frame, value: str) -> str | None:
    """The value as stated, if it is of the kind the frame needs; else None."""
    value = value.strip(" .,;:!?\"'")
    if frame.kind == "age":
        return age_number(value)
    if not value or _norm(value) in _PRONOUN_VALUE:
        return None
    words = _STRIP.sub("", value).split() or value.split()
    proper = words[0][:1].isupper() or words[0][:1].isdigit()
    if not proper and _CASUAL.get() and kind_may_be_lower(frame.kind, value):
        proper = True
    kind = frame.kind
    if kind == "place":
        # "a small town" is a place; "a new team" is not.
        common = _ARTICLE_NOUN.match(value) and PLACE_NOUN.search(_STOP_TAIL.sub("", value))
        return value if proper or common else None
    if kind in ("org", "company"):
        return _org(frame, value, words, proper)
    checks = {
        "orgname": lambda: _first_found(ORGNAME, value),
        "school": lambda: _first_found(SCHOOL, value, whole=True),
        "role": lambda: _role(value),
        "vehicle": lambda: _first_found(VEHICLE, value),
        "academic": lambda: _academic(value),
        "race": lambda: _first_found(_RACE, value, whole=True),
    }
    return checks[kind]() if kind in checks else value


# A stay somewhere, not a home there: "in Lisbon for a conference", "at Stanford for a
# two-week workshop", "visiting", "on a trip".
_VISIT = re.compile(
    r"\b(?:for (?:a|an|the|our|his|her|their|my)? ?(?:[\w-]+ ){0,3}(?:conference|workshop|"
    r"trip|visit|holiday|vacation|weekend|week|weeks|days|nights|meeting|wedding|funeral|"
    r"tour|course|seminar|retreat|festival|summit|residency|getaway|break)|visiting|"
    r"on (?:a |an |our |his |her |their |my )?(?:[\w-]+ )?(?:trip|vacation|holiday|tour|"
    r"visit|layover|stopover)|business trip|work trip)\b",
    re.I,
)
_PLACE_LIKE = frozenset({"residence", "school", "employer"})
_NOT_WORK_ROLES = frozenset("student freshman sophomore junior senior undergrad postgrad".split())


def _frame_facts(subject: str, predicate: str) -> Iterator[Fact]:
    visit = bool(_VISIT.search(predicate))
    for frame in FRAMES:
        if visit and frame.attribute in _PLACE_LIKE and not frame.ends:
            continue
        match = frame.pattern.match(predicate)
        if match is None:
            continue
        role = match.groupdict().get("role")
        if role is not None and (_role(role) is None or role.casefold() in _NOT_WORK_ROLES):
            continue  # "a freshman at Rice" is a school, not an employer
        raw = frame.fixed if frame.fixed is not None else (match.groupdict().get("value") or "")
        value = raw if frame.fixed is not None else _checked(frame, raw)
        if value is None:
            continue
        attribute = frame.attribute
        if attribute == "favourite":
            attribute = _favourite(match["thing"])
        if attribute == "relationship" and frame.fixed is None:
            value = _relationship(value)
        yield Fact(subject, attribute, _canonical(value), value, frame.ends)


def _favourite(thing: str) -> str:
    """"favourite TV show" and "favourite show" are one attribute: its head noun."""
    words = [w for w in _norm(thing).split() if w not in _NOT_THING]
    return f"favourite {words[-1] if words else _norm(thing)}"


_NOT_THING = frozenset("now these days right currently lately too ever of all time".split())


def _relationship(value: str) -> str:
    from memoryd.memory.fact_frames import RELATIONSHIP

    return RELATIONSHIP.get(_norm(value), _norm(value))


def facts_of(text: str) -> list[Fact]:
    """The single-valued facts ``text`` states, at most one per attribute and subject."""
    return list(_cached_facts_of(text.strip()))


# A text's facts are a pure function of the text, and memorize asks for the same text's
# several times (extraction scores a sentence, dedup and truth read the rewritten item):
# the regex-heavy parse runs once per text. Facts are frozen, so sharing them is safe.
@functools.lru_cache(maxsize=8192)
def _cached_facts_of(text: str) -> tuple[Fact, ...]:
    if not text or text.endswith("?"):
        return ()
    token = _CASUAL.set(_is_casual(text))
    try:
        return tuple(_facts_of(text))
    finally:
        _CASUAL.reset(token)


def _is_casual(text: str) -> bool:
    """Whether ``text`` was written without capitals ("just moved to denver lol"): then
    a lower-case value may still be a name of a place or a company. The subject's name
    (put there by the rewrite) and the first letter do not count."""
    subject = _leading_subject(text) or ""
    rest = [
        w
        for w in text.split()[1:]
        if _norm(w).split("'")[0] != subject.split("'")[0] and not _MONTH.fullmatch(_norm(w))
    ]
    return len(rest) >= 3 and not any(ch.isupper() for w in rest for ch in w)


# The date rewrite writes month names with a capital, in casual text too.
_MONTH = re.compile(
    r"january|february|march|april|may|june|july|august|september|october|november|december"
)


def _facts_of(text: str) -> list[Fact]:
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
        yield Fact(subject, _favourite(match["thing"]), _canonical(value), value)


def _leading_subject(clause: str) -> str | None:
    for subject, _ in _subjects(clause):
        if subject is not None:
            return subject
    return None


def _inverted(clause: str) -> Fact | None:
    """A fact whose subject stands after its value ("Dana is Priya's new manager")."""
    for frame in INVERTED:
        match = frame.pattern.match(clause)
        subject = _leading_subject(match["subject"] + " x") if match else None
        if match and subject:
            attribute = frame.attribute
            if attribute == "favourite":
                attribute = _favourite(match["thing"])
            value = match["value"].strip()
            return Fact(subject, attribute, _canonical(value), value)
    return None


def _clause_facts(clause: str, inherited: str | None) -> Iterator[Fact]:
    inverted = _inverted(clause)
    if inverted is not None:
        yield inverted
        return
    found_in: str | None = None
    for subject, predicate in _subjects(clause):
        if found_in is not None and predicate != found_in:
            break  # a pair's second subject shares the predicate; nothing else does
        subject = subject if subject is not None else inherited
        facts = list(_frame_facts(subject, predicate)) if subject is not None else []
        if facts:
            yield from facts
            found_in = predicate
    if found_in is None and inherited is not None and clause[:1].islower():
        yield from _frame_facts(inherited, clause)
        return
    yield from _inner_facts(clause, _leading_subject(clause) or inherited)


def _inner_facts(clause: str, subject: str | None) -> Iterator[Fact]:
    """"Insurance came through and Alexei picked up a Volvo", "Robin has been freelancing
    since Robin left the studio": a subject inside the clause, unless what precedes it
    makes the rest unreal ("If Robin moved to")."""
    for inner in _INNER.finditer(clause):
        if inner.end() == 0:
            continue
        if _UNREAL.search(clause[: inner.end()]):
            return
        found = list(_clause_facts(clause[inner.end() :], subject))
        if found:
            yield from found
            return
    if not _FUTURE.search(clause):
        yield from _possessed(clause)


def _possessed(clause: str) -> Iterator[Fact]:
    """Facts stated through a name's possession anywhere in a clause: "Today was Robin's
    first day at McKinsey", "It's Robin's 23rd birthday", "the commute from Aiko's new
    flat in Setagaya". The possessor must be a name, not a relative ("Robin's son's")."""
    for frame in POSSESSED:
        for match in frame.pattern.finditer(clause):
            value = _checked(frame, match.groupdict().get("value") or "")
            if value:
                yield Fact(_norm(match["name"]), frame.attribute, _canonical(value), value)


def same_value(attribute: str, a: str, b: str) -> bool:
    """Whether two canonical values name the same thing ("austin" and "austin texas" do;
    a different job title never does: a promotion is a change)."""
    if a == b:
        return True
    if attribute in ("occupation", "age", "relationship", "diet") or not a or not b:
        return False
    if a.startswith("no ") != b.startswith("no "):
        return False  # "no car" and "car" are not one value
    ta, tb = set(a.split()), set(b.split())
    return ta <= tb or tb <= ta


def is_vehicle_generic(value: str) -> bool:
    return bool(GENERIC_VEHICLE.match(value))
