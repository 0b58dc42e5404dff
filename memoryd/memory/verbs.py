"""English verbs as the first-person rewrite needs them: base forms that take an -s
after a singular subject ("I love" → "Ben loves"), past forms that never do ("I went"
stays "went"), the words that follow "I" without being its verb, and making the verbs a
singular subject governs agree with it (``agree``)."""

from __future__ import annotations

import re

_THIRD_PERSON = {
    "have": "has",
    "do": "does",
    "go": "goes",
    "am": "is",
    "be": "is",
    "are": "is",
    "were": "was",
    "aren't": "isn't",
    "weren't": "wasn't",
    "don't": "doesn't",
    "haven't": "hasn't",
    "dont": "doesn't",
    # typed without the apostrophe: no verb to conjugate ("i cant" is not "cants")
    "cant": "can't",
    "wont": "won't",
    "didnt": "didn't",
    "couldnt": "couldn't",
    "wouldnt": "wouldn't",
    "shouldnt": "shouldn't",
    "wanna": "wants to",
    "gotta": "has to",
}
# Only verbs known to be in the base form are conjugated: "I went" must stay "went".
BASE_VERBS = frozenset(
    "love like enjoy want need think feel hope plan work live prefer hate know believe make "
    "take play paint run read write teach study volunteer miss try use keep get see mean wish "
    "find remember agree guess own collect cook bake swim dance sing practice practise watch "
    "listen spend visit attend care support struggle help walk hike travel draw adore admire "
    "appreciate value cherish dream create build drive ride fish garden knit sew hold eat "
    "consider identify look seem sound stay wonder worry say tell have do go teach lead "
    "manage coach train report commute rent share raise mentor go drink smoke cycle bike "
    "climb surf ski skate jog lift meditate pray sleep wake call text cook bring start begin "
    "finish leave move join switch change stop turn open own rent sell buy send show meet "
    "pay earn save celebrate graduate retire date marry study prefer speak wear major minor "
    "teach manage".split()
)
# Past forms that do not end in -ed: after "I" they stay as they are, and a turn that
# opens with one has dropped its subject ("Did a 5k on Saturday", "Heard a rumor").
IRREGULAR_PAST = frozenset(
    """arose ate awoke became began bent bet bit bled blew bought broke brought built burnt
    burst caught chose clung came cost crept cut dealt did dug dove drew dreamt drank drove
    dwelt fed felt fell fought found fled flew forbade forgot forgave froze got gave went
    grew ground hung had heard hid hit held hurt kept knelt knew laid led leant leapt learnt
    left lent let lay lit lost made meant met paid proved put quit read rode rang rose ran
    said saw sought sold sent set shook shone shot showed shrank shut sang sank sat slept
    slid spoke sped spent spilt spun spat split spread sprang stood stole stuck stung stank
    struck strove swore swept swam swung took taught tore told thought threw understood
    woke wore wove wed wept won wound wrote""".split()
)
# Words that follow "I" without being its verb: adverbs, modals and fillers.
_NOT_A_VERB = frozenset(
    """just also still really only even never always often sometimes already actually
    finally recently kinda sorta def literally totally honestly basically seriously
    usually too either though alone myself lol haha can could will would shall should may
    might must cannot ought used a an the and or but so not no yes""".split()
)
# Past forms that open requests as often as reports ("Let me know", "Hit me up", "Put it
# on my tab") do not say the subject was dropped.
ALSO_IMPERATIVE = frozenset("let put hit set read shut bet cost hurt spread lay cut".split())


def conjugate(verb: str, *, any_verb: bool = False) -> str:
    """The third-person singular of a base-form verb; any other word unchanged. With
    ``any_verb`` (the word right after "I", which can only be its verb), a word not
    known as a base form is conjugated too, unless it is a past form, a modal or an
    adverb ("I daydream" → "daydreams", "I went" stays "went")."""
    low = verb.casefold()
    if low in _THIRD_PERSON:
        return _THIRD_PERSON[low]
    if low not in BASE_VERBS and not (any_verb and _maybe_base(low)):
        return verb
    if low.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if low.endswith("y") and len(low) > 2 and low[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _maybe_base(low: str) -> bool:
    return (
        low.isalpha()
        and len(low) > 2
        and low not in IRREGULAR_PAST
        and low not in _NOT_A_VERB
        and not low.endswith(("ed", "ing", "ly"))
        # "confess", "kiss", "address": a base form ending in -ss, not a plural
        and (not low.endswith("s") or low.endswith("ss"))
    )


_MODAL = re.compile(
    r"\b(?:can|could|will|would|should|might|must|may|to|don't|doesn't|didn't|do not|"
    r"does not|did not|can't|cannot|won't|wouldn't|never|let|help|make|'ll|'d)\s*$",
    re.I,
)
ADVERBS = (
    r"(?:(?:still|also|just|really|now|always|never|often|usually|even|already|then|"
    r"actually|finally|recently|sometimes|mostly|totally|absolutely|officially|honestly|"
    r"kinda|sorta|lowkey|legit|def|[a-z]{3,}ly)\s+)*"
)
_COORDINATED = re.compile(
    r"(\s*(?:,\s*(?:and|but|or)\b|,|\band\b|\bbut\b|\bor\b)\s+)(" + ADVERBS + r")([a-z]+)\b"
    # "fish is fine", "work was busy", "rent here is insane": a noun that starts a clause
    # of its own.
    r"(?!\s+(?:(?:here|there|now|too)\s+)?(?:is|are|was|were|has|had|will|can|'s)\b)"
)
I_VERB = re.compile(r"^(\s*" + ADVERBS + r")([a-z']+)\b")


# After "to", a word that is no verb: a name, or a noun by its ending ("to psychology").
_NOUN_LIKE = re.compile(r"(?-i:[A-Z])\w*|\w+(?:ology|ics|ism|ity|tion|sion|ment|ness|ship|ture)")
# Past forms spelt like their base: after "just" they are the past ("I just read…").
_PAST_AS_BASE = frozenset("read put cut hit set quit let bet hurt shut spread".split())


def conjugated(match: re.Match[str]) -> str:
    before = match.group(1) or ""
    if "just" in before.casefold().split() and match.group(2).casefold() in _PAST_AS_BASE:
        return before + match.group(2)
    return before + conjugate(match.group(2), any_verb=True)


def agree(tail: str, *, bare: bool = True, coordinated: bool = True) -> str:
    """Conjugate the base-form verbs a singular subject governs in ``tail`` (what follows
    it): the one right after it when ``bare``, and each coordinated one ("and still feel",
    ", have been")."""
    if bare:
        tail = I_VERB.sub(conjugated, tail, count=1)
    if not coordinated:
        return tail

    def conjugate_coordinated(match: re.Match[str]) -> str:
        before = tail[: match.start()]
        # "to cook and bake", "can swim or run", "cooking and travel": not the subject's.
        if _MODAL.search(" ".join(before.split()[-3:])) or before.rstrip().endswith("ing"):
            return match.group(0)
        if re.match(r"\s+(?:me|us)\b", tail[match.end() :]):
            return match.group(0)  # "…, wish me luck", "…, let us know": said to the listener
        governed = re.search(r"\b(to|can|will|would|could|should|might|must)\s+(\w+)\s*$", before)
        if governed and (governed[1] != "to" or not _NOUN_LIKE.fullmatch(governed[2])):
            return match.group(0)  # "to kayak and fish"; not "to psychology and need"
        return match.group(1) + match.group(2) + conjugate(match.group(3))

    return _COORDINATED.sub(conjugate_coordinated, tail)
