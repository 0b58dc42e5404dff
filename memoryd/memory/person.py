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

from spacy.lang.en.stop_words import STOP_WORDS

from memoryd.memory.fact_lexicon import ROLE_HEADS
from memoryd.memory.names import is_first_name, pronouns_for
from memoryd.memory.verbs import ALSO_IMPERATIVE, BASE_VERBS, IRREGULAR_PAST, conjugate

_MODAL = re.compile(
    r"\b(?:can|could|will|would|should|might|must|may|to|don't|doesn't|didn't|do not|"
    r"does not|did not|can't|cannot|won't|wouldn't|never|let|help|make|'ll|'d)\s*$",
    re.I,
)
_ADVERBS = (
    r"(?:(?:still|also|just|really|now|always|never|often|usually|even|already|then|"
    r"actually|finally|recently|sometimes|mostly|totally|absolutely|officially|honestly|"
    r"kinda|sorta|lowkey|legit|def|[a-z]{3,}ly)\s+)*"
)
_COORDINATED = re.compile(
    r"(\s*(?:,|\band\b|\bbut\b|\bor\b)\s+)(" + _ADVERBS + r")([a-z]+)\b"
    # "fish is fine", "work was busy": a noun that starts a clause of its own.
    r"(?!\s+(?:is|are|was|were|has|had|will|can|'s)\b)"
)
_REPORTED_PAST = "|".join(sorted(IRREGULAR_PAST - ALSO_IMPERATIVE))
_PAST_OR_VERB_START = re.compile(
    r"^(" + _ADVERBS + r")((?:[a-z]+ed|" + _REPORTED_PAST + r"|"
    r"love|loving|been|am|have|need|want|hope|wish|plan|can't|cannot|gonna|going|heading|"
    r"thinking|working|trying|planning|studying|training|writing|taking|looking|learning|"
    r"getting|starting|moving|living|doing|making|reading|teaching|building)\b)"
    r"(?!\s+me\b)",  # not "Wish me luck": a request of the listener
    re.I,
)
_FIRST_PERSON = re.compile(
    # Chat often writes the pronoun in lower case ("i moved", "i'm"): the same word.
    r"\b(?:[Ii]'m|[Ii] am|[Ii]'ve|[Ii] have|[Ii]'ll|[Ii]'d|[Ii] was|[Ii]m|[Ii]ve|I|i(?=\s+[a-z])|"
    r"[Mm]e|[Mm]y|[Mm]ine|[Mm]yself|"
    r"[Ww]e're|[Ww]e are|[Ww]e've|[Ww]e have|[Ww]e'll|[Ww]e'd|[Ww]e were|[Ww]e|us|[Oo]ur|"
    r"[Oo]urs|[Oo]urselves)\b(?:'s)?"
)
# Chat fragments whose subject is the speaker: "Officially a Denver resident as of today",
# "Last day at Microsoft was Friday", "New job starts Monday".
_NOUN_FRAGMENT = re.compile(
    r"^(?:(?:[a-z]+ly|now|finally|just|still)\s+)*(?:a|an)\s+\w|"
    r"^(?:(?:[a-z]+ly|now|finally|just)\s+)+\d{1,3}\b|"
    r"^\d{1,3}\s+(?:as of|now|today|years old)\b",  # "42 as of yesterday"
    re.I,
)
# "So proud of you!", "Glad you made it", "Super excited for the trip": how the speaker
# feels, with "I'm" left out.
_FEELING_FRAGMENT = re.compile(
    r"^(?:(?:so|really|very|super|too|just|truly|totally|beyond|pretty|kinda|quite)\s+)*"
    r"(?:proud|glad|happy|excited|sorry|thrilled|grateful|thankful|stoked|pumped|nervous|"
    r"worried|sad|tired|exhausted|busy|ready|lucky|blessed|honou?red|relieved|curious|"
    r"jealous|bummed|psyched|scared|anxious|overwhelmed|delighted|touched|impressed)"
    r"(?=\s+(?:of|for|to|that|about|with|you|we|i|it|this|and|at|in|on|by)\b|\s*[,!.?]*$)",
    re.I,
)
_ING_FRAGMENT = re.compile(
    r"^(?:(?:now|currently|still|finally|also|officially)\s+)+[a-z]+ing\b|"
    r"^[a-z]+ing\s+(?:for|at|in|to|with|towards?)\b",
    re.I,
)
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would)\b", re.I)
_OWN_FRAGMENT = re.compile(
    r"^(?:last|first|new|final|next|current|big|main)\s+(?:day|week|shift|job|role|position|"
    r"car|place|apartment|flat|house|address|manager|boss|team|school|class|semester|target|"
    r"goal|race|project|challenge|chapter|adventure|home|city)\b|"
    # "Home is a small flat in Leeds", not "Home is where the heart is"
    r"^home\s+(?:is|was|has been)\s+(?:now\s+)?(?:(?:a|an|the|in|near)\s|(?-i:[A-Z]))",
    re.I,
)
# "The divorce was finalized": in the speaker's own turn, the life event is theirs.
# "The move to Johannesburg went smoothly" too.
_THE_OWN_EVENT = re.compile(
    r"^the\s+(?=(?:divorce|separation|move|relocation|promotion|adoption)"
    r"(?:\s+(?:to|from|into|back to|out of)\s+(?:[\w-]+\s+){1,3}?)?"
    r"\s*(?:is|was|got|has been|went|came)\b)",
    re.I,
)
# "my boyfriend Jake and I", "my wife and I": the speaker is half of a plural subject.
# ... only where the pair opens a clause: "I live in Montreal and I'm trying" is two.
_COMPOUND = re.compile(
    r"(?:^|[,;:—–]\s*|\b(?:and|but|so|because|when|then)\s+)(?:(?:my|our|the)\s+)?"
    r"(?:(?:wife|husband|partner|boyfriend|girlfriend|fianc[ée]e?|friend|sister|brother|"
    r"mom|mum|dad|mother|father|son|daughter|roommate|colleague)\s+)?"
    r"(?:(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]+|(?:wife|husband|partner|boyfriend|girlfriend|fianc[ée]e?|friends?|"
    r"sister|brother|mom|mum|dad|mother|father|family|kids|son|daughter|roommates?|"
    r"colleagues?|parents|team)) and\s*$",
    re.I,
)
_PLURAL_FORMS = {"i have": "have", "i've": "have", "i am": "are", "i'm": "are", "i was": "were"}
_I_VERB = re.compile(r"^(\s*" + _ADVERBS + r")([a-z']+)\b")
_WE = re.compile(r"\b[Ww]e(?:'re|'ve|'ll|'d)?\b")
_COUPLE = re.compile(
    r"\b(?:married|engaged|divorced|wedding|honeymoon|broke up|split up|separated|dating|"
    r"anniversary|tied the knot|eloped|been together|together (?:since|for)|met someone|"
    r"seeing each other)\b",
    re.I,
)
# Where "we" is the speaker's household: family, a home, a move.
_HOUSEHOLD = re.compile(
    r"\b(?:famil(?:y|ies)|kids?|children|sons?|daughters?|baby|babies|parents|mom|mum|dad|"
    r"husband|wife|home|house|apartment|flat|place|neighbou?rhood|town|city|moved?|moving|"
    r"relocat\w*|live[sd]?|living|settled|packed|unpack\w*|lease|rent\w*|bought|sold|"
    r"adopt\w*|dog|cat|pets?|holidays?|vacation|trip|dinner|christmas|thanksgiving)\b",
    re.I,
)
# Words that may open a sentence in lower case when it is reported ("According to X, the").
_LOWERABLE = frozenset(
    "the a an this that these those it its there here some all everything nothing "
    "everyone nobody something one today tomorrow yesterday he she they his her their "
    "him them".split()
)


class _Rewriter:
    """One sentence's first-person references, rewritten in order of appearance."""

    def __init__(self, sentence: str, speaker: str):
        self.speaker = speaker
        self.pronouns = pronouns_for(speaker)
        self.named = False
        self.we_named = False
        self.plural = bool(_WE.search(sentence))
        own = self.pronouns.possessive if self.pronouns else "their"
        if _COUPLE.search(sentence):
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
            if self.plural and self.named:
                return {"our": "their", "ours": "theirs"}.get(low, "themselves")
            return self._possessive()
        return low

    def _possessive(self) -> str:
        # The name, not "her": questions name the person, and so does lexical search
        # ("Ben quit his job" cost 0.018 recall@10 on LoCoMo against "Ben's job").
        self.named = True
        return f"{self.speaker}'s"


def _conjugated(match: re.Match[str]) -> str:
    return (match.group(1) or "") + conjugate(match.group(2), any_verb=True)


def _agree(tail: str, *, bare: bool = True, coordinated: bool = True) -> str:
    """Conjugate the base-form verbs a singular subject governs in ``tail`` (what follows
    it): the one right after it when ``bare``, and each coordinated one ("and still feel",
    ", have been")."""
    if bare:
        tail = _I_VERB.sub(_conjugated, tail, count=1)
    if not coordinated:
        return tail

    def conjugate_coordinated(match: re.Match[str]) -> str:
        before = tail[: match.start()]
        # "to cook and bake", "can swim or run", "cooking and travel": not the subject's.
        if _MODAL.search(" ".join(before.split()[-3:])) or before.rstrip().endswith("ing"):
            return match.group(0)
        if re.search(r"\b(?:to|can|will|would|could|should|might|must)\s+\w+\s*$", before):
            return match.group(0)
        return match.group(1) + match.group(2) + conjugate(match.group(3))

    return _COORDINATED.sub(conjugate_coordinated, tail)


# "Hi, I'm Samantha": a speaker introducing themselves states their name.
_INTRO = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|so|ok|okay)\b[\s,!.]*)*(?:i'm|i am|im|my name is|my name's)\s+"
    r"(?P<name>(?-i:[A-Z])[a-z]+(?:[- ](?-i:[A-Z])[a-z]+)?)(?=\s*(?:[,.!;]|$|\bbut\b|\band\b|"
    r"\bby the way\b|\bhere\b))",
    re.I,
)


def _introduction(sentence: str, speaker: str) -> str | None:
    """ "Hi, I'm Samantha, nice to meet you" → "Samantha's name is Samantha, nice to ...":
    only a known given name (not "I'm Canadian")."""
    match = _INTRO.match(sentence)
    if match is None or not is_first_name(match["name"].split()[0].split("-")[0]):
        return None
    rest = sentence[match.end() :]
    said = f"{speaker}'s name is {match['name']}"
    return said + (third_person(rest, speaker) if _FIRST_PERSON.search(rest) else rest)


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


# "Moving day went fine", "Running a shop is hard": the -ing phrase is the subject of a
# verb that follows, so no speaker was left out before it.
_GERUND_SUBJECT = re.compile(
    r"^\w+ing\b[^,;:!?.]*?\b(?:is|was|are|were|has|had|went|goes|feels|felt|takes|took|"
    r"makes|made|seems|seemed|gets|got|keeps|kept|helps|helped|means|meant|became|becomes)\b",
    re.I,
)


def _dropped_subject(sentence: str) -> re.Match[str] | None:
    """The opening verb of a sentence that left its subject (the speaker) out, if any."""
    dropped = _PAST_OR_VERB_START.match(sentence)
    if dropped and dropped.group(2).casefold().endswith("ing") and not dropped.group(1):
        if _GERUND_SUBJECT.match(sentence):
            return None
    return dropped


def third_person(sentence: str, speaker: str) -> str:
    """Rewrite a first-person sentence about ``speaker`` so it names them."""
    if (intro := _introduction(sentence, speaker)) is not None:
        return intro
    if (it := _it_has_been(sentence)) is not None:
        if not _FIRST_PERSON.search(it):
            return f"According to {speaker}, {it[0].lower()}{it[1:]}"
        return _rewrite(it, speaker, _Rewriter(it, speaker))
    if not _FIRST_PERSON.search(sentence):
        return _without_subject(sentence, speaker)
    rewriter = _Rewriter(sentence, speaker)
    dropped = _dropped_subject(sentence)
    if dropped and not _FIRST_PERSON.match(sentence):
        # "Just had my 25th birthday": the speaker is the dropped subject.
        rest = _restore_subject(sentence, speaker, dropped)
        rewriter.named = True
        return rest[: len(speaker)] + _rewrite(rest[len(speaker) :], speaker, rewriter)
    return _rewrite(sentence, speaker, rewriter)


def _rewrite(sentence: str, speaker: str, rewriter: _Rewriter) -> str:
    """Each first-person word of ``sentence`` rewritten, and each singular subject's
    verbs made to agree."""
    out: list[str] = []
    last = 0
    subjects: list[int] = []  # where each singular subject ends in the output
    for match in _FIRST_PERSON.finditer(sentence):
        # "Jake and I have": a compound subject keeps the plural verb.
        compound = bool(_COMPOUND.search(sentence[: match.start()]))
        replacement = rewriter.replace(match)
        if compound and _is_singular_subject(match.group(0)):
            # "Jake and I have" → "Jake and Marek have": the name, and the plural verb.
            plural = _PLURAL_FORMS.get(match.group(0).casefold())
            replacement = f"{speaker} {plural}" if plural else speaker
        out.append(sentence[last : match.start()])
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
        text = text[:at] + _agree(text[at:], bare=_is_bare(text, at), coordinated=only)
    return text


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


def _without_subject(sentence: str, speaker: str) -> str:
    """A sentence with no first-person word: one that dropped its subject gets it back;
    one about something else is reported as the speaker's."""
    if speaker.casefold() in sentence.casefold():
        return sentence
    dropped = _dropped_subject(sentence)
    if dropped:
        return _restore_subject(sentence, speaker, dropped)
    lowered = sentence[0].lower() + sentence[1:]
    if _ING_FRAGMENT.match(sentence) and not _FINITE.search(sentence):
        return f"{speaker} is {lowered}"  # "Now training for a half marathon!"
    if _NOUN_FRAGMENT.match(sentence) or _FEELING_FRAGMENT.match(sentence):
        return f"{speaker} is {lowered}"  # "Officially a Denver resident!", "So proud of you!"
    if _OWN_FRAGMENT.match(sentence):  # "Last day at Microsoft was Friday"
        return f"{speaker}'s {lowered}"
    if own_event := _THE_OWN_EVENT.match(sentence):
        return f"{speaker}'s {sentence[own_event.end() :]}"
    first = sentence.split()[0] if sentence.split() else ""
    body = sentence[0].lower() + sentence[1:] if _lowerable(first) else sentence
    return f"According to {speaker}, {body}"


def _lowerable(word: str) -> bool:
    """Whether a sentence's first word keeps no capital inside "According to X, …": a
    function word ("Not decided yet", "Your empathy …") or a gerund ("Living in …"), not
    a name ("Boston is great") nor an acronym."""
    low = word.casefold().strip(",.!?")
    if word.rstrip(",.!?") == "I" or word.startswith(("I'", "I’")):
        return False
    if low in _LOWERABLE or low in STOP_WORDS:
        return not word.isupper() or len(word) == 1
    return len(low) > 4 and low.endswith("ing") and word[1:].islower()


def _restore_subject(sentence: str, speaker: str, dropped: re.Match[str]) -> str:
    """``sentence`` with the speaker put back as the subject it dropped."""
    rest = sentence[0].lower() + sentence[1:]
    verb = dropped.group(2).casefold()
    if verb == "been":
        rest = "has " + rest
    elif verb.endswith("ing") or verb == "gonna":
        rest = "is " + rest  # "Writing my thesis" → "is writing"
    elif verb == "am":
        rest = "is" + rest[2:]
    elif dropped.group(1) == "" and verb in BASE_VERBS | {"have"}:
        rest = _I_VERB.sub(_conjugated, rest, count=1)
    return f"{speaker} {_agree(rest, bare=False)}"
