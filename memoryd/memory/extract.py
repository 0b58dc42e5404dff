"""The offline extractor: picks the memorable sentences of a turn and rewrites them so they
stand on their own (speaker named, relative dates made absolute). No LLM involved."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from memoryd.events import Event
from memoryd.memory.dates import resolve_date

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_MIN_WORDS = 3

# Signals that a sentence says something worth remembering about a person.
_SELF = re.compile(r"\b(i|i'm|i've|i'd|i'll|my|me|myself|mine|we|we're|we've|our|us)\b", re.I)
_PEOPLE = re.compile(
    r"\b(mom|mum|dad|mother|father|sister|brother|son|daughter|kids?|children|husband|wife|"
    r"partner|boyfriend|girlfriend|friends?|family|grandma|grandpa|cousin|aunt|uncle|"
    r"colleagues?|boss|team|dog|cat|pet|he|she|they|his|her|their)\b",
    re.I,
)
_SIGNAL = re.compile(
    r"\b(love[sd]?|like[sd]?|enjoy(?:s|ed)?|prefer(?:s|red)?|hate[sd]?|favou?rite|fan of|"
    r"passion|plan(?:s|ned|ning)?|going to|gonna|want(?:s|ed)? to|hop(?:e|ing) to|will|"
    r"decided|started|joined|moved|bought|visited|went|got|made|finished|adopted|married|"
    r"work(?:s|ed|ing)?|job|live[sd]?|living|born|from|study|studying|learn(?:ing|ed)?|"
    r"usually|always|often|every|never|since|years?|months?|weeks?|ago|yesterday|last|next|"
    r"because|believe|think|feel|dream|goal|excited|proud|member|volunteer(?:ing|ed)?)\b",
    re.I,
)
_PHATIC = re.compile(
    r"^(hi|hey|hello|thanks|thank you|wow|cool|awesome|great|nice|congrats|congratulations|"
    r"bye|see you|take care|sounds (?:good|great)|that's (?:great|awesome|cool|amazing)|"
    r"haha|lol|yeah|yes|no|ok|okay|sure)\b[^.!?]{0,30}[.!?]*$",
    re.I,
)

_THIRD_PERSON = {"have": "has", "do": "does", "go": "goes", "am": "is"}
# Only verbs known to be in the base form are conjugated: "I went" must stay "went".
_BASE_VERBS = frozenset(
    "love like enjoy want need think feel hope plan work live prefer hate know believe make "
    "take play paint run read write teach study volunteer miss try use keep get see mean wish "
    "find remember agree guess own collect cook bake swim dance sing practice practise watch "
    "listen spend visit attend care support struggle help walk hike travel draw adore admire "
    "appreciate value cherish dream create build teach drive ride fish garden knit sew hold "
    "believe consider identify look seem sound stay wonder worry say tell feel have do go "
    "am".split()
)
_PRONOUNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rx, re.I), repl)
    for rx, repl in [
        (r"\bI'm\b|\bI am\b", "{s} is"),
        (r"\bI've\b", "{s} has"),
        (r"\bI'll\b", "{s} will"),
        (r"\bI'd\b", "{s} would"),
        (r"\bI was\b", "{s} was"),
        (r"\bmyself\b", "{s}"),
        (r"\bmy\b", "{s}'s"),
        (r"\bmine\b", "{s}'s"),
    ]
]
_I_VERB = re.compile(r"\bI ([a-z]+)\b")
_I = re.compile(r"\bI\b")
_PREPOSITION = re.compile(r"\b(?:on|in) $", re.I)
_ME = re.compile(r"\bme\b", re.I)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A memory extracted from an event, before classification and dedup.

    An LLM extractor may also say where it goes (``category``, ``memory_type``; else
    they are classified by embedding), which other events it comes from, and which
    existing items it replaces (``supersedes``: item ids).
    """

    text: str
    event: Event
    happened_at: date | None
    signal: float
    category: str | None = None
    memory_type: str | None = None
    other_sources: tuple[str, ...] = ()
    supersedes: tuple[str, ...] = ()


class Extractor(Protocol):
    """Turns a user's batch of events into candidate memories."""

    def extract(self, events: Sequence[Event]) -> list[Candidate]: ...


def split_sentences(content: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(content) if s and s.strip()]


def _conjugate(verb: str) -> str:
    if verb in _THIRD_PERSON:
        return _THIRD_PERSON[verb]
    if verb not in _BASE_VERBS:
        return verb
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def third_person(sentence: str, speaker: str) -> str:
    """Rewrite a first-person sentence about ``speaker`` so it names them."""
    text = sentence
    for pattern, repl in _PRONOUNS:
        text = pattern.sub(repl.format(s=speaker), text)
    text = _I_VERB.sub(lambda m: f"{speaker} {_conjugate(m.group(1))}", text)
    text = _I.sub(speaker, text)
    text = _ME.sub(speaker, text)
    if speaker.casefold() not in text.casefold():
        text = f"{speaker}: {text}"
    return text


def _absolute_dates(sentence: str, anchor: date) -> tuple[str, date | None]:
    resolved = resolve_date(sentence, anchor)
    if resolved is None:
        return sentence, None
    start = resolved.start
    # "on yesterday" never happens, but "on 3 March, 2021" does: swallow the preposition
    # so the replacement does not read "on on 3 March 2021".
    preposition = _PREPOSITION.search(sentence[:start])
    if preposition:
        start = preposition.start()
    text = sentence[:start] + resolved.phrase() + sentence[resolved.end :]
    return text, resolved.day


def memorability(sentence: str) -> float:
    """A 0..3 score: says something about a person, carries a memory signal, is substantial."""
    words = _WORD.findall(sentence)
    if len(words) < _MIN_WORDS or _PHATIC.match(sentence):
        return 0.0
    score = 0.0
    if _SELF.search(sentence) or _PEOPLE.search(sentence):
        score += 1.0
    if _SIGNAL.search(sentence):
        score += 1.0
    if len(words) >= 8:
        score += 0.5
    if sentence.rstrip().endswith("?"):
        score -= 1.0
    return max(score, 0.0)


class OfflineExtractor:
    """Sentence selection by memorability signals, pronoun and date rewriting."""

    def __init__(self, min_score: float = 1.0, max_items_per_event: int = 4):
        self.min_score = min_score
        self.max_items_per_event = max_items_per_event

    def extract(self, events: Sequence[Event]) -> list[Candidate]:
        out: list[Candidate] = []
        for event in events:
            out.extend(self._extract_one(event))
        return out

    def _extract_one(self, event: Event) -> list[Candidate]:
        speaker = event.speaker or ("User" if event.role == "user" else event.role.title())
        scored = [(memorability(s), s) for s in split_sentences(event.content)]
        kept = [(i, score, s) for i, (score, s) in enumerate(scored) if score >= self.min_score]
        kept = sorted(kept, key=lambda t: -t[1])[: self.max_items_per_event]
        anchor = event.at().date()
        candidates: list[Candidate] = []
        for _, score, sentence in sorted(kept):
            text, happened = _absolute_dates(sentence, anchor)
            candidates.append(Candidate(third_person(text, speaker), event, happened, score))
        return candidates
