"""Chat shorthand and dictation fillers, spelled out before a turn is read.

People text "moved to Porto last wk!! new apt, way cheaper", "got a gf 😊", "fav band =
Fontaines D.C.", "pls call me Kat", and dictate "so um I'm in lisbon now". A reader of
the sentence, and a person reading the item later, wants "last week", "a new apartment",
"a girlfriend", "favourite band is", "please" and no "um". Only forms that have one
reading in chat are spelled out: "sat" is a day only after a word of time ("moved last
sat"), never in "I sat down"; "mar" and "may" stay as they are. The raw resource keeps
what was typed.
"""

from __future__ import annotations

import re

# Words whose shorthand means one thing wherever it stands as a whole word.
_WORDS = {
    "wk": "week",
    "wks": "weeks",
    "yr": "year",
    "yrs": "years",
    "mos": "months",
    "hrs": "hours",
    "pgs": "pages",
    "bday": "birthday",
    "b-day": "birthday",
    "gf": "girlfriend",
    "bf": "boyfriend",
    "fav": "favourite",
    "fave": "favourite",
    "favs": "favourites",
    "pls": "please",
    "plz": "please",
    "thru": "through",
    "tho": "though",
    "bc": "because",
    "b/c": "because",
    "coz": "because",
    "rn": "right now",
    "atm": "at the moment",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "yday": "yesterday",
    "abt": "about",
    "ppl": "people",
    "prolly": "probably",
    "idk": "I don't know",
    "mgr": "manager",
    "w/": "with",
    "w/o": "without",
    "b4": "before",
    "nxt": "next",
    "smth": "something",
}
# Shorthand that is a word too, spelled out only as chat types it: in lower case, between
# words ("lectures r packed", "did u see"), after a word that owns it ("new apt"), or
# before what it qualifies ("prob moving in June"; "no prob" is no "probably").
_LOWER = re.compile(
    r"(?<=[a-z] )(?P<r>r)(?= [a-z])|(?<![\w'’-])(?P<u>u)(?= [a-z])|"
    r"(?<![\w'’-])(?P<ur>ur)(?= [a-z])|"
    r"\b(?P<apt>(?:new|my|our|the|this|that|first|old|his|her|their) apt)\b|"
    r"(?<!no )\b(?P<prob>prob|def)(?= (?:\w+ing|gonna|going|will|not|won't|can't|a|the)\b)"
)
_LOWER_FOR = {"r": "are", "u": "you", "ur": "your", "prob": "probably", "def": "definitely"}
# An age typed short: "28yo", "34 y/o".
_AGE = re.compile(
    r"\b(?P<age>\d{1,3}) ?(?:yo|y/o|y\.o\.)(?![\w/])(?P<noun> +[a-z]+\b(?<!and)(?<!now))?", re.I
)
# Kin words shortened after a possessive: "my sis moved to Leeds" is the sister's news.
KIN = {"sis": "sister", "bro": "brother", "bestie": "best friend", "roomie": "roommate"}
_DAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "tues": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "thur": "Thursday",
    "thurs": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
_MONTHS = {
    "jan": "January",
    "feb": "February",
    "apr": "April",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "sept": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}
_FULL_NAMES = {
    name.casefold(): name
    for name in (*_DAYS.values(), *_MONTHS.values())
    if name not in ("May", "March")
}

_SHORT = re.compile(
    r"(?<![\w/'’-])(?P<word>"
    + "|".join(re.escape(w) for w in sorted(_WORDS, key=len, reverse=True))
    + r")(?![\w'’-])",
    re.I,
)
_KIN_SHORT = re.compile(
    r"\b(?P<own>my|his|her|our|their|[\w]+['’]s) (?P<word>" + "|".join(KIN) + r")\b", re.I
)
# A day or month after a word of time, or a month before a day's number: "last sat",
# "since oct", "by june", "on tues", "oct 3".
_TIME_WORD = r"last|next|this|on|every|as of|start(?:s|ed|ing)?"
# Full names typed in lower case after any word of time ("since june", "by friday").
_FULL_AFTER = r"since|from|until|till|til|by|before|after"
_WHEN = re.compile(
    rf"\b(?P<lead>(?:{_TIME_WORD}) )(?P<word>"
    + "|".join([*_DAYS, *_MONTHS, *_FULL_NAMES])
    + r")\b(?!['’])|"
    rf"\b(?P<lead3>(?:{_FULL_AFTER}) )(?P<full>(?-i:" + "|".join(_FULL_NAMES) + r"))\b(?!['’])|"
    # a month, not a day, after "in" and its kin ("in oct"; "in sun" is no Sunday)
    r"\b(?P<lead2>(?:in|early|late|mid|end of) )(?P<month>(?-i:"
    + "|".join([*_MONTHS, *(n.casefold() for n in _MONTHS.values())])
    + r"))\b(?!['’])",
    re.I,
)
_MONTH_DAY = re.compile(
    r"\b(?P<word>" + "|".join(_MONTHS) + r")\.? (?P<day>\d{1,2})(?:st|nd|rd|th)?\b", re.I
)
# Fillers of speech, wherever they stand: "so um I'm in lisbon now", "uh, my boss".
_FILLER = re.compile(r"(?:,\s*)?(?<![\w'’-])(?:u+m+|u+h+|e+r+m+|h+m+)(?![\w'’-])[,.]?\s*", re.I)
# Chat asides in the middle of a sentence: "it's Robert btw, not Bob".
_ASIDE = re.compile(r"(?<=\w) (?:btw|tbh|ngl|fyi|imo|imho|fwiw|lol|lmao|haha+)(?=[,.!?]|$| )", re.I)
# "fav band = Arctic Monkeys", "bf Jake & I", "switched majors → linguistics".
_EQUALS = re.compile(r"(?<=\w)(?: = ?| ?= )(?=\w)")
# ("the kids & work" keeps its "&": the rewrite would take "and work" for a verb)
_AMPERSAND = re.compile(r"(?<=\w) & (?=(?:I|me|my)\b)")
_ARROW = re.compile(r"\s*(?:→|->|=>)\s*")


def _cased(typed: str, word: str) -> str:
    """``word`` capitalised as ``typed`` was: "Wk" → "Week"; names of days keep theirs."""
    if typed[:1].isupper() and not word[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def spelled_out(text: str) -> str:
    """``text`` with chat shorthand spelled out and fillers of speech dropped."""
    text = _FILLER.sub(_keep_space, text)
    text = _MODEL_NUMBER.sub(_numbered, text)
    text = _ASIDE.sub(_aside, text)
    text = _ARROW.sub(" to ", text)
    text = _EQUALS.sub(" is ", text)
    text = _AMPERSAND.sub(" and ", text)
    text = _SHORT.sub(_short, text)
    text = _LOWER.sub(_lowered, text)
    text = _AGE.sub(_aged, text)
    text = _KIN_SHORT.sub(lambda m: f"{m['own']} {KIN[m['word'].casefold()]}", text)
    text = _WHEN.sub(_dated, text)
    text = _MONTH_DAY.sub(lambda m: f"{_MONTHS[m['word'].casefold()]} {m['day']}", text)
    return re.sub(r"[ \t]+(?=,)", "", re.sub(r"[ \t]{2,}", " ", text)).strip()


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split()
)
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
# A model's number dictated in words: "an iphone fifteen pro", "a pixel seven", "galaxy s
# twenty four".
_MODEL_NUMBER = re.compile(
    r"\b(?P<model>iphone|pixel|galaxy s|galaxy a|galaxy note|xps|tesla model)\s+"
    rf"(?P<tens>{'|'.join(_TENS)})?(?:[- ]?(?P<unit>{'|'.join(_UNITS)}))?\b"
    # not a count: "had my iphone three years now"
    r"(?! (?:years?|months?|weeks?|days?|times|of|more|or)\b)",
    re.I,
)


def _numbered(found: re.Match[str]) -> str:
    if not found["tens"] and not found["unit"]:
        return found.group(0)
    tens = (_TENS.index(found["tens"].casefold()) + 2) * 10 if found["tens"] else 0
    unit = _UNITS.index(found["unit"].casefold()) if found["unit"] else 0
    if tens and unit >= 10:
        return found.group(0)  # "twenty eleven" is no model
    joiner = "" if found["model"].casefold().endswith(" s") else " "
    model = found["model"][:-2] + " S" if joiner == "" else found["model"]
    return f"{model}{joiner}{tens + unit}"


def _aside(found: re.Match[str]) -> str:
    """An aside in the middle of a sentence goes; one after its first word stays ("And
    btw - Gina…" would read "And - Gina…")."""
    before = re.split(r"[.!?]\s+", found.string[: found.start()])[-1]
    said = [w for w in re.findall(r"[\w'’]+", before) if w.casefold() not in _OPENERS]
    return "" if len(said) >= 2 else found.group(0)


_OPENERS = frozenset("oh and so but ok okay also well anyway hey".split())


def _aged(found: re.Match[str]) -> str:
    """ "28yo" is "28 years old"; "my 3 yo son", "a 3-year-old son"."""
    if found["noun"]:
        return f"{found['age']}-year-old{found['noun']}"
    return f"{found['age']} years old"


def _short(found: re.Match[str]) -> str:
    if found["word"].isupper() and len(found["word"]) > 1:
        return found["word"]  # "BC", "GF", "ATM", "RN": a name or an initialism
    word = _cased(found["word"], _WORDS[found["word"].casefold()])
    if word.startswith("I ") and found.string[: found.start()].rstrip()[-1:].isalnum():
        return f", {word}"  # "might go vegan idk": "might go vegan, I don't know"
    return word


def _keep_space(found: re.Match[str]) -> str:
    """A filler is a pause: between two words it leaves a comma ("the move is done um I'm
    in dublin" → "the move is done, I'm in dublin"); one that ends a sentence keeps its
    mark; at the start, or after a mark, it leaves nothing."""
    said = found.group(0)
    if re.search(r"\b[A-Z]{2,}\b", said):
        return said  # "transferred to UH": a name, not "uh"
    if said.rstrip().endswith("."):
        return ". "
    before = found.string[: found.start()].rstrip()
    after = found.string[found.end() :]
    if not before or not before[-1].isalnum() or not after[:1].isalnum():
        return " "
    if before.split()[-1].casefold() in _NO_PAUSE_AFTER:
        return " "  # "a, um, thinkpad": no clause ends on "a"
    return ", "


# Words a clause does not end on: a pause after them is no boundary.
_NO_PAUSE_AFTER = frozenset(
    "a an the my your his her our their its this that to of in on at for with from by and "
    "or but so is am are was were be been like just i i'm im".split()
)


def _dated(found: re.Match[str]) -> str:
    if found["full"]:
        return f"{found['lead3']}{_FULL_NAMES[found['full']]}"
    if found["month"]:
        month = found["month"].casefold()
        return f"{found['lead2']}{_MONTHS.get(month) or _FULL_NAMES[month]}"
    word = found["word"].casefold()
    full = _DAYS.get(word) or _MONTHS.get(word) or _FULL_NAMES.get(word)
    return f"{found['lead']}{full}"


def _lowered(found: re.Match[str]) -> str:
    if found["apt"]:
        return found["apt"][: -len("apt")] + "apartment"
    which = next(k for k in ("r", "u", "ur", "prob") if found[k])
    return _LOWER_FOR[found[which]] if which == "prob" else _LOWER_FOR[which]
