"""The offline extractor: picks the memorable sentences of a turn and rewrites them so they
stand on their own (speaker named, relative dates made absolute). No LLM involved."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from memoryd.events import Event
from memoryd.memory.asking import said_in_passing, statement_of
from memoryd.memory.dates import resolve_date
from memoryd.memory.fact_values import role
from memoryd.memory.facts import facts_of
from memoryd.memory.fragments import owned_opening
from memoryd.memory.person import third_person
from memoryd.memory.reference import last_person, resolve_pronoun, without_address
from memoryd.memory.said_after import said_after
from memoryd.memory.sentences import (
    clean_text,
    drop_discourse_markers,
    paired,
    set_off_fronted,
    split_sentences,
    unshouted,
    without_telling,
)
from memoryd.memory.shorthand import spelled_out

__all__ = ["Candidate", "Extractor", "OfflineExtractor", "memorability", "third_person"]

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
    r"\b(love[sd]?|like[sd]?|enjoy(?:s|ed)?|prefer(?:s|red)?|hate[sd]?|favou?rite|fave?|fan of|"
    r"passion|plan(?:s|ned|ning)?|going to|gonna|want(?:s|ed)? to|hop(?:e|ing) to|will|"
    r"decided|started|joined|moved|bought|visited|went|got|made|finished|adopted|married|"
    r"work(?:s|ed|ing)?|job|live[sd]?|living|born|from|study|studying|learn(?:ing|ed)?|"
    r"usually|always|often|every|never|since|years?|months?|weeks?|ago|yesterday|last|next|"
    r"because|believe|think|feel|dream|goal|excited|proud|member|volunteer(?:ing|ed)?|"
    r"birthday|bday|turned|promoted|graduated|engaged|divorced|transferred|switched|sold|"
    r"quit|relocated|replaced|replacement|traded|retired|resigned|upgraded|training for|"
    r"divorce|unpack\w*|new (?:flat|place|apartment|house|home|job|role|car|phone|laptop|city))\b",
    re.I,
)
_PHATIC = re.compile(
    r"^(hi|hey|hello|thanks|thank you|wow|cool|awesome|great|nice|congrats|congratulations|"
    r"bye|see you|take care|sounds (?:good|great)|that's (?:great|awesome|cool|amazing)|"
    r"haha|lol|yeah|yes|no|ok|okay|sure)\b[^.!?]{0,30}[.!?]*$",
    re.I,
)

_PREPOSITION = re.compile(r"\b(?:on|in|as of) $", re.I)
_GOVERNED = re.compile(
    # ("went through in June" is a phrasal verb, whose "in" stays)
    r"\b(?:of|since|from|until|till|by|before|after|during|for|"
    r"(?<!went )(?<!gone )(?<!goes )(?<!go )(?<!got )(?<!get )(?<!came )(?<!come )through)\s$|"
    # "to" governs a date a thing is moved to ("pushed back to next week", "from May to
    # next month"), not one a verb's "to" stands before ("the Pixel I switched to last
    # month": "…switched to in October 2024")
    r"\bfrom\b.*\bto\s$|\b(?:postponed|delayed|pushed|back|rescheduled|bumped|shifted|"
    r"extended|up)\s+to\s$",
    re.I,
)
# Where a date may stand as its sentence's subject: at the start, or after a break.
_CLAUSE_START = re.compile(r"(?:^|[,;:—–]\s*|\b(?:and|but|so)\s+)$", re.I)


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


def _absolute_dates(sentence: str, anchor: date) -> tuple[str, date | None]:
    resolved = resolve_date(sentence, anchor)
    if resolved is None or _OWNED_TIME.search(sentence[: resolved.start]):
        return sentence, None  # "my last year at school": a stage of someone's life, no date
    start = resolved.start
    # "on yesterday" never happens, but "on 3 March, 2021" does: swallow the preposition
    # so the replacement does not read "on on 3 March 2021".
    preposition = _PREPOSITION.search(sentence[:start])
    phrase = resolved.phrase()
    if preposition and preposition.group(0).casefold().startswith("as of"):
        phrase = phrase.split(" ", 1)[1]  # "as of yesterday": "as of 11 April 2024"
    elif preposition:
        start = preposition.start()
    elif _GOVERNED.search(sentence[:start]):
        # "class of next year", "since last week": the sentence's own preposition governs
        # the date, so it is "class of 2024", not "class of in 2024".
        phrase = phrase.split(" ", 1)[1]
    rest = sentence[resolved.end :]
    subject = _DATE_AS_SUBJECT.match(rest) and _CLAUSE_START.search(sentence[:start])
    if subject and phrase.split(" ", 1)[0] in ("on", "in"):
        phrase = phrase.split(" ", 1)[1]  # "Last Friday was my final day": "15 March 2024 was"
    if start == 0:
        # "Yesterday I turned 31" reads "On 29 February 2024, I turned 31".
        phrase = phrase[:1].upper() + phrase[1:]
        if _FRONTED.match(rest):
            phrase += ","
    text = sentence[:start] + phrase + rest
    return text, resolved.day


# Before a date phrase, a possessive or an article makes it no date.
_OWNED_TIME = re.compile(r"\b(?:my|his|her|their|our|your|its|the|a|[\w-]+['’]s)\s+$", re.I)
# A date that is the subject of its sentence takes no preposition.
_DATE_AS_SUBJECT = re.compile(r"\s+(?:was|is|will be|has been|had been)\b")
# A date moved to the front of a sentence, before its subject, is set off with a comma.
_FRONTED = re.compile(r"\s+(?:I|we|my|our|he|she|they|his|her|their|(?-i:[A-Z])[a-z]+)\b")


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


# Advice and cheering addressed to the listener ("Keep going and never give up!", "Believe
# in yourself, Jon!", "Don't forget to take breaks"): an imperative with nothing of the
# speaker's in it. Not "Love the blue vase!" (the speaker's "I" left out): verbs of liking,
# hoping and thinking open such statements, and are not taken as imperatives.
_IMPERATIVE = re.compile(
    r"^(?:(?:just|please|so|and|now)\s+)?(?:don't|do not|dont|never|always|"
    r"keep|stay|take|try|remember|believe|give|go|push|hang|trust|focus|enjoy|make|be|"
    r"check|hold|stick|treat|follow|chase|embrace|celebrate|rest|relax|breathe|reach|"
    r"let's|lets)\b",
    re.I,
)


def advises(sentence: str) -> bool:
    """Whether ``sentence`` tells the listener what to do instead of saying something."""
    return bool(_IMPERATIVE.match(sentence.strip())) and not _SELF.search(sentence)


# A word typed in lower case that is no name: a noun by its ending, or a word of time.
_COMMON = re.compile(
    r"(?:\w+(?:ment|tion|sion|ness|ity|ance|ence|ship|ure|ing)|update|upgrade|week|day|"
    r"month|year|half|next|new|last|first|today|tonight)\b",
    re.I,
)


# "software engineer here, mostly backend Go", "econ major here 🙃": who the speaker is,
# said the way chat says it.
_HERE = re.compile(
    r"^(?P<what>(?:[A-Za-z][\w-]*\s+){0,3}[A-Za-z][\w-]*)\s+here\b(?P<sep>\s*[,.!:;—–-]*)\s*",
    re.I,
)


# "line cook, off at 11pm most nights", "paramedic now, first shift done", "history major,
# reading 300 pages a week": a title or a major alone, as a terse turn opens with who the
# speaker is. "now" must follow, or a comma and what the speaker does ("counting pills",
# "off at 11pm", "mom of two"); "Doctor said…", "Officer, I swear…" name another.
_BARE_TITLE = re.compile(
    r"^(?P<what>(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)(?P<sep>\s*,\s*(?=[a-z]+ing\b|"
    r"off (?:at|till|until)\b|(?:mom|mum|dad|parent|wife|husband) of\b|\d)|\s+(?=now\b))",
    re.I,
)
# Whom one visits, not what one is: "Dentist now, then lunch".
_VISITED = frozenset(
    "dentist doctor vet hairdresser barber therapist physio physiotherapist optician "
    "dermatologist gp chiropractor orthodontist counsellor counselor".split()
)


# What follows a title said to someone: a request or a question.
_ADDRESSED = re.compile(
    r"(?:please|pls|can|could|would|will|what|how|why|where|when|who|which|help|tell|give|"
    r"show|make|let|do|don't|is|are|should|quick question|any)\b",
    re.I,
)


def said_as_here(sentence: str) -> str:
    """ "Software engineer here, mostly backend" reads "I'm a software engineer, mostly
    backend", and so does "Software engineer, mostly backend"; a sentence that is not a
    title or a major before "here" (or a comma) is left as it is."""
    found = _HERE.match(sentence)
    if found is None and not sentence.rstrip().endswith("?"):
        found = _BARE_TITLE.match(sentence)
        if found and _ADDRESSED.match(sentence[found.end() :]):
            return sentence  # "Teacher, please help me grade this": said to someone
    if found is None:
        return sentence
    what = found["what"]
    if re.search(r"\b(?:a|an|the|my|our)\b", what, re.I):
        return sentence  # "A nurse, a runner…": the article's own reading (``fragments``)
    if role(what) is None and not what.casefold().endswith((" major", " student")):
        return sentence
    if what.casefold().split()[-1] in _VISITED:
        return sentence
    what = what[:1].lower() + what[1:]
    article = "an" if what[:1] in "aeiou" else "a"
    rest = sentence[found.end() :]
    if not rest.strip():
        return f"I'm {article} {what}."
    if not found["sep"].strip():  # "paramedic now, first shift done"
        return f"I'm {article} {what} {rest}"
    return f"I'm {article} {what}, {rest[:1].lower() + rest[1:]}"


_HERE_IN = re.compile(r"\b(?i:(?:out |up |down )?here in) [A-Z][\w'’-]+")


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

    def _score(self, sentence: str, speaker: str) -> float:
        """Memorability; a sentence that states a single-valued fact ("We're engaged!")
        is always memorable, however short."""
        score = memorability(sentence)
        if score >= self.min_score:
            return score
        rewritten = third_person(sentence, speaker)
        if not sentence.startswith(speaker) and rewritten.startswith(f"{speaker} "):
            # typed without its "I" ("finally ditched the oneplus, on a galaxy now"): the
            # rewrite names the speaker, so it is about them as much as an "I" would be
            score = max(score, memorability(f"I {sentence[:1].lower()}{sentence[1:]}"))
        if score < self.min_score and not sentence.rstrip().endswith("?"):
            # a fact, or where the speaker is said in passing ("the winters here in Sapporo
            # are brutal"): what a later move is read against
            if facts_of(rewritten) or _HERE_IN.search(sentence):
                return self.min_score
        return score

    def _extract_one(self, event: Event) -> list[Candidate]:
        speaker = event.speaker or ("User" if event.role == "user" else event.role.title())
        # (as said, with a leading "He"/"She" naming whom the turn just named)
        sentences: list[tuple[str, str]] = []
        lowered: set[str] = set()  # sentences typed without their capital
        antecedent: str | None = None
        for said in said_after(split_sentences(spelled_out(clean_text(event.content)))):
            said = without_address(drop_discourse_markers(unshouted(said)))
            said = set_off_fronted(said_as_here(without_telling(paired(owned_opening(said)))))
            # A sentence starts with a capital, whoever typed it: "ken got poached by
            # Lockheed" names Ken.
            typed_lower = said[:1].islower()
            said = said[:1].upper() + said[1:]
            sentence = resolve_pronoun(said, antecedent)
            antecedent = last_person(sentence, speaker) or antecedent
            stated = statement_of(sentence)
            if stated is None:
                stated = said_in_passing(sentence)  # "…email to my boss, Francesca, asking…"
            if stated is not None and not advises(stated):
                sentences.append((statement_of(said) or stated, stated))
                if typed_lower:
                    lowered.add(stated)
        scored = [(self._score(said, speaker), s) for said, s in sentences]
        kept = [(i, score, s) for i, (score, s) in enumerate(scored) if score >= self.min_score]
        kept = sorted(kept, key=lambda t: -t[1])[: self.max_items_per_event]
        anchor = event.at().date()
        candidates: list[Candidate] = []
        for _, score, sentence in sorted(kept):
            text, happened = _absolute_dates(sentence, anchor)
            text = third_person(text, speaker)
            reported = f"According to {speaker}, "
            cut = len(reported)
            if sentence in lowered and text.startswith(reported) and _COMMON.match(text[cut:]):
                # "replacement is an iPhone 15" was no name: "According to Dmitri,
                # replacement is…", not "…, Replacement is…" ("ken got poached" is Ken)
                text = text[:cut] + text[cut : cut + 1].lower() + text[cut + 1 :]
            candidates.append(Candidate(text, event, happened, score))
        return candidates
