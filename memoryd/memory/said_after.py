"""What the sentence after a statement does to it: answers a guess, gives the statement to
someone else, or takes it back.

- "guess who's engaged!! my sister!!" is "My sister is engaged!!"; "…not me lol" is no
  memory at all.
- "Just moved to Austin! Well, my sister did, last weekend." is "My sister just moved to
  Austin!"; "Got into Stanford! My little brother did" and "(well, my husband did)" the
  same; "New favourite movie: Barbie! My daughter's, she's seen it eleven times" is "My
  daughter's new favourite movie: Barbie!".
- "Just got married! In a dream last night", "Just got a Tesla Model 3! As a rental for
  the road trip", "I'm a CFO! For one night only", "Meet my new boss, Elena! Joking":
  the statement is taken back and is no memory.
- The same inside a sentence: "Turned 18 yesterday, my son, where did the time go" is "My
  son turned 18 yesterday."; "New job at Microsoft starts Monday, for my best friend Tom"
  is "My best friend Tom's new job at Microsoft starts Monday."; "I have a girlfriend now,
  in the game I'm playing" is none.
"""

from __future__ import annotations

import re

from memoryd.memory.fact_lexicon import RACE, RELATIVES

__all__ = ["said_after"]

_GUESS_START = re.compile(
    r"^(?:(?:omg|oh|so|ok|okay|and|lol|haha+|well|hey)[,!\s]+)*guess who\b", re.I
)
# "guess who's engaged!! my sister!!": the next sentence answers whom.
_GUESSED = re.compile(
    r"^(?:(?:omg|oh|so|ok|okay|and|lol|haha+|well|hey)[,!\s]+)*guess who(?P<is>['’]s| is)? "
    r"(?!(?:I|i|we|you|he|she|they|my|our)\b)(?P<rest>.+)$",
    re.I,
)
_ANSWER = re.compile(
    r"^(?P<who>(?:my|our) (?:(?!lol|haha|lmao)[a-z]+ ){0,2}(?!lol|haha|lmao)[a-z]+"
    r"(?: (?-i:[A-Z])[a-z]+)?|(?!Me\b|Not\b)(?-i:[A-Z])[a-z]+(?: (?-i:[A-Z])[a-z]+)?)"
    r"(?:\s+(?:lol|haha+|lmao|omg))*\s*[!.?😂🎉❤️]*$",
    re.I,
)
# "guess who's engaged!! not me lol": the guess is someone else's, and not said
_DENIED = re.compile(r"^(?:not|wasn't|isn't|wasnt|isnt) me\b", re.I)


def _answered_guesses(sentences: list[str]) -> list[str]:
    """``sentences`` with a "guess who…" answered by the next one said of whom it names:
    "guess who's engaged!! my sister!!" is "my sister is engaged!!" (not the speaker)."""
    out: list[str] = []
    skip = False
    for n, sentence in enumerate(sentences):
        if skip:
            skip = False
            continue
        guessed = _GUESSED.match(sentence.strip())
        after = sentences[n + 1].strip() if n + 1 < len(sentences) else ""
        if _GUESS_START.match(sentence.strip()) and _DENIED.match(after):
            skip = True  # neither the guess nor its denial is a memory of the speaker
            continue
        answer = _ANSWER.match(after) if guessed and after.lower() not in ("me", "me!") else None
        if guessed and answer:
            verb = " is " if guessed["is"] else " "
            who = answer["who"]
            rest = re.sub(r"\?+([!\s]*)$", r"!\1", guessed["rest"])  # no question once answered
            out.append(who[:1].upper() + who[1:] + verb + rest)
            skip = True
            continue
        out.append(sentence)
    return out


# Who did it instead, said right after: "Well, my sister did", "(well, my husband did)",
# "My little brother did, early admission", "My partner, I mean, she found out today".
_INSTEAD = re.compile(
    r"^\(?(?:(?:well|i mean|oh|ok|okay|er|um|haha|lol|sorry),?\s+)*"
    r"(?P<who>(?:my|our) (?:[a-z]+ ){0,2}[a-z]+(?: (?-i:[A-Z])[a-z]+)?)"
    # elliptical, with nothing after the verb ("my sister did,"), or "I mean": not "My doctor
    # was worried about…", which goes on with news of its own
    r"(?:(?P<owns>['’]s)(?=\s*[,.!?)]|\s*$)|,? (?:i mean,? )?(?:did|does|is|was|has|had|got)\b"
    r"(?=\s*[,.!?)]|\s*$|\s+(?:too|also|lol|haha)\b)|,? i mean,? (?:he|she|they)\b)",
    re.I,
)
# What takes the statement back: a dream, a game, a role, a rental, a joke, a night only.
_TAKEN_BACK = re.compile(
    r"^\(?(?:(?:well|ok|okay|lol|haha|oh),?\s+)*(?:"
    r"as an? (?:rental|loaner|spectator|guest|joke|costume|placeholder|volunteer|stand-in)|"
    r"in (?:a|my|the) (?:dream|game|video game|play|story|novel|show|sim|simulation)|"
    r"for one (?:night|day|evening|weekend) only|for the next (?:\w+ )?(?:days?|weeks?)|"
    r"(?:just )?(?:joking|kidding)|jk\b|not really|at least that's what|"
    r"that's (?:my|his|her|the) (?:character|stage|role)|it's (?:just )?(?:for|a) (?:work|"
    r"on-call|costume|role|pretend|game|loaner)|only (?:in|for) (?:the|my|a) (?:game|dream|play)|"
    r"temporarily\b)",
    re.I,
)
# A statement of the speaker's own that the next sentence may give away or take back.
_OWN_NEWS = re.compile(
    r"^(?:(?:just|finally|officially) )?(?:[a-z]+ed|got|became|started|turned|moved|won|"
    r"i|i'm|i am|i've|new|my new|meet my new|call me|we're|we are|our new)\b",
    re.I,
)
_I_FORMS = (("I'm ", "is "), ("I’m ", "is "), ("I am ", "is "), ("I've ", "has "),
            ("I’ve ", "has "), ("I ", ""))  # fmt: skip


def _given_to(statement: str, who: str, owns: bool) -> str:
    """``statement`` said of ``who`` instead of the speaker."""
    who = who[:1].upper() + who[1:]
    if owns:  # "New favourite movie: Barbie!" → "My daughter's new favourite movie: …"
        mark = "'" if who.endswith(("parents", "kids", "children", "in-laws")) else "'s"
        return f"{who}{mark} {statement[:1].lower()}{statement[1:]}"
    for form, verb in _I_FORMS:
        if statement.startswith(form):
            return f"{who} {verb}{statement[len(form) :]}"
    return f"{who} {statement[:1].lower()}{statement[1:]}"


# The same done inside the sentence, after a comma or an ellipsis: "Turned 18 yesterday, my
# son, where…", "New job at Microsoft starts Monday, for my best friend Tom, I'm so proud",
# "I have a girlfriend now, in the game I'm playing".
_CUT = re.compile(r"^(?P<head>[^,;…]+?)\s*(?:,|;|\.{3}|…)\s*(?P<tail>\S.*)$")
# A person the news may be of: "my son", "my best friend Tom", "our parents".
_KIN = rf"(?:(?:{RELATIVES})s?|children|parents|client|teammate|stepson|stepdaughter|in-laws|baby)"
_PERSON = rf"(?:my|our) (?:[a-z-]+ ){{0,2}}{_KIN}(?: (?-i:[A-Z])[a-z]+)?"
_FOR_AN_EVENT = re.compile(
    r"^for (?:(?:my|our|his|her|their|a|the|this|[\w-]+['’]s) )?(?:[\w'’-]+ ){0,3}?"
    r"(?:wedding|party|birthday|dinner|event|bbq|barbecue|potluck|christmas|thanksgiving|"
    r"reunion|show|play|gig|fundraiser|festival|weekend|night|game night|sleepover)\b",
    re.I,
)
_A_ROLE = re.compile(r"\b(?:hired|promoted|job|gig|role|position|as an?)\b", re.I)
_FOR_WHOM = re.compile(rf"^for (?P<who>{_PERSON})\b", re.I)
_APPOSED = re.compile(rf"^(?P<who>{_PERSON})\s*(?:,|$)", re.I)


# Whose words the statement was, said right after it: "Said my six-year-old", "— my
# daughter's words", "says my husband".
_CHILD = r"(?:my|our) (?:[\w-]+-year-old|toddler|teen|teenager|little one)"
_QUOTING = re.compile(
    rf"^\(?(?:[-—–]\s*)?(?:(?:said|says|quoth|in the words of) (?P<who>{_PERSON}|{_CHILD})"
    rf"|(?P<who2>{_PERSON})['’]s (?:words|quote)(?=\s*(?:[,.!;)]|$|not mine\b)))"
    r"(?=\s*(?:[,.!;)]|$))",
    re.I,
)


def _within(sentence: str) -> list[str] | None:
    """What ``sentence`` says once what follows its first comma gives its news to someone
    else or takes it back; None when nothing does."""
    cut = _CUT.match(sentence)
    if cut is None:
        return None
    head, tail = cut["head"], cut["tail"]
    if _TAKEN_BACK.match(tail):
        return []
    if (apposed := _APPOSED.match(tail)) is not None:
        rest = tail[apposed.end() :].strip()
        return [_given_to(head, apposed["who"], False) + "."] + ([rest] if rest else [])
    if (for_whom := _FOR_WHOM.match(tail)) is not None:
        rest = tail[for_whom.end() :].lstrip(" ,")
        if head[:1].isupper() and head.split()[0].casefold() in ("new", "our", "my"):
            head = re.sub(r"^(?:our|my) ", "", head, flags=re.I)  # "Our new home is Brisbane"
            given = _given_to(head, for_whom["who"], True)
            return [given + "."] + ([rest] if rest else [])
        return [rest] if rest else []  # "Started a gluten-free diet, for my son": not said
    return None


# "Favourite movie of all time? Blade Runner, no contest.": a question the speaker asks
# of themselves and answers with a name is "My favourite movie of all time is Blade Runner".
_ASKED = (
    r"^(?:(?:so|ok|okay|and|oh)[,\s]+)?(?P<what>(?:my )?(?:new |current |all-time |main )?"
    r"(?:favou?rite|fave) [a-z]+(?: [a-z]+)?|(?:my )?(?:current |new |main )?(?:training )?goal)"
    r"(?P<when> of all time| ever| these days| right now| now| at the moment| for now|"
    r" this year)?"
)
_OWN_QUESTION = re.compile(r"(?!(?:goal|my goal)\s*\?)" + _ASKED + r"\s*\?+$", re.I)
# …or as a label: "Favourite band: Soda Stereo, always.", "New goal: the Berlin Marathon".
_OWN_LABEL = re.compile(_ASKED + r"\s*[:—–]\s*(?P<said>\S.*)$", re.I)
# The answer is a name, title-cased ("Blade Runner", "The Lord of the Rings"); a goal's
# may be in plain words ("Sub-3 marathon"). Not an opinion ("Most critics would say…").
_NAMED_ANSWER = re.compile(
    r"^(?!(?:Not|No|Nope|Yes|Yeah|Maybe|Probably|Hmm+|Hard|Tough|Good|Depends|Honestly|That|"
    r"It|I|You|Idk|Still|Too|Who|What|Which|Ugh|Oh|Well|Lol|Haha|Most|Some|Many|Everyone|"
    r"Nobody|People|Can't|Cannot|Can|TBD|TBA|None|Same|Later|Next|Tell|Ask|Guess|Dunno|"
    r"Pass|Skip|Nothing|Anything|Everything|Whatever|All|Both|Depends|Ask)\b)"
    r"(?P<answer>(?-i:[A-Z0-9])[\w'’.&:-]*(?: (?:(?:of|the|a|an|and|&|in|on|at|to|for|with|"
    r"de|la|le|du|von) ){0,2}(?-i:[A-Z0-9])[\w'’.&:-]*){0,7}|"
    # "Pad thai, always": a dish or a thing said in up to three words
    r"(?-i:[A-Z])[\w'’-]*(?: (?-i:[a-z])[\w'’-]*){0,2}(?=[,.!;]|$))(?P<rest>[,.!;].*|)$",
)
_GOAL_ANSWER = re.compile(
    r"^(?!(?i:not|no|nope|yes|yeah|maybe|probably|still|idk|dunno|hmm+|honestly|good|hard)\b)"
    # (an emoji may close it: "bench 100kg by summer 💪")
    r"(?P<answer>[\w'’-]+(?: [\w'’-]+){0,5})(?P<rest>[,.!;].*| +[^\w\s].*|)$",
)


def _answered_own_questions(sentences: list[str]) -> list[str]:
    out: list[str] = []
    n = 0
    while n < len(sentences):
        sentence = sentences[n].strip()
        after = sentences[n + 1].strip() if n + 1 < len(sentences) else ""
        if (asked := _OWN_QUESTION.match(sentence)) and (said := _answered(asked, after)):
            out.append(said)
            n += 2
            continue
        out.append(sentences[n])
        n += 1
    return out


def _said_as_labelled(sentence: str) -> str:
    """ "Favourite band: Soda Stereo, always." is "My favourite band is Soda Stereo,
    always." (once the next sentence has had its say: "My daughter's" gives it away)."""
    labelled = _OWN_LABEL.match(sentence.strip())
    return (_answered(labelled, labelled["said"]) or sentence) if labelled else sentence


def _answered(asked: re.Match[str], answer_said: str) -> str | None:
    """ "My favourite movie of all time is Blade Runner, no contest.", from the question
    (or label) and its answer; None when the answer is no name or thing."""
    goal = "goal" in asked["what"].casefold()
    answer = (_GOAL_ANSWER if goal else _NAMED_ANSWER).match(answer_said)
    if answer is None or answer_said.endswith("?"):
        return None
    if asked["what"].casefold() in ("goal", "my goal") and not RACE.search(answer["answer"]):
        return None  # "Goal: finish the quarterly report": no training goal said
    what = re.sub(r"^my ", "", asked["what"], flags=re.I)
    named = answer["answer"]
    if re.search(r" (?-i:[a-z])", named) and not re.search(r" (?-i:[A-Z])", named):
        named = named[:1].lower() + named[1:]  # "Pad thai" is a dish, "pad thai"
    said = f"My {what[:1].lower()}{what[1:]}{asked['when'] or ''} is {named.rstrip('.')}"
    return said + (answer["rest"] or ".")


def said_after(sentences: list[str]) -> list[str]:
    """``sentences`` with each statement read with the one after it: a guess answered, a
    question the speaker answers, a statement given to whom the next sentence names, or
    taken back."""
    out: list[str] = []
    said = _answered_guesses(_answered_own_questions(sentences))
    n = 0
    while n < len(said):
        sentence = said[n]
        after = said[n + 1].strip() if n + 1 < len(said) else ""
        own = _OWN_NEWS.match(sentence.strip()) is not None
        if own and (within := _within(sentence.strip())) is not None:
            out.extend(within)  # "Turned 18 yesterday, my son, where did the time go."
            n += 1
            continue
        one_evening = _FOR_AN_EVENT.match(after) and _A_ROLE.search(sentence)
        if own and (_TAKEN_BACK.match(after) or one_evening):
            # neither the news nor what takes it back is a memory; nor a role for one
            # evening ("Hired as sous chef!! For my sister's wedding dinner, …")
            n += 2
            continue
        instead = _INSTEAD.match(after) if own else None
        if own and instead is None and (for_whom := _FOR_WHOM.match(after)) is not None:
            if sentence.strip().split()[0].casefold() in ("new", "our", "my"):
                # "New car day: a Kia EV6! For my dad, I helped him negotiate."
                head = re.sub(r"^(?:our|my) ", "", sentence.strip(), flags=re.I)
                out.append(_given_to(head, for_whom["who"], True))
                out.append(after)
                n += 2
                continue
        if own and instead is None and (quoted := _QUOTING.match(after)) is not None:
            # "My new favourite book is Matilda! Said my six-year-old, after bedtime."
            statement = sentence.strip()
            owns = statement.split()[0].casefold() in ("my", "our")
            if owns:
                statement = statement.split(" ", 1)[1]
            out.append(_given_to(statement, quoted["who"] or quoted["who2"], owns))
            n += 2
            continue
        if instead is not None:
            given = _given_to(sentence.strip(), instead["who"], bool(instead["owns"]))
            if instead["owns"] or not given.startswith(("Meet", "Call", "New")):
                out.append(given)
                n += 2
                continue
        out.append(sentence)
        n += 1
    return [_said_as_labelled(sentence) for sentence in out]
