"""Rewriting what a speaker said in the first person so it reads as a statement about them.

"I'm 29 and still feel like a student" becomes "Ben is 29 and still feels like a student":
the first mention names the speaker, later ones use a pronoun (or the name again when the
name does not tell), every verb the speaker governs agrees, "we" and "our" are attributed
("Lucas and his family live with their kids"), and a turn that drops its subject ("Just
started at Stripe") gets the speaker back. A sentence about something else is reported as
the speaker's ("According to Melanie, the kids loved the beach").
"""

from __future__ import annotations

import re

from memoryd.memory.fact_lexicon import ROLE_HEADS
from memoryd.memory.fragments import (
    describes_the_speaker,
    dropped_subject,
    restore_subject,
    without_subject,
)
from memoryd.memory.names import is_first_name, pronouns_for
from memoryd.memory.verbs import agree

_FIRST_PERSON = re.compile(
    # Chat often writes the pronoun in lower case ("i moved", "i'm"): the same word.
    r"\b(?:[Ii]'m|[Ii] am|[Ii]'ve|[Ii] have|[Ii]'ll|[Ii]'d|[Ii] was|[Ii]m|[Ii]ve|I|i(?=\s+[a-z])|"
    r"[Mm]e|[Mm]y|[Mm]ine|[Mm]yself|"
    r"[Ww]e're|[Ww]e are|[Ww]e've|[Ww]e have|[Ww]e'll|[Ww]e'd|[Ww]e were|[Ww]e|us|[Oo]ur|"
    r"[Oo]urs|[Oo]urselves)\b(?:'s)?"
)
# "my boyfriend Jake and I", "my wife and I": the speaker is half of a plural subject.
# ... only where the pair opens a clause: "I live in Montreal and I'm trying" is two.
_COMPOUND = re.compile(
    r"(?:^|[,;:—–]\s*|\b(?:and|but|so|because|when|then|that|since|after|while|once)\s+)"
    r"(?:(?:my|our|the)\s+)?"
    r"(?:(?:wife|husband|partner|boyfriend|girlfriend|fianc[ée]e?|friend|sister|brother|"
    r"mom|mum|dad|mother|father|son|daughter|roommate|colleague)\s+)?"
    r"(?:(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]+|(?:wife|husband|partner|boyfriend|girlfriend|fianc[ée]e?|friends?|"
    r"sister|brother|mom|mum|dad|mother|father|family|kids|son|daughter|roommates?|"
    r"colleagues?|parents|team)) and\s*$",
    re.I,
)
_PLURAL_FORMS = {"i have": "have", "i've": "have", "i am": "are", "i'm": "are", "i was": "were"}
_WE = re.compile(r"\b[Ww]e(?:'re|'ve|'ll|'d)?\b")
_PAIR = re.compile(r"\band (?:I|me)\b|\b(?:I|me) and\b")
_COUPLE = re.compile(
    r"\b(?:married|engaged|divorced|wedding|honeymoon|broke up|split up|separated|dating|"
    r"anniversary|tied the knot|eloped|been together|together (?:since|for)|met someone|"
    r"seeing each other|(?:been |started )?(?:seeing|dating) (?-i:[A-Z])|"
    r"(?:seeing|dating) (?:a|this) (?:guy|girl|woman|man|lady|someone) (?:named|called))",
    re.I,
)
# The partner "we" includes, when the sentence names them: "I've been seeing Marco … and
# we've decided to make it official" is Elena and Marco.
_PARTNER = re.compile(
    r"\b(?:seeing|dating|married|engaged to|boyfriend|girlfriend|partner|husband|wife|"
    r"fianc[ée]e?)\s+(?:(?:a|this) (?:guy|girl|woman|man|lady|someone) (?:named|called) )?"
    r"(?P<name>(?-i:[A-Z])[^\W\d_]+)\b(?!['’]s)",
    re.I,
)
# Who "we" is, when the sentence says: "We're separated now, me and my business partner".
_WE_ARE = re.compile(
    r"\b(?:me|myself) and (?P<who>(?:my|our) (?:[a-z-]+ ){0,2}?[a-z-]+?|[A-Z][a-z]+)"
    r"(?=\s*(?:[,.;:!?—–]|$))|"
    r"\b(?:my|our) (?P<who2>(?:[a-z-]+ ){0,2}?[a-z-]+) and (?:me|I)\b(?=\s*(?:[,.;:!?—–]|$))",
)
# Where "we" is the speaker's household: family, a home, a move.
_HOUSEHOLD = re.compile(
    r"\b(?:famil(?:y|ies)|kids?|children|sons?|daughters?|baby|babies|parents|mom|mum|dad|"
    r"husband|wife|home|house|apartment|flat|place|neighbou?rhood|town|city|moved?|moving|"
    r"relocat\w*|live[sd]?|living|settled|packed|unpack\w*|lease|rent\w*|bought|sold|"
    r"adopt\w*|dog|cat|pets?|holidays?|vacation|trip|dinner|christmas|thanksgiving)\b",
    re.I,
)


class _Rewriter:
    """One sentence's first-person references, rewritten in order of appearance."""

    def __init__(self, sentence: str, speaker: str):
        self.speaker = speaker
        self.pronouns = pronouns_for(speaker)
        self.named = False
        self.we_named = False
        self.plural = bool(_WE.search(sentence))
        # "Sofia and I said our vows": "our" is the pair's
        self.pair = bool(_PAIR.search(sentence))
        own = self.pronouns.possessive if self.pronouns else "their"
        partner = _PARTNER.search(sentence)
        named = _WE_ARE.search(sentence)
        if named and self.plural:
            who = named["who"] or f"my {named['who2']}"
            self.group = f"{speaker} and {re.sub(r'^(?:my|our) ', own + ' ', who)}"
        elif _COUPLE.search(sentence) and partner and partner["name"] != speaker:
            self.group = f"{speaker} and {partner['name']}"
        elif _COUPLE.search(sentence):
            self.group = f"{speaker} and {own} partner"
        elif _HOUSEHOLD.search(sentence):
            self.group = f"{speaker} and {own} family"
        else:  # "we went biking", "we can do this": who else is not said
            self.group = f"{speaker} and others"

    def _subject(self) -> str:
        if self.named and self.pronouns:
            return self.pronouns.subject
        self.named = True
        return self.speaker

    def _name_or(self, form: str) -> str:
        if self.named:
            return form
        self.named = True
        return self.speaker

    def replace(self, match: re.Match[str]) -> str:
        word = match.group(0)
        low = word.casefold()
        if low.startswith("i") and low not in ("it",):
            return self._singular(low)
        if low.startswith("we"):
            return self._we(low)
        return self._other(low)

    def _singular(self, low: str) -> str:
        forms = {
            "i'm": "is",
            "im": "is",
            "ive": "has",
            "i am": "is",
            "i've": "has",
            "i have": "has",
            "i'll": "will",
            "i'd": "would",
            "i was": "was",
        }
        subject = self._subject()
        return f"{subject} {forms[low]}" if low in forms else subject

    def _we(self, low: str) -> str:
        forms = {
            "we're": "are",
            "we are": "are",
            "we've": "have",
            "we have": "have",
            "we'll": "will",
            "we'd": "would",
            "we were": "were",
        }
        if not self.named:
            subject = self.group
        elif self.pronouns and not self.we_named:
            company = self.group[len(self.speaker) + len(" and ") :]
            subject = f"{self.pronouns.subject} and {company}"
        else:
            subject = "they"
        self.named = self.we_named = True
        return f"{subject} {forms[low]}" if low in forms else subject

    def _other(self, low: str) -> str:
        p = self.pronouns
        if low in ("me",):
            return self._name_or(p.object if p else "them")
        if low in ("myself",):
            return self._name_or(p.reflexive if p else "themselves")
        if low in ("my", "mine", "my's"):
            return self._possessive()
        if low in ("us",):
            return "them" if self.plural else self._name_or(p.object if p else "them")
        if low in ("our", "ours", "ourselves"):
            if (self.plural or self.pair) and self.named:
                return {"our": "their", "ours": "theirs"}.get(low, "themselves")
            return self._possessive()
        return low

    def _possessive(self) -> str:
        # The name, not "her": questions name the person, and so does lexical search
        # ("Ben quit his job" cost 0.018 recall@10 on LoCoMo against "Ben's job").
        self.named = True
        return f"{self.speaker}'s"


# "Hi, I'm Samantha": a speaker introducing themselves states their name.
_INTRO = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|so|ok|okay|annyeong|hola|salut|moin|ciao|privet|salam)\b[\s,!.]*)*"
    r"(?:i'm|i am|im|my name is|my name's)\s+"
    r"(?P<name>[^\W\d_]+(?:-[^\W\d_]+)?(?: (?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]+)?)"
    r"(?=\s*(?:[,.!;—–]|$|\bbut\b|\band\b|\bby the way\b|\bhere\b))",
    re.I,
)
# "Sofía here — 27, nurse at …", "Hello! Layla, 22, nursing student …": a speaker who
# names themselves without "I'm" and goes on to describe themselves.
_NAMED_HERE = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|hola|salut|moin|ciao|annyeong|privet|salam)\b[\s,!.]*)*"
    r"(?P<name>[^\W\d_]+(?:-[^\W\d_]+)?)(?: here)?\s*[,—–-]\s*(?=\d)",
    re.I,
)


def _introduction(sentence: str, speaker: str) -> str | None:
    """ "Hi, I'm Samantha, nice to meet you" → "Samantha's name is Samantha, nice to ...":
    only a known given name (not "I'm Canadian"), or the speaker's own. A speaker who
    names themselves and goes on ("I'm Tomás, 31, a civil engineer at Arup") is
    described: "Tomás is 31, a civil engineer at Arup"."""
    here = _NAMED_HERE.match(sentence)
    if here is not None and here["name"].casefold() == speaker.casefold():
        rest = f"{speaker} is {sentence[here.end() :]}"
        return third_person(rest, speaker) if _FIRST_PERSON.search(rest) else rest
    match = _INTRO.match(sentence)
    own = match is not None and match["name"].casefold() == speaker.casefold()
    if match is None or not (own or match["name"][:1].isupper()):
        return None  # "I'm tired": a name is written with a capital, unless it is the speaker's
    if not (own or is_first_name(match["name"].split()[0].split("-")[0])):
        return None
    rest = sentence[match.end() :]
    described = _GOES_ON.match(rest)
    if own and described:
        rest = f"{speaker} is {rest[described.end() :]}"
        return third_person(rest, speaker) if _FIRST_PERSON.search(rest) else rest
    said = f"{speaker}'s name is {speaker if own else match['name']}"
    return said + (third_person(rest, speaker) if _FIRST_PERSON.search(rest) else rest)


# After a name, what describes its bearer: "I'm Tomás, 31, …", "I'm Aiko — product designer".
_GOES_ON = re.compile(
    r"\s*[,—–]\s*(?!(?:nice|glad|pleased|good|great|happy|new here|hi|hello|hey|by the way|"
    r"btw|thanks|here|but|and|so|yet|or|because|though|although|which|who|if|when|since|as|"
    r"yes|no|ok|okay|please)\b)(?=(?:\d|an?\s|the\s|[a-z]))",
    re.I,
)


# "Been a long road", "Been a crazy week": what dropped its subject is "it", not the
# speaker; "Been a nurse for ten years" is the speaker (a role follows).
_BEEN_A = re.compile(
    r"^(?:(?:honestly|really|just|so)\s+)?been\s+(?:such\s+|quite\s+)?an?\s+(?P<np>[^,.!?;]*)", re.I
)


def _it_has_been(sentence: str) -> str | None:
    match = _BEEN_A.match(sentence)
    if match is None or any(w.casefold() in ROLE_HEADS for w in match["np"].split()[:4]):
        return None
    return "It has " + sentence[0].lower() + sentence[1:]


def third_person(sentence: str, speaker: str) -> str:
    """Rewrite a first-person sentence about ``speaker`` so it names them."""
    if (intro := _introduction(sentence, speaker)) is not None:
        return intro
    if (it := _it_has_been(sentence)) is not None:
        if not _FIRST_PERSON.search(it):
            return f"According to {speaker}, {it[0].lower()}{it[1:]}"
        return _rewrite(it, speaker, _Rewriter(it, speaker))
    if not _FIRST_PERSON.search(sentence):
        return without_subject(sentence, speaker)
    rewriter = _Rewriter(sentence, speaker)
    sentence = _without_who_we_are(sentence)
    dropped = dropped_subject(sentence)
    if dropped and not _FIRST_PERSON.match(sentence):
        # "Just had my 25th birthday": the speaker is the dropped subject.
        rest = restore_subject(sentence, speaker, dropped)
    elif not _FIRST_PERSON.match(sentence) and describes_the_speaker(sentence, full=False):
        # "Officially 30 as of Saturday and my knees know it": "I'm" was left out
        rest = f"{speaker} is {sentence[:1].lower()}{sentence[1:]}"
    else:
        return _rewrite(sentence, speaker, rewriter)
    rewriter.named = True
    return rest[: len(speaker)] + _rewrite(rest[len(speaker) :], speaker, rewriter)


def _without_who_we_are(sentence: str) -> str:
    """ "We split up, me and my business partner, last week": who "we" is has gone into
    the rewritten "we", and is not said twice."""
    named = _WE_ARE.search(sentence)
    if named is None:
        return sentence
    before = sentence[: named.start()].rstrip()
    if not before.endswith((",", "—", "–")) or not _WE.search(before):
        return sentence
    return before[:-1].rstrip() + sentence[named.end() :]


def _rewrite(sentence: str, speaker: str, rewriter: _Rewriter) -> str:
    """Each first-person word of ``sentence`` rewritten, and each singular subject's
    verbs made to agree."""
    out: list[str] = []
    last = 0
    subjects: list[int] = []  # where each singular subject ends in the output
    # a title or a quote keeps its words: "learn 'Do I Wanna Know?' on guitar"
    quoted = [range(*q.span()) for q in _QUOTED.finditer(sentence)]
    for match in _FIRST_PERSON.finditer(sentence):
        if any(match.start() in span for span in quoted):
            continue
        # "Jake and I have": a compound subject keeps the plural verb.
        compound = bool(_COMPOUND.search(sentence[: match.start()])) or bool(
            # "forgets Tom and I are engaged": "are" after "I" says the pair is the subject
            match.group(0) == "I"
            and re.match(r"\s+(?:are|were)\b", sentence[match.end() :])
            and sentence[: match.start()].rstrip().endswith(" and")
        )
        replacement = rewriter.replace(match)
        if compound and _is_singular_subject(match.group(0)):
            # "Jake and I have" → "Jake and Marek have": the name, and the plural verb.
            plural = _PLURAL_FORMS.get(match.group(0).casefold())
            replacement = f"{speaker} {plural}" if plural else speaker
        before = sentence[last : match.start()]
        if _is_singular_subject(match.group(0)) and not compound:
            # "how do I set up Face ID" → "how does she set up Face ID"
            before = _INVERTED.sub(lambda m: _INVERTED_FOR[m[1].casefold()] + m[2], before)
        out.append(before)
        # A sentence-initial pronoun keeps its capital ("He", "Their").
        if match.start() == 0 or sentence[: match.start()].rstrip().endswith((".", "!", "?")):
            replacement = replacement[:1].upper() + replacement[1:]
        out.append(replacement)
        last = match.end()
        if _is_singular_subject(match.group(0)) and not compound:
            subjects.append(len("".join(out)))
    out.append(sentence[last:])
    text = "".join(out)
    for n, at in enumerate(reversed(subjects)):
        # Every subject's own verb agrees; coordinated verbs follow the first subject's.
        only = n == 0 and len(subjects) == 1
        text = text[:at] + agree(text[at:], bare=_is_bare(text, at), coordinated=only)
    return text


# An auxiliary put before "I" in a question, and its form for one other person.
# ("am" is left alone: "At 7 am I leave" is a time)
_INVERTED = re.compile(r"\b(do|don't|don’t|dont|have|haven't|haven’t)(\s+)$", re.I)
_INVERTED_FOR = {
    "do": "does",
    "don't": "doesn't",
    "don’t": "doesn’t",
    "dont": "doesn't",
    "have": "has",
    "haven't": "hasn't",
    "haven’t": "hasn’t",
}

_QUOTED = re.compile(
    r"(?<![\w'’])['‘][^'‘’\n]{1,80}?['’](?![\w'’])|\"[^\"\n]{1,200}\"|“[^”\n]{1,200}”"
)


def _is_singular_subject(word: str) -> bool:
    return word.casefold() in (
        "i", "i'm", "im", "i am", "i've", "ive", "i have", "i was", "i'll", "i'd"
    )  # fmt: skip


_AUXILIARY_BEFORE = re.compile(
    r"\b(?:do|does|did|can|could|will|would|should|shall|might|must|may|let|help|make)\s+\S+$",
    re.I,
)


def _is_bare(text: str, at: int) -> bool:
    """Whether the subject that ends at ``at`` is followed directly by its verb: not after
    "is"/"has", nor when an auxiliary stands before the subject ("how do Ben build")."""
    if text[:at].endswith((" is", " has", " was", " will", " would")):
        return False
    return not _AUXILIARY_BEFORE.search(text[:at])
