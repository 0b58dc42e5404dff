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
from dataclasses import dataclass, replace

from memoryd.memory.fact_clauses import clauses
from memoryd.memory.fact_frames import (
    CAUSED,
    FRAMES,
    HANDED_IN,
    INVERTED,
    LECTURES,
    POSSESSED,
    VALUE_STOP,
    WORK_TALK,
    Frame,
)
from memoryd.memory.fact_lexicon import (
    BORROWED,
    BYGONE,
    LIVED_IN_IDIOM,
    OTHER_PERSON,
    PLATFORM,
    ROLE_HEADS,
    SCHOOL,
    in_an_idiom,
)
from memoryd.memory.fact_openings import opening_clause
from memoryd.memory.fact_parse import parsed_facts
from memoryd.memory.fact_parse_base import parser
from memoryd.memory.fact_pronouns import (
    group_in,
    is_their,
    named_after,
    they_as,
    whom_he_or_she_means,
)
from memoryd.memory.fact_relative import owned_by_relative
from memoryd.memory.fact_subjects import (
    TIME_NAMES,
    given_to,
    leading_subject,
    norm,
    subjects,
)
from memoryd.memory.fact_tense import plain, uncontracted
from memoryd.memory.fact_unreal import in_fiction, not_the_speakers, real_part
from memoryd.memory.fact_values import (
    CASUAL,
    DETERMINERS,
    canonical,
    checked,
    favourite,
    is_casual,
    relationship,
    role,
    same_value,
)

__all__ = ["Fact", "facts_of", "load_parser", "same_value"]


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


_JOINER = r"\b(?:and|so|but|then|because|after|when|since|until|once|as|now that|though|although)"
_INNER = re.compile(
    rf"{_JOINER}\s+(?=(?:he|she|they)\s)|(?:{_JOINER}\s+|\s)(?!(?:{TIME_NAMES})\b)"
    r"(?=(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]+(?:-[^\W\d_]+)*(?:['’]s)?\s)"
)
# Before a subject, these make what follows a plan, a wish, a question or a supposition.
_UNREAL = re.compile(
    r"\b(?:if|unless|whether|would|could|might|may|maybe|perhaps|wish|wishes|hope|hopes|"
    r"dream|dreams|want|wants|plan|plans|planning|thinking|considering|wonder|wonders|"
    r"asked|asks|imagine|suppose|pretend|not|never|n't|should|will|'ll|'d|someday|"
    r"assumed|assuming|assumes|mistook|mistaking|mistaken|"
    r"(?:people|everyone|everybody|they|others|folks|someone|somebody|most|many)(?: \w+){0,5} "
    r"(?:think|thinks|thought|thinking|believe|believes|believing|assume|assumes|assumed|"
    r"assuming|guess|guesses|guessing|guessed|say|says|said|saying|tell|told|telling|"
    r"mistake|mistakes|mistaking|mistook)|"
    # "acts like she is 12", "feel like I'm 80": a likeness, not an age
    r"(?:act|acts|acting|acted|feel|feels|felt|look|looks|looked) like|as if|as though|"
    r"one day|what if|instead of|rather than|until|till|by the time|before)\b",
    re.I,
)
_JOINED_PRONOUN = re.compile(
    r"^(?:because|since|so|and|but|now that|as)\s+(?P<pronoun>he|she|they)\s+"
)


_ASSERTED = re.compile(r"\b(?:because|since|so|now that)\s+\S+\s*$", re.I)
_NEGATION = re.compile(r"\b(?:not|never)\b|n't\b|\bno longer\b", re.I)
_FUTURE = re.compile(
    r"\b(?:next|upcoming|coming|will|soon|tomorrow|in \d+ days|plans?|planning)\b", re.I
)
# "when"/"once" with a present tense speaks of a time to come.
_WHEN = re.compile(r"\b(?:when|whenever|once)\s+$", re.I)
_PRESENT = re.compile(
    r"\S+\s+(?:is|are|am|'s|'m|turns?|gets?|lives?|has|have|works?|moves?|starts?)\b", re.I
)
# A stay somewhere, not a home there: "in Lisbon for a conference", "at Stanford for a
# two-week workshop", "visiting", "on a trip".
_VISIT = re.compile(
    r"\b(?:for (?:a|an|the|our|his|her|their|my)? ?(?:[\w-]+ ){0,3}(?:conference|workshop|"
    r"trip|visit|holidays?|vacation|weekend|week|weeks|days|nights|meeting|wedding|funeral|"
    r"tour|course|seminar|retreat|festival|summit|residency|getaway|break)|visiting|"
    r"on (?:a |an |our |his |her |their |my )?(?:[\w-]+ )?(?:trip|vacation|holiday|tour|"
    r"visit|layover|stopover)|business trip|work trip|"
    r"(?:till|until|til) (?:the )?(?:\d{1,2}(?:st|nd|rd|th)|end of (?:the )?(?:week|month)))\b",
    re.I,
)
# What a later clause says the thing is: "Driving a Mazda CX-5 now, it's the dealership's
# loaner while the Golf is in for repairs".
_IT_IS_LENT = re.compile(
    r"\b(?:it's|it is|its|which is|that's|that is)\s+(?:just\s+|only\s+)?(?:a|an|the|my)?\s*"
    r"(?:[\w-]+['’]s\s+)?(?:rental|loaner|loan car|courtesy car|hire car|borrowed|company car|"
    r"work (?:car|phone|laptop)|demo|temporary|temp)\b|"
    # "Using a MacBook Pro at work, my own is a ThinkPad"
    r"\b(?:my|his|her|their|[\w-]+['’]s) own (?:one )?(?:is|'s|’s)\b|"
    # "Driving a Tesla today, the Civic is in the shop": one to use while the own is away
    r"\b(?:is|'s|’s|are) (?:still )?(?:in the shop|at the (?:garage|mechanic|body shop)|"
    r"in for (?:repairs?|service)|being (?:fixed|repaired|serviced))\b",
    re.I,
)
# In casual text a name may be written in lower case ("my new boss is linda"): the frames'
# capitalised name slots then take any word that does not start the next phrase.
_CAPITAL = "(?-i:[A-Z])"
_ANY_CASE = rf"(?!(?:{VALUE_STOP}|he|she|they|we|i|it|his|her|their|a|an|the|my|is|was)\b)[A-Za-z]"


def _casual(frame: Frame) -> Frame:
    if _CAPITAL not in frame.pattern.pattern:
        return frame
    pattern = re.compile(frame.pattern.pattern.replace(_CAPITAL, _ANY_CASE), frame.pattern.flags)
    return replace(frame, pattern=pattern)


_CASUAL_FRAMES = tuple(_casual(f) for f in FRAMES)
_CASUAL_INVERTED = tuple(_casual(f) for f in INVERTED)
#: The whole text being read, for frames that need it to say more (``Frame.context``).
_TEXT: ContextVar[str] = ContextVar("text", default="")
_PLACE_LIKE = frozenset({"residence", "school", "employer"})
_OWNED = frozenset({"vehicle", "phone", "laptop"})
_NOT_WORK_ROLES = frozenset("student freshman sophomore junior senior undergrad postgrad".split())


def _frame_facts(subject: str, predicate: str) -> Iterator[Fact]:
    receiver = given_to(predicate, _TEXT.get() or predicate)
    if receiver is not None:  # "Dad got Layla a Pixel 8a": the thing is Layla's
        if not receiver:
            return  # whom "her" means is not said here; a loan is nobody's
        subject = receiver
    # "has formally changed" as "changed" first: "has traded the Volvo in for a Tesla" is
    # no "has" of the Volvo
    simple = plain(predicate)
    found = list(_framed(subject, simple, predicate)) if simple != predicate else []
    if not found:
        found = list(_framed(subject, predicate, predicate))
    yield from found


def _framed(subject: str, predicate: str, said: str) -> Iterator[Fact]:
    """The facts ``predicate`` states by the frames; ``said`` is how it was said (the
    adverbs ``plain`` drops may make a stay of it: "basically working at IKEA")."""
    visit = bool(_VISIT.search(said) or LIVED_IN_IDIOM.search(said))
    borrowed = bool(BORROWED.search(said) or _IT_IS_LENT.search(_TEXT.get()))
    for frame in _CASUAL_FRAMES if CASUAL.get() else FRAMES:
        if visit and frame.attribute in _PLACE_LIKE and not frame.ends:
            continue
        if borrowed and frame.attribute in _OWNED and not frame.ends:
            continue
        if frame.context is not None and not frame.context.search(_TEXT.get()):
            continue
        match = frame.pattern.match(predicate)
        if match is None:
            continue
        title = match.groupdict().get("role")
        if title is not None and (role(title) is None or title.casefold() in _NOT_WORK_ROLES):
            continue  # "a freshman at Rice" is a school, not an employer
        whose = match.groupdict().get("whose")
        if whose and norm(whose) != subject:
            continue  # "Sam changed Tom's email signature": Tom's, not Sam's
        raw = frame.fixed if frame.fixed is not None else (match.groupdict().get("value") or "")
        value = raw if frame.fixed is not None else checked(frame, raw)
        if value is None or _common_noun(frame, raw, predicate, match):
            continue
        attribute = _school_or_employer(frame, value, title)
        if _a_platform(attribute, value):
            continue  # "joined Strava", "moved over to Notion for notes"
        if attribute == "favourite":
            attribute = favourite(match["thing"])
        if attribute == "relationship" and frame.fixed is None:
            value = relationship(value)
        yield Fact(subject, attribute, canonical(value), value, frame.ends)


def _common_noun(frame: Frame, raw: str, predicate: str, match: re.Match[str]) -> bool:
    """Typed in lower case, "joined the call late": the article makes the place or
    company a frame wants a common noun, not a name."""
    if not CASUAL.get() or frame.fixed is not None or frame.kind not in _NAMED_KINDS:
        return False
    before = predicate[: match.start("value")].split()
    return raw[:1].islower() and bool(before) and before[-1].casefold() in DETERMINERS


_NAMED_KINDS = frozenset(("place", "org", "company", "orgname"))

# A place at a school turned down.
_DECLINED = re.compile(
    r"\b(?:decided not to (?:go|attend|enrol+|accept)|turned (?:it|them|the offer|the place|"
    r"(?:the|their) (?:offer|place|spot)) down|declined (?:it|the|their)|won't be going|"
    r"not going to go)\b",
    re.I,
)


def _school_or_employer(frame: Frame, value: str, title: str | None) -> str:
    """ "First week at King's College London done, uni is so different", "first week at
    UBA done, lectures are packed": a school where the text says nothing of work and no
    job title names a post there."""
    school = frame.attribute == "employer" and not frame.ends and title is None
    text = _TEXT.get()
    by_lectures = LECTURES.search(text) and re.fullmatch(r"[A-Z]{2,6}", value)  # "UBA"
    if school and (SCHOOL.search(value) or by_lectures) and not WORK_TALK.search(text):
        return "school"
    return frame.attribute


def load_parser() -> None:
    """Load the dependency parser now rather than on the first text that needs it."""
    parser()


def facts_of(text: str) -> list[Fact]:
    """The single-valued facts ``text`` states, at most one per attribute and subject."""
    return list(_cached_facts_of(text.strip()))


# A text's facts are a pure function of the text, and memorize asks for the same text's
# several times (extraction scores a sentence, dedup and truth read the rewritten item):
# the regex-heavy parse runs once per text. Facts are frozen, so sharing them is safe.
@functools.lru_cache(maxsize=8192)
def _cached_facts_of(text: str) -> tuple[Fact, ...]:
    if not text or text.endswith("?") or _JOKING.search(text) or _SARCASTIC.search(text):
        return ()  # a question; something said in jest ("Oh sure, I'm 25 again 🙄")
    if in_fiction(text):
        return ()  # "In Dana's tabletop game she goes by Thorn the Ranger"
    token, whole = CASUAL.set(is_casual(text)), _TEXT.set(text)
    budget = _INNER_BUDGET.set([_INNER_READS])
    try:
        found = not_the_speakers(_read(text), text)
        if (real_text := real_part(text)) != text:
            # what holds once someone's quoted words and what is not real life are left out
            _TEXT.set(real_text)
            real = {(f.subject, f.attribute, f.value) for f in _read(real_text)}
            found = [f for f in found if f.ends or (f.subject, f.attribute, f.value) in real]
        found = [  # "basically working at IKEA now lol"
            f for f in found if f.attribute not in _PLACE_LIKE or not in_an_idiom(text, f.value)
        ]
        if _DECLINED.search(text):  # "got into Columbia but decided not to go"
            found = [f for f in found if f.attribute != "school" or f.ends]
        return tuple(found)
    finally:
        CASUAL.reset(token)
        _TEXT.reset(whole)
        _INNER_BUDGET.reset(budget)


def _read(text: str) -> list[Fact]:
    """What the frames read in ``text``, and what the parse reads of the subjects and
    attributes the frames found nothing of."""
    found = _facts_of(uncontracted(text))
    keys = {fact.key for fact in found}
    if BYGONE.search(text) or _BYGONE_LEAD.search(text):
        return found  # "Before Daniel, I reported to Olga": no parse of a past
    parsed = [f for f in (Fact(*p) for p in parsed_facts(text)) if f.key not in keys]
    return found + [f for f in parsed if not _a_platform(f.attribute, f.value)]


def _a_platform(attribute: str, value: str) -> bool:
    """An app or platform as a home, or as an employer where no work is said: "joined
    Strava", "moved over to Notion for notes"."""
    return bool(PLATFORM.match(value)) and (
        attribute != "employer" or not _WORK_THERE.search(_TEXT.get())
    )


# Work said of a place one joined ("joined" alone is said of apps too).
_WORK_THERE = re.compile(
    r"\b(?:job|work|works|worked|working|hired|role|position|team|salary|offer|onboarding|"
    r"colleagues?|coworkers?|as an? [a-z]+)\b",
    re.I,
)


_SARCASTIC = re.compile(
    r"^(?:according to [\w'’-]+, )?(?:oh sure|oh yeah|yeah right|sure,? because|as if)\b|"
    r"\N{FACE WITH ROLLING EYES}",
    re.I,
)
# Said in jest: "Man City are SO my favourite team now 🙄 (not)", "I'm moving to Mars /s".
_JOKING = re.compile(
    r"\((?:not|jk|kidding|lol not|not really)\)|(?:^|\s)/s\b|\bjk\b|"
    r"(?<!not )(?<!no )\b(?:just )?kidding\b",
    re.I,
)


def _facts_of(text: str) -> list[Fact]:
    describing = _DESCRIBING.set(bool(_DESCRIBED.match(text)))
    try:
        return _read_clauses(text)
    finally:
        _DESCRIBING.reset(describing)


def _read_clauses(text: str) -> list[Fact]:
    found: dict[str, Fact] = {}
    if said := opening_clause(text):  # "Joining Accenture was the best decision for Priya"
        found.update((f"{fact.key}|{fact.ends}", fact) for fact in _clause_facts(said, None))
    for owner, attribute, thing in owned_by_relative(text):  # "the Pixel 8 Zofia switched to"
        had = Fact(norm(owner), attribute, canonical(thing), thing)
        found[f"{had.key}|False"] = had
    previous = ""
    group: str | None = None
    named = ""  # a name set off after a possessive: "Dana's dog sitter, Marco, relocated"
    for subject, clause in clauses(text):
        if named and clause[:1].islower():
            subject = named
        named = named_after(previous, clause)
        if group is not None:
            clause = they_as(group, clause)
        group = group_in(clause, subject)
        subject = whom_he_or_she_means(clause, subject, text)
        stated = [] if BYGONE.search(clause) else list(_clause_facts(clause, subject))
        if not stated and previous and subject:
            stated = list(_anaphora(clause, previous, subject))
        for fact in stated:  # a later clause's value is the newer: "started as X and is now Y"
            found[f"{fact.key}|{fact.ends}"] = fact
        if len(clause.split()) > 1:  # not "yeah" between a title and "it's my favourite"
            previous = clause
    # What a possessive says across the commas the clauses are cut at: "Thabo's new
    # manager, Pieter, prefers Slack".
    if "," in text:
        for fact in _possessed(text, across=True):
            found.setdefault(f"{fact.key}|{fact.ends}", fact)
    return list(found.values())


# A second verb of the same subject: "… and accepted a position with …", "… and is now".
_COORDINATED_VERB = re.compile(
    r",? (?:and|then|and then) (?=(?:now |then |also |finally )?(?:[a-z]{3,}ed|got|took|bought|"
    r"became|began|left|sold|joined|has|is|now) )"
)


_IT_IS = re.compile(
    r"^(?:it's|it is|its|that's|that is|which is|it has become|it became|they're|they are|"
    r"they have become)\s+(?:(?:now|officially|definitely|easily|just)\s+)*"
    # "it's dethroned Spirited Away as her favourite film"
    r"(?:(?:dethroned|replaced|overtaken|beaten|knocked off|taken over from)\s+.{1,40}?\s+as\s+)?"
    r"(?:his|her|their|(?P<owner>[A-Z][\w-]*)(?:'s|’s))\s+(?:new\s+|current\s+|all-time\s+)?"
    r"(?:favou?rite|fave?)\s+(?P<thing>[a-z]+(?: [a-z]+)?)\b"
)


# "got a new laptop, it's a MacBook Air M2": the new thing, named in the next clause.
_GOT_NEW = re.compile(
    r"\b(?:got|bought|picked up|ordered|has|have)\b.*\bnew (?:phone|laptop|car)\s*[.!]*$", re.I
)
_GAVE_IN = re.compile(
    r"\b(?:bit the bullet|took the plunge|caved|splurged|made the switch|made the jump|"
    r"pulled the trigger)\s*[.!]*$",
    re.I,
)
# A thing named and nothing more: "a MacBook Air M2", "a Galaxy S23" (not "a Tesla is way
# too pricey", nor "a Pixel 8 for Tom").
_A_THING = re.compile(
    r"^(?:an? )?(?-i:[A-Z]|i[A-Z])[\w.-]*"
    r"(?: (?:(?-i:[A-Z0-9])[\w.-]*|[a-z]*\d[\w-]*|pro|max|air|mini|ultra|plus))*\s*[.!]*$"
)
_IT_NAMED = re.compile(r"^(?:it['’]s|it is|which is|that's|that is) (?P<rest>.+)$", re.I)


def _anaphora(clause: str, previous: str, subject: str) -> Iterator[Fact]:
    """ "Beatriz finished The Remains of the Day, and it's her new favourite book": the
    favourite is what the previous clause was about; "got a new laptop, it's a MacBook
    Air M2": the laptop is the one named."""
    it_named = _IT_NAMED.match(clause)
    if it_named and _GOT_NEW.search(previous):
        yield from _clause_facts(f"{previous.rstrip(' .!')}, {it_named['rest']}", subject)
        return
    if _A_THING.match(clause):
        # "the replacement arrived yesterday: a MacBook Air M2": the frames read the two
        # clauses as one; "so Ngozi bit the bullet: a Galaxy S23": what was got
        joined = list(_clause_facts(f"{previous.rstrip(' .!')}: {clause}", subject))
        if not joined and _GAVE_IN.search(previous) and subject in norm(previous):
            joined = list(_frame_facts(subject, f"got {clause}"))
        yield from joined
        if joined:
            return
    match = _IT_IS.match(clause)
    if match is None:
        return
    predicate = previous
    for parsed, rest in subjects(previous):
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
    named = _TITLE.findall(value)
    if named:  # "rewatched Spirited Away and yeah": the title in it
        value = named[-1]
    elif len(value.split()) > 8:
        value = ""
    if value:
        yield Fact(subject, favourite(match["thing"]), canonical(value), value)


# A name or title in running text: "Fleetwood Mac", "The Remains of the Day".
_TITLE = re.compile(
    r"(?-i:[A-Z0-9])[\w'’.-]*(?: (?:of the |of |the |and |& )?(?-i:[A-Z0-9])[\w'’.-]*)*"
)


def _inverted(clause: str) -> Fact | None:
    """A fact whose subject stands after its value ("Dana is Priya's new manager")."""
    for frame in _CASUAL_INVERTED if CASUAL.get() else INVERTED:
        match = frame.pattern.match(clause)
        subject = leading_subject(match["subject"] + " x") if match else None
        if match and subject:
            attribute = frame.attribute
            if attribute == "favourite":
                attribute = favourite(match["thing"])
            value = match["value"].strip()
            if value.casefold() in _PRONOUN_VALUES:
                return None  # "it's dethroned …": what "it" is, the clause before says
            if frame.kind != "any" and (value := checked(frame, value) or "") == "":
                continue  # "Work gave Sven a bonus": no laptop
            if attribute in _OWNED and (BORROWED.search(_TEXT.get()) or _LENT.search(_TEXT.get())):
                continue  # "…gave me a MacBook, but only to test the app for a week"
            return Fact(subject, attribute, canonical(value), value)
    return None


# A device had for a while, beyond what ``BORROWED`` says: "only to test the new app for a
# week, then it goes back".
_LENT = re.compile(
    r"\b(?:for (?:a|the|one) (?:day|week|month)|to test|goes back|go back|give it back|"
    r"temporar\w*|loan\w*|spare|for (?:two|three) months?)\b",
    re.I,
)

_PRONOUN_VALUES = frozenset("it it's its they they're that this which".split())


# …said at the head of a sentence, before its comma.
_BYGONE_LEAD = re.compile(r"(?:^|[.!?]\s+)(?:back in|back when|back then)\b[^,.!?]*,", re.I)


def _clause_facts(clause: str, inherited: str | None) -> Iterator[Fact]:
    inverted = _inverted(clause)
    if inverted is not None:
        yield inverted
        return
    found_in: str | None = None
    for subject, predicate in subjects(clause):
        if found_in is not None and predicate != found_in:
            break  # a pair's second subject shares the predicate; nothing else does
        subject = subject if subject is not None else inherited
        facts = list(_frame_facts(subject, predicate)) if subject is not None else []
        if facts and subject is not None:
            # "tendered her resignation at Lloyds and accepted a position with Nationwide":
            # what the coordinated verb says is the same subject's, and the newer
            keys = {f.key for f in facts}
            for tail in _COORDINATED_VERB.finditer(predicate):
                more = list(_frame_facts(subject, predicate[tail.end() :]))
                facts += [f for f in more if f.key not in keys or not f.ends]
        facts += _caused(predicate)
        if facts:
            yield from facts
            found_in = predicate
    if found_in is None and inherited is not None and clause[:1].islower():
        # "…, because he bought a condo in Denver": the pronoun is the inherited subject
        joined = _JOINED_PRONOUN.match(clause)
        if joined and not is_their(joined["pronoun"], inherited):
            return  # "Mateo is sad, because she moved": she is someone else
        if joined and OTHER_PERSON[joined["pronoun"]].search(_TEXT.get()):
            return  # "Tom misses his dad, since he moved to Denver": he may be the dad
        yield from _fragment_facts(inherited, clause[joined.end() :] if joined else clause)
        return
    if found_in is None and inherited is not None and leading_subject(clause) is None:
        # a fragment opening with a capital: "Next target: a full marathon"
        fragment = list(_fragment_facts(inherited, clause[:1].lower() + clause[1:]))
        if fragment:
            yield from fragment
            return
    yield from _inner_facts(clause, leading_subject(clause) or inherited)


#: Set while the clauses read follow "<Name> is …," (a list that describes someone).
_DESCRIBING: ContextVar[bool] = ContextVar("describing", default=False)
_DESCRIBED = re.compile(r"^(?-i:[A-ZÀ-ÖØ-Þ])[\w'’-]+ is (?:\d{1,3}\b|an? |based |married|single)")
# A fragment that describes whom the sentence is about, with its verb left out: "Tomás is
# 31, a civil engineer at Arup, based in Madrid, vegan"; "new manager is Sofia".
_DESCRIBES = re.compile(
    r"(?:(?:\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ]\w+)?)"
    r"(?: years old| y/?o)?\s*[.!]*$|an?|"
    r"based|married|single|engaged|divorced|widowed|retired|studying|working|living|"
    r"(?:fully |strictly )?"
    r"(?:vegan|vegetarian|pescatarian|pescetarian|keto|paleo|plant-based|gluten-free))\b"
)
_OWN_THING = re.compile(r"(?:new|current|next|last|final|first|all-time|favou?rite|fave|fav)\b")
# "product designer at Canva": a job title with its article left out.
_TITLED = re.compile(
    rf"(?:[a-z][\w-]* ){{0,3}}(?:{'|'.join(sorted(ROLE_HEADS, key=len, reverse=True))})"
    r"(?=\s+(?:at|in|for|with)\b|\s*[.!]*$)"
)


def _fragment_facts(subject: str, fragment: str) -> Iterator[Fact]:
    """The facts of a clause with no subject of its own: as it stands ("started at
    Stripe"), as the subject's own thing ("new manager is Sofia"), or, in a list that
    describes someone ("Tomás is 31, a civil engineer at Arup"), as a description."""
    found = list(_frame_facts(subject, fragment))
    describing = _DESCRIBING.get()
    if not found and describing and _DESCRIBES.match(fragment):
        found = list(_frame_facts(subject, f"is {fragment}"))
    elif not found and _OWN_THING.match(fragment):
        found = list(_frame_facts(subject, f"'s {fragment}"))
    elif not found and describing and _TITLED.match(fragment):
        found = list(_frame_facts(subject, f"is a {fragment}"))
    yield from found


def _caused(predicate: str) -> list[Fact]:
    """ "Rebecca switched Eli to Oakwood Montessori": the fact is Eli's."""
    found = []
    for frame in CAUSED:
        match = frame.pattern.match(predicate)
        value = checked(frame, match["value"]) if match else None
        if match and value:
            found.append(Fact(norm(match["subject"]), frame.attribute, canonical(value), value))
    return found


def _inner_facts(clause: str, subject: str | None) -> Iterator[Fact]:
    """ "Insurance came through and Alexei picked up a Volvo", "Robin has been freelancing
    since Robin left the studio": a subject inside the clause, unless what precedes it
    makes the rest unreal ("If Robin moved to")."""
    for inner in _INNER.finditer(clause):
        if inner.end() == 0:
            continue
        before = clause[: inner.end()]
        if _ASSERTED.search(before):
            # a clause the speaker asserts whatever the one before it denies: "doesn't
            # have a landlord anymore, because he bought a condo in Denver"
            before = _NEGATION.sub("", before)
        if _UNREAL.search(before):
            return
        if _WHEN.search(clause[: inner.end()]) and _PRESENT.match(clause[inner.end() :]):
            return  # "when Finn is 33, he'd like to own a place": a time to come
        depth, budget = _INNER_DEPTH.get(), _INNER_BUDGET.get()
        if depth >= _MAX_INNER_DEPTH or (budget is not None and budget[0] <= 0):
            break  # a run of names ("Big Big Big …"): no sentence nests this deep
        if budget is not None:
            budget[0] -= 1
        token = _INNER_DEPTH.set(depth + 1)
        try:
            found = list(_clause_facts(clause[inner.end() :], subject))
        finally:
            _INNER_DEPTH.reset(token)
        if found:
            yield from found
            return
    if not _FUTURE.search(clause):
        yield from _possessed(clause)


# How deep clauses inside clauses are read: each name may start one, and a hostile text
# of a thousand capitalised words must not exhaust the stack.
_INNER_DEPTH: ContextVar[int] = ContextVar("inner_depth", default=0)
_MAX_INNER_DEPTH = 12
# …nor try every way of nesting them: a text reads at most this many inner clauses.
_INNER_BUDGET: ContextVar[list[int] | None] = ContextVar("inner_budget", default=None)
_INNER_READS = 200


def _possessed(clause: str, *, across: bool = False) -> Iterator[Fact]:
    """Facts stated through a name's possession anywhere in a clause: "Today was Robin's
    first day at McKinsey", "It's Robin's 23rd birthday", "the commute from Aiko's new
    flat in Setagaya". The possessor must be a name, not a relative ("Robin's son's").
    ``across``: only those that run across a comma (``clause`` is a whole text)."""
    for frame in POSSESSED:
        for match in frame.pattern.finditer(clause):
            if across and ("," not in match.group(0) or _UNREAL.search(clause[: match.end()])):
                continue  # "If Sam's new manager, Pieter, says yes": a supposition
            value = frame.fixed or checked(frame, match.groupdict().get("value") or "")
            if value and not frame.ends and _handed_back(match.group(0)):
                continue  # "handed in Lars's badge at Maersk", read from a shorter clause
            if value:
                attribute = _school_or_employer(frame, value, None)
                if attribute == "favourite":
                    attribute = favourite(match["thing"])
                yield Fact(norm(match["name"]), attribute, canonical(value), value, frame.ends)


def _handed_back(said: str) -> bool:
    return bool(re.search(rf"{HANDED_IN} {re.escape(said)}", _TEXT.get()))
