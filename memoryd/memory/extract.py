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
from memoryd.memory.fact_values import role
from memoryd.memory.facts import facts_of
from memoryd.memory.person import third_person
from memoryd.memory.reference import last_person, resolve_pronoun, without_address
from memoryd.memory.sentences import (
    clean_text,
    drop_discourse_markers,
    paired,
    set_off_fronted,
    split_sentences,
    unshouted,
    without_telling,
)

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

# What a turn asks of the listener rather than says about anyone: questions, and requests
# for help ("Can you help me...", "Any tips for...", "how do i..."). They are not memories.
_ASKS = re.compile(
    r"^(?:(?:so|ok|okay|anyway|anyways|also|and|but|please|now|right|alright)[,\s]+)*"
    r"(?:(?:can|could|would|will) (?:you|u)\b|help me\b|any (?:tips|ideas|advice|suggestions|"
    r"recommendations|recs|thoughts)\b|(?:how|what|where|when|which|who|why) (?:do|does|should|"
    r"can|could|would|is|are) (?:i|we|you|u|people|ppl)\b|tips (?:for|on)\b|"
    r"(?:(?:i|we) )?(?:need|want|would like|'d like) (?:some |a few |a |an )?(?:help|advice|tips|"
    r"ideas|suggestions|recommendations|recs)\b|(?:please|pls|plz) (?:help|suggest|recommend|"
    r"give|tell|review|check)\b|what(?:'s|’s| is| are) (?:a |the |some )?(?:good|best)\b|"
    r"(?:similar|any other) recs\b|"
    # a request put as an order: "Give me easy salmon recipes please", "recommend me a book"
    r"(?:give|tell|show|send|find|make|write|recommend|suggest|get|list|explain|teach) "
    r"(?:me|us)\b)",
    re.I,
)

_PREPOSITION = re.compile(r"\b(?:on|in|as of) $", re.I)
_GOVERNED = re.compile(
    r"\b(?:of|since|from|until|till|by|before|after|during|for|to|through)\s$", re.I
)


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
    if _DATE_AS_SUBJECT.match(rest) and phrase.split(" ", 1)[0] in ("on", "in"):
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


def asks(sentence: str) -> bool:
    """Whether ``sentence`` asks something of the listener instead of saying something
    (with its question mark, or typed without one: "what settings should i change first")."""
    said = sentence.strip()
    return said.rstrip(" )\"'").endswith("?") or bool(_ASKS.match(said) or _INVERTED.match(said))


# A question typed without its mark: a question word, then a verb before its subject
# ("which album should i start with", "hows the best way to…"), or a verb opening it
# ("is it normal to…"). Not "What I love is Lisbon" (no inversion).
_INVERTED = re.compile(
    r"^(?:(?:so|ok|okay|anyway|anyways|also|and|but|now|btw|lol|also)[,\s]+)*"
    r"(?:(?:who|what|when|where|why|how|which)(?:\s+[\w'’-]+){0,3}?\s+(?:do|does|did|should|"
    r"shall|can|could|would|will|is|are|am)\s+(?:i|we|you|u|he|she|they|it|people|ppl|one|be|"
    r"that|this)\b|"
    r"(?:hows|whats|wheres|whos|whys)\b|"
    r"(?:is|are|do|does|can|could|should)\s+(?:i|we|you|u|it|there|anyone|anybody|that|this)\b)",
    re.I,
)


# How a question opens: what a statement before a tag question ("…, right?") does not.
_INTERROGATIVE = re.compile(
    r"^(?:who|what|when|where|why|how|which|whose|is|are|am|was|were|do|does|did|have|has|"
    r"had|can|could|will|would|should|shall|may|might|must|any|anyone|anybody|ever|isn't|"
    r"aren't|don't|didn't|won't|can't|wanna|want)\b",
    re.I,
)
# A word typed in lower case that is no name: a noun by its ending, or a word of time.
_COMMON = re.compile(
    r"(?:\w+(?:ment|tion|sion|ness|ity|ance|ence|ship|ure|ing)|update|upgrade|week|day|"
    r"month|year|half|next|new|last|first|today|tonight)\b",
    re.I,
)
# A comma between digits ("1,500 kcal") separates nothing.
_TAG = re.compile(
    r"^(?P<said>.+?)\s*(?:,(?!\d)|—|–| - )\s*(?P<tag>(?:[^,—–]|(?<=\d),(?=\d))+\?)\s*$"
)


def statement_of(sentence: str) -> str | None:
    """What ``sentence`` states: itself, or for a statement with a question tagged on
    ("I moved to Austin, can you believe it?") the statement alone; None for a question or
    a request ("Have you been to Paris?", "Can you help me...")."""
    if not asks(sentence):
        # typed without an end mark, a question may follow a comma unmarked too: "my gf
        # wants a picnic, what food travels well in the heat"
        said = _before_asking(sentence, unmarked=not _END_MARK.search(sentence))
        return sentence if said is None else said or None
    said = _before_asking(sentence, questions=True)
    if said is not None:
        return said or None  # "I'm a UX designer now 🎨 can u review my portfolio?"
    if after := _after_asking(sentence):
        return after  # "pls review my resume, I'm a nurse"
    tagged = _TAG.match(sentence.strip())
    if tagged is None or not _a_statement(tagged["said"]):
        return None
    return _stated(tagged["said"], tagged["tag"])


# How a question typed without its mark opens after a comma; not "which"/"where"/"when"/
# "who", which open relative clauses ("moved to Oslo, where my sister lives").
_UNMARKED = re.compile(
    r"(?:what(?!\s+an?\b)|why|how|whats|hows|any|anyone|anybody|help|pls|please)\b|"
    r"(?:is|are|do|does|can|could|should)\s+(?:i|you|u|we|it|there|that|this|anyone)\b",
    re.I,
)
_END_MARK = re.compile(r"[.!?…\"'’)]\s*$")
# Where a request may follow what a sentence says: a comma, a dash, a semicolon, or an
# emoji typed in place of an end mark ("…this semester 🏛️ need tips for my critique").
_BREAK = re.compile(r"\s*(?:[,;—–]| - |\s[^\w\s,.;:!?'’\"()&/-]+)\s*(?=\w)")


# "At 44, is it too late to…?", "As a nurse on nights, what should I eat?": a phrase that
# opens the question, with no subject of its own, is not a statement.
_PHRASE = re.compile(r"^(?:at|in|on|for|with|as|by|from|after|before|since|during|like)\b", re.I)
_SUBJECT = re.compile(r"\b(?:i|i'm|i’m|im|we|we're|we’re|he|she|they|my|our)\b", re.I)


def _a_statement(head: str) -> bool:
    if not head or asks(head) or _INTERROGATIVE.match(head):
        return False
    return not (_PHRASE.match(head) and not _SUBJECT.search(head)) or bool(
        _SELF_PHRASE.match(head.strip())
    )


# …unless it says who the speaker is: "As a nurse on nights, what should I eat?" says "I'm
# a nurse on nights" (the question asks for the speaker: "I"); not "As a kid", "As a
# nurse's daughter", nor an age ("At 65, can I withdraw…" may be one to come).
_SELF_PHRASE = re.compile(
    r"^(?:as (?P<what>an? (?!(?:kid|child|result|joke|rule|whole|former|future|ex\b|teen|"
    r"student of)\b)[^,'’]+)|at (?P<age>[1-9]\d))$",
    re.I,
)
# A question about the listener ("what would you recommend?") or about a time to come
# ("can I withdraw…", "will I regret…") says nothing of who the speaker is now.
_NOT_NOW = re.compile(r"\b(?:you|your|will|would|can|could|may|going to|when|if)\b", re.I)
_LISTENER = re.compile(r"\b(?:you|your|yourself)\b", re.I)


def _stated(head: str, rest: str = "") -> str | None:
    found = _SELF_PHRASE.match(head.strip())
    if found is None or _SUBJECT.search(head):
        head = _SUPPOSED.sub("", head)  # "…at 60 — if I were that age, would you…"
        # "Now that I've traded the Volvo in for a Tesla, could you…": the clause the
        # request leans on is said as a sentence of its own
        said = _LEANS_ON.sub("", head.strip())
        return said[:1].upper() + said[1:].rstrip() + "."
    if found["what"] and _LISTENER.search(rest):
        return None  # "As a nurse, what would you recommend?": a role asked to play
    if found["age"] and (_NOT_NOW.search(rest) or not re.search(r"\bI\b", rest)):
        return None  # "At 65, can I withdraw…": an age to come
    return f"I'm {found['what'] or found['age']}."


# What a request leans on: a cause or a time said before it, with the speaker's clause.
_LEANS_ON = re.compile(
    r"^(?:now that|since|because|seeing as)\s+(?=(?:I|I'm|I’m|I've|I’ve|we)\b)", re.I
)
# A supposition between a statement and the question it leads to.
_SUPPOSED = re.compile(r"\s*(?:[,;—–]| - )\s*(?:if|unless)\b[^,;—–]*$", re.I)


def _before_asking(sentence: str, *, questions: bool = False, unmarked: bool = False) -> str | None:
    """What comes before a request ("I'm a sophomore at Ohio State — help me make a
    study schedule", typed with or without its question mark) or, with ``questions``, before
    a question ("We're engaged, where do I even start?"); None if nothing is asked after a
    statement."""
    for cut in _BREAK.finditer(sentence):
        head, rest = sentence[: cut.start()], sentence[cut.end() :]
        if not _a_statement(head):
            continue
        asked = (questions and _INTERROGATIVE.match(rest)) or (unmarked and _UNMARKED.match(rest))
        if _ASKS.match(rest) or asked:
            if _aside(rest):
                return None  # "My sister, can you believe it, moved to Oslo."
            return _stated(head, rest) or ""
    return None


def _aside(asked: str) -> bool:
    """Whether a question is an aside the sentence goes on after ("…, can you believe
    it, moved to Oslo")."""
    tail = re.split(r",\s*", asked.rstrip(" ?!.")[:200])[1:]
    if not tail or _QUALIFIES.match(tail[-1]):
        return False  # "what should I pack, given all the rain?": the question goes on
    return _a_statement(tail[-1]) and not asks(tail[-1]) and len(tail[-1].split()) > 1


# How a question's own qualifier opens, after its comma.
_QUALIFIES = re.compile(
    r"(?:given|considering|especially|with|without|for|since|because|as|like|from|in|on|at|"
    r"if|when|while|though|although|or|preferably|ideally|maybe)\b",
    re.I,
)


def _after_asking(sentence: str) -> str | None:
    """What the speaker says of themselves after a request: "pls review my resume, I'm a
    nurse"."""
    for cut in _BREAK.finditer(sentence):
        rest = sentence[cut.end() :].strip()
        if rest.endswith("?") or not _a_statement(rest) or not _SPEAKER.match(rest):
            continue
        return rest.rstrip(" .!") + "."
    return None


_SPEAKER = re.compile(r"^(?:I|I'm|I’m|I've|I’ve|im|my|My)\b")


# "software engineer here, mostly backend Go", "econ major here 🙃": who the speaker is,
# said the way chat says it.
_HERE = re.compile(
    r"^(?P<what>(?:[A-Za-z][\w-]*\s+){0,3}[A-Za-z][\w-]*)\s+here\b(?P<sep>\s*[,.!:;—–-]*)\s*",
    re.I,
)


def said_as_here(sentence: str) -> str:
    """ "Software engineer here, mostly backend" reads "I'm a software engineer, mostly
    backend"; a sentence that is not a title or a major before "here" is left as it is."""
    found = _HERE.match(sentence)
    if found is None:
        return sentence
    what = found["what"]
    if role(what) is None and not what.casefold().endswith((" major", " student")):
        return sentence
    what = what[:1].lower() + what[1:]
    article = "an" if what[:1] in "aeiou" else "a"
    rest = sentence[found.end() :]
    if not rest.strip():
        return f"I'm {article} {what}."
    return f"I'm {article} {what}, {rest[:1].lower() + rest[1:]}"


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
        if score < self.min_score and not sentence.startswith(speaker):
            # typed without its "I" ("finally ditched the oneplus, on a galaxy now"): the
            # rewrite names the speaker, so it is about them as much as an "I" would be
            if third_person(sentence, speaker).startswith(f"{speaker} "):
                score = max(score, memorability(f"I {sentence[:1].lower()}{sentence[1:]}"))
        if score < self.min_score and not sentence.rstrip().endswith("?"):
            if facts_of(third_person(sentence, speaker)):
                return self.min_score
        return score

    def _extract_one(self, event: Event) -> list[Candidate]:
        speaker = event.speaker or ("User" if event.role == "user" else event.role.title())
        # (as said, with a leading "He"/"She" naming whom the turn just named)
        sentences: list[tuple[str, str]] = []
        lowered: set[str] = set()  # sentences typed without their capital
        antecedent: str | None = None
        for said in split_sentences(clean_text(event.content)):
            said = without_address(drop_discourse_markers(unshouted(said)))
            said = set_off_fronted(said_as_here(without_telling(paired(said))))
            # A sentence starts with a capital, whoever typed it: "ken got poached by
            # Lockheed" names Ken.
            typed_lower = said[:1].islower()
            said = said[:1].upper() + said[1:]
            sentence = resolve_pronoun(said, antecedent)
            antecedent = last_person(sentence, speaker) or antecedent
            stated = statement_of(sentence)
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
