"""What counts as a value of an attribute, and when two values are one.

A frame's value slot is checked by kind: a place (a name, or a common noun that names one:
"a small town", not "a new team"), an organisation ("Stripe", "a bakery", not "a living"),
a job title from a lexicon of roles, a school, a field of study, a vehicle, an age. In a
text written without capitals ("just moved to denver"), a place or an organisation may be
in lower case (``CASUAL``, set by the caller for the text being read).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from memoryd.memory.fact_frames import Frame, age_number
from memoryd.memory.fact_lexicon import (
    ACADEMIC,
    DIET,
    LAPTOP,
    NOT_CURRENT_ROLE,
    NOT_EMPLOYER,
    ORGNAME,
    OTHER_PERSON,
    PHONE,
    PLACE_NOUN,
    RELATIONSHIP,
    ROLE_HEADS,
    SCHOOL,
    VEHICLE,
    WORKPLACE,
)
from memoryd.memory.fact_subjects import leading_subject, norm

# Articles in any case; adjectives only in lower case ("New York" keeps its "New").
_STRIP = re.compile(
    r"^(?:(?:(?i:a|an|the|his|her|their|its|my|our)|new|old|used|brand-new|little|own|still)\s+)+"
)
_SPACES = re.compile(r"\s+")
_PRONOUN_VALUE = frozenset("it that this them him her one there here home something".split())
# "whatever someone else is paying for", "anything with cheese": no one value (in lower
# case: "Everything Everywhere All at Once" is a title).
_ANY_AT_ALL = re.compile(
    r"(?:whatever|whichever|whoever|wherever|anything|anyone|anywhere|everything|nothing)\b"
    r"(?! phone)"
)
_STOP_TAIL = re.compile(
    r"\s+(?:at|for|with|in|on|from|since|and|who|which|because|now|these|today|again|too|"
    r"anymore|full-time|part-time|here|there|yet|already|though|last|this|next|ago|"
    r"yesterday|recently|lately)\b.*$"
)
_ARTICLE_NOUN = re.compile(r"^(?:a|an|the)\s+[a-z]")


def canonical(value: str) -> str:
    return norm(_STRIP.sub("", value.strip(" .,;:!?\"'()")))


# Where a title ends and the rest of the sentence starts ("an instructional designer she
# misses the kids" in a run-on chat sentence).
_AFTER_TITLE = frozenset(
    "he she they i we who which that and but so rather instead now "
    # "a nurse doing night shifts", "a designer working remotely"
    "doing working covering pulling running specialising specializing focusing".split()
)


_PRAISE = frozenset(
    "best worst greatest nicest kindest coolest smartest toughest strictest funniest".split()
)


# The work a job is named by: "a nursing job", "a teaching position".
_FIELD_ROLE = {
    "nursing": "nurse", "teaching": "teacher", "accounting": "accountant",
    "bartending": "bartender", "tutoring": "tutor", "consulting": "consultant",
    "engineering": "engineer", "nannying": "nanny", "waitressing": "waitress",
    "lifeguarding": "lifeguard", "paralegal": "paralegal", "barista": "barista",
}  # fmt: skip


# Where people called so live (cities only: a nationality says nothing of a home; nor
# words that are also food, "a hamburger", "milanese").
_DEMONYMS = {
    "mancunian": "Manchester", "glaswegian": "Glasgow", "liverpudlian": "Liverpool",
    "angeleno": "Los Angeles", "capetonian": "Cape Town", "madrileño": "Madrid",
    "madrileno": "Madrid", "parisienne": "Paris", "brummie": "Birmingham",
    "geordie": "Newcastle", "scouser": "Liverpool", "torontonian": "Toronto",
    "edinburgher": "Edinburgh", "aucklander": "Auckland", "haligonian": "Halifax",
    "vancouverite": "Vancouver", "seattleite": "Seattle", "new yorker": "New York",
    "londoner": "London", "berliner": "Berlin", "parisian": "Paris", "bostonian": "Boston",
    "bristolian": "Bristol", "dubliner": "Dublin", "chicagoan": "Chicago",
    "melburnian": "Melbourne", "sydneysider": "Sydney", "viennese": "Vienna",
    "lisboeta": "Lisbon", "barcelonan": "Barcelona",
    "philadelphian": "Philadelphia", "denverite": "Denver", "austinite": "Austin",
    "portlander": "Portland", "atlantan": "Atlanta", "oaklander": "Oakland",
    "san franciscan": "San Francisco", "bruxellois": "Brussels",
    "oxonian": "Oxford", "cantabrigian": "Cambridge", "leodensian": "Leeds",
    "sheffielder": "Sheffield", "novocastrian": "Newcastle", "montrealer": "Montreal",
}  # fmt: skip


def home_of(demonym: str) -> str | None:
    """The place a demonym says one lives in: "Bristolian" Bristol, "Mancunian"
    Manchester; None for a word not known as one ("Christian", "Manager", "Peruvian": a
    faith, a job, a nationality)."""
    return _DEMONYMS.get(demonym.casefold())


_TECHS = [[w] for w in "lab vet pharmacy it sound surgical dental medical nail field".split()]
_DOING = frozenset(
    "seeing dating renting using driving riding eating watching meeting hiring calling "
    "following visiting marrying".split()
)
# Who does for a living what a verb says: "illustrates full-time" is an illustrator.
_DOER = {
    "illustrates": "illustrator", "writes": "writer", "designs": "designer",
    "photographs": "photographer", "paints": "painter", "edits": "editor",
    "translates": "translator", "consults": "consultant", "tutors": "tutor",
    "teaches": "teacher", "lectures": "lecturer", "drives": "driver", "bakes": "baker",
    "freelances": "freelancer",
    "codes": "developer", "programs": "programmer", "streams": "streamer",
    "coaches": "coach", "farms": "farmer", "composes": "composer", "animates": "animator",
}  # fmt: skip


# A word that says whose: "'s" cut off, a name's possessive, a possessive pronoun (not
# "a teacher's aide": a common noun's possessive is part of some titles).
_SOMEONES = re.compile(r"['’]s|(?-i:[A-Z])[\w-]*['’]s|my|his|her|their|our|your", re.I)


def role(value: str) -> str | None:
    words = _STOP_TAIL.sub("", value).split()
    cut = next((i for i, w in enumerate(words) if i and w.casefold() in _AFTER_TITLE), None)
    if cut is not None and any(w.casefold() in _PRAISE for w in words):
        return None  # "the best manager she has ever had" is praise, not a title
    words = words[:cut] if cut is not None else words
    if not words or any(w.casefold().strip("-") in NOT_CURRENT_ROLE for w in words):
        return None
    if words[0] in ("s", "'s", "’s") or any(_SOMEONES.fullmatch(w) for w in words):
        # "is Nadia's new manager": a possessive's tail; "is 45 Ben's doctor wants…":
        # someone's doctor is no job title of theirs
        return None
    while len(words) > 1 and words[0].casefold() in ("now", "a", "an", "officially", "finally"):
        words = words[1:]  # "now a designer" is "designer"
    head = words[-1].casefold()
    head = head.rsplit("-", 1)[-1] if head.rsplit("-", 1)[-1] in ROLE_HEADS else head  # "sous-chef"
    if head == "model" and VEHICLE.search(" ".join(words[:-1])):
        return None  # "a Tesla Model 3": a car
    if head in ("resident", "residents", "local", "locals") and any(w[:1].isupper() for w in words):
        return None  # "an Austin resident" says where someone lives, not their job
    suffix = head.endswith(("ologist", "ician", "grapher", "eer", "ist")) and head not in (
        "list",
        "wrist",
        "twist",
        "artist-in-residence",
        "volunteer",
        "career",
        # what one is like or does, not a job
        "tourist",
        "optimist",
        "pessimist",
        "realist",
        "idealist",
        "perfectionist",
        "minimalist",
        "purist",
        "finalist",
        "cyclist",
        "motorist",
        "racist",
        "sexist",
        "extremist",
        "loyalist",
        "atheist",
        "buddhist",
        "juror",
        "witness",
        "passenger",
        "spectator",
    )
    determiner = len(words) < 2 or words[1].casefold() in ("a", "an", "the", "my", "his", "her")
    if words[0].casefold() in _DOING and determiner:
        return None  # "seeing a therapist", "dating a chef": someone else's job
    if head in ROLE_HEADS or suffix or (head == "tech" and words[-2:-1] in _TECHS):  # "a lab tech"
        return " ".join(words)
    return None


# After "works as a" / "was hired as a" any agent noun is a job ("a software tester", "a
# proofreader", "a moderator"), where "is a runner" or "is a fan" would be none.
_AGENT_NOUN = re.compile(r"[a-z]{3,}(?:er|or|ant|ent|ian|ist|man|woman)")


# "Columbia's summer program", "a coding bootcamp": a course taken, not a school attended.
_SHORT_COURSE = re.compile(r"\b(?:summer|camp|bootcamp|workshop|short course|masterclass)\b", re.I)


def _initials(value: str) -> str | None:
    found = re.match(r"(?-i:[A-Z]{2,6})\b", value)
    return found.group(0) if found else None


def job_as(value: str) -> str | None:
    """The job in "works as {value}": a known title, or any agent noun."""
    if (known := role(value)) is not None:
        return known
    words = _STOP_TAIL.sub("", value).split()
    while len(words) > 1 and words[0].casefold() in ("now", "a", "an"):
        words = words[1:]
    if not words or any(w.casefold().strip("-") in NOT_CURRENT_ROLE for w in words):
        return None
    head = words[-1].casefold()
    return " ".join(words) if _AGENT_NOUN.fullmatch(head) and head not in _NO_JOB else None


# Agent nouns that name no job: "as a beginner", "as a member", "as a parent".
_NO_JOB = frozenset(
    """volunteer vegetarian vegan pescatarian beginner member parent grandparent
    grandmother grandfather mother father homeowner owner runner commuter customer
    newcomer passenger tenant renter resident citizen immigrant expat foreigner
    civilian fan player winner loser learner reader viewer listener user juror witness
    spectator voter donor""".split()
)


_RACE = re.compile(
    r"\b(?:marathon|half|triathlon|race|10k|5k|ultra|ironman|century|meet|tournament|"
    r"championship|competition|swim|ride|trek)\b",
    re.I,
)


# Things one moves over to that are no place and no employer: a device, or a line of work.
_FIELD = re.compile(
    r"\b(?:management|engineering|marketing|sales|design|research|operations|consulting|"
    r"finance|accounting|support|recruiting|leadership|development|analytics|ux|qa)$",
    re.I,
)


_CLOCK = re.compile(
    r"(?:noon|midnight|dawn|dusk|sunrise|sunset)\b|\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m|p\.m|o'?clock)?$",
    re.I,
)


# A field of study as a whole word ("walmart" ends like "art" and is none).
_FIELD_WORD = re.compile(
    r"engineering|science|sciences|studies|[a-z]+ology|[a-z]{3,}ics|law|medicine|nursing|"
    r"history|literature|arts?|design|architecture|philosophy|business|finance|accounting|"
    r"management|chemistry|biology|mathematics|maths?|pharmacy|education|journalism|"
    r"theology|music|film|linguistics|administration"
)


def _not_place(value: str) -> bool:
    # "is in a Kia Sportage these days": a car (though "moved to Lincoln" is a city)
    a_car = _A_THING.match(value) is not None and VEHICLE.search(value) is not None
    # "moved over to computer science": a field of study, said in lower case
    field = value.islower() and _FIELD_WORD.fullmatch(value.split()[-1]) is not None
    return bool(
        PHONE.search(value) or LAPTOP.search(value) or _FIELD.search(value) or a_car or field
    )


# A school no town shares its name with.
_NO_TOWN_SCHOOL = re.compile(
    r"\b(?:universit(?:y|ies)|universidad|universidade|universit[eé]|universit[aä]t|"
    r"universit[aà]|institute|instituto|polytechnic|conservatory|hochschule)\b|"
    r"^(?:ETH|MIT|EPFL|UCLA|NYU|USC|UCSD|UCSB|UCL|UBC|UNC|LSE|KCL|CMU|Caltech)\b",
    re.I,
)

_A_THING = re.compile(r"an? (?:new |used |\d{4} )?(?-i:[A-Z])", re.I)


def _org(frame: Frame, value: str, words: list[str], proper: bool) -> str | None:
    if NOT_EMPLOYER.search(value) or (frame.kind == "company" and SCHOOL.search(value)):
        return None
    if _not_place(value):
        return None  # "switched to a Pixel 8": a phone, not an employer
    if _CLOCK.match(value):
        return None  # "is starting at 9am", "starting at noon": a time
    if proper:
        return value
    if frame.kind == "org" and _ARTICLE_NOUN.match(value) and WORKPLACE.search(words[-1]):
        return value  # "a bakery", not "a living"
    # "left the studio": a workplace named by what it is.
    return value if frame.ends and WORKPLACE.search(words[-1]) else None


def _first_found(pattern: re.Pattern[str], value: str, *, whole: bool = False) -> str | None:
    found = pattern.search(value)
    if found is None:
        return None
    return value if whole else value[found.start() : found.end() if pattern is ORGNAME else None]


def _device(pattern: re.Pattern[str], value: str) -> str | None:
    """The make and model: the words the lexicon knows, and the names and numbers after
    them ("ASUS ROG Zephyrus", not "ASUS ROG Zephyrus mostly")."""
    found = pattern.search(value)
    if found is None or _someone_elses(value[: found.start()]):
        return None
    if _wanted(pattern, value):
        return None
    kept = [value[found.start() : found.end()]]
    for n, word in enumerate(value[found.end() :].split()):
        # "iPhone 15", "MacBook Pro 14"; not "galaxy s24 ultra 2 days ago"
        number = word.isdigit() and (n == 0 or kept[-1][:1].isupper())
        if not (word[:1].isupper() or number or _MODEL_WORD.fullmatch(word)):
            break
        kept.append(word)
    return " ".join(kept)


def _wanted(pattern: re.Pattern[str], value: str) -> bool:
    """ "been eyeing the Framework laptop", "looking at a Rivian": a make looked at, not had."""
    found = pattern.search(value)
    return found is not None and _WANTED.search(value[: found.start()]) is not None


# A model's word as typed in lower case: letters with a digit ("x1", "m3", "s24") or one
# of the words models are named with ("air", "pro", "carbon").
_MODEL_WORD = re.compile(r"[a-z]+\d[\w-]*|\d+[a-z][\w-]*|air|pro|max|ultra|mini|carbon", re.I)


# "Lucas's dorm", "Jonas's last year": a possessive before a common noun names no place.
_SOMEONES_ROOM = re.compile(r"[\w-]+['’]s\s+(?-i:[a-z])")
# Words before a make that say it is looked at, not had.
_WANTED = re.compile(r"\b(?:been|eyeing|looking|considering|wanting|saving)\b", re.I)
# A training goal is a feat: a number, a race or a lift ("10 pull-ups", "a muscle-up").
_FEAT = re.compile(
    r"\d|\b(?:pull[- ]?ups?|push[- ]?ups?|chin[- ]?ups?|muscle[- ]?ups?|deadlift|squat|bench|press|"
    r"marathon|half|10k|5k|ultra|triathlon|ironman|plank|mile|handstand|splits|race)\b",
    re.I,
)


_TRAINING = re.compile(
    r"\b(?:cutting|bulking|fat|muscle|strength|cardio|mobility|flexibility|endurance|weight|"
    r"lifting|running|swimming|cycling|climbing|yoga|sprint\w*|hypertrophy|powerlifting|"
    r"conditioning|toning|stretching)\b",
    re.I,
)


def _someone_elses(words: str) -> bool:
    """ "bought my dad a Chromebook", "his mum's old iPhone 8": a thing of someone else's
    (said before the make it names)."""
    return OTHER_PERSON["they"].search(words) is not None


def _academic(value: str) -> str | None:
    field = _STOP_TAIL.sub("", value)
    return field if ACADEMIC.search(field.split()[-1] if field.split() else "") else None


#: Set while reading a text written without capitals (see ``is_casual``).
CASUAL: ContextVar[bool] = ContextVar("casual", default=False)


@contextmanager
def read_as_typed(text: str) -> Iterator[None]:
    """Read ``text`` with lower-case names allowed if it was typed without capitals."""
    token = CASUAL.set(is_casual(text))
    try:
        yield
    finally:
        CASUAL.reset(token)


_NOT_A_NAME = frozenset(
    """work home school bed church class night nights weekends weekend it there here fear
    peace hope tears love life town bed time times first last least most all once trouble
    shape debt therapy hospital pain charge touch line order public private general fact
    doubt denial shock luck bits pieces person traffic labor labour rehab jail prison court
    college uni university class lectures meetings meeting person agony heaven hell
    practice training lockdown quarantine isolation tech recovery remission hospice
    retirement treatment chemo surgery hr it ops sales marketing finance banking insurance
    retail hospitality healthcare education politics management engineering design law
    medicine nursing consulting research academia publishing media advertising fashion
    construction tourism logistics shipping transit limbo mourning recession crisis
    residence session progress stock town transit""".split()
)


def kind_may_be_lower(kind: str, value: str) -> bool:
    """In casual text, a place or an organisation may be written in lower case, unless the
    value is a common word that names neither ("live in fear", "work at night", "quit
    keto")."""
    first = value.casefold().split()[0]
    return kind in ("place", "org", "company") and not (
        first in _NOT_A_NAME
        or first in DETERMINERS
        or first in _PREPOSITIONS  # "quit in the week of 13 March"
        or _ARTICLE_NOUN.match(value)
        or DIET.fullmatch(value)
    )


_PREPOSITIONS = frozenset(
    "in on at for by from with to of during after before since until this last next".split()
)


# Words before a noun that make it a common one ("joined the call", "moved to the back").
DETERMINERS = frozenset("the a an this that these those my our his her their its some".split())


_WHEN = re.compile(
    r"(?:january|february|march|april|may|june|july|august|september|october|november|"
    r"december|spring|summer|autumn|fall|winter|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|\d{4})\b",
    re.I,
)


def checked(frame: Frame, value: str) -> str | None:
    """The value as stated, if it is of the kind the frame needs; else None."""
    value = value.strip(" .,;:!?\"'")
    if frame.kind == "age":
        return age_number(value)
    if not value or norm(value) in _PRONOUN_VALUE or _ANY_AT_ALL.match(value):
        return None
    words = _STRIP.sub("", value).split() or value.split()
    proper = words[0][:1].isupper() or words[0][:1].isdigit()
    if not proper and CASUAL.get() and kind_may_be_lower(frame.kind, value):
        proper = True
    kind = frame.kind
    if kind == "place":
        if _WHEN.match(value):
            return None  # "moved over in September 2022": a time, not a place
        if _not_place(value):
            return None  # "moved over to a MacBook", "moved to product management"
        if _SOMEONES_ROOM.match(value):
            return None  # "moved into Lucas's dorm", "in Jonas's last year": no place
        if _NO_TOWN_SCHOOL.search(value):
            return None  # "moved to ETH Zurich for the PhD" (though Cambridge is a town)
        # "a small town" is a place; "a new team" is not.
        common = _ARTICLE_NOUN.match(value) and PLACE_NOUN.search(_STOP_TAIL.sub("", value))
        return value if proper or common else None
    if kind in ("org", "company"):
        if _SOMEONES_ROOM.match(value):
            return None  # "a nurse at Nora's local hospital": which one is not said
        return _org(frame, value, words, proper)
    checks: dict[str, Callable[[], str | None]] = {
        "orgname": lambda: _first_found(ORGNAME, value),
        "school": lambda: (
            None if _SHORT_COURSE.search(value) else _first_found(SCHOOL, value, whole=True)
        ),
        # "a first year at UCT", "a student at McGill": the name is a school's
        "enrolled": lambda: _first_found(SCHOOL, value, whole=True) or _initials(value),
        "role": lambda: role(value),
        "job_as": lambda: job_as(value),
        "job": lambda: role(value) or _FIELD_ROLE.get(value.casefold()),
        "doer": lambda: _DOER.get(value.casefold()),
        "demonym": lambda: home_of(value),
        "owner": lambda: f"{value} owner",
        "vehicle": lambda: (
            None
            if _someone_elses(value) or _wanted(VEHICLE, value)
            else _first_found(VEHICLE, value)
        ),
        "phone": lambda: _device(PHONE, value),
        "laptop": lambda: _device(LAPTOP, value),
        "academic": lambda: _academic(value),
        "race": lambda: _first_found(_RACE, value, whole=True),
        "taught": lambda: f"{value} teacher" if _academic(value) else None,
        "feat": lambda: value if _FEAT.search(value) else None,
        # what a focus shifts to: a feat, or a way of training ("cutting fat", "mobility")
        "training": lambda: value if _FEAT.search(value) or _TRAINING.search(value) else None,
        # a name asked to be called by, typed with its capital ("prefer tea from now on" is
        # no name, though Tea is one)
        "given": lambda: value if value[:1].isupper() else None,
    }
    return checks[kind]() if kind in checks else value


def favourite(thing: str) -> str:
    """ "favourite TV show" and "favourite show" are one attribute: its head noun."""
    words = [w for w in norm(thing).split() if w not in _NOT_THING]
    head = words[-1] if words else norm(thing)
    if len(words) > 1:
        return f"favourite {head}"  # "book series", "golf club", "race track": as said
    return f"favourite {_SAME_THING.get(head, head)}"


# Words for one kind of thing: a favourite movie and a favourite film are one favourite.
_SAME_THING = {
    "movie": "film", "novel": "book", "series": "show", "track": "song", "tune": "song",
    "dish": "food", "meal": "food", "cuisine": "food", "club": "team", "record": "album",
    "writer": "author", "colour": "color", "singer": "artist", "musician": "artist",
}  # fmt: skip


_NOT_THING = frozenset("now these days right currently lately too ever of all time".split())


def relationship(value: str) -> str:
    return RELATIONSHIP.get(norm(value), norm(value))


_SINGLE_AGAIN = frozenset(("single", "divorced", "widowed"))
# How a field is said for short.
_FIELD_SHORT = {
    "bio": "biology", "econ": "economics", "econs": "economics", "cs": "computer science",
    "comp sci": "computer science", "compsci": "computer science", "psych": "psychology",
    "chem": "chemistry", "poli sci": "political science", "polisci": "political science",
    "math": "mathematics", "maths": "mathematics", "phys": "physics", "lit": "literature",
    "english lit": "english literature", "biochem": "biochemistry",
    "mech e": "mechanical engineering",
    "stats": "statistics", "philo": "philosophy", "anthro": "anthropology", "soc": "sociology",
    "neuro": "neuroscience", "ee": "electrical engineering", "cogsci": "cognitive science",
}  # fmt: skip


# One diet by its other names.
_DIET_SAME = {
    "veggie": "vegetarian",
    "plant-based": "vegan",
    "plant based": "vegan",
    "pescetarian": "pescatarian",
    "fully vegan": "vegan",
    "strictly vegan": "vegan",
}


def same_value(attribute: str, a: str, b: str) -> bool:
    """Whether two canonical values name the same thing ("austin" and "austin texas" do;
    a different job title never does: a promotion is a change)."""
    if a == b:
        return True
    if attribute == "relationship" and {a, b} <= _SINGLE_AGAIN:
        return True  # "widowed" and "not seeing anyone": one state said two ways
    if attribute == "major":
        a, b = _FIELD_SHORT.get(a, a), _FIELD_SHORT.get(b, b)
        if a == b:
            return True  # "bio" and "biology"
    if attribute == "diet" and _DIET_SAME.get(a, a) == _DIET_SAME.get(b, b):
        return True  # "veggie" and "vegetarian", "plant-based" and "vegan"
    if attribute in ("occupation", "age", "relationship", "diet") or not a or not b:
        return False
    if a.startswith("no ") != b.startswith("no "):
        return False  # "no car" and "car" are not one value
    ta, tb = set(a.split()), set(b.split())
    return ta <= tb or tb <= ta


def is_casual(text: str) -> bool:
    """Whether ``text`` was written without capitals ("just moved to denver lol"): then
    a lower-case value may still be a name of a place, a company or a person. The first
    word, month names and the speaker's name (put there by the rewrite: the subject, a
    possessive, or a name said twice) do not count."""
    text = _OPENER.sub("", text)  # "So Elizabeth has decided…": Elizabeth comes first
    subject = (leading_subject(text) or "").split("'")[0]
    words = text.split()[1:]
    stems = [norm(w).split("'")[0] for w in words]
    named = {
        stem
        for w, stem in zip(words, stems, strict=True)
        if w[:1].isupper() and (w.endswith(("'s", "’s")) or stem == subject)
    }
    named |= {stem for stem, n in Counter(stems).items() if n > 1}
    rest = [w for w, stem in zip(words, stems, strict=True) if stem not in named]
    rest = [w for w in rest if not _MONTH.fullmatch(norm(w)) and w != "I"]
    return len(rest) >= 3 and not any(ch.isupper() for w in rest for ch in w)


_OPENER = re.compile(r"^(?:so|and|but|then|also|plus|now|ok|okay|well|anyway)\b[,\s]*", re.I)
# The date rewrite and the spelling-out of shorthand (``shorthand``) write month and day
# names with a capital, in casual text too.
_MONTH = re.compile(
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
