"""What a sentence of a chat turn states, and what it asks of the listener.

A turn mixes what the speaker says of themselves with what they ask ("I'm a sophomore at
Ohio State — help me make a study schedule", "what settings should i change first").
``statement_of`` keeps the statement and drops the question or request, with or without
its question mark; a phrase that says who the speaker is before a question ("As a nurse on
nights, what should I eat?") is said as a statement ("I'm a nurse on nights.").
"""

from __future__ import annotations

import re

from memoryd.memory.fact_lexicon import LAPTOP, PHONE, VEHICLE

__all__ = ["asks", "said_in_passing", "statement_of"]

# What a turn asks of the listener rather than says about anyone: questions, and requests
# for help ("Can you help me...", "Any tips for...", "how do i..."). They are not memories.
_ASKS = re.compile(
    r"^(?:(?:so|ok|okay|anyway|anyways|also|and|but|please|now|right|alright)[,\s]+)*"
    r"(?:(?:can|could|would|will) (?:you|u)\b|help me\b|any (?:tips|ideas|advice|suggestions|"
    r"recommendations|recs|thoughts|fixes|pointers|hacks|tricks|help|solutions|workarounds|"
    r"input|insights?|feedback|guidance)\b|(?:how|what|where|when|which|who|why) (?:do|does|should|"
    r"can|could|would|is|are) (?:i|we|you|u|people|ppl)\b|tips (?:for|on)\b|"
    r"(?:(?:i|we) )?(?:need|want|would like|'d like) (?:some |a few |a |an )?(?:help|advice|tips|"
    r"ideas|suggestions|recommendations|recs)\b|(?:please|pls|plz|kindly) (?:help|suggest|"
    r"recommend|give|tell|review|check|advise|explain|draft|write|let|send|share|provide|"
    r"guide)\b|"
    # asked formally: "I wonder whether you might help me…", "Might you suggest…"
    r"(?:i )?(?:wonder|wondered|was wondering) (?:whether|if) you\b|(?:might|may) you\b|"
    r"would you be so kind\b|what(?:'s|’s| is| are) (?:a |the |some )?(?:good|best)\b|"
    r"(?:similar|any other) recs\b|"
    # a request put as an order: "Give me easy salmon recipes please", "recommend me a book"
    r"(?:give|tell|show|send|find|make|write|recommend|suggest|get|list|explain|teach) "
    r"(?:me|us)\b)",
    re.I,
)


def asks(sentence: str) -> bool:
    """Whether ``sentence`` asks something of the listener instead of saying something
    (with its question mark, or typed without one: "what settings should i change first")."""
    said = sentence.strip()
    if _ASKS.match(said) or _INVERTED.match(said):
        return True
    return said.rstrip(" )\"'").endswith("?") and not _marvels(said)


# What the speaker says of themselves with marks of surprise ("i have a boyfriend now??",
# "I'm officially a homeowner?!"): a statement in the first person, not a question's
# order, with two marks or more. One mark may ask ("I should move?").
_MARVELS = re.compile(
    r"^(?:(?:so|ok|okay|and|but|well|like|um|omg|lol|wait)[,\s]+)*"
    r"(?:i|i'm|i’m|im|i've|i’ve|ive|we|we're|we’re|we've|we’ve)\s+"
    r"(?!(?:should|shall|can|could|would|will|wonder|guess|think|mean|might|may|must)\b)"
    # not a denial echoed in disbelief: "I'm not at Google anymore??"
    r"(?![^?]*(?:\bnot\b|n't\b|\bnever\b|\bno longer\b))"
    r"[^?]*?(?:\?\?|\?!|!\?)[?!]*$",
    re.I,
)


def _marvels(said: str) -> bool:
    return _MARVELS.match(said) is not None


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
)  # A comma between digits ("1,500 kcal") separates nothing.
_TAG = re.compile(
    r"^(?P<said>.+?)\s*(?:,(?!\d)|—|–| - )\s*(?P<tag>(?:[^,—–]|(?<=\d),(?=\d))+\?)\s*$"
)

# A tag typed without its comma: "im 17 so i can't open it myself yet right?"
_BARE_TAG = re.compile(
    r"^(?P<said>.+?)\s+(?P<tag>(?:right|yeah|yea|correct|no|innit|eh|ya know|you know)\?+)\s*$",
    re.I,
)


def statement_of(sentence: str) -> str | None:
    """What ``sentence`` states: itself, or for a statement with a question tagged on
    ("I moved to Austin, can you believe it?") the statement alone; None for a question or
    a request ("Have you been to Paris?", "Can you help me...")."""
    if _marvels(sentence.strip()):
        sentence = re.sub(r"[?!]+(?=[\s)\"']*$)", "!", sentence.rstrip(), count=1)
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
    if leant := _NOW_THAT.search(sentence):
        # "Help me draft a budget now that I'm on salary as a UX researcher": what the
        # request takes as so is said
        said = leant["said"].rstrip(" ?!.,")
        return said[:1].upper() + said[1:] + "."
    tagged = _TAG.match(sentence.strip()) or _BARE_TAG.match(sentence.strip())
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
    r"student of)\b)[^,'’]+)|at (?P<age>[1-9]\d)(?:,? (?:with|and|as|years old)\b[^,'’]*)?)$",
    re.I,
)
# A question about the listener ("what would you recommend?") or about a time to come
# ("can I withdraw…", "will I regret…") says nothing of who the speaker is now.
_NOT_NOW = re.compile(r"\b(?:you|your|will|would|can|could|may|going to|when|if)\b", re.I)
# …but one about the speaker as they are: "At 44, is it realistic to start piano?"
_AS_I_AM = re.compile(
    r"(?:is it|isn't it|am I|is that|would it be)\b[^?]*\b(?:too late|too old|realistic|"
    r"normal|weird|crazy|late|early|silly|dumb|unusual)\b",
    re.I,
)
# Someone else the question is about.
_OTHERS = re.compile(
    r"\b(?:kids?|children|people|someone|anyone|somebody|anybody|they|he|she|him|her|them|"
    r"one|most|women|men|teens?|students|parents?|son|daughter|husband|wife|partner|mom|dad|"
    r"mother|father)\b",
    re.I,
)
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
    if found["age"] and (_OTHERS.search(rest) or "half" in head.casefold()):
        return None  # "At 18, is it normal for kids to…", "At 59 and a half": a rule's age
    if found["age"] and not _AS_I_AM.match(rest.strip()):
        if _NOT_NOW.search(rest) or not re.search(r"\bI\b", rest):
            return None  # "At 65, can I withdraw…": an age to come
    return f"I'm {found['what'] or found['age']}."


# What a request or a question takes as so, said after it: "…now that I'm on salary as a
# UX researcher", "…now that we live in Lyon?". Up to a dash or another question.
_NOW_THAT = re.compile(
    r"\bnow that (?P<said>(?:I|I'm|I’m|I've|I’ve|I am|I have|we|we're|we’re|we've|we’ve)\b"
    r"[^—–;?]{3,160})"
)
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


# Whom a question or a request names in passing: "Can you help me write to my boss,
# Francesca, …?", "Should I tell my boyfriend Jake?". A relation and its name.
_NAMED_IN_PASSING = re.compile(
    r"\bmy (?P<rel>boss|manager|supervisor|team lead|line manager|wife|husband|partner|"
    r"boyfriend|girlfriend|fianc[ée]e?),? (?!(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|Christmas|Easter|"
    r"Thanksgiving|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|"
    r"March|April|May|June|July|August|September|October|November|December)\b)"
    # "my boss, Mr. Herrera,": a title goes with the name (a title alone is none)
    r"(?!(?-i:Mr|Mrs|Ms|Mx|Dr|Prof)\b\.?+(?!\s(?-i:[A-Z])[a-z]))"
    r"(?P<name>(?:(?-i:Mr|Mrs|Ms|Mx|Dr|Prof)\.? (?=(?-i:[A-Z])))?"
    r"(?-i:[A-Z])[\w-]+(?: (?-i:[A-Z])[\w-]+)?)"
    # set off, or ending the clause, or before a word that takes the name as its object
    r"(?=\s*[,.!?;—–)]|\s*$|['’]s\b| (?:for|about|to|at|that|if|know|ask|tell|from|with|on)\b)",
    re.I,
)


# Where the speaker works, named in passing: "an update for my colleagues at Siemens".
_WORKPLACE_IN_PASSING = re.compile(
    r"\bmy (?:new |current )?(?:colleagues|coworkers|co-workers|team|teammates|office|"
    r"department) at (?!(?:Christmas|Easter|Thanksgiving|Diwali|Eid|Halloween|Hanukkah|"
    r"New Year|Noon|Midnight|Wimbledon|Disneyland|Glastonbury)\b)"
    r"(?P<org>(?-i:[A-Z])[\w&'’.-]*(?: (?-i:[A-Z])[\w&'’.-]*){0,3})"
    r"(?=\s*[,.!?;—–)]|\s*$| (?:about|for|to|that|if|and|so|who|when)\b)",
)


# The speaker's phone, laptop or car, by its model: "How do I back up my chats on my
# OnePlus 9?", "How often should I rotate the tires on my Honda Civic?", "Which case fits
# my new Pixel 8?". Not where the question is about a change of device, or names two.
_MODEL = (
    r"(?: (?:\d{1,2}[a-z]?|[A-Z]\d{1,2}[a-z]?|Pro|Max|Ultra|Air|Plus|Mini|Lite|FE|Fold\d*|"
    r"Flip\d*))+"
)
# Car makers whose names are no other word ("my golf clubs", "my charger", "my proton
# pump inhibitor" are no cars: fact_lexicon.VEHICLE also lists models and common nouns).
_CAR_MAKES = (
    r"tesla|honda|toyota|ford|bmw|audi|mercedes(?:-benz)?|volkswagen|vw|subaru|mazda|nissan|"
    r"hyundai|kia|chevy|chevrolet|jeep|volvo|porsche|lexus|rivian|polestar|peugeot|renault|"
    r"skoda|škoda|fiat|cadillac|mitsubishi|opel|vauxhall|citroen|citroën|dacia|suzuki|"
    r"land rover|range rover|alfa romeo|maruti|mahindra|perodua|byd"
)
_DEVICE_IN_PASSING = re.compile(
    rf"\bmy (?P<new>new )?(?P<device>(?:{PHONE.pattern}|{LAPTOP.pattern}){_MODEL})(?![\w%-])",
    re.I,
)
_CAR_IN_PASSING = re.compile(
    rf"\bmy (?P<new>new )?(?P<make>{_CAR_MAKES})(?P<rest>(?: [\w'’-]+){{0,2}})(?![\w-])", re.I
)
# After a make, words that leave it the car ("my Honda needs premium gas", "my Tesla make it
# to Lyon"); any other word is a thing of that make ("my Honda lawnmower", "my Tesla order").
_AFTER_A_CAR = frozenset(
    """is was has had needs need keeps keep won't can't doesn't isn't wouldn't make run go get
    to for with in on at or and that this but be still really""".split()
)
_DIGIT = re.compile(r"\d")
_DEVICE_CHANGE = re.compile(
    r"\b(?:new|old|former|previous|sell|selling|sold|trade|trading|replace|replacing|switch\w*|"
    r"upgrad\w*|broken|broke|dead|stolen|lost|instead|or|vs|versus|buy|buying|get|getting)\b",
    re.I,
)


def _device_in_passing(asked: str) -> str | None:
    devices = list(_DEVICE_IN_PASSING.finditer(asked))
    cars = list(_CAR_IN_PASSING.finditer(asked))
    if len(devices) + len(cars) != 1:
        return None
    found = devices[0] if devices else cars[0]
    # "my new Pixel 8" says it is had now; any other word of a change makes it a question
    # about the change ("Should I sell my iPhone 12?")
    said = asked[: found.start("new")] + asked[found.end("new") :] if found["new"] else asked
    if _DEVICE_CHANGE.search(said):
        return None
    if devices:
        device = found["device"]
        kind = "phone" if PHONE.search(device) else "laptop"
    else:
        kind, device = "car", _car(found["make"], found["rest"].split())
        if not device:
            return None
    vowel = device[:1].lower() in "aeio" and not device.lower().startswith("one")
    article = "an" if vowel else "a"  # "an iPhone 12", "a OnePlus 9"
    return f"My {kind} is {article} {device}."


def _car(make: str, after: list[str]) -> str:
    """The car "my <make> …" names, spelled as a careful writer would ("Subaru Outback",
    "Mazda CX-5", "Tesla Model 3"), or "" where the make names a thing of its own."""
    words = [make]
    if after and (after[0][:1].isupper() or VEHICLE.fullmatch(after[0]) or _DIGIT.search(after[0])):
        words.append(after[0])  # the model
        if len(after) > 1 and _DIGIT.search(after[1]) and len(after[1]) <= 4:
            words.append(after[1])  # "Model 3"
    elif after and after[0].casefold().strip("'’") not in _AFTER_A_CAR:
        return ""  # "my Honda lawnmower", "my Toyota interview"
    return " ".join(
        w
        if w[:1].isupper()
        else w.upper()
        if _DIGIT.search(w) or w in ("vw", "bmw", "byd")
        else w.capitalize()
        for w in words
    )


def said_in_passing(asked: str) -> str | None:
    """What a question or a request says of the speaker in passing, as a sentence: "my
    boss, Francesca," is "My boss is Francesca."; "my colleagues at Siemens" is "I work
    at Siemens."; "on my OnePlus 9" is "My phone is a OnePlus 9."."""
    found = _NAMED_IN_PASSING.search(asked)
    if found is None:
        at = _WORKPLACE_IN_PASSING.search(asked)
        return f"I work at {at['org'].rstrip('.')}." if at else _device_in_passing(asked)
    name = found["name"].removesuffix("'s").removesuffix("’s")  # "my wife Ana's birthday"
    return f"My {found['rel'].casefold()} is {name}."
