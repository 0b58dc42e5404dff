"""What a sentence's opening says of the person it goes on to name.

- A gerund as the subject: "Being an accountant in tax season means Farid's weekends
  vanish", "Joining Accenture in March was the best decision — Priya's hours are saner",
  "Switching Rasmus's major to economics has cut the problem sets in half". Who did it or
  is so is the person the sentence goes on to speak of: "Farid is an accountant in tax
  season", "Priya joined Accenture in March". Only what is so or what happened: a state
  with a present main verb ("Being vegan means…", "Working for Telefónica is…"), a change
  with a past one ("Joining Accenture was…", "Switching to Stripe has paid off"). "Living
  in Austin was great" is a past; "Moving to Berlin would be…", "Joining Stripe is a big
  step" may be plans; none of them says anything, nor does a dream, a wish or someone's
  say-so ("Moving to Berlin has been my dream", "Being vegan is hard, Tom says"). A
  participle set off by a comma ("Being a nurse, my mom works nights") is the main
  clause's subject's and is not read here.
- A role or an age before the subject, with a present main verb: "As a nurse on nights
  Svetlana often cannot sleep" says "Svetlana is a nurse on nights"; "At 44 Emeka is the
  oldest player" says "Emeka is 44". "At 18 Sam moved to Berlin" says nothing of now.
- A move before the subject: "Since the move to Bristol Amara has been…", "After moving to
  Leeds, Tom…" says "Amara moved to Bristol" (not "After her move…, Tom…").
- A time spent so far, and a divorce as "the divorce": "Three months pescatarian now and
  Björn doesn't miss beef", "Three weeks in at Paystack now and Chioma…", "The divorce was
  finalized in October, and Anders…". Not a streak broken ("Two weeks vegan and Sam
  cracked").

``opening_clause`` says it as a plain clause for the frames to read.
"""

from __future__ import annotations

import re

from memoryd.memory.fact_lexicon import DIETS, OTHER_PERSON, RACE_OR_LIFT, RELATIVES
from memoryd.memory.fact_subjects import TIME_NAMES
from memoryd.memory.names import is_first_name

__all__ = ["opening_clause"]

# A state the gerund names, said in the present: "Being vegan", "Working for Telefónica".
_STATES = {
    "being": "is", "working": "works", "living": "lives", "studying": "studies",
    "doing": "does", "dating": "dates", "driving": "drives", "teaching": "teaches",
    "training": "trains", "majoring": "majors", "running": "runs",
}  # fmt: skip
_IRREGULAR = {
    "leaving": "left", "quitting": "quit", "getting": "got", "becoming": "became",
    "taking": "took", "buying": "bought", "selling": "sold", "going": "went",
    "beginning": "began", "finding": "found", "making": "made", "winning": "won",
    "choosing": "chose", "landing": "landed", "meeting": "met", "coming": "came",
}  # fmt: skip

# What follows the gerund phrase: the sentence's own verb. Present: the state holds.
_PRESENT = (
    r"is (?:killing|wearing|draining|exhausting|making|giving|teaching|costing|ruining)|"
    r"is|means|makes|has made|keeps|feels|gives|lets|leaves|"
    # "Being single at 30 has its perks"; not "has been", "has changed"
    r"has(?! (?:been|made|taught|brought|cut|[a-z]+ed|[a-z]+en)\b)"
)
# Past, or the perfect: what the gerund names happened.
_PAST = (
    r"was|meant|made|felt|gave|let|left|changed|turned out|proved|paid off|came with|came|"
    r"(?:has|have) (?:been|meant|made|cut|changed|given|let|paid off|turned|proved|saved|"
    r"freed|brought|helped|taught|spoiled|spoilt|ruined|changed|drained|exhausted)|cut|saved|"
    r"freed|brought|helped|"
    # any perfect: "Starting my PhD at Edinburgh has blown my budget"
    r"(?:has|have) (?:[a-z]+ly )?[a-z]{3,}(?:ed|en|wn|ght)"
)
_OPENING = re.compile(
    # "The best part of working for Telefónica is…" says so too
    r"^(?:the (?:[a-z]+ )?(?:part|thing|bit) (?:of|about) )?"
    r"(?P<gerund>[A-Za-z][a-z]+ing)\s+(?P<rest>[^,;:—–!?]{2,80}?)\s+"
    rf"(?:(?P<past>{_PAST})|(?P<present>{_PRESENT}))\b(?P<after>.*)$",
    re.S | re.I,
)
# Whom the rest of the sentence goes on to speak of: a name before its own noun or verb.
_WHOM = re.compile(
    r"(?<![\w'’])(?P<name>(?-i:[A-Z])[\w-]+(?: (?-i:[A-Z])[\w-]+)?)"
    # ("Sam's best friend Aisha": the friend)
    r"(?:['’]s (?:(?:best|little|older|younger|big|baby|twin|step|ex|new|old|late|dear)[- ])*"
    r"(?P<owned>[a-z][\w-]*)| (?:[a-z]+ly |already |still |just |now |never |also )?"
    r"(?:is|has|was|had|does|did|doesn't|didn't|can|can't|got|[a-z]+s|[a-z]+ed)\b)"
)
# Whom the state does something to, right after the sentence's verb: "Living in Accra has
# spoiled Ama for jollof", "Studying at SNU is killing Ji-woo".
_UNDERGOES = re.compile(
    r"\s*(?!(?:Christmas|Easter|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)\b)"
    r"(?P<name>(?-i:[A-Z])[\w-]+)(?P<owned>)(?![\w'’-])"
)
# A name whose thing is a person: then it is that person's (or no one's) gerund.
_PERSON = re.compile(
    rf"(?:(?:{RELATIVES})s?|children|parents?|family|team|company|firm|startup|business|"
    r"employer|school|class)$"
)
_IN_PLACE = re.compile(r"in (?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?")
_OWN = re.compile(r"(?<![\w'’])(?P<name>(?-i:[A-Z])[\w-]+)['’]s (?P<owned>[a-z][\w-]*)")
_UNREAL = re.compile(
    r"\b(?:would|could|might|will|may|if|should|not|never|dream\w*|wish\w*|want\w*|hope\w*|"
    r"goal|plan|plans|idea|option|someday|one day|says|said|thinks|thought|claims|reckons|"
    r"told)\b|n't\b",
    re.I,
)
# Where the sentence moves on to another clause, whose subject the gerund's is not.
_NEXT_CLAUSE = re.compile(r",\s*(?:but|though|although|yet|while|whereas)\b|;")


def _past(gerund: str) -> str:
    if gerund in _IRREGULAR:
        return _IRREGULAR[gerund]
    stem = gerund[:-3]
    if stem.endswith("y"):
        return stem[:-1] + "ied"
    return stem + ("d" if stem.endswith("e") else "ed")


def _gerund_clause(sentence: str, whom: str | None = None) -> str | None:
    """``sentence``'s gerund subject said as a clause of the person it goes on to name;
    None when it opens no other way, is a past state or a plan, or names no one."""
    found = _OPENING.match(sentence.strip())
    if found and found.start("gerund") == 0 and not found["gerund"][:1].isupper():
        return None
    if found is None:
        return None
    # what the sentence goes on to say of a person it names is that person's: "Majoring in
    # architecture means Mateus hasn't slept" negates the sleep, not the major
    named_at = re.search(r"(?<![\w'’])(?-i:[A-Z])[\w-]+", found["after"])
    before_name = found["after"][: named_at.start()] if named_at else found["after"]
    unreal = [m.group(0).casefold() for m in _UNREAL.finditer(found["after"])]
    if any(u not in _NEGATIONS for u in unreal) or _UNREAL.search(before_name):
        return None
    gerund = found["gerund"].casefold()
    if found["present"] and gerund in _STATES:
        verb = _STATES[gerund]
        if gerund == "being" and _IN_PLACE.fullmatch(found["rest"]):
            verb = "lives"  # "Being in Austin means summer is five months long"
    elif found["past"] and gerund not in _STATES:
        verb = _past(gerund)
    elif found["past"] and found["past"].startswith(("has ", "have ")) and gerund != "being":
        # "Living in Accra has spoiled me for jollof": a state, said up to now
        verb = _STATES[gerund]
    else:
        return None
    # "Switching Rasmus's major to economics": whose it is, the phrase says itself
    after = _NEXT_CLAUSE.split(found["after"], maxsplit=1)[0]
    named = _OWN.search(found["rest"]) or _WHOM.search(after) or _UNDERGOES.match(after)
    if named is not None and named["owned"] and _PERSON.match(named["owned"]):
        return None
    who = named["name"] if named is not None else whom
    return f"{who} {verb} {found['rest']}" if who else None


# "As a vegetarian, barbecues are mostly Aisha eating grilled corn": the one person the
# rest names is whom the opening describes, however the sentence is built.
_AS_LOOSE = re.compile(
    r"^As (?P<what>an? (?!(?:kid|child|teen|teenager|boy|girl|result|rule|whole|joke|former|"
    r"ex|future|retired|matter|bonus|reminder|side note)\b)[a-z][\w-]*(?: [a-z][\w-]*){0,2})"
    # the comma may be left out before a name: "As an econ major Kwame should know better"
    r"(?:,|(?= (?-i:[A-Z])[a-z]))"
    r" (?P<rest>.+)$"
)


_AS_IF = re.compile(
    r"\b(?:would|could|might|if|dream\w*|wish\w*|someday|one day|says|said|thinks|thought|"
    r"claims|reckons|told|pretend\w*|imagine)\b|['’]d\b",
    re.I,
)


def _as_of_the_one_named(said: str) -> str | None:
    found = _AS_LOOSE.match(said)
    if found is None or OTHER_PERSON["they"].search(found["rest"]) or _AS_IF.search(said):
        return None  # (what one "should" do as a nurse still says one is a nurse)
    if re.search(r"(?<![\w'’])(?-i:[A-Z])[a-z][\w-]*['’]s\b", found["rest"]):
        return None  # "As a vegan, dinners at Tom's place are tricky": Tom's place
    names = {n for n in re.findall(r"(?<![\w'’])(?-i:[A-Z])[a-z][\w-]*", found["rest"])}
    # a known given name, or the one name the rest opens on as its subject ("Kwame should")
    named = [n for n in names if is_first_name(n) or re.match(rf"{n} {_VERB_NEXT}", found["rest"])]
    if len(named) != 1 or len(names) > 1:
        return None  # nobody, or another name too
    return f"{named[0]} is {found['what']}"


# (a modal or an adverb of the person's habits: "As a tourist Lisbon is cheap" names a city)
_VERB_NEXT = r"(?:should|shouldn't|can|can't|must|never|always|still|often|usually)\b"


_NEGATIONS = frozenset(("not", "never", "n't"))

_REPORTED = re.compile(
    r"^According to (?P<name>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?), (?P<rest>.+)$"
)
_NAMED = r"(?P<name>(?-i:[A-Z])[\w-]+(?: (?-i:[A-Z])[\w-]+)?)(?![\w'’-])"
# The subject's present: "is", "has", "often cannot", "works".
_NOW = (
    r"(?:(?:often|always|usually|still|apparently|really|now|also|just|mostly|currently) )*"
    # not a wish or a plan: "At 40 Sam wants to run a marathon"
    r"(?!(?:wants|hopes|plans|wishes|intends|expects|dreams|needs|would|will|might)\b)"
    r"(?:is|has|can|cannot|can't|feels|gets|keeps|needs|wants|tries|spends|works|lives|"
    r"[a-z]{3,}(?<!ss)(?<!was)(?<!us)s)\b"
)
_AS_ROLE = re.compile(
    r"^As (?P<what>an? (?!(?:kid|child|teen|teenager|boy|girl|result|rule|whole|joke|former|"
    rf"ex|future|retired)\b)(?:(?!['’]s\b)[^,;:—–]){{2,60}}?),? "
    r"(?P<name>(?-i:[A-Z])[\w-]+(?: (?-i:[A-Z])[\w-]+)?)(?![\w-])"
    # "As a nurse doing nights Leilani's sleep is a mess": what is hers, said of now
    rf"(?:['’]s (?P<owned>[a-z][\w-]*))? (?(owned)(?:is|has|feels|gets|keeps)\b|{_NOW})"
)
# "Being seventy-four years of age, Edna finds the print hard to read": a participle set
# off by a comma says what the subject it goes on to name is (not "Being a nurse, Edna's
# mom works nights", whose subject is someone else).
_BEING = re.compile(
    r"^Being (?P<what>(?!(?:there|here|home|away|back|out|in|at|on|with)\b)(?![^,]*['’]s\b)"
    r"(?![^,;:—–]*\b(?:is|was|are|were|has|had|means|meant|makes|made)\b)[^,;:—–]{2,60}), "
    rf"{_NAMED} (?!(?:says|said|thinks|reckons|claims|insists|told)\b){_NOW}"
)
# What is the subject's own life in "As a nurse, my sleep is a mess" (not "my landlord").
_OWN_LIFE = re.compile(
    r"(?:sleep|feet|back|hands|knees|wrists|eyes|skin|body|schedule|hours|days|nights|"
    r"weekends|mornings|evenings|life|shifts|week|commute|diet|budget|work|job|time|"
    r"social|energy|routine|calendar|inbox|phone)$"
)
# an age of 16 or more (not a clock time: "At 10 Sam has a call"), with a state now
_AT_AGE = re.compile(
    r"^At (?P<age>1[6-9]|[2-9]\d)(?! ?(?:am|pm|a\.m|p\.m|o'clock|:))\b,? "
    r"(?P<name>(?-i:[A-Z])[\w-]+(?: (?-i:[A-Z])[\w-]+)?)"
    # "At 44 Kenji's knees are starting to complain": what is his, said of now
    r"(?:['’]s (?P<owned>(?:[a-z]+ ){0,2}?[a-z]+))? "
    r"(?:(?:often|always|usually|still|apparently|really|now|also|just|already|finally) )*"
    r"(?(owned)(?:is|are|has|have|keeps|keep|feels|feel)|"
    r"(?:is|feels|lives|works|can't|cannot|has been|looks|seems))\b"
    r"(?! (?:going to|gonna|hoping|planning)\b)"
)
# "Since the move to Leeds last month, Ana's kitchen is tiny", "Since joining Talabat in
# the summer Hassan's commute has changed": the event, of whom the rest goes on to name
# (by name, or as the owner of what it speaks of).
_SINCE = (
    r"^(?:Since|After|Ever since) (?:(?:the|(?P<owner>(?-i:[A-Z])[\w-]+)['’]s) (?:move|relocation|"
    r"big move) to|(?:moving|relocating|moving over) to|(?P<joining>joining|starting at|"
    r"starting with|starting work at|starting the (?:new )?job at)) "
    r"(?P<place>(?-i:[A-Z])[\w&'’-]+(?: (?-i:[A-Z])[\w&'’-]+)?)"
    # when, said after it: "last month", "in the summer", "in April 2023"
    r"(?: (?:last|this) (?:week|month|year|spring|summer|autumn|fall|winter)|"
    r" in (?:the )?(?:\w+ )?(?:\d{4}|spring|summer|autumn|fall|winter|January|February|March|"
    r"April|May|June|July|August|September|October|November|December)(?: \d{4})?)?,? "
    r"(?P<name>(?-i:[A-Z])[\w-]+(?: (?-i:[A-Z])[\w-]+)?)(?:['’]s (?P<owned>[a-z]+))?(?![\w'’-]) "
    r"(?!(?:would|will|might|could|should|may|and|or)\b)"
)
_SINCE_MOVE = re.compile(_SINCE)
# "Since changing Kwame's major to political science, Kwame has to…", "After trading the
# Civic in for a RAV4 Aaliyah wants…": a change of the person the rest names, said as
# the time since which something holds.
_SINCE_CHANGE = re.compile(
    r"^(?:Since|After|Ever since) (?P<gerund>moving|relocating|joining|starting|leaving|"
    r"quitting|changing|switching|transferring|trading|selling|buying|getting|becoming|"
    r"turning|graduating|going|enrolling) "
)
# Where the change ends and the person it is of is named (the first that fits).
_THEN_NAMED = re.compile(
    r",? (?P<name>(?-i:[A-Z])[\w-]+)(?:['’]s (?P<owned>[a-z]+))?(?![\w'’-])"
    # (the space after is looked at, not taken: the next name may follow at once)
    r"(?= (?!(?:would|will|might|could|should|may|and|or)\b))"
)


_SPELL = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)"
# What a time spent so far says, of whom the sentence goes on to name.
_SO_FAR: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Three months pescatarian now and Björn doesn't miss beef"
    (
        re.compile(
            rf"^{_SPELL} (?:days?|weeks?|months?|years?) (?:fully |strictly )?"
            rf"(?P<what>{DIETS})(?: now)?\b",
            re.I,
        ),
        "is {what}",
    ),
    (
        re.compile(rf"^{_SPELL} (?:days?|weeks?|months?|years?) without (?:any )?meat\b", re.I),
        "is vegetarian",
    ),
    # "Three weeks in at Paystack now and Chioma misses the old crew"
    (
        re.compile(
            # …and "Three months into the job at Klarna now and Lars's commute is longer"
            rf"^{_SPELL} (?:days?|weeks?|months?) (?:in at|into (?:the|a|my) (?:new )?"
            r"(?:job|role|position|gig) (?:at|with)) "
            r"(?P<what>(?-i:[A-Z])[\w&'’.-]*(?: (?-i:[A-Z])[\w&'’.-]*)?)",
            re.I,
        ),
        "works at {what}",
    ),
    # "The divorce was finalized in October, and Anders is running the house"
    (
        re.compile(
            r"^(?:(?:after|since|now that) )?the divorce (?:was|is|got|has been|went) "
            r"(?:finally |officially )?"
            r"(?:finali[sz]ed|final|through|done)\b",
            re.I,
        ),
        "is divorced",
    ),
)


_BROKEN = re.compile(
    r"\b(?:quit|cracked|caved|gave up|stopped|broke|slipped|failed|relapsed|ended|over)\b", re.I
)


def _so_far(said: str) -> str | None:
    for pattern, clause in _SO_FAR:
        found = pattern.match(said)
        if found is None:
            continue
        rest = said[found.end() :]
        whom = _WHOM.search(rest)
        if whom is None or (whom["owned"] and _PERSON.match(whom["owned"])) or _BROKEN.search(rest):
            return None  # "Two weeks vegan and Sam cracked": the streak is over
        what = found.groupdict().get("what") or ""
        return f"{whom['name']} {clause.format(what=what)}"
    return None


# What the speaker aims at next, with the speaker left out: "Next up: a half marathon under
# two hours", "Next up is pulling 405 on deadlift by New Year's".
_NEXT_UP = re.compile(
    r"^Next (?:up|target|goal|challenge|race)(?: is|:| -| —)\s+(?P<goal>[^,;.!?]{3,60})", re.I
)


def opening_clause(sentence: str) -> str | None:
    """What ``sentence``'s opening says of the person it names, as a plain clause; None
    when it opens no such way, or says a past or a plan."""
    said = sentence.strip()
    if reported := _REPORTED.match(said):
        # "According to Tunde, being in Austin means…": the one who said it is whom the
        # gerund is of, when the rest names no one
        rest = reported["rest"][:1].upper() + reported["rest"][1:]
        next_up = _NEXT_UP.match(rest)  # "According to Paloma, next up: a half marathon"
        if next_up and RACE_OR_LIFT.search(next_up["goal"]):
            return f"{reported['name']}'s new goal is {next_up['goal']}"
        return opening_clause(rest) or _gerund_clause(rest, whom=reported["name"])
    if (found := _AS_ROLE.match(said)) and (not found["owned"] or _OWN_LIFE.match(found["owned"])):
        return f"{found['name']} is {found['what']}"
    if found := _BEING.match(said):
        return f"{found['name']} is {found['what']}"
    if said_as := _as_of_the_one_named(said):
        return said_as
    owned = (found["owned"] or "") if (found := _AT_AGE.match(said)) else ""
    if found and (not owned or _OWN_LIFE.match(owned.split()[-1])):
        return f"{found['name']} is {found['age']}"
    found = _SINCE_MOVE.match(said)
    if (
        found
        and found["owner"] in (None, found["name"])
        and not _PERSON.match(found["owned"] or "")
    ):
        if found["joining"]:  # (not "Since the move to Leeds, Ana's sister is lonely")
            return f"{found['name']} joined {found['place']}"
        return f"{found['name']} moved to {found['place']}"
    return _since_change(said) or _so_far(said) or _gerund_clause(said)


_WHEN_WORD = re.compile(TIME_NAMES)


def _since_change(said: str) -> str | None:
    opening = _SINCE_CHANGE.match(said)
    if opening is None:
        return None
    for found in _THEN_NAMED.finditer(said, opening.end() + 2):
        rest = said[opening.end() : found.start()]
        if len(rest) > 60 or re.search(r"[,;:—–!?]", rest):
            return None
        owners = {m["name"] for m in _OWN.finditer(rest)}
        # a name the rest shows as one ("changing Kwame's major…, Kwame"), or a known one
        if not (is_first_name(found["name"]) or found["name"] in owners):
            continue  # "Since trading in the Civic for…": not yet
        if _PERSON.match(found["owned"] or "") or owners - {found["name"]}:
            return None  # "Since joining Meta, Sam's wife…"; "Since getting Tom's car"
        others = {
            n
            for n in re.findall(r"(?<![\w'’])(?-i:[A-Z])[a-z][\w-]*", rest)
            if is_first_name(n) and not _WHEN_WORD.fullmatch(n)
        }
        if OTHER_PERSON["they"].search(rest) or others - {found["name"]}:
            return None  # "Since my sister moved…", "Since joining Google Tom and Sam…"
        return f"{found['name']} {_past(opening['gerund'])} {rest}"
    return None
