"""Who a clause is about: its subject, parsed as a reader would.

The leading noun phrase of a clause: "Priya", "Priya and her family" (Priya), "Priya's
sister Anna" (Anna), "Priya's husband" (that husband, never Priya), "Tobi and Amara"
(both), a pronoun (the sentence's subject). A leading time phrase ("Since Monday", "In
June") is not part of it, and a capitalised word that opens sentences ("The", "Today",
"According") is not a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from memoryd.memory.fact_lexicon import BORROWED

_SPACES = re.compile(r"\s+")


def norm(text: str) -> str:
    """``text`` folded for comparing: one space, no surrounding punctuation, case-folded."""
    return _SPACES.sub(" ", text).strip(" .,;:!?\"'()").casefold()


# A name is capitalised, but a capitalised word opening a sentence is not always a name.
_NOT_NAME = (
    r"(?!(?:The|This|That|These|Those|It|Its|There|Here|One|Two|Three|Four|Five|Six|Seven|"
    r"Eight|Nine|Ten|Some|All|Every|Each|No|Not|Yes|If|When|While|After|Before|Since|Until|"
    r"So|But|And|Or|Then|Now|Today|Yesterday|Tomorrow|Last|Next|First|According|Everyone|"
    r"Everybody|Someone|Somebody|People|Nobody|Please|Just|Also|Finally|Honestly|Actually|"
    r"What|Why|How|Who|Where|Which|Maybe|Perhaps|Still|Moving|Turns|Guess|Good|Great|Big|"
    r"New|Thanks|Sadly|Luckily|Hopefully|RIP|Correction|Update|Reorg|Lol|Haha|Ugh|Nothing|"
    r"Everything|Something|Anything|Nobody|Everybody|Work|Life|Hot|Mom|Mum|Dad|Apparently|"
    r"Sorry|Quick|Funny|Long|Short|Lately|Currently|Basically|Seriously|Totally|Weirdly|Oddly|"
    r"Surprisingly|Literally|Obviously|Clearly|Thankfully|Unfortunately|Fortunately|"
    r"Personally|Officially|Definitely|Probably|Generally|Usually|Normally|Really)\b)"
)
_CAP = r"(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]*(?:-[^\W\d_]+)*"
_NAME = _NOT_NAME + rf"{_CAP}(?:['’]{_CAP})?(?:\s+{_CAP}(?:['’]{_CAP})?){{0,2}}"
_COMPANY = (
    r"(?:family|partner|wife|husband|kids|children|boyfriend|girlfriend|fianc[ée]e?|spouse|"
    r"son|daughter|roommates?|housemates?|dog|cat)"
)
# A possessive's noun phrase: adjectives, perhaps a modifying noun, then its noun.
# "Daniela's team got reorganized" is about Daniela's team ("got" starts the predicate),
# "Priya's older sister lives" about the sister, "Thabo's new manager, Pieter" about
# the manager.
_NOT_VERB = (
    r"(?!(?:got|gets|is|was|were|are|has|had|have|been|just|now|finally|also|still|really|"
    r"will|would|can|could|did|does|do|said|says|went|moved|started|left|quit|wants|"
    r"loves|thinks|became|turned|never|always)\b)"
)
_ADJECTIVE = (
    r"(?:new|old|little|older|younger|big|baby|best|late|ex|former|current|first|last|final|next|elder|"
    r"eldest|oldest|youngest|twin|step|dear|beloved)"
)
# The nouns that make a two-word relation: "team lead", "line manager", "best friend".
_MODIFIER = (
    r"(?:team|line|project|product|program|college|school|uni|university|childhood|"
    r"high school|dance|piano|guitar|personal|family|work|office|running|climbing|gym)"
)
_SUBJECTS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "A coworker named Guillermo goes by Willy": someone else, whatever the name
    (re.compile(rf"^(?:[Aa]n?|[Tt]he|[Tt]his|[Oo]ne) (?P<rel>[a-z][\w-]*(?: [a-z][\w-]*)?) (?:named|called) (?P<name>{_NAME})(?=[\s,])"), "someone"),  # noqa: E501
    # "Priya's sister Anna" is Anna; "Priya's sister" is that sister.
    (re.compile(rf"^(?P<owner>{_NAME})(?:'s|’s) (?P<rel>(?:{_ADJECTIVE}\s+){{0,2}}(?:{_MODIFIER}\s+)?{_NOT_VERB}(?!{_ADJECTIVE}\b)[a-z][\w-]*)(?: (?P<name>{_NAME}))?(?=[\s,])"), "relation"),  # noqa: E501
    (re.compile(rf"^(?P<name>{_NAME}) and (?:his|her|their) (?:new )?{_COMPANY}(?=\s)"), "name"),
    (re.compile(rf"^(?P<name>{_NAME}) and others(?=\s)"), "name"),
    (re.compile(rf"^(?P<name>{_NAME}) and (?P<other>{_NAME})(?=\s)"), "pair"),
    (re.compile(rf"^(?:he|she|they|He|She|They)(?: and (?:his|her|their) {_COMPANY})?(?=\s)"), "inherit"),  # noqa: E501
    (re.compile(rf"^(?P<name>{_NAME})(?=\s|['’]s\s)"), "name"),
)
_AND_NAME = re.compile(rf"^and (?P<other>{_NAME})\s+")
# Names of times, which a time phrase may open with: "Since April", "Since Ramadan".
TIME_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Ramadan|Christmas|Easter|"
    "Thanksgiving|Lent|Diwali|Eid|Hanukkah|Passover|New Year"
)
_TIME_LEAD = re.compile(
    # whose advice: "On her physician's advice she has resumed eating meat"
    r"^(?:On|Following|After|Given|At) (?:[\w'’-]+ ){1,4}?(?:advice|orders|recommendation|"
    r"suggestion|insistence|request),? (?=[A-Z]|(?:he|she|they)\s)|"
    # a date the rewrite wrote in, in any clause: "in the week of 5 February 2024 he…"
    r"^(?:(?:[Ii]n|[Oo]n|[Dd]uring) the (?:week|weekend|month) of |[Ii]n |[Oo]n )"
    rf"(?:\d{{1,2}} )?(?:{TIME_NAMES})(?: \d{{4}})?,?\s+(?=[A-Z]|(?:he|she|they)\s)|"
    # (after "so" or "and" a clause opens in lower case: "so this semester she is…")
    r"^(?:Since|As of|Starting|From|On|In|After|Before|[Ll]ast|[Tt]his|[Nn]ext|Earlier|"
    r"Back in|Over|By|"
    r"Today|Yesterday|[Rr]ecently|[Nn]ow|[Ff]inally|[Aa]lso|[Tt]hese days|[Nn]owadays|[Ll]ately|"
    r"[Cc]urrently|[Rr]ight now)\b"
    # a month or a day named is the time's, not the subject's: "Since April Ana Paula is…"
    rf"(?:\s+(?:{TIME_NAMES})\b(?!['’])|"
    r"(?:\s+(?:[A-Za-z0-9]+))??)(?:\s+\d{1,2}(?:st|nd|rd|th)?)?,?\s+(?=[A-Z]|(?:he|she|they)\s)"
)


_DATED = re.compile(rf"\b(?:{TIME_NAMES})\b")


def subjects(clause: str) -> Iterator[tuple[str | None, str]]:
    """Each way ``clause`` opens with a subject: (subject or None to inherit, predicate).
    A leading time phrase ("Since Monday", "In June") is not part of the subject."""
    lead = _TIME_LEAD.match(clause)
    if lead:
        yield from subjects(clause[lead.end() :])
        if _DATED.search(lead.group(0)):
            return  # "Since April Ana Paula": April is the time's
    for pattern, kind in _SUBJECTS:
        match = pattern.match(clause)
        if match is None:
            continue
        rest = clause[match.end() :].lstrip()
        if kind == "relation":
            owner, rel, name = match["owner"], match["rel"], match["name"]
            subject = name if name else f"{owner}'s {rel}"
            pair = _AND_NAME.match(rest)
            if pair:  # "Robin's boyfriend Jake and Robin have been together"
                yield norm(subject), rest[pair.end() :]
                yield norm(pair["other"]), rest[pair.end() :]
                continue
            yield norm(subject), rest
            # "Priya's new manager is Dana": the possessive belongs to the frame.
            yield norm(owner), clause[len(owner) :]
        elif kind == "someone":
            yield norm(f"{match['rel']} {match['name']}"), rest
        elif kind == "inherit":
            yield None, rest
        elif kind == "pair":  # "Tobi and Amara called off the engagement": both did
            yield norm(match["name"]), rest
            yield norm(match["other"]), rest
        else:
            yield norm(match["name"]), rest if not rest.startswith(("'s", "’s")) else rest


def without_lead(clause: str) -> str:
    """``clause`` without a time or an advice put before its subject."""
    lead = _TIME_LEAD.match(clause)
    return clause[lead.end() :] if lead else clause


def leading_subject(clause: str) -> str | None:
    for subject, _ in subjects(clause):
        if subject is not None:
            return subject
    return None


# "got me a Pixel 8a case", "a Tesla toy car": not the thing itself.
_NOT_THE_THING = re.compile(r"\b(?:case|cover|charger|toy|model|poster|mug|keychain)\b", re.I)
_GIVEN = re.compile(
    r"^(?:[a-z]+ ){0,2}?(?:got|bought|gave|gifted|handed|sent|ordered|picked up) "
    r"(?P<to>him|her|them|(?-i:[A-ZÀ-ÖØ-Þ])[^\W\d_]+) (?=(?:a|an|the|his|her|their|my)\b)"
)


def given_to(predicate: str, whole: str) -> str | None:
    """Whom a predicate gives its thing to ("got Layla a Pixel 8a": layla); "" when that
    is nobody a fact can be kept of ("got her a…": whom "her" means is not said here; a
    loan or a phone case is no phone); None when it gives nothing. ``whole`` is the text
    the predicate is cut from ("…to use while he's abroad")."""
    given = _GIVEN.match(predicate)
    if given is None:
        return None
    lent = BORROWED.search(whole) or _NOT_THE_THING.search(predicate)
    return "" if given["to"] in ("him", "her", "them") or lent else norm(given["to"])
