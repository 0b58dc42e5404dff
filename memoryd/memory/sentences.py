"""Cutting a chat turn into sentences, and clearing what a memory should not carry.

A period after an abbreviation ("St.", "Dr.", "e.g.", "U.S.", "a.m.") does not end a
sentence: cutting there leaves items such as "Omar is a nurse at St.". Discourse markers
("Big news:", "Guess what,", "Oh,", "Haha,") open a turn but say nothing about anyone,
and control characters never belong in item text (the raw resource keeps the bytes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Abbreviations whose period is not a full stop (compared case-insensitively, without it).
_ABBREVIATIONS = frozenset(
    "st mt ft dr mr mrs ms mx prof sr jr rev gen col lt sgt capt hon gov sen rep pres "
    "vs etc approx dept est inc ltd co corp bros no nos vol fig ave blvd rd apt jan feb "
    "mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun".split()
)
# Initialisms written with inner periods: "U.S.", "e.g.", "a.m.", "Ph.D.".
_INITIALISM = re.compile(r"(?:\b[A-Za-z]{1,2}\.){2,}$")
# Chat often starts a sentence in lower case ("welp. it happened. officially 30"): a full
# stop before a lower-case word ends a sentence too, unless it is an ellipsis ("like...
# whatever") or follows an abbreviation.
# An emoji or two after the end mark ("Got promoted!! 🥳 what should I ask") go with
# neither sentence.
_BOUNDARY = re.compile(
    r"([.!?]+)([\"')\]]*)\s+(?:[^\w\s\"'(\[.!?]{1,4}\s+)?(?=([\"'(\[]?[A-Za-z0-9]))|\n+"
)
_LAST_WORD = re.compile(r"(?<![\w-])([A-Za-z]+)\.$")  # a whole word: "R1S." is no initial

_MARKER = (
    r"(?:oh|ah|aw|ooh|um|umm|uh|hmm|well|so|anyway|anyways|honestly|actually|btw|"
    r"by the way|haha+|hah|lol+|lmao+|lmfao+|omg|wow|yay|yeah|yep|yes|nope|no|ok|okay|alright|"
    r"hey|hi|hello|guess what|you know what|fun fact|quick update|update|news|big news|"
    r"good news|great news|exciting news|some news|so yeah|oh and|and guess what|"
    r"oh by the way|funny enough|believe it or not|long story short|fyi|psa|tbh|tbf|ngl|"
    r"welp|ugh|phew|whew|oof|yo|lowkey|honestly speaking|plot twist|life update|"
    r"heads up|correction|small update|quick correction|edit|hot take(?: but)?|"
    r"unpopular opinion(?: but)?|so+)"
)
# Markers in a row may share one comma ("ok so big news, ..."); the run must end in
# punctuation, so "No news is good news" keeps its words.
_DISCOURSE = re.compile(rf"^(?:{_MARKER}(?:\s+{_MARKER})*\s*[,:!.\-–—]+\s*)+", re.I)
# Chat leaves the punctuation out ("tbh I've gone vegan", "ok so my new boss is Dana"):
# a run of markers right before the speaker's own I/my/we is dropped too. Not yes/no,
# which answer something.
_BARE_DISCOURSE = re.compile(
    rf"^(?!(?:yes|no|nope)\b)(?:{_MARKER}\s+)+(?=(?:i|i'm|i’m|im|i've|i’ve|ive|i'd|i’d|i'll|"
    r"i’ll|my|we|we're|we’re|we've|we’ve|our)\b)",
    re.I,
)
# "Big news:", "Life update:" and the like: a short lead-in that announces, before a full
# clause. Not one that says what follows is ("Next target: a half marathon"), nor whose
# ("My plan:"): those belong to the sentence.
_LEAD_IN = re.compile(
    r"^(?![^:]*\b(?:my|our|i|we)\b)(?:[A-Za-z'’]+ ){0,2}(?:news|update|updates|announcement|"
    r"alert|psa|fyi|confession|reminder|heads[- ]up|context|intro|background|status|"
    r"story|thing|point|question|problem|situation|deal|truth|plot twist|tea):\s+(?=\S)",
    re.I,
)
_ABOUT_ME = re.compile(
    r"^(?:(?:a (?:bit|little)|some (?:things|facts)|(?:quick|fun|random|key) facts|"
    r"things (?:to know|to remember|you should know)|(?:a )?(?:quick )?(?:intro|introduction)|"
    r"(?:a )?(?:quick )?(?:rundown|summary)) (?:about|on|of) me\s*[:—–-]+\s*|"
    r"about me\s*[:—–-]+\s*)(?=\S)",
    re.I,
)
# (a zero-width joiner between two symbols joins an emoji, "😮‍💨", and stays)
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u2028\u2029\ufeff]|"
    r"(?<![^\w\s])\u200d|\u200d(?![^\w\s])"
)


def _ends_sentence(before: str, after: str = "") -> bool:
    """Whether the period that ends ``before`` (``after`` is what follows) is a full stop."""
    if _INITIALISM.search(before):
        return False
    word = _LAST_WORD.search(before)
    if word and len(word.group(1)) == 1 and word.group(1).isupper():
        return False  # an initial: "T. rex", "J. Smith"
    if word and word.group(1).casefold() in _MAY_END and _OPENS.match(after):
        return True  # "…started as a sales rep. Can you explain…"
    return not (word and word.group(1).casefold() in _ABBREVIATIONS)


# Abbreviations a sentence may end on ("a pharma sales rep.", "books, films etc."): their
# period is a full stop before a word that opens sentences, not before a name ("Rep. Ito").
_MAY_END = frozenset("rep reps etc inc ltd co corp bros approx dept est vs".split())
_OPENS = re.compile(
    r"(?:I|I'm|I’m|I've|I’ve|It|It's|It’s|The|This|That|My|We|What|How|Can|Could|Would|"
    r"Do|Does|Is|Are|Any|So|But|And|Also|Then|He|She|They|Please|Should|Where|When|"
    r"Why|Which|Who|Now|Anyway|Thanks)\b"
)


# An emoji typed where the end mark would be, before a question or a request: "…make it
# official 😊 How do I…", "We're engaged 💍 where do I even start". Only after two words
# or more ("I ❤️ Lisbon" is one sentence). A full stop takes the emoji's place, unless it
# says how the sentence was meant ("🙄", "😂").
_EMOJI_END = re.compile(
    r"(?<=\S)\s+([\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]{1,6})\s+(?=(?:how|what|where|"
    r"when|which|who|why|can|could|would|any|pls|please|need|help)\b)",
    re.I,
)


_TONE = re.compile(
    "[\U0001f644\U0001f643\U0001f60f\U0001f61c\U0001f609\U0001f92a\U0001f602\U0001f923]"
)


def _at_emojis(sentence: str) -> Iterator[str]:
    start = 0
    for match in _EMOJI_END.finditer(sentence):
        if len(sentence[start : match.start()].split()) >= 2:
            if _TONE.search(match[1]):  # "🙄", "😂": how it was meant stays with it
                yield sentence[start : match.end(1)]
            else:
                said = sentence[start : match.start()].rstrip()
                yield said if said.endswith((".", "!", "?")) else f"{said}."
            start = match.end()
    yield sentence[start:]


def split_sentences(content: str) -> list[str]:
    """The sentences of ``content``, without cutting after an abbreviation."""
    return [part for sentence in _split(content) for part in _at_emojis(sentence)]


_QUOTES = frozenset("'\"’”")


def _split(content: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(content):
        end = match.end(2) if match.group(1) else match.start()
        mark, following = match.group(1), match.group(3)
        if following and following.islower() and ".." in (mark or ""):
            continue
        if following and following.islower() and ")" in (match.group(2) or ""):
            continue  # "I just turned 30 (yay??) and my friends…": an aside, not an end
        closing = (match.group(2) or "")[:1]
        if following and following.islower() and mark in ("?", "!") and closing in _QUOTES:
            continue  # "learn 'Do I Wanna Know?' on guitar": a title's own mark
        if mark == "." and not _ends_sentence(
            content[start:end].rstrip("\"')]"), content[match.end() : match.end() + 12]
        ):
            continue
        sentences.append(content[start:end])
        start = match.end()
    sentences.append(content[start:])
    return [s.strip() for s in sentences if s.strip()]


# "[shares a photo of a dog]", "[laughs]": what the chat client or the transcript adds
# about the turn, in square brackets; not something the speaker said.
_STAGE_DIRECTION = re.compile(r"\s*\[[^\[\]]{1,300}\]")


def clean_text(text: str) -> str:
    """``text`` without control characters or bracketed stage directions, and with runs
    of spaces collapsed."""
    text = _STAGE_DIRECTION.sub(" ", _CONTROL.sub(" ", text))
    return re.sub(r"[ \t]{2,}", " ", text).strip()


# "guess who turned 25 yesterday", "guess who lives in chicago now", "guess who's engaged":
# the speaker did, does, is. A verb must follow ("guess who I ran into" names no news).
_GUESS_WHO = re.compile(
    r"^guess who(?P<is>['’]s| is)? (?=(?:just |finally |officially |now )?(?:[a-z]+(?:ed|s)|"
    r"got|has|is|passed|quit|left|won|sold|bought|became|made|ran|took|went)\b)"
    # not one who did something to the speaker: "guess who called me last night"
    r"(?!(?:just |finally )?\S+ (?:\S+ )?(?:me|us|my|our)\b)",
    re.I,
)
_THIRD_SINGULAR = {"is": "am", "has": "have", "was": "was", "does": "do", "goes": "go"}


def _guessed(found: re.Match[str]) -> str:
    """The speaker said in place of "guess who": "guess who's engaged" is "I'm engaged";
    "guess who lives in Chicago now", "I live in Chicago now"."""
    if found["is"]:
        return "I'm "
    return "I "


_I_VERB = re.compile(r"^I (?P<adv>(?:just |finally |officially |now )?)(?P<verb>[a-z]+)\b")


def _i_agree(sentence: str) -> str:
    """A verb made for "who" ("lives", "has") made for "I" ("live", "have")."""
    found = _I_VERB.match(sentence)
    if found is None or found["verb"].endswith("ss"):
        return sentence
    verb = found["verb"]
    base = _THIRD_SINGULAR.get(verb)
    if base is None and verb.endswith("s") and not verb.endswith(("ed", "us", "is")):
        base = verb[:-2] if verb.endswith(("ches", "shes", "sses", "xes")) else verb[:-1]
    if base is None:
        return sentence
    return f"I {found['adv']}{base}{sentence[found.end() :]}"


# Chat interjections that open a sentence with no punctuation after them: "omg paolo is on
# vacation", "ngl the new job is great". Before three words or more.
_INTERJECTION = re.compile(
    r"^(?:(?:omg|omfg|lol+|lmao+|lmfao+|ngl|tbh|tbf|welp|ugh|phew|whew|oof|yo|fr|btw|fyi)\s+)+"
    r"(?=[\w'’-]+\s+[\w'’-]+\s+\w)",
    re.I,
)


def drop_discourse_markers(sentence: str) -> str:
    """Remove interjections and lead-ins that open a sentence; capitalise what is left."""
    stripped = _BARE_DISCOURSE.sub("", _DISCOURSE.sub("", sentence))
    stripped = _INTERJECTION.sub("", stripped)
    guessed = _GUESS_WHO.sub(_guessed, stripped, count=1)
    stripped = _i_agree(guessed) if guessed != stripped else stripped
    stripped = _LEAD_IN.sub("", stripped) if len(stripped.split()) > 4 else stripped
    if about := _ABOUT_ME.match(stripped):
        # "A bit about me: 34, software tester, live in Accra": what follows is the speaker
        rest = stripped[about.end() :]
        stripped = f"I'm {rest}" if re.match(r"\d{1,3}\s*(?:,|years\b)", rest) else rest
    if not stripped or stripped == sentence:
        return sentence
    return stripped[0].upper() + stripped[1:]


# "I wanted to let you know that I have relocated to Bergen": a verb of telling before
# what the speaker says of themselves claims nothing of its own. Only before I/my: "I
# wanted to tell you she moved" is someone else's news.
# Said formally too: "I wish to inform you that…", "Kindly note that…", "You may be amused
# to hear that at sixty-one I have…", "I regret to say the Rover has gone…" (only before
# I/my, or a short phrase and then I/my).
_TELLING = re.compile(
    r"^(?:(?:I|i) (?:just |also )?(?:(?:wanted|want|wish|would like|'d like|’d like) to "
    r"(?:let you know|tell you|say|mention|share|update you|inform you|report)|"
    r"(?:am|'m|’m) (?:happy|excited|thrilled|proud|pleased|glad|sad|sorry|delighted) to "
    r"(?:report|announce|share|say|tell you|let you know|inform you)|"
    r"can (?:finally )?(?:confirm|announce|say)|should (?:mention|say|tell you)|"
    r"(?:must |have to )?(?:confess|admit)|(?:must|have to) (?:say|tell you|report))|"
    r"(?:[Kk]indly|[Pp]lease) (?:note|be advised|be informed)|[Ff]or your information|"
    r"[Jj]ust so you know|[Yy]ou may be (?:amused|interested|pleased|surprised|glad|happy) to "
    r"(?:hear|know|learn))"
    r"(?: that)?,? (?=(?:(?:at|on|after|since|from|in|as of) [^,]{1,30}?,? )?"
    r"(?:I|i|I'm|I’m|I've|I’ve|my|My|(?:my |My )?[\w-]+ and I)\b)"
)


def without_telling(sentence: str) -> str:
    """``sentence`` without a verb of telling before what it tells of the speaker."""
    told = _TELLING.sub("", sentence, count=1)
    return told[:1].upper() + told[1:] if told != sentence else sentence


def unshouted(sentence: str) -> str:
    """ "WE'RE ENGAGED!!!" as "We're engaged!!!": a short sentence typed in capitals is
    read as typed in lower case, but for a short word that may be a name ("US", "MIT").
    A longer one is left as it is: its capitals may be names."""
    letters = [c for c in sentence if c.isalpha()]
    words = sentence.split()
    if len(letters) < 6 or not all(c.isupper() for c in letters) or not 2 <= len(words) <= 4:
        return sentence
    lowered = " ".join(
        w if len(w.strip(".,!?'’")) <= 3 and w.strip(".,!?'’").lower() not in _SHORT else w.lower()
        for w in words
    )
    lowered = re.sub(r"\bi\b", "I", lowered)
    return lowered[:1].upper() + lowered[1:]


# Short words typed in capitals that are words, not names.
_SHORT = frozenset(
    "i a an the to in on at of is my we me and but so ok for got now are was has had be by "
    "it its new all yes no omg lol we're i'm im i've ive".split()
)


# A clause put before the sentence's subject and typed without its comma: "Since relocating
# to Bilbao I've realized…", "Now that I'm at KPMG my commute is shorter". The comma is
# where a careful writer puts it, and where a reader (and the parser) sees the main clause
# start: after a participle's phrase, at the first "I"; after a clause of its own, at the
# next "I", "my", "we" or "our".
_FRONTED_PHRASE = re.compile(
    r"^(?P<lead>(?:since|after|ever since|upon|while) [a-z]+ing\b[^,;:!?.]*?)"
    r"\s+(?=(?:I|I'm|I’m|I've|I’ve|I'd|I’d|we|we're|we’re|we've|we’ve)\s)",
    re.I,
)
_FRONTED_CLAUSE = re.compile(
    # the clause's own subject may be anyone's: "After my doctor flagged low iron I've…"
    r"^(?P<lead>(?:now that|since|ever since|because|once|after|as) (?:I|we|my|our|the|"
    r"(?-i:[A-Z])[\w’-]+)\b[^,;:!?.]*?)"
    r"(?<! and)(?<! or)(?<! that)(?<! if)(?<! when)(?<! but)(?<! so)(?<! as)(?<! me)(?<! to)"
    r"\s+(?=(?:I|I'm|I’m|I've|I’ve|I'd|I’d|we|we're|we’re|we've|we’ve)\s|"
    # "my commute is", not "my job at Google": the main clause's subject takes a verb
    r"(?:my|our) [\w-]+ (?:is|are|was|were|has|have|had|feels|looks|gets|got|seems|costs)\b)",
    re.I,
)


# "As of this month my manager is Paula": a time from which it already holds (not "as of
# next month", which is still to come).
_FRONTED_TIME = re.compile(
    r"^(?P<lead>as of (?!next\b|tomorrow\b|(?:the )?(?:end|start) of next\b)[^,;:!?.]*?)"
    r"\s+(?=(?:I|I'm|I’m|I've|I’ve|we|we're|we’re|we've|we’ve)\s|"
    r"(?:my|our) [\w-]+(?: [\w-]+)? (?:is|are|has|have)\b)",
    re.I,
)


def set_off_fronted(sentence: str) -> str:
    """``sentence`` with a comma after a clause put before its subject, where it has none."""
    for pattern in (_FRONTED_PHRASE, _FRONTED_CLAUSE, _FRONTED_TIME):
        found = pattern.match(sentence)
        if found is not None and len(found["lead"].split()) >= 3:
            return f"{found['lead']},{sentence[found.end('lead') :]}"
    return sentence


# "Emre and me, we are not together anymore", "me and Jun broke up": the pair as a reader
# writes it ("Emre and I are…", "Jun and I broke up").
_PAIR_WE = re.compile(r"^(?P<who>(?-i:[A-Z])[\w’-]+) and me,? we\b", re.I)
_ME_AND = re.compile(r"^me and (?P<who>(?-i:[A-Z])[\w’-]+)(?= (?!and\b)[a-z])", re.I)


def paired(sentence: str) -> str:
    """``sentence`` with a pair that has the speaker in it written as a reader would."""
    if found := _PAIR_WE.match(sentence):
        return f"{found['who']} and I{sentence[found.end() :]}"
    if found := _ME_AND.match(sentence):
        return f"{found['who']} and I{sentence[found.end() :]}"
    return sentence
