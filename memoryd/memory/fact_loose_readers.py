"""Where each attribute's value may be in a parsed text, for ``fact_loose``: a home, an
employer, a title, a field, a school, a make owned. A manager and a partner are read in
``fact_loose_people``.

Each reader yields candidate tokens (checked by ``fact_loose`` for whose they are) or
values it has checked itself.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from memoryd.memory.fact_frames import WORK_TALK, Frame
from memoryd.memory.fact_implied import NOT_HAD
from memoryd.memory.fact_lexicon import (
    BORROWED,
    LAPTOP,
    OTHER_PERSON,
    PHONE,
    PLATFORM,
    SCHOOL,
    VEHICLE,
)
from memoryd.memory.fact_parse_base import (
    GENDER,
    ORG_KIND,
    PLACE_KIND,
    antecedent,
    phrase,
    unreal,
)
from memoryd.memory.fact_subjects import TIME_NAMES, norm
from memoryd.memory.fact_values import CASUAL, checked
from memoryd.memory.fact_whose import (
    EMPLOYER_NOUN,
    NOT_SO,
    STAY,
    VEHICLE_KIND,
    WORK_THING,
    is_proper,
    means,
    near,
    pobj_of,
    with_model_number,
)
from memoryd.memory.names import is_first_name

if TYPE_CHECKING:
    from spacy.tokens import Token

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
    engineer developer all-hands standup shift payroll coworker co-worker colleague
    teammate hackathon sprint offsite""".split()
)

_SCHOOL_WORD = frozenset("study major majoring degree student program course".split())

_DRIVE = frozenset("drive own have get buy pick bring upgrade switch trade lease be".split())


# A move wished for or weighed, not made.
_WISHED_MOVE = re.compile(
    r"\b(?:could|would|might|may|should|'d|wanna|want to|wants to|thinking of|considering|"
    r"tempted to|dream of)\s+(?:\w+\s+)?(?:move|moving|relocate|live|settle)\b",
    re.I,
)


def residences(doc: Any, subject: str) -> Iterator[Token | str]:
    places = [
        t
        for t in doc
        if is_proper(t)
        and (t.dep_ != "compound" or t.head.lemma_.lower() in _HOME_NOUN)
        and norm(t.text) != subject
    ]
    for token in places:
        if _WISHED_MOVE.search(token.sent.text) or STAY.search(token.sent.text):
            continue  # "back from a week in Porto, could move there tomorrow"
        if pobj_of(token, ("in", "to")) and near(token, _HOME):
            yield token
        elif pobj_of(token, ("in",)) and token.head.head.lower_ == "here":
            yield _here_in(token)
        elif pobj_of(token, ("from", "in")) and _lives_there(token, subject):
            yield token  # "I'm from Lyon and still live there"
        elif token.dep_ == "compound" and token.head.lemma_.lower() in _HOME_NOUN:
            owner = next((c for c in token.head.children if c.dep_ == "poss"), None)
            if owner is not None and means(owner, subject):
                yield token  # "our Gdańsk flat", "my Honolulu kitchen"
    yield from _around_own_home(doc, subject, places)
    if CASUAL.get() and not STAY.search(doc.text):
        yield from _typed_lower(doc, subject)
    if _NEW_HOME.search(doc.text) and not STAY.search(doc.text):
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


def _here_in(token: Token) -> Token | str:
    """ "my flat here in Wrocław", "the coffee is so cheap here in Istanbul": where the
    speaker is, when nobody else is named (a stay was ruled out before)."""
    if OTHER_PERSON["they"].search(token.sent.text):
        return token  # whose it is, the reader of the token decides
    return checked(PLACE_KIND, phrase(token).text) or token


def _around_own_home(doc: Any, subject: str, places: list[Token]) -> Iterator[str]:
    """The one place of a sentence that speaks of the subject's own home and of nobody
    else: "rent in Lisbon is insane, my flat is tiny", "sunset in Cape Town from my
    balcony never gets old"."""
    for sentence in doc.sents:
        if STAY.search(sentence.text) or _WISHED_MOVE.search(sentence.text):
            continue
        if OTHER_PERSON["they"].search(sentence.text):
            continue
        homes = [
            t
            for t in sentence
            if t.lemma_.lower() in _HOME_NOUN
            and any(c.dep_ == "poss" and means(c, subject) for c in t.children)
        ]
        owned = bool(homes) and not NOT_SO.search(
            # up to the home and the place ("…never gets old" after them says nothing)
            doc[sentence.start : max([h.i for h in homes] + [p.i for p in places]) + 1].text
        )
        here = [
            p
            for p in places
            if p.sent == sentence and p.dep_ == "pobj" and p.head.lower_ in ("in", "from")
        ]
        if owned and len({norm(phrase(p).text) for p in here}) == 1:
            value = checked(PLACE_KIND, phrase(here[0]).text)
            if value is not None:
                yield value


def _typed_lower(doc: Any, subject: str) -> Iterator[str]:
    """Where the subject is, typed in lower case: "Rafael is in austin and needs tacos"."""
    for place in doc:
        verb = place.head.head
        if place.dep_ != "pobj" or place.pos_ != "NOUN" or place.head.lower_ != "in":
            continue
        said_of = {c.dep_ for c in place.children} & {"det", "poss", "amod", "compound"}
        if verb.lemma_ != "be" or said_of:
            continue
        who = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if who is not None and norm(who.text) == subject:
            value = checked(PLACE_KIND, place.text)
            if value is not None:
                yield value


_SOMEONE = re.compile(r"\b(?:his|her|their|my|our|parents|folks|family|kids|people)\b", re.I)


def _lives_there(place: Token, subject: str) -> bool:
    """Whether the subject's own verb of living after ``place`` in its sentence has
    "there" for it (not "his parents still live there", "would love to live there")."""
    for verb in place.sent:
        if verb.i <= place.i or verb.lemma_.lower() != "live" or unreal(verb):
            continue
        if not any(c.lower_ == "there" for c in verb.children):
            continue
        between = place.doc[place.i : verb.i].text
        if OTHER_PERSON["they"].search(between) or _SOMEONE.search(between):
            continue  # "from Lyon and his parents still live there"
        who = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if who is None and verb.dep_ == "conj":
            who = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        if who is not None and (norm(who.text) == subject or who.lower_ in ("i", "he", "she")):
            return True
    return False


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


# The routine of a workplace or a school, said in passing in the speaker's own message:
# "Quarterly planning at Nubank is eating my week", "Infosys is doing another round of
# appraisals", "Shopify standup in 5", "the UCLA library closes at midnight". Read only as
# the value a newer one replaces (no change is said), and only where no one else is
# spoken of.
_WORK_ROUTINE = frozenset(
    """planning all-hands hands standup stand-up retro appraisal review reorg layoff on-call
    sprint offsite hackathon hack break""".split()
)
_EMPLOYER_DOES = frozenset("appraisal review reorg layoff bonus raise promotion".split())
_CAMPUS_THING = frozenset("library dining dorm campus finals midterms registrar".split())
_HEARSAY = re.compile(
    r"\b(?:read|heard|hear|saw|news|reports?|reported|article|apparently|rumou?rs?|says?|said)\b",
    re.I,
)
# A place passed by or stayed at: "walked past the Harvard campus on holiday".
_PASSING_BY = re.compile(
    r"\b(?:holiday|vacation|trip|visit\w*|tour\w*|past|passed|conference|open day)\b", re.I
)
_ORG_NAME = r"((?-i:[A-Z])[\w&'’.-]*(?: (?-i:[A-Z])[\w&'’.-]*){0,2})"
_WORK_WORD = re.compile(r"\b(?:linkedin|work|job|anniversary|team|colleagues?|career)\b", re.I)


def _said_of_work(subject: str) -> re.Pattern[str]:
    """Where the speaker's workplace is the setting of what is said: "At Shopee we have a
    planning week" (written "At Shopee Mei and others have…"), "Deloitte has me working
    till 9"."""
    who = re.escape(subject)
    return re.compile(
        # ("we" as the rewrite has it: "and others", "and her team"; not "Sam and Ana")
        rf"(?:^|[—–-] )at (?!(?:{TIME_NAMES})\b){_ORG_NAME},? (?:{who} and (?:others|(?:his|her|"
        rf"their) [a-z]+)|we)\b|"
        rf"\b{_ORG_NAME} (?:has|had|keeps|kept|is keeping) {who} (?:working(?! out)|on call)\b",
        re.I,
    )


# "hitting 2 years at Flutterwave", where work is spoken of (not "10 years at Lake Como")
_YEARS_AT = re.compile(
    rf"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten) (?:years?|yrs) (?:at|with) "
    rf"{_ORG_NAME}"
)


def _routine_of(doc: Any, subject: str, attribute: str) -> Iterator[str]:
    text = doc.text
    if OTHER_PERSON["they"].search(text) or _HEARSAY.search(text) or _PASSING_BY.search(text):
        return  # someone else's, news ("I read that Infosys is doing layoffs"), a visit
    if attribute == "employer":
        said = [next(g for g in f.groups() if g) for f in _said_of_work(subject).finditer(text)]
        if _WORK_WORD.search(text):
            said += [found.group(1) for found in _YEARS_AT.finditer(text)]
        for org in said:
            if SCHOOL.search(org) or PLATFORM.match(org):
                continue
            if (value := checked(ORG_KIND, org)) is not None:
                yield value
    for token in doc:
        if not is_proper(token) or norm(token.text) == subject or is_first_name(token.text):
            continue
        if attribute == "employer" and _at_work(token) and not PLATFORM.match(token.text):
            if (value := checked(ORG_KIND, phrase(token).text)) is not None:
                yield value  # (not "my Zoom standup")
        elif attribute == "school" and _at_school(token):
            yield phrase(token).text


def _at_work(token: Token) -> bool:
    if pobj_of(token, ("at",)) and near(token, _WORK_ROUTINE, steps=2):
        return True  # "quarterly planning at Nubank"
    if token.dep_ == "compound" and token.head.lemma_.lower() in _WORK_ROUTINE:
        return True  # "Shopify standup in 5"
    does = token.dep_ == "nsubj" and token.head.lemma_.lower() in ("do", "run", "hold")
    return does and any(t.lemma_.lower() in _EMPLOYER_DOES for t in token.head.subtree)


def _at_school(token: Token) -> bool:
    if pobj_of(token, ("at",)) and near(token, _CAMPUS_THING, steps=2):
        return True  # "the dining hall at McGill"
    return (
        token.dep_ == "compound"
        and token.head.lemma_.lower() in _CAMPUS_THING
        and SCHOOL.search(token.text) is not None
    )  # "the UCLA library"


def employers(doc: Any, subject: str) -> Iterator[Token | str]:
    yield from _routine_of(doc, subject, "employer")
    for token in doc:
        if not is_proper(token):
            continue
        verb = token.head.head
        if pobj_of(token, ("at", "for")) and (near(token, _WORK) or _work_is_subject(verb)):
            yield token  # "works at Spotify", "work's been busy at Mercado Libre"
        elif pobj_of(token, ("with",)) and verb.lemma_ == "be" and not is_first_name(token.text):
            yield token  # "is with Accenture"
        elif pobj_of(token, ("at",)) and verb.lemma_ == "be" and _held(token.sent.text):
            yield token  # "I'm at Sainsbury's now, have been since Jan" (not "at Heathrow now")
        elif token.dep_ == "appos" and token.head.lemma_.lower() in EMPLOYER_NOUN:
            yield token  # "my new employer, Klarna"
        elif token.dep_ == "compound" and token.head.lemma_.lower() in WORK_THING:
            if any(c.dep_ == "poss" for c in token.head.children):
                yield token  # "my Vodafone badge", not "the Madrid office"
        elif token.dep_ == "dobj" and token.head.lemma_.lower() == "join":
            yield token
        elif pobj_of(token, ("for", "at")) and token.head.head.lemma_.lower() in WORK_THING:
            thing = token.head.head
            if any(c.dep_ == "poss" for c in thing.children):
                yield token  # "got my badge for Brigham and Women's"


# How long someone has been at a place: a job, not a stop on the way.
_SINCE = re.compile(
    r"\b(?:since (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)\w*|since \d{4}|"
    r"since (?:last|the) (?:month|year|spring|summer|fall|autumn|winter)|(?:for )?(?:a|\d+|two|"
    r"three|four|five|six|several|a few|a couple(?: of)?) (?:months?|years?)(?= now\b)|for (?:a|"
    r"\d+|two|three|four|five|six|several|a few|a couple of) (?:months?|years?))\b",
    re.I,
)


_NOW_THAT = re.compile(r"now that\b", re.I)


def _held(sentence: str) -> bool:
    """Whether being at a place is said as a job: how long ("since Jan", "for two years"),
    or "Now that I'm at KPMG" with work in the sentence."""
    return bool(
        _SINCE.search(sentence) or (_NOW_THAT.match(sentence) and WORK_TALK.search(sentence))
    )


def _work_is_subject(verb: Token) -> bool:
    return any(
        c.dep_.startswith("nsubj") and c.lemma_.lower() in ("work", "job") for c in verb.children
    )


_POST = frozenset("role job position title career shift day week stint gig".split())


# "Twelve-hour shifts as a nurse are wrecking my back", "that's life as a line cook": a
# working life said in passing (of the one the sentence is about, not "my mum's shifts").
_LIFE_AS = re.compile(
    r"(?<!his )(?<!her )(?<!their )\b(?i:shifts?|life|days|nights|years|career|rounds) as an? "
    r"(?P<role>(?:[a-z][\w-]* ){0,2}[a-z][\w-]*)(?=\s*[,.;!—–]|\s+(?:are|is|was|"
    r"were|has|have|keeps?|kept|means?|meant|makes?|made|leaves?|left|and|but|so|I|he|she)\b)"
)
# A working life imagined, not had: "can't imagine life as a doctor", "would love life as…"
_IMAGINED = re.compile(
    r"\b(?:imagine|would|could|might|if|dream\w*|wish\w*|someday|one day|want\w*|hope\w*|"
    r"plan\w*|never)\b|n['’]t\b",
    re.I,
)


def _life_as(doc: Any, subject: str) -> Iterator[str]:
    text = doc.text
    for found in _LIFE_AS.finditer(text):
        if _IMAGINED.search(text[: found.start()]):
            continue
        before = text[max(0, found.start() - 40) : found.start()]
        owner = _OWNER_BEFORE.search(before)
        if OTHER_PERSON["they"].search(before) or (owner and norm(owner["name"]) != subject):
            continue  # "my sister's long shifts as a nurse", "Tom's night shifts as a…"
        value = checked(_ROLE_FRAME, found["role"])
        if value is not None:
            yield value


_ROLE_FRAME = Frame("occupation", re.compile(""), "role")
_OWNER_BEFORE = re.compile(r"(?P<name>(?-i:[A-Z])[\w-]+)['’]s (?:[\w-]+ ){0,2}$")


def roles(doc: Any, subject: str) -> Iterator[Token | str]:
    yield from _life_as(doc, subject)
    for token in doc:
        if token.pos_ not in ("NOUN", "PROPN"):
            continue
        verb = token.head.head
        said = verb.lemma_.lower() in ("promote", "hire") or (
            verb.lemma_.lower() == "work" and verb.tag_ != "VBD"  # "worked as" is the past
        )
        if pobj_of(token, ("as", "to")) and said:
            yield token  # "working as a sales rep", "promoted to senior UX designer"
        elif pobj_of(token, ("as",)) and verb.lemma_.lower() in _POST:
            yield token  # "my new role as a UX researcher", "first shift as a paramedic"
        elif token.dep_ == "attr" and token.head.lemma_ == "be" and token.head.dep_ == "pcomp":
            yield token  # "being a midwife is the best"


# Words before "major" that say which one, not in what: "the only English major left".
_NOT_A_FIELD = frozenset(
    "only other first last same new former double intended prospective declared future "
    "current old second another".split()
)


def majors(doc: Any, subject: str) -> Iterator[Token | str]:
    for token in doc:
        if token.lemma_.lower() == "major" and token.pos_ == "NOUN":
            field = [
                c
                for c in token.children
                if c.dep_ in ("compound", "amod") and c.lower_ not in _NOT_A_FIELD
            ]
            like = [c for c in token.children if c.dep_ == "prep" and c.lower_ == "like"]
            whom = [o for p in like for o in p.children if o.dep_ == "pobj"]
            if field and (not whom or norm(whom[0].text) == subject):
                # "econ major here", "biochem majors like Sara"
                yield " ".join(t.text for t in field[0].subtree)
        if token.pos_ in ("NOUN", "PROPN") and pobj_of(token, ("in",)):
            head = token.head.head
            if head.lemma_.lower() in _SCHOOL_WORD or head.lemma_ == "be":
                yield token  # "majoring in biology", "now that I'm in aerospace engineering"


# An owner's noun and what is said to be it: "Dana's car's a 2018 Subaru Outback", "my
# team lead Yael is super supportive", "his boss, Malin, …".
OWNER = r"(?:my|his|her|(?P<name>(?-i:[A-Z])[\w-]+)['’]s)"

SAID_TO_BE = (
    r"(?:['’]s|\s+is|,)?\s+(?:an?\s+|the\s+)?(?P<value>(?:(?:Mr|Mrs|Ms|Dr)\.?\s)?[^,.;!?—–]+)"
)

_OWNED_VEHICLE = re.compile(
    rf"\b{OWNER}\s+(?:(?:new|current|trusty|little|beloved)\s+)?(?:car|truck|ride|bike|"
    rf"motorcycle|motorbike|scooter|daily driver|daily|wheels){SAID_TO_BE}",
    re.I,
)


def said_of_owned(doc: Any, subject: str, pattern: re.Pattern[str]) -> Iterator[str]:
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
            if not NOT_SO.search(near) and not BORROWED.search(text):
                yield match["value"]


_GENERIC_VEHICLE = frozenset(
    """car truck suv van minivan pickup motorcycle motorbike scooter ev sedan hatchback
    convertible coupe wagon hybrid""".split()
)

_BEFORE_MAKE = re.compile(
    r"\b(?:my|his|her|our|their|(?P<name>(?-i:[A-Z])[\w-]+)['’]s)\s+"
    r"(?P<between>(?:[a-z0-9][\w-]*\s+){0,2}(?:(?-i:[A-Z])[a-z]+\s+)?)$"  # "my cracked Samsung"
)
# Between the owner and the make: a person, or an article that opens a phrase of its own.
_NOT_OWN_MAKE = re.compile(rf"{OTHER_PERSON['they'].pattern}|\b(?:a|an|the)\b", re.I)

_MAKE_WORDS = re.compile(r"[\w.-]+(?:['’]s)?")


# A word of a model's name however it is typed: "air", "pro max", "m1", "s21", "6a".
_MODEL_WORD = re.compile(
    r"(?:air|pro|max|mini|plus|ultra|se|lite|note|edge|fold\d*|flip\d*|[a-z]{0,2}\d+[a-z]{0,2})"
    r"(?:['’]s)?",
    re.I,
)


def _owned_makes(doc: Any, subject: str, lexicon: re.Pattern[str]) -> Iterator[str]:
    """A make the subject is said to own, by a possessive before it: "my Mazda3's
    check-engine light", "Dmitri's ThinkPad X1 Carbon", "my cracked iPhone 12"."""
    if BORROWED.search(doc.text):
        return
    text = doc.text
    said_to = 0  # where the last make read ends: "their Subaru Outback" is one car
    for found in with_model_number(lexicon).finditer(text):
        if found.group(0).casefold() in _GENERIC_VEHICLE or found.start() < said_to:
            continue
        owner = _BEFORE_MAKE.search(text[max(0, found.start() - 80) : found.start()])
        if owner is None or (owner["name"] is not None and norm(owner["name"]) != subject):
            continue
        if _NOT_OWN_MAKE.search(owner["between"]):
            continue  # "bought my dad an iPhone 15": the dad's
        start = max(0, found.start() - 80) + owner.start()
        if owner["name"] is None and OTHER_PERSON["they"].search(text[max(0, start - 30) : start]):
            continue
        words: list[str] = []
        for word in _MAKE_WORDS.findall(text[found.start() :])[:4]:
            if words and not (word[:1].isupper() or _MODEL_WORD.fullmatch(word)):
                break  # "my macbook air m1 gets hot" is typed in lower case
            words.append(word)
            if word.endswith(("'s", "’s")):
                break
        value = " ".join(words).removesuffix("'s").removesuffix("’s").rstrip(".,")
        if value:
            said_to = found.start() + len(" ".join(words))
            yield value


# A device the subject works on: "Vikram edits his videos on a Dell XPS 13".
_WORKS_ON = re.compile(r"\b(?:on|from|using) (?:a|an) (?:\d{4} |new |brand-new )?$")
_TRIED = re.compile(r"\b(?:test\w*|tried|trying|played|plays|playing|at (?:the|a) \w+)\b", re.I)


def _worked_on(doc: Any, subject: str, lexicon: re.Pattern[str]) -> Iterator[str]:
    """A device the sentence's subject (the subject) does something on."""
    if BORROWED.search(doc.text):
        return
    for sentence in doc.sents:
        text = sentence.text
        if norm(text.split(" ", 1)[0]) != subject or NOT_HAD.search(text) or _TRIED.search(text):
            continue
        for found in with_model_number(lexicon).finditer(text):
            before = text[: found.start()]
            if not _WORKS_ON.search(before) or OTHER_PERSON["they"].search(before):
                continue
            words = itertools.takewhile(
                lambda w: w[:1].isupper() or w[:1].isdigit(), text[found.start() :].split()
            )
            value = " ".join(words).rstrip(".,;!")
            if value:
                yield value


def phones(doc: Any, subject: str) -> Iterator[Token | str]:
    yield from _owned_makes(doc, subject, PHONE)
    yield from _worked_on(doc, subject, PHONE)


def laptops(doc: Any, subject: str) -> Iterator[Token | str]:
    yield from _owned_makes(doc, subject, LAPTOP)
    yield from _worked_on(doc, subject, LAPTOP)


def vehicles(doc: Any, subject: str) -> Iterator[Token | str]:
    if BORROWED.search(doc.text):
        return
    yield from _owned_makes(doc, subject, VEHICLE)
    for said in said_of_owned(doc, subject, _OWNED_VEHICLE):
        found = VEHICLE.search(said)
        if found is None:
            continue
        words = said.split()
        named = list(itertools.takewhile(lambda w: w[:1].isupper() or w[:1].isdigit(), words))
        value = checked(VEHICLE_KIND, " ".join(named) if named else said[: found.end()])
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


_SCHOOL_CUE = frozenset(
    """sophomore freshman junior senior student study attend enroll transfer semester
    campus library orientation lecture admit master phd degree undergrad exam lecturer
    professor class course coursework dorm tuition year midterm midterms finals""".split()
)


def schools(doc: Any, subject: str) -> Iterator[Token | str]:
    """ "a sophomore at UC Davis", "transferred to UCLA", "the library at Universidad de
    los Andes": a name at or to a place of study."""
    yield from _routine_of(doc, subject, "school")
    for token in doc:
        if is_proper(token) and token.dep_ != "compound" and pobj_of(token, ("at", "to", "into")):
            if near(token, _SCHOOL_CUE, steps=3) and norm(token.text) != subject:
                yield token
