"""Values of one attribute, read loosely from a parsed text because the attribute is
already known of the subject (``fact_followup``).

A reader that does not know Carlos has an employer cannot tell what "my Vodafone badge
still hasn't arrived" says; one that knows he worked for Telefónica reads a new employer.
Each reader here finds a value of its attribute's kind in a phrase that belongs to the
subject: the subject's own verb (a name, he/she for that name, or no subject at all), or
a noun the subject owns ("Björn's new employer, Klarna"). Another person's phrase, a plan,
a wish, a negation, a question and a visit give nothing, and neither does a text with two
different values. Reading a newer message (``changed``), the sentence must also say the
value is new ("now", "new", "first week", "switched", "onboarding").
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from memoryd.memory.fact_frames import Frame
from memoryd.memory.fact_lexicon import (
    BORROWED,
    DIETS,
    LAPTOP,
    OTHER_PERSON,
    PHONE,
    RELATIONSHIP,
    VEHICLE,
)
from memoryd.memory.fact_parse_base import (
    GENDER,
    MONTH,
    ORG_KIND,
    PLACE_KIND,
    antecedent,
    phrase,
    unreal,
)
from memoryd.memory.fact_subjects import norm
from memoryd.memory.fact_values import checked, role
from memoryd.memory.names import is_first_name

if TYPE_CHECKING:
    from spacy.tokens import Token

#: A word that says a value is new, or an old one over.
CHANGE = re.compile(
    r"\b(?:now|new|newly|anymore|any more|no longer|officially|these days|since|first "
    r"(?:day|week|month|shift|semester|term|year|lecture|class)|switch\w*|swapped|moved|"
    r"relocated|joined|started|took over|taken over|replaced|replacement|instead of|"
    r"upgrade\w*|traded|promoted|promotion|transferred|unpacked|settled|for good|"
    r"onboarding|orientation|just got|finally|ever since|full[- ]time|signed up|registered|"
    r"next (?:goal|target|race|challenge))\b",
    re.I,
)
# A stay somewhere, not a home there (as ``facts._VISIT``, and a plain "trip").
_VISIT = re.compile(
    r"\b(?:visit\w*|trip|vacation|holiday|conference|tour|getaway|honeymoon|layover|"
    r"airbnb|hotel|hostel|rental|sublet|for (?:a|the|two|three|\d+) (?:days?|weeks?|nights?|"
    r"weekend)|for the (?:summer|winter|holidays|season|semester)|this week|for work|"
    r"workshop|seminar|bootcamp|hackathon|meetup|offsite|retreat|summit|on the side|"
    r"side (?:gig|hustle|job)|second job|weekend (?:shift|job|gig)|part-time|freelanc\w*)\b",
    re.I,
)
_HOME = frozenset(
    """live move relocate settle base home apartment flat house place condo studio stay
    rent lease resident landlord balcony backyard garden neighbourhood neighborhood
    flatmate housemate kitchen bedroom commute street""".split()
)
_HOME_NOUN = frozenset("apartment flat house place home condo studio kitchen balcony".split())
_NEW_HOME = re.compile(
    r"\b(?:new (?:apartment|place|flat|house|home|condo|neighbou?rhood|city)|unpack\w*|"
    r"the move|moved|settled in)\b",
    re.I,
)
_WORK = frozenset(
    """work job start join employ hire intern busy employer company firm workplace office
    engineer developer all-hands standup shift payroll""".split()
)
# Nouns a new employer's name goes with: "my new employer, Klarna", "my Vodafone badge".
_EMPLOYER_NOUN = frozenset("employer company firm workplace job".split())
_WORK_THING = frozenset(
    """badge onboarding laptop email benefit contract offer lanyard swag hoodie
    orientation payroll""".split()
)
# What a subject's own noun may be that says something of the subject itself (not a
# person: "my colleague joined Google" is the colleague's).
_OWNED = (
    _EMPLOYER_NOUN
    | _WORK_THING
    | frozenset(
        """car truck ride bike motorcycle daily goal target focus diet major home place
        apartment flat house address commute school""".split()
    )
)
# Said of the subject's own without "my": "work's been busy", "new target is a 10k".
_OWN_UNSAID = frozenset("work job goal target focus".split())
_SCHOOL_WORD = frozenset("study major majoring degree student program course".split())
_DRIVE = frozenset("drive own have get buy pick bring upgrade switch trade lease be".split())
_BOSS = frozenset("boss manager lead supervisor replacement".split())
_RACE = re.compile(
    r"\b(?:marathon|half|triathlon|ultra|ironman|10k|5k|century|deadlift|squat|bench|"
    r"swim|race)\b",
    re.I,
)
_DIET = re.compile(rf"\b(?:lacto-ovo vegetarian|ovo-vegetarian|{DIETS})\b", re.I)
_COUPLE = {"mrs": "married", "couple": "in a relationship", "wife": "married"}
_MAJOR = Frame("major", re.compile(""), "academic")
_ROLE = Frame("occupation", re.compile(""), "role")
_VEHICLE_KIND = Frame("vehicle", re.compile(""), "vehicle")


_NAME_CUE = re.compile(
    r"\b(?:now|new|officially|licen[cs]e|passport|married|wedding|maiden|name|changed|"
    r"goes by|call)\b",
    re.I,
)


_CUES = {
    attribute: re.compile(cue, re.I)
    for attribute, cue in {
        "residence": r"\b(?:liv(?:e|es|ed|ing)|mov(?:e|ed|ing)|relocat\w*|settled|home|apartment|"
        r"flat|place|house|condo|studio|stay\w*|rent|lease|landlord|balcony|neighbou?rhood|"
        r"unpack\w*|kitchen|bedroom|commute|street)\b",
        "employer": r"\b(?:work\w*|job|employer|company|firm|join\w*|hired|start\w*|onboarding|"
        r"badge|laptop|email|contract|offer|payroll|all-hands|shift|office|busy)\b|"
        r"\b(?:with|at|for) (?-i:[A-Z])",
        "occupation": r"\b(?:as an?|being an?|promot\w*|hired|work\w*|job|role)\b",
        "major": r"\b(?:major\w*|stud(?:y|ying|ies)|degree|program\w*|"
        r"in \w+ (?:engineering|science))\b",
        "diet": _DIET.pattern,
        "manager": r"\b(?:boss|manager|lead|supervisor|report\w*|took over|replacement)\b",
        "relationship": r"\b(?:mrs|couple|married|engaged|single|divorced|separated|widowed|"
        r"dating|relationship|taken|hitched|husband|wife|hubby|fianc\w*|boyfriend|girlfriend|"
        r"divorce\w*|wedding)\b",
        "training_goal": rf"{_RACE.pattern}|\b(?:goal|target|focus)\b",
        "name": _NAME_CUE.pattern,
        "school": r"\b(?:sophomore|freshman|junior|senior|student|stud(?:y|ying|ies)|attend\w*|"
        r"enrol\w*|transfer\w*|semester|campus|library|orientation|lecture\w*|admitted|"
        r"master's|masters|phd|degree|undergrad)\b",
    }.items()
}
_FAVOURITE_CUE = re.compile(r"\b(?:favou?rite|fave|number one)\b|#1", re.I)


def may_say(text: str, attribute: str) -> bool:
    """Whether ``text`` has a word any reader of ``attribute`` starts from (a cheap test
    before parsing)."""
    makes = {"vehicle": VEHICLE, "phone": PHONE, "laptop": LAPTOP}
    if attribute in makes:
        return _with_model_number(makes[attribute]).search(text) is not None
    cue = _FAVOURITE_CUE if attribute.startswith("favourite ") else _CUES.get(attribute)
    return cue is not None and cue.search(text) is not None


def loose_value(doc: Any, subject: str, attribute: str, *, changed: bool) -> str | None:
    """The one value of ``attribute`` that ``doc`` says ``subject`` has."""
    if attribute.startswith("favourite "):
        reader: Callable[[Any, str], Iterator[Token | str]] = _favourite_of(attribute)
    else:
        reader = _READERS.get(attribute, _nothing)
    values: dict[str, str] = {}
    for found in reader(doc, subject):
        token = found if not isinstance(found, str) else None
        value = found if isinstance(found, str) else _value(attribute, found)
        sentence = (token.sent if token is not None else doc).text
        if value is None or (changed and not CHANGE.search(sentence)):
            continue
        owned = _OWNED | _BOSS if attribute == "manager" else _OWNED
        if token is not None and not _belongs(token, subject, owned):
            continue
        values.setdefault(norm(value), value)
    return next(iter(values.values())) if len(values) == 1 else None


def _nothing(doc: Any, subject: str) -> Iterator[Token | str]:
    return iter(())


def _value(attribute: str, token: Token) -> str | None:
    if attribute == "residence":
        return checked(PLACE_KIND, phrase(token).text)
    if attribute == "employer":
        return checked(ORG_KIND, phrase(token).text)
    if attribute == "school":
        return phrase(token).text
    if attribute == "manager":
        return token.text if is_first_name(token.text) or token.pos_ == "PROPN" else None
    text = _noun_phrase(token)
    kind = {
        "occupation": _ROLE,
        "major": _MAJOR,
        "vehicle": _VEHICLE_KIND,
    }.get(attribute)
    if attribute == "training_goal":
        return text if _RACE.search(text) else None
    if kind is None:
        return text
    return role(text) if kind is _ROLE else checked(kind, text)


def _noun_phrase(token: Token) -> str:
    """The noun's phrase without its article or owner: "pharmaceutical sales rep"."""
    words = [
        t
        for t in token.subtree
        if t.i <= token.i and t.dep_ not in ("det", "poss", "case", "predet", "punct")
    ]
    start = next((i for i, t in enumerate(words) if t.dep_ not in ("det", "poss")), 0)
    return " ".join(t.text for t in words[start:])


# --- whose phrase it is ---------------------------------------------------------------


def _belongs(token: Token, subject: str, owned: frozenset[str]) -> bool:
    """Whether the value's phrase is the subject's: said by the subject's own verb, or of a
    noun the subject owns, and neither unreal nor a visit."""
    if _VISIT.search(token.sent.text):
        return False  # "Sam's kitchen in Lisbon is tiny, it's a holiday rental"
    node = token
    for _ in range(6):
        owner = next((c for c in node.children if c.dep_ == "poss"), None)
        if owner is not None:  # "my Vodafone badge"; "my dad's truck" is not the subject's
            return _means(owner, subject)
        head = node.head
        if head.i == node.i:
            break
        if head.pos_ in ("VERB", "AUX"):
            if unreal(head) or (head.lemma_ == "stay" and head.tag_ == "VBG"):
                return False  # a plan; "is staying in Lisbon" is a stay
            return _doer(head, subject, owned)
        node = head
    return False


def _doer(verb: Token, subject: str, owned: frozenset[str] = frozenset()) -> bool:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "expl"):
            if child.lower_ in ("i", "we"):
                return True
            if child.lower_ in GENDER:
                return antecedent(child) == subject
            if child.lower_ in ("it", "that", "this", "there"):
                return verb.dep_ == "conj" and _doer(verb.head, subject, owned)
            owner = next((c for c in child.children if c.dep_ == "poss"), None)
            if owner is not None:  # "my new employer is Klarna", not "my parents moved"
                return _means(owner, subject) and child.lemma_.lower() in owned
            # "work's been busy at …": the subject's own, said without "my"
            return norm(child.text) == subject or child.lemma_.lower() in _OWN_UNSAID
    if verb.dep_ in ("conj", "xcomp", "advcl", "ccomp") and verb.head.i != verb.i:
        return _doer(verb.head, subject, owned)
    return True  # no subject: the speaker's own ("Left London last month")


def _means(owner: Token, subject: str) -> bool:
    if owner.lower_ in ("my", "our"):
        return True
    if owner.lower_ in GENDER:
        return antecedent(owner) == subject
    return norm(owner.text.removesuffix("'s").removesuffix("’s")) == subject


# --- where each attribute's value may be ----------------------------------------------


def _proper(token: Token) -> bool:
    return token.pos_ == "PROPN" and not MONTH.match(token.lower_)


def _near(token: Token, lemmas: frozenset[str], steps: int = 3) -> bool:
    node = token
    for _ in range(steps):
        node = node.head
        if node.lemma_.lower() in lemmas or node.lower_ in lemmas:
            return True
        if node.head.i == node.i:
            break
    return False


def _pobj_of(token: Token, preps: tuple[str, ...]) -> bool:
    return token.dep_ == "pobj" and token.head.lower_ in preps


def _residences(doc: Any, subject: str) -> Iterator[Token | str]:
    places = [
        t
        for t in doc
        if _proper(t)
        and (t.dep_ != "compound" or t.head.lemma_.lower() in _HOME_NOUN)
        and norm(t.text) != subject
    ]
    for token in places:
        if _pobj_of(token, ("in", "to")) and _near(token, _HOME):
            yield token
        elif token.dep_ == "compound" and token.head.lemma_.lower() in _HOME_NOUN:
            owner = next((c for c in token.head.children if c.dep_ == "poss"), None)
            if owner is not None and _means(owner, subject):
                yield token  # "our Gdańsk flat", "my Honolulu kitchen"
    if _NEW_HOME.search(doc.text) and not _VISIT.search(doc.text):
        # "austin is so much warmer than I expected, loving the new apartment": the one
        # place a text about the speaker's new home names (not a sister's new flat)
        lone = [
            t
            for t in places
            if t.dep_ in ("nsubj", "attr", "pobj")
            and not (t.dep_ == "pobj" and is_first_name(t.text))
        ]
        if len(lone) == 1 and _only_the_subject_acts(doc, subject, lone[0]):
            value = checked(PLACE_KIND, phrase(lone[0]).text)
            if value is not None:
                yield value


def _only_the_subject_acts(doc: Any, subject: str, place: Token) -> bool:
    """Whether every clause of ``doc`` is the subject's (or the place's: "Austin is so much
    warmer"), and none is unreal: not "my parents just moved to Bergen", nor "people keep
    asking if I moved to Hyderabad"."""
    if OTHER_PERSON["they"].search(doc.text):
        return False
    for token in doc:
        if token.dep_ not in ("nsubj", "nsubjpass"):
            continue
        if token.i == place.i or token.lower_ in ("i", "we", "it"):
            continue
        if token.lower_ in GENDER and antecedent(token) == subject:
            continue
        if norm(token.text) != subject:
            return False
    verb = place.head if place.dep_ != "pobj" else place.head.head
    return not (verb.pos_ in ("VERB", "AUX") and unreal(verb))


def _employers(doc: Any, subject: str) -> Iterator[Token]:
    for token in doc:
        if not _proper(token):
            continue
        verb = token.head.head
        if _pobj_of(token, ("at", "for")) and (_near(token, _WORK) or _work_is_subject(verb)):
            yield token  # "works at Spotify", "work's been busy at Mercado Libre"
        elif _pobj_of(token, ("with",)) and verb.lemma_ == "be" and not is_first_name(token.text):
            yield token  # "is with Accenture"
        elif token.dep_ == "appos" and token.head.lemma_.lower() in _EMPLOYER_NOUN:
            yield token  # "my new employer, Klarna"
        elif token.dep_ == "compound" and token.head.lemma_.lower() in _WORK_THING:
            if any(c.dep_ == "poss" for c in token.head.children):
                yield token  # "my Vodafone badge", not "the Madrid office"
        elif token.dep_ == "dobj" and token.head.lemma_.lower() == "join":
            yield token
        elif _pobj_of(token, ("for", "at")) and token.head.head.lemma_.lower() in _WORK_THING:
            thing = token.head.head
            if any(c.dep_ == "poss" for c in thing.children):
                yield token  # "got my badge for Brigham and Women's"


def _work_is_subject(verb: Token) -> bool:
    return any(
        c.dep_.startswith("nsubj") and c.lemma_.lower() in ("work", "job") for c in verb.children
    )


_POST = frozenset("role job position title career shift day week stint gig".split())


def _roles(doc: Any, subject: str) -> Iterator[Token]:
    for token in doc:
        if token.pos_ not in ("NOUN", "PROPN"):
            continue
        verb = token.head.head
        said = verb.lemma_.lower() in ("promote", "hire") or (
            verb.lemma_.lower() == "work" and verb.tag_ != "VBD"  # "worked as" is the past
        )
        if _pobj_of(token, ("as", "to")) and said:
            yield token  # "working as a sales rep", "promoted to senior UX designer"
        elif _pobj_of(token, ("as",)) and verb.lemma_.lower() in _POST:
            yield token  # "my new role as a UX researcher", "first shift as a paramedic"
        elif token.dep_ == "attr" and token.head.lemma_ == "be" and token.head.dep_ == "pcomp":
            yield token  # "being a midwife is the best"


def _majors(doc: Any, subject: str) -> Iterator[Token | str]:
    for token in doc:
        if token.lemma_.lower() == "major" and token.pos_ == "NOUN":
            field = [c for c in token.children if c.dep_ in ("compound", "amod")]
            like = [c for c in token.children if c.dep_ == "prep" and c.lower_ == "like"]
            whom = [o for p in like for o in p.children if o.dep_ == "pobj"]
            if field and (not whom or norm(whom[0].text) == subject):
                # "econ major here", "biochem majors like Sara"
                yield " ".join(t.text for t in field[0].subtree)
        if token.pos_ in ("NOUN", "PROPN") and _pobj_of(token, ("in",)):
            head = token.head.head
            if head.lemma_.lower() in _SCHOOL_WORD or head.lemma_ == "be":
                yield token  # "majoring in biology", "now that I'm in aerospace engineering"


# An owner's noun and what is said to be it: "Dana's car's a 2018 Subaru Outback", "my
# team lead Yael is super supportive", "his boss, Malin, …".
_OWNER = r"(?:my|his|her|(?P<name>(?-i:[A-Z])[\w-]+)['’]s)"
_SAID_TO_BE = (
    r"(?:['’]s|\s+is|,)?\s+(?:an?\s+|the\s+)?(?P<value>(?:(?:Mr|Mrs|Ms|Dr)\.?\s)?[^,.;!?—–]+)"
)
_OWNED_VEHICLE = re.compile(
    rf"\b{_OWNER}\s+(?:(?:new|current|trusty|little|beloved)\s+)?(?:car|truck|ride|bike|"
    rf"motorcycle|motorbike|scooter|daily driver|daily|wheels){_SAID_TO_BE}",
    re.I,
)
_OWNED_BOSS = re.compile(
    rf"\b{_OWNER}\s+(?:(?:new|current)\s+)?(?:boss|manager|line manager|team lead|lead|"
    rf"supervisor){_SAID_TO_BE}",
    re.I,
)
_NOT_SO = re.compile(
    r"\b(?:not|n't|never|if|would|might|will|wants? to|wish|hopes? to|plans? to|"
    r"planning|someday|dream|used to|was|were|old|former|previous|ex)\b",
    re.I,
)
_NOT_NAME = frozenset("is was has the a an and but so who which".split())


def _said_of_owned(doc: Any, subject: str, pattern: re.Pattern[str]) -> Iterator[str]:
    """What a sentence says the subject's own noun is, when it says nothing unreal."""
    for sentence in doc.sents:
        text = sentence.text
        for match in pattern.finditer(text):
            name = match["name"]
            if name is not None and norm(name) != subject:
                continue
            if name is None and OTHER_PERSON["they"].search(text[: match.start()]):
                continue  # "her" may be someone else's
            # what comes before the value, and the few words after it
            near = text[: match.start("value")] + " ".join(match["value"].split()[:4])
            if not _NOT_SO.search(near) and not BORROWED.search(text):
                yield match["value"]


_GENERIC_VEHICLE = frozenset(
    """car truck suv van minivan pickup motorcycle motorbike scooter ev sedan hatchback
    convertible coupe wagon hybrid""".split()
)
_BEFORE_MAKE = re.compile(
    r"\b(?:my|his|her|our|their|(?P<name>(?-i:[A-Z])[\w-]+)['’]s)\s+(?:[a-z][\w-]*\s+){0,2}$"
)
_MAKE_WORDS = re.compile(r"[\w.-]+(?:['’]s)?")


def _owned_makes(doc: Any, subject: str, lexicon: re.Pattern[str]) -> Iterator[str]:
    """A make the subject is said to own, by a possessive before it: "my Mazda3's
    check-engine light", "Dmitri's ThinkPad X1 Carbon", "my cracked iPhone 12"."""
    if BORROWED.search(doc.text):
        return
    text = doc.text
    for found in _with_model_number(lexicon).finditer(text):
        if found.group(0).casefold() in _GENERIC_VEHICLE:
            continue
        owner = _BEFORE_MAKE.search(text[max(0, found.start() - 80) : found.start()])
        if owner is None or (owner["name"] is not None and norm(owner["name"]) != subject):
            continue
        start = max(0, found.start() - 80) + owner.start()
        if owner["name"] is None and OTHER_PERSON["they"].search(text[max(0, start - 30) : start]):
            continue
        words: list[str] = []
        for word in _MAKE_WORDS.findall(text[found.start() :])[:4]:
            if words and not (word[:1].isupper() or word[:1].isdigit()):
                break
            words.append(word)
            if word.endswith(("'s", "’s")):
                break
        value = " ".join(words).removesuffix("'s").removesuffix("’s").rstrip(".,")
        if value:
            yield value


@functools.cache
def _with_model_number(lexicon: re.Pattern[str]) -> re.Pattern[str]:
    """The lexicon's makes with a model number run on: "Mazda3", "Pixel6"."""
    return re.compile(lexicon.pattern.removesuffix(r")\b") + r")\d*\b", lexicon.flags)


def _phones(doc: Any, subject: str) -> Iterator[Token | str]:
    yield from _owned_makes(doc, subject, PHONE)


def _laptops(doc: Any, subject: str) -> Iterator[Token | str]:
    yield from _owned_makes(doc, subject, LAPTOP)


def _vehicles(doc: Any, subject: str) -> Iterator[Token | str]:
    if BORROWED.search(doc.text):
        return
    yield from _owned_makes(doc, subject, VEHICLE)
    for said in _said_of_owned(doc, subject, _OWNED_VEHICLE):
        found = VEHICLE.search(said)
        if found is None:
            continue
        words = said.split()
        named = list(itertools.takewhile(lambda w: w[:1].isupper() or w[:1].isdigit(), words))
        value = checked(_VEHICLE_KIND, " ".join(named) if named else said[: found.end()])
        if value is not None:
            yield value
    for token in doc:
        if token.pos_ not in ("NOUN", "PROPN") or token.dep_ == "compound":
            continue
        if not VEHICLE.search(phrase(token).text):
            continue
        verb = token.head.head if token.dep_ == "pobj" else token.head
        if token.dep_ in ("dobj", "attr", "pobj") and verb.lemma_.lower() in _DRIVE:
            yield token


def _diets(doc: Any, subject: str) -> Iterator[Token | str]:
    for match in _DIET.finditer(doc.text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is None:
            continue
        token = span.root
        if token.dep_ in ("nsubj", "ROOT", "npadvmod") and not _other_in(token.sent):
            if subject in norm(token.sent.text) and not unreal(token.head):
                yield match.group(0)  # "Keto has Yusuf craving bread", "Pescatarian for years"
                continue
        yield token


def _other_in(sentence: Any) -> bool:
    return bool(OTHER_PERSON["they"].search(sentence.text))


_BOSS_ASIDE = re.compile(
    rf"\b(?P<value>(?-i:[A-Z])[\w'’-]+) \({_OWNER} (?:boss|manager|team lead|supervisor)\)",
    re.I,
)


def _managers(doc: Any, subject: str) -> Iterator[Token | str]:
    for aside in _BOSS_ASIDE.finditer(doc.text):  # "Helmut (my boss) wants a deck"
        if aside["name"] is None or norm(aside["name"]) == subject:
            yield aside["value"]
    for said in _said_of_owned(doc, subject, _OWNED_BOSS):
        words = said.split()
        title = words[0].rstrip(".") in ("Mr", "Mrs", "Ms", "Dr") if words else False
        name = words[1 if title else 0] if len(words) > int(title) else ""
        if name[:1].isupper() and name.casefold() not in _NOT_NAME:
            yield f"{words[0]} {name}" if title else name
    for token in doc:
        if not (_proper(token) or is_first_name(token.text)):
            continue
        head = token.head
        if _pobj_of(token, ("to",)) and head.head.lemma_.lower() == "report":
            yield token
        elif token.dep_ in ("attr", "appos") and head.lemma_.lower() in _BOSS:
            yield token  # "his replacement is Malin", "my new boss, Malin"
        elif token.dep_ == "attr" and any(
            c.dep_ == "nsubj" and c.lemma_.lower() in _BOSS for c in head.children
        ):
            yield token
        elif (
            token.dep_ == "nsubj"
            and head.lemma_ == "take"
            and any(c.dep_ == "prt" and c.lower_ == "over" for c in head.children)
        ):
            yield token  # "Priscilla took over"


_PARTNER = {
    "husband": "married",
    "wife": "married",
    "hubby": "married",
    "fiancé": "engaged",
    "fiancée": "engaged",
    "fiance": "engaged",
    "fiancee": "engaged",
    "boyfriend": "in a relationship",
    "girlfriend": "in a relationship",
}


def _relationships(doc: Any, subject: str) -> Iterator[str]:
    for token in doc:
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        if token.lower_ in _PARTNER and owner is not None and _means(owner, subject):
            if not any(c.lower_ in ("ex", "former", "late", "old") for c in token.children):
                yield _PARTNER[token.lower_]  # "my husband" (once "engaged" is known)
            continue
        word = token.lower_.strip(".")
        if token.lemma_.lower() == "divorce" and _FINAL.search(token.sent.text):
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            if (owner is None or _means(owner, subject)) and _said_of(token, subject):
                yield "divorced"  # "since the divorce was finalized"
            continue
        if word in _COUPLE and _said_of(token, subject):
            yield _COUPLE[word]  # "officially Mrs now", "he and his partner are a couple"
        elif word in RELATIONSHIP and token.pos_ == "ADJ" and token.dep_ in ("acomp", "ROOT"):
            if _doer(token.head, subject) and not unreal(token.head):
                yield RELATIONSHIP[word]


_FINAL = re.compile(r"\b(?:final\w*|went through|came through|official|signed|done)\b", re.I)


def _said_of(token: Token, subject: str) -> bool:
    """Whether the clause ``token`` is in is about the subject: its verb's subject is the
    subject's name, I/we, he/she when the sentence is about the subject, or none."""
    verb = token
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if unreal(verb):
        return False
    subjects = [t for t in token.sent if t.dep_ in ("nsubj", "nsubjpass") and t.i != token.i]
    about = bool(subjects) and norm(subjects[0].text) == subject
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    for child in [*verb.children, *(g for a in auxes for g in a.children)]:
        if child.dep_ in ("nsubj", "nsubjpass") and child.i != token.i:
            if child.lower_ in GENDER:
                return about or antecedent(child) == subject
            return child.lower_ in ("i", "we") or norm(child.text) == subject
    return True


_GOAL_VERBS = frozenset("chase target aim attempt pursue train sign register enter".split())


def _goals(doc: Any, subject: str) -> Iterator[Token | str]:
    for token in doc:
        if token.pos_ != "NOUN" or not _RACE.search(_noun_phrase(token)):
            continue
        verb = token.head.head if token.dep_ == "pobj" else token.head
        if token.dep_ in ("pobj", "dobj") and verb.lemma_.lower() in _GOAL_VERBS:
            yield token  # "signed up for my first full marathon", "chasing a 100 kg bench"
        elif token.dep_ == "attr":
            # "new target is a 120 kg deadlift", "Kwame's next race is a 10k" (a goal is
            # ahead by nature: "next" here is no plan of a change)
            aim = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
            if aim is None or aim.lemma_.lower() not in ("goal", "target", "focus", "race"):
                continue
            owner = next((c for c in aim.children if c.dep_ == "poss"), None)
            negated = any(c.dep_ == "neg" for c in token.head.children)
            if (owner is None or _means(owner, subject)) and not negated:
                yield _noun_phrase(token)


_FAVE = r"(?:#1|number one|no\. ?1|top|new favou?rite|favou?rite|fave)"
_DETHRONED = re.compile(
    r"(?P<value>[\w'’ -]{2,60}?) ha(?:s|ve) (?:\w+ ){0,2}?(?:replaced|overtaken|dethroned|beaten|"
    rf"knocked \w+ off) .{{1,60}}? as (?P<owner>my|his|her|[\w-]+['’]s) {_FAVE} (?P<thing>\w+)",
    re.I,
)
_NEW_FAVE = re.compile(
    rf"\b(?:(?P<owner>my|his|her|[\w-]+['’]s|an?) )?new {_FAVE.replace('new favou?rite|', '')} "
    r"(?P<thing>\w+)(?: \w+)?(?: is|:| and it['’]s|,? it['’]s| [—–] it['’]s) "
    r"(?P<value>[^,.;!?—–]{2,40})",
    re.I,
)
# "nothing beats poke, it's my favorite food forever"
_IT_IS_FAVE = re.compile(
    r"(?P<value>[\w'’ -]{2,40}?),? (?:it['’]s|that['’]s|which is) (?P<owner>my|his|her|"
    r"[\w-]+['’]s) (?:all-time |absolute |new |current )?(?:favou?rite|fave) (?P<thing>\w+)",
    re.I,
)
_MAYBE = re.compile(r"\b(?:probably|maybe|possibly|perhaps|going to|gonna)\b", re.I)
_LEADING = re.compile(r"^.*\b(?:but|and|so|tbh|honestly|lol|ok|okay|beats|than|like)[\s,]+", re.I)


def _said_favourite(text: str, subject: str, thing: str) -> Iterator[str]:
    """ "ramen has officially replaced tacos as my #1 food", "a new favourite band and
    it's Khruangbin", "nothing beats poke, it's my favorite food"."""
    for pattern in (_DETHRONED, _NEW_FAVE, _IT_IS_FAVE):
        for match in pattern.finditer(text):
            whose = (match["owner"] or "my").casefold().removesuffix("'s").removesuffix("’s")
            if match["thing"].casefold().rstrip("s") != thing.rstrip("s"):
                continue
            if whose not in ("my", "his", "her", "a", "an", subject):
                continue
            start = match.start("owner") if match["owner"] else match.start()
            if whose != subject and OTHER_PERSON["they"].search(text[:start]):
                continue  # "Jake's sister has a new favourite band"
            words = _LEADING.sub("", match["value"]).split()
            if _NOT_SO.search(match["value"]) or _MAYBE.search(match["value"]):
                continue  # "my new favourite band is probably not going to last"
            if words and not _NOT_SO.search(text[: match.start()]):
                yield " ".join(words[:4] if pattern is _NEW_FAVE else words[-4:])


def _favourite_of(attribute: str) -> Callable[[Any, str], Iterator[Token | str]]:
    thing = attribute.removeprefix("favourite ")

    def read(doc: Any, subject: str) -> Iterator[Token | str]:
        yield from _said_favourite(doc.text, subject, thing)
        for token in doc:
            if token.lemma_.lower() != thing:
                continue
            near = doc[max(0, token.i - 3) : token.i].text.lower()
            if not re.search(r"favou?rite|#1|number one|no\. ?1", near):
                continue
            verb = token.head.head if token.dep_ == "pobj" else token.head
            value = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            as_mine = owner is not None and _means(owner, subject)
            if token.dep_ == "pobj" and token.head.lower_ == "as" and value and as_mine:
                yield _noun_phrase(value)  # "ramen has replaced tacos as my #1 food"
            if not _doer(verb, subject, _OWNED):
                continue
            for conj in (c for c in verb.children if c.dep_ == "conj"):
                named = next((c for c in conj.children if c.dep_ == "attr"), None)
                if named is not None:
                    yield phrase(named).text  # "a new favourite band and it's Khruangbin"

    return read


def _names(doc: Any, subject: str) -> Iterator[Token | str]:
    """ "Emily Nguyen now!" once Emily Carter is known: the first name and a new surname."""
    if not _NAME_CUE.search(doc.text):
        return
    first = re.escape(subject.split()[0])
    for match in re.finditer(rf"(?i:\b{first}) ((?-i:[A-Z])[\w'’-]+)\b(?!['’]s)", doc.text):
        if match.group(1).casefold() not in _NOT_NAME:
            yield match.group(0)


_SCHOOL_CUE = frozenset(
    """sophomore freshman junior senior student study attend enroll transfer semester
    campus library orientation lecture admit master phd degree undergrad""".split()
)


def _schools(doc: Any, subject: str) -> Iterator[Token]:
    """ "a sophomore at UC Davis", "transferred to UCLA", "the library at Universidad de
    los Andes": a name at or to a place of study."""
    for token in doc:
        if _proper(token) and token.dep_ != "compound" and _pobj_of(token, ("at", "to", "into")):
            if _near(token, _SCHOOL_CUE, steps=3) and norm(token.text) != subject:
                yield token


_READERS: dict[str, Callable[[Any, str], Iterator[Token | str]]] = {
    "residence": _residences,
    "employer": _employers,
    "occupation": _roles,
    "major": _majors,
    "vehicle": _vehicles,
    "diet": _diets,
    "manager": _managers,
    "relationship": _relationships,
    "training_goal": _goals,
    "phone": _phones,
    "laptop": _laptops,
    "name": _names,
    "school": _schools,
}
