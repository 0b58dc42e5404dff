"""Sentences with no first-person word: one that dropped its subject (the speaker) gets it
back ("Just started at Stripe" → "Ben just started at Stripe"), a fragment is the
speaker's ("Officially a Denver resident!", "Last day at Microsoft was Friday"), and one
about something else is reported as the speaker's ("According to Melanie, the kids loved
the beach")."""

from __future__ import annotations

import functools
import re

from memoryd.memory.fact_lexicon import LAPTOP, PHONE, VEHICLE
from memoryd.memory.shorthand import KIN
from memoryd.memory.verbs import (
    ADVERBS,
    ALSO_IMPERATIVE,
    BASE_VERBS,
    I_VERB,
    IRREGULAR_PAST,
    agree,
    conjugated,
)

_REPORTED_PAST = "|".join(sorted(IRREGULAR_PAST - ALSO_IMPERATIVE))
_PAST_OR_VERB_START = re.compile(
    r"^(" + ADVERBS + r")((?:[a-z]+ed|" + _REPORTED_PAST + r"|"
    r"love|loving|been|am|have|need|want|hope|wish|plan|can't|cannot|gonna|going|heading|"
    r"thinking|working|trying|planning|studying|training|writing|taking|looking|learning|"
    r"getting|starting|moving|living|doing|making|reading|teaching|building|using|riding|"
    r"driving|running|eating|dating|seeing|renting|commuting|majoring|rocking|"
    # "Hit 35 today": before a number "hit" reports what was reached, not a request
    r"hit(?=\s+(?:the big\s+)?\d{1,3}\b)|"
    # "Set it up last night and moved everything across": a past, told (not "Set a timer")
    r"(?:" + "|".join(sorted(ALSO_IMPERATIVE)) + r")(?=[^.!?]*\b(?:yesterday|last (?:night|"
    r"week|month|year|weekend)|ago|this morning|earlier today|on \d{1,2} [A-Z][a-z]+ \d{4})\b|"
    r"[^.!?]* and (?:then )?[a-z]{3,}ed\b))\b)"
    r"(?!\s+me\b)",  # not "Wish me luck": a request of the listener
    re.I,
)
# Chat fragments whose subject is the speaker: "Officially a Denver resident as of today",
# "Last day at Microsoft was Friday", "New job starts Monday".
_NOUN_FRAGMENT = re.compile(
    r"^(?:(?:[a-z]+ly|now|finally|just|still)\s+)*(?:a|an)\s+\w|"
    # "officially Mrs now", "Mrs Okafor now!": a married name taken
    r"^(?:(?:[a-z]+ly|finally|just)\s+)*(?:Mrs|Ms)\.?(?:\s+(?-i:[A-Z])[\w'’-]+)?\s+now\b|"
    r"^(?:(?:[a-z]+ly|now|finally|just)\s+)+\d{1,3}\b|"
    # "Finally done unpacking in Austin", "Done with keto"
    r"^(?:(?:[a-z]+ly|finally|just|almost|nearly|all)\s+)*done\s+(?:[a-z]{3,}ing|with)\b|"
    # "42 as of yesterday", "Thirty as of yesterday!"
    r"^(?:\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ]\w+)?)\s+"
    r"(?:as of|now|today)\b|^\d{1,3} years old\s*[.!]*$|"
    # "Vegan for 5 years now", "Pescatarian since March"; not "Vegan for Lent"
    r"^(?:fully |strictly |mostly )?(?:vegan|vegetarian|pescatarian|plant-based|keto|"
    r"gluten-free)(?=\s+(?:for (?:\d+|a|two|three|four|five|six|seven|eight|nine|ten|many|"
    r"several) (?:years?|months?)|since|now|these days)\b(?!.*\b(?:until|till|then)\b)|"
    r"\s*[.!]*$)",
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
    r"^(?:week|day|month)\s+(?:one|two|1|2)\s+(?:at|with|of)\b|"
    # "New MacBook Air M2 arrived today"; not "New iPhone is out" (news of a product)
    rf"^new\s+(?=(?:{PHONE.pattern}|{LAPTOP.pattern}|{VEHICLE.pattern}))"
    r"(?=.*\b(?:arrived|came|delivered|showed up|is here|in hand|unboxed|picked up|got)\b)"
    r"(?!.*\b(?:is out|are out|launch\w*|announced|released|drops?|dropped|comes out|reviews?|"
    r"prices?|leaks?|rumou?rs?|specs|ads?)\b)|"
    r"^(?:all-time\s+)?(?:favou?rite|fave)\s+\w+(?:\s+(?:of all time|ever|right now|these days))?"
    r"\s+(?:is|are)\b|"
    # "Home is a small flat in Leeds", not "Home is where the heart is"
    r"^home\s+(?:is|was|has been)\s+(?:now\s+)?(?:(?:a|an|the|in|near)\s|(?-i:[A-Z]))",
    re.I,
)
# "Boyfriend Jake and I are doing takeout", "Boss Dana says no": a partner or a boss
# named right after the bare word is the speaker's.
_BARE_OWN = re.compile(
    r"^(?:boyfriend|girlfriend|husband|wife|partner|fianc[ée]e?|hubby|boss|manager|sis|"
    r"sister|brother|mom|mum|dad)"
    # a name, or the verb of its own news: "Boyfriend got a job at Google"
    r"(?=\s+(?-i:[A-Z])[a-z]+\b|\s+(?:is|was|got|has|just|finally|moved|started|quit|left|"
    r"turned|bought|[a-z]+ed)\b)",
    re.I,
)


def owned_opening(sentence: str) -> str:
    """ "Boyfriend Jake and I…" as "My boyfriend Jake and I…"."""
    if found := _BARE_OWN.match(sentence):
        kin = KIN.get(found.group(0).casefold())  # "sis": "sister"
        rest = f"{kin}{sentence[found.end() :]}" if kin else f"{sentence[:1].lower()}{sentence[1:]}"
        return f"My {rest}"
    return sentence


# "The divorce was finalized": in the speaker's own turn, the life event is theirs.
# "The move to Johannesburg went smoothly" too.
_THE_OWN_EVENT = re.compile(
    r"^(?:the\s+)?(?=(?:divorce|separation|move|relocation|promotion|adoption)"
    r"(?:\s+(?:to|from|into|back to|out of)\s+(?:[\w-]+\s+){1,3}?)?"
    r"\s*(?:is|was|got|has been|went|came)\b|divorce papers (?:were|are|have been|got)\b)",
    re.I,
)
# Words that may open a sentence in lower case when it is reported ("According to X, the").
_LOWERABLE = frozenset(
    "the a an this that these those it its it's there there's here some all everything nothing "
    "everyone nobody something one today tomorrow yesterday he she they his her their "
    "him them".split()
)


# "Moving day went fine", "Running a shop is hard": the -ing phrase is the subject of a
# verb that follows, so no speaker was left out before it.
_GERUND_SUBJECT = re.compile(
    # …up to a second clause: "Using a Pixel 6a and the sensor is slow" is the speaker's
    r"^\w+ing\b(?:(?!\band (?:tbh |honestly |ngl |lol )?(?:the|my|it|its|this|that|he|she|"
    r"they|we|i)\b)[^,;:!?.])*?"
    r"\b(?:is|was|are|were|has|had|went|goes|feels|felt|takes|took|"
    r"makes|made|seems|seemed|gets|got|keeps|kept|helps|helped|means|meant|became|becomes|"
    # "Living in Paris would spoil me", "Living in Accra spoiled me": a verb with an object
    r"would|will|could|might|can|should|spoiled|spoilt|spoils|ruined|ruins|taught|teaches|"
    r"changed|changes|killed|kills|wore|wears|drained|drains|saved|saves)\b",
    re.I,
)


# A list that describes the speaker, opening with an age or a state: "34, senior accountant
# at Deloitte", "Married, three kids", "Engaged to my partner Tobi", "Divorced, one daughter".
# "Single now, honestly fine", "Omnivore again": the state, and that it is new. "28 and
# still can't cook rice": an age, and what the speaker makes of it.
_DESCRIPTION = re.compile(
    r"^(?:\d{1,3}\s*[,;—–-]|(?:(?:not|no longer)\s+)?"
    r"(?:married|engaged|divorced|separated|widowed|single|retired|"
    r"vegan|vegetarian|pescatarian|omnivore|flexitarian)"
    r"(?=\s*[,;—–.!]|\s+(?:to|with|now|again|and|&|anymore|any more)(?=[\s,;.!?]|$)|\s*$)|"
    # (not "50 and still no offer", "20 and still waiting on the plumber")
    r"\d{2}\s+and\s+(?:still (?:can't|cannot|don't|do not|haven't|have no|single|look|feel|"
    r"love)|feeling|loving)\b)",
    re.I,
)


# "Spirited Away is my favourite film": a title that opens on a past form is the subject.
_TITLE_SUBJECT = re.compile(
    r"^(?-i:[A-Z])\w+(?:\s+(?-i:[A-Z0-9])[\w'’-]*)+\s+(?:is|are|was|were|has|have)\b"
)


def dropped_subject(sentence: str) -> re.Match[str] | None:
    """The opening verb of a sentence that left its subject (the speaker) out, if any."""
    if _TITLE_SUBJECT.match(sentence):
        return None
    dropped = _PAST_OR_VERB_START.match(sentence)
    if dropped and dropped.group(2).casefold().endswith("ing"):
        # (after an adverb too: "Quarterly planning at Nubank is eating my week")
        if _GERUND_SUBJECT.match(sentence[dropped.start(2) :]):
            return None
    return dropped


def describes_the_speaker(sentence: str, *, full: bool = True) -> bool:
    """Whether ``sentence`` is a description with "I'm" left out: "34, senior accountant
    at Deloitte in Pune", "Now training for a half marathon!", "Officially a Denver
    resident!", "Officially 30 as of Saturday", "So proud of you!". Not ``full`` (the
    sentence says "I", "me" or "my" further on): an opening "a"/"an" is the sentence's own
    subject ("A recruiter from Klarna messaged me")."""
    if _ING_FRAGMENT.match(sentence) and not _FINITE.search(sentence):
        return not _GERUND_SUBJECT.match(sentence)  # "Living in Accra spoiled me"
    if not full and (_ARTICLE_FIRST.match(sentence) or _COUNT_FIRST.match(sentence)):
        return False  # "Now 5 of my friends are coming": a count, not an age
    return any(p.match(sentence) for p in (_DESCRIPTION, _NOUN_FRAGMENT, _FEELING_FRAGMENT))


_COUNT_FIRST = re.compile(
    r"^(?:(?:[a-z]+ly|now|finally|just|still)\s+)*\d{1,3}\b(?!\s+(?:as of|years old|today)\b)",
    re.I,
)
_ARTICLE_FIRST = re.compile(r"^(?:(?:[a-z]+ly|now|finally|just|still)\s+)*(?:a|an)\s", re.I)


def without_subject(sentence: str, speaker: str) -> str:
    """A sentence with no first-person word: one that dropped its subject gets it back;
    one about something else is reported as the speaker's."""
    if speaker.casefold() in sentence.casefold():
        return sentence
    dropped = dropped_subject(sentence)
    if dropped:
        return restore_subject(sentence, speaker, dropped)
    lowered = sentence[0].lower() + sentence[1:]
    if describes_the_speaker(sentence):
        # "Vegan for 5 years now, need a cake" → "…, needs a cake"; "omnivore now" is one
        article = re.match(r"(?:omnivore|flexitarian)\b", lowered)
        lowered = ("an " if lowered[0] == "o" else "a ") + lowered if article else lowered
        return f"{speaker} is {agree(lowered, bare=False)}"
    if _OWN_FRAGMENT.match(sentence):  # "Last day at Microsoft was Friday"
        return f"{speaker}'s {lowered}"
    if own_event := _THE_OWN_EVENT.match(sentence):
        event = sentence[own_event.end() :]
        return f"{speaker}'s {event[:1].lower()}{event[1:]}"
    first = sentence.split()[0] if sentence.split() else ""
    body = sentence[0].lower() + sentence[1:] if _lowerable(first) else sentence
    return f"According to {speaker}, {body}"


@functools.cache
def _stop_words() -> frozenset[str]:
    # spaCy's English function words; imported on first use (spaCy is slow to import)
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# Adverbs that open a sentence: "Finally", "Honestly", "Basically" (not "Italy", "Emily").
_SENTENCE_ADVERB = re.compile(
    r"finally|honestly|actually|officially|recently|totally|absolutely|seriously|apparently|"
    r"hopefully|luckily|sadly|clearly|obviously|definitely|probably|currently|really|frankly|"
    r"[a-z]{2,}(?:ally|fully|ously|ively|ently|antly|ately|edly|ingly)"
)


def _lowerable(word: str) -> bool:
    """Whether a sentence's first word keeps no capital inside "According to X, …": a
    function word ("Not decided yet", "Your empathy …") or a gerund ("Living in …"), not
    a name ("Boston is great") nor an acronym."""
    low = word.casefold().strip(",.!?")
    if word.rstrip(",.!?") == "I" or word.startswith(("I'", "I’")):
        return False
    if low in _LOWERABLE or low in _stop_words():
        return not word.isupper() or len(word) == 1
    if _SENTENCE_ADVERB.fullmatch(low) and word[1:].islower():
        return True  # "According to Priya, finally done unpacking"
    return len(low) > 4 and low.endswith("ing") and word[1:].islower()


# Past participles that, with the subject left out, say what was done to the speaker:
# "Hired as sous chef", "Promoted to team lead", "Accepted into Columbia", "Laid off
# today". Not "Hired a nanny" or "Promoted my podcast": an object follows those.
_DONE_TO = re.compile(
    rf"^(?:{ADVERBS})(?:hired|promoted|accepted|admitted|poached|headhunted|"
    r"diagnosed|laid off|let go|made redundant)\b"
    r"(?=\s+(?:as|by|to|into|at|from|off|today|yesterday|this|last)\b|\s*[!.,]|\s*$)",
    re.I,
)


def restore_subject(sentence: str, speaker: str, dropped: re.Match[str]) -> str:
    """``sentence`` with the speaker put back as the subject it dropped."""
    rest = sentence[0].lower() + sentence[1:]
    verb = dropped.group(2).casefold()
    if _DESCRIPTION.match(sentence):
        rest = "is " + rest  # "Engaged to my partner Tobi": a state, not an event
    elif _DONE_TO.match(sentence):
        rest = "was " + rest  # "Hired as sous chef!!": done to the speaker
    elif verb == "been":
        rest = "has " + rest
    elif verb.endswith("ing") or verb == "gonna":
        rest = "is " + rest  # "Writing my thesis" → "is writing"
    elif verb == "am":
        rest = "is" + rest[2:]
    elif dropped.group(1) == "" and verb in BASE_VERBS | {"have"}:
        rest = I_VERB.sub(conjugated, rest, count=1)
    return f"{speaker} {agree(rest, bare=False)}"
