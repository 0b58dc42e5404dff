"""A newer value set against the known one in so many words.

People correct and contrast: "I'm at Klarna these days, not Spotify", "not in Leeds any
more, it's York now", "Things Fall Apart used to be my favourite book, but now it's The
Famished Road", "switched majors: computer science", "it's Tsing Hua now, I switched
schools". Each names the known value as the old one (or the kind of thing switched) and
the new value right beside it. What is read here is only a candidate: the caller checks
that it is of the attribute's kind and not the known value again.
"""

from __future__ import annotations

import re

from memoryd.memory.fact_lexicon import OTHER_PERSON

# A name ("Klarna", "National Tsing Hua University", "The Famished Road") or, for the
# attributes said in common words, a short phrase ("computer science", "vegetarian").
_NAME = (
    r"(?-i:[A-Z0-9])[\w&'’.+-]*+"
    r"(?:\s+(?:of\s+|the\s+|de\s+|and\s+)?(?-i:[A-Z0-9])[\w&'’.+-]*+){0,5}"
)
_WORDS = (
    r"[a-z][\w-]*+"
    r"(?:\s+(?!(?:now|these|nowadays|and|but|not|so|since|instead|rather|this|today|for|at|"
    r"in)\b)[a-z][\w-]*+){0,3}"
)
_IN_WORDS = frozenset({"occupation", "major", "diet", "training_goal", "relationship"})
_PREP = r"(?:(?:at|in|with|on|into|doing|studying|an?|the)\s+)?"
_NOW = r"(?:\s+(?:now|these days|nowadays|today|instead))?"
# A value followed by its own verb starts a clause about it: "not Spotify, but Google is
# hiring" says nothing of where the speaker works.
_NO_VERB = r"(?!\s+(?:is|are|was|were|has|have|had|will|would|can|could|might|keeps|seems)\b)"
_SUPPOSED = re.compile(
    r"\b(?:if|would|wish|wished|imagine|pretend|pretending|dream|dreamt|dreamed|suppose|"
    r"hypothetically|joke|joking|kidding)\b",
    re.I,
)
# The kind of thing switched, by attribute: "switched schools", "changed majors".
_SWITCHED_KIND = {
    "school": r"schools|universities|unis|colleges",
    "major": r"majors|programs|programmes|courses|degrees",
    "employer": r"jobs|companies|employers",
    "phone": r"phones",
    "laptop": r"laptops",
    "vehicle": r"cars",
    "manager": r"teams|managers|bosses",
    "residence": r"cities|countries|apartments|flats",
    "diet": r"diets",
}


_NOT_SO = re.compile(
    r"\b(?:almost|nearly|haven't|hasn't|didn't|never|not yet|won't|wasn't|isn't)\b", re.I
)
_OTHERS = re.compile(
    r"\b(?:interview|application|offer|ex|recruiter|client|friend|colleague|partner|"
    r"(?-i:[A-Z])[a-z]+['’]s)\b(?![^,.;]*\b(?:my|his|her)\b)",
)
_NO_VALUE = re.compile(
    r"(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tonight|tomorrow|"
    r"christmas|easter|summer|winter|spring|autumn|fall|morning|evening|lunch|time|me)"
)


def _known(known: str, attribute: str) -> str:
    raw = [w for w in re.findall(r"[\w+&'’-]+", known) if len(w) > 1]
    if not raw:
        return r"(?!)"
    said = r"\s+".join(map(re.escape, raw))
    if attribute in _IN_WORDS and len(raw[0]) > 5 and raw[0].isalpha():
        # "econ" for economics, "mech" for mechanical; not "complaining" for computer
        said = rf"(?:{said}|{re.escape(raw[0][:4])}(?:{re.escape(raw[0][4:6])})?\b)"
    return rf"(?:the\s+)?{said}\b"


def contrasted(text: str, attribute: str, known: str, subject: str = "") -> str | None:
    """The value ``text`` sets against the ``known`` value of ``attribute`` of
    ``subject``, if it does."""
    value = _WORDS if attribute in _IN_WORDS else _NAME
    new = rf"(?P<new>{value}){_NO_VERB}"
    old = _known(known, attribute)
    no_more = (
        rf"\b(?:not|no longer)\s+{_PREP}{old}(?:\s+any\s?more)?\s*[,—–;-]?\s*(?:but\s+|and\s+)?"
    )
    patterns = [
        # "is at Klarna these days, not Spotify"
        rf"\b(?:is|are|'s|it's|it is|now)\s+(?:now\s+|actually\s+|officially\s+)?{_PREP}"
        rf"{new}{_NOW}\s*[,—–-]?\s*(?:and\s+)?(?:not|instead of|rather than)\s+{_PREP}{old}",
        # "not in Leeds any more, it's York now"; "no longer at Spotify — now at Klarna"
        rf"{no_more}(?:it's|it is)\s+(?:now\s+)?{_PREP}{new}",
        rf"{no_more}now\s+{_PREP}{new}",
        # "Things Fall Apart used to be her favourite book, but now it's The Famished Road"
        rf"\b{old}\s+used to be\b[^.;!?]*?,?\s+but\s+(?:now\s+)?(?:it's|it is)\s+"
        rf"(?:now\s+)?{new}",
        # "used to be at Spotify, but now at Klarna"
        rf"\bused to be\s+{_PREP}{old}[^.;!?]*?,?\s+but\s+(?:(?:it's|it is|is)\s+)?now\s+"
        rf"(?:(?:it's|it is|is)\s+)?{_PREP}{new}",
    ]
    if kind := _SWITCHED_KIND.get(attribute):
        switched = rf"\b(?:switched|changed|swapped|transferred)\s+(?:{kind})\b"
        if re.search(switched, text, re.I):
            patterns += [
                rf"{switched}\s*(?::|—|–|-|to)\s*{new}",  # "switched majors: computer science"
                rf"\b(?:it's|it is)\s+(?:now\s+)?{_PREP}{new}\s+now\b",  # "it's Tsing Hua now"
            ]
    for pattern in patterns:
        found = re.search(pattern, text, re.I)
        if found is None or _quoted(text, found.start()):
            continue  # '"Dune used to be my favourite, but now it's Hyperion" is what he said'
        before = _sentence_before(text, found.start())
        said = found.group(0)
        if _SUPPOSED.search(before) or OTHER_PERSON["they"].search(before + " " + said):
            continue  # "if she were at Klarna", "Lars's sister is at Klarna, not Spotify"
        around = before + " " + said
        if subject:  # the subject's own "Sam's" is no one else's
            around = re.sub(rf"\b{re.escape(subject)}['’]s\b", "", around, flags=re.I)
        if _NOT_SO.search(around) or _OTHERS.search(around):
            continue  # "almost switched jobs", "my interview is at Klarna", "Tom's favourite"
        if _NO_VALUE.fullmatch(found["new"].strip(" .,!;:—–-")):
            continue  # "it's Friday now", "it's Easter now"
        said = found["new"].strip(" .,!;:—–-")
        return said or None
    return None


def _quoted(text: str, at: int) -> bool:
    """Whether ``at`` is inside a quotation."""
    return any(q.start() < at < q.end() for q in _QUOTATION.finditer(text))


_QUOTATION = re.compile(r"\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”")


def _sentence_before(text: str, at: int) -> str:
    start = max(text.rfind(".", 0, at), text.rfind("!", 0, at), text.rfind("?", 0, at))
    return text[start + 1 : at]
