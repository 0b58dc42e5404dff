"""The frames that say a subject has one value of a single-valued attribute.

A frame is a verb pattern with a value slot: "lives in <place>", "works at <company>",
"is a <role>", "turned <age>", "<subject>'s favourite <thing> is <value>". A frame
matches in a clause after the subject; the subject itself is parsed in ``facts``. Change
cues (moved, switched, joined, sold ... bought, turned, got married) are frames too, so a
new value is recognised however it is announced. ``ENDS`` frames close a value without
naming a new one ("quit her job at Google", "sold the Civic", "is no longer vegan").

Values are checked by kind (a place, an organisation, a role, a vehicle, ...), which keeps
"joined a book club" from being an employer and "is a big fan" from being a job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from memoryd.memory.fact_lexicon import DIETS

# Words a value does not run into: they start the next phrase of the clause.
_STOP = (
    r"since|for|with|and|but|because|last|this|these|next|ago|on|in|at|to|from|when|after|"
    r"before|as|who|which|where|while|so|now|recently|yesterday|today|tonight|tomorrow|"
    r"anymore|again|too|instead|rather|though|although|until|till|during|by|or|if|than|then|"
    r"already|still|finally|officially|full-time|part-time|back|over|here|there|and|"
    r"around|about|near|all|every|each|which|that|just|really|actually|soon|done|over|"
    r"complete|completed|finished|went|was|is|has|have|had|are|were|lol|lmao|haha\w*|tbh|btw|"
    r"omg|imo|ngl|rn|"
    r"starting|beginning|effective|means|meant|"
    # a time said after the value: "at ikea corporate 6 yrs now"
    r"\d+ ?(?:yrs?|years?|mos?|months?|wks?|weeks?|days?)"
)
VALUE_STOP = _STOP
_TOKEN = r"(?:(?-i:St|Mt|Ft|Dr)\.|[\w&'’.-]*\w[\w&'’.-]*(?<!\.))"
VALUE = rf"(?P<value>{_TOKEN}(?: (?!(?:{_STOP})\b){_TOKEN}){{0,4}})"
# A title runs on through "and", "&", "of the" to the next capital: "Pride and Prejudice",
# "Simon & Garfunkel", "The Lord of the Rings".
TITLE_VALUE = (
    r"(?P<value>(?-i:[A-Z0-9])[\w'’.-]*(?: (?:(?:(?:and|&)(?! (?-i:[A-Z])[a-z]+ [a-z])|of|of the|"
    r"in the|on the|in|on|at|to|for|with|from|a|the) )?(?-i:[A-Z0-9])[\w'’.-]*(?<!\.)){0,7}"
    r"(?![\w'’-])|"
    rf"{_TOKEN}(?: (?!(?:{_STOP})\b){_TOKEN}){{0,4}})"
)
_ADV = (
    r"(?:(?:finally|just|recently|now|officially|actually|also|already|currently|still|"
    r"then|eventually|newly|happily|proudly|at last|even|really|totally|fully|somehow|"
    r"suddenly|last week|this week|today|yesterday)\s+)*"
)
_PHRASE = (
    r"(?:as|since|for|with|and|but|because|in|at|to|from|on|when|after|before|by|until|till|"
    r"or|so|then|now|today|yesterday)\b"
)
# A name's possessive is an article only before a noun: "joined Sainsbury's as of May".
_ART = rf"(?:(?:a|an|the|his|her|their|its|my|our|(?-i:[A-Z])[\w-]+(?:'s|’s)(?!\s+{_PHRASE}))\s+)?"
# "is officially a lawyer", "is now vegan": adverbs between the verb and what it says.
_ADV2 = (
    r"(?:(?:now|officially|finally|currently|still|also|already|actually|happily|proudly|"
    r"fully|newly|just|basically|mostly|pretty much)\s+)*"
)
_POSS = r"(?:'s|’s)"

_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}  # fmt: skip
AGE = r"(?P<value>\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"  # noqa: E501


_ORDINALS = {
    "first": "one", "second": "two", "third": "three", "fourth": "four", "fifth": "five",
    "sixth": "six", "seventh": "seven", "eighth": "eight", "ninth": "nine", "tenth": "ten",
    "eleventh": "eleven", "twelfth": "twelve", "thirteenth": "thirteen",
    "fourteenth": "fourteen", "fifteenth": "fifteen", "sixteenth": "sixteen",
    "seventeenth": "seventeen", "eighteenth": "eighteen", "nineteenth": "nineteen",
    "twentieth": "twenty", "thirtieth": "thirty", "fortieth": "forty", "fiftieth": "fifty",
    "sixtieth": "sixty", "seventieth": "seventy", "eightieth": "eighty", "ninetieth": "ninety",
}  # fmt: skip
ORDINAL = "|".join(_ORDINALS)


def age_number(text: str) -> str | None:
    """'30', 'thirty', 'thirty-one', 'thirty-first' or 'the big 3-0' as digits; None for
    anything else."""
    text = text.casefold()
    if big := re.fullmatch(r"([1-9])-?[0o]", text):  # "the big 4-0"
        return str(int(big[1]) * 10)
    parts = re.split(r"([- ])", text)
    text = "".join(_ORDINALS.get(p, p) for p in parts)
    if text.isdigit():
        return text if 0 < int(text) < 130 else None
    parts = re.split(r"[- ]", text)
    if parts[0] in _TENS:
        unit = _NUMBER_WORDS.index(parts[1]) + 1 if len(parts) > 1 else 0
        return str(_TENS[parts[0]] + unit)
    if parts[0] in _NUMBER_WORDS:
        return str(_NUMBER_WORDS.index(parts[0]) + 1)
    return None


# After an age: "years old", or nothing that makes the number a count of something else.
_AGE_END = (
    r"(?:(?: years old| years of age| years young)|(?![\w-]|\s*(?:%|percent|minutes?|mins?|"
    r"hours?|days?|weeks?|months?|km|miles?|kilometers?|metres?|meters?|feet|foot|inches|kg|"
    r"kilos?|lbs?|pounds?|dollars?|euros?|times|people|kids|children|cats|dogs|books|"
    r"countries|mph|kph|bpm|k\b|(?!(?:as|is|was|this|yes)\b)[a-z][a-z-]*s)\b))"
)


@dataclass(frozen=True, slots=True)
class Frame:
    """``pattern`` matches a predicate; ``kind`` checks its value; ``ends`` closes it."""

    attribute: str
    pattern: re.Pattern[str]
    kind: str = "any"
    ends: bool = False
    fixed: str | None = None  # the value, when the frame itself says it ("went vegan")
    # What the whole text must also say for the frame to count ("is at Stripe now" is a
    # job only where work is mentioned; elsewhere it may be a stop on a trip).
    context: re.Pattern[str] | None = None


def _frame(attribute: str, rx: str, kind: str = "any", *, ends: bool = False,
           fixed: str | None = None, context: str | None = None) -> Frame:  # fmt: skip
    needs = re.compile(context, re.I) if context else None
    return Frame(attribute, re.compile(rx, re.I), kind, ends, fixed, needs)


_WORK_TALK = (
    r"\b(?:job|jobs|work|works|worked|working|joined|hired|role|team|pay|paid|salary|raise|"
    r"office|boss|manager|company|employer|position|colleagues?|coworkers?|offer|onboarding|"
    r"401k|pension|benefits|promotion|promoted|timesheets?|billable|payroll|resigned|"
    r"hackathon|standup|stand-up|all-hands|sprint|offsite|on-call|"
    # "at Stripe a month now since leaving Spotify": a place of work left for another
    r"(?:since|after) (?:leaving|quitting) (?=(?-i:[A-Z])))\b"
)
WORK_TALK = re.compile(_WORK_TALK, re.I)


# Where a text speaks of studying: a name it says someone moved to may be a school.
_STUDY_TALK = (
    r"\b(?:semester|term|campus|classes|class|uni|university|college|school|study|studying|"
    r"students?|credits?|freshers|dorm|halls|library|lectures?|lecturer|professors?|major|"
    r"degree|course|courses|coursework|exams?|tuition|grad|undergrad|transcript|faculty)\b"
)

# The speaker's own boxes ("the last of my boxes", written "the last of Priya's boxes"):
# not "his mum's stuff", nor a stay ("unpacking at the hotel in Paris").
_OWN_BOXES = (
    r"(?:the last of |all of |all )?(?:the |(?P<whose>(?-i:[A-Z])[\w-]+)['’]s )?(?:last )?"
    r"(?:boxes|box|stuff|things|bags|belongings)"
)
# A name signed with, in or out of quotes: "'Ben'", not "Best regards".
_SIGNED = (
    r"['‘’\"]?(?!(?:Best|Kind|Warm|Warmly|Regards|Cheers|Thanks|Thank|Sincerely|Yours|Love|"
    r"Respectfully|Arial|Helvetica|Calibri|Times|Bold|Italic)\b)"
    r"(?P<value>(?-i:[A-Z])[\w-]+)['’\"]?(?=\s*(?:[,.!;]|$)| (?:and|since|now|at|on)\b)"
)

# What only a school has (a workplace has classes and a campus too).
LECTURES = re.compile(
    r"\b(?:lectures?|lecturers?|semester|professors?|midterms|exams|coursework|tuition|dorm)\b",
    re.I,
)

# What one is "married to" in a figure of speech: "married to my job".
_NOT_SPOUSE = (
    r"(?:job|work|career|craft|phone|desk|laptop|business|company|studies|art|music|gym|team)\b"
)

_RESIDENCE_VERB = (
    r"(?:lives|is living|is now living|are now living|is currently living|has been living|"
    r"has lived|resides|is residing|is based|is now based|"
    r"is settled|are living|live|reside|are based|have been living|have lived|call|calls|"
    r"living|based|settled)"
)
_MOVE_VERB = (
    r"(?:moved|has moved|have moved|relocated|has relocated|have relocated|settled|emigrated|"
    r"immigrated|moved house|moved back|moved over|moved out|moved down|moved up|upped sticks)"
)
_HOME = (
    r"(?:house|home|apartment|flat|place|condo|townhouse|bungalow|cottage|loft|studio|room|"
    r"dorm|bedsit|duplex|unit)"
)
_JOB = r"(?:job|position|role|gig|internship|post|contract)"
_ROLE_NP = r"(?P<value>(?:(?:[a-z][\w-]*|(?-i:[A-Z]{2,4}))\s+){0,3}[a-z][\w-]*)"
_HIRED = r"(?:got hired|was hired|has been hired|were hired|got recruited|was recruited|got poached|was poached)"  # noqa: E501

FRAMES: tuple[Frame, ...] = (
    # residence
    _frame("residence", rf"^{_ADV}(?:unpacked|has unpacked|signed a lease|signed the lease|settled in|got settled|found a place|bought a (?:house|flat|place|condo|home)).{{0,40}}? (?:out |up |down )?here in {VALUE}", "place"),  # noqa: E501
    # "is finally done unpacking in Austin", "got the last of the boxes unpacked in Leeds"
    _frame("residence", rf"^{_ADV}(?:is |has )?(?:(?:finally|just|all|almost|nearly) )*(?:done|finished) unpacking (?:{_OWN_BOXES} )?(?:in (?:the|his|her|their|[\w-]+['’]s) new (?:apartment|flat|place|house|home|condo) )?(?:here |over here |out here |up here )?in {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}got {_OWN_BOXES} unpacked (?:here |over here |out here |up here )?in {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}{_RESIDENCE_VERB} (?:with [\w'’ ]{{1,30}}? )?(?:just |right |somewhere |not far )?(?:in|at|near|outside|on) {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}{_RESIDENCE_VERB} in {_ART}(?:[a-z][\w-]* ){{0,2}}{_HOME} (?:in|near|outside) {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}(?:has|have) been (?:living )?in {VALUE}(?= for (?:years|ages|a long time|a decade|decades|\d+ years|over a year|most of))", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}signed (?:a|the) (?:new )?lease (?:in|for a place in|on a place in|on an apartment in) {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}{_MOVE_VERB} (?:back |over |out |down |up )?(?:in)?to {_ART}(?:new )?{_HOME} in {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}{_MOVE_VERB} (?:back |over |out |down |up |all the way )?(?:to|in|into) {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}(?:made|has made) the (?:big |final )?(?:move|jump|leap) (?:over |back )?to {VALUE}", "place"),  # noqa: E501
    # "we're in Seattle now", where the turn is about moving (not "in Paris now for a talk")
    _frame("residence", rf"^{_ADV}(?:is|are) (?:now |finally |officially )?(?:all )?(?:settled )?in {VALUE}(?= now\b| for good\b)", "place", context=r"\b(?:mov(?:e|ed|ing)|movers|relocat\w+|unpack\w*|new (?:place|apartment|house|flat|home)|lease)\b"),  # noqa: E501
    _frame("residence", rf"^{_ADV}(?:bought|got|found|closed on|signed (?:a|the) lease (?:on|for)|rents|is renting|owns|shares|moved into|has) {_ART}(?:[a-z][\w-]* ){{0,2}}{_HOME} in {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}(?:now )?calls? {VALUE} home\b", "place"),
    _frame("residence", rf"^{_ADV}(?:is|are) (?:now )?(?:officially|permanently|finally settled|all settled|settled) (?:in|living in) {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_POSS} (?:new )?{_HOME} is (?:now )?(?:in|on|near) {VALUE}", "place"),
    _frame("residence", rf"^{_ADV}(?:got|picked up|has) the keys (?:to|for) .{{0,40}}?{_HOME} in {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}(?:is|are) (?:now |officially |finally )*(?:an? )?(?:proud |new )?(?P<value>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?) (?:residents?|local|locals)\b", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}(?:settled|unpacked|moved) (?:in|into) (?:[\w'’]+ ){{0,2}}new {_HOME} in {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}(?:is|are) (?:now )?(?:an? )?(?:proud )?residents? of {VALUE}", "place"),  # noqa: E501
    # "officially a Bristolian now", "finally a Londoner"
    _frame("residence", rf"^{_ADV}(?:is|are) (?:now |officially |finally |basically )+(?:an? )(?:proud |new |true |real )?(?P<value>(?-i:[A-Z])[a-z]+(?:ian|er|ite|ean|ano|eno))s?\b(?! (?:fan|style|food|accent|band|team|club|museum|restaurant|restaurants|newspaper|magazine)\b)", "demonym"),  # noqa: E501
    _frame("residence", rf"^{_POSS} (?:new )?(?:home|address|place) is (?:now )?(?:(?:a|an|the) (?:[a-z-]+ ){{0,3}}{_HOME} )?(?:in |near |outside )?(?!(?:a|an|the|where|what|how|not)\b){VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^(?:\w+|\d+) (?:days?|weeks?|months?) into (?:(?:my|his|her|their|our) )?(?:new )?(?:life|living|being) (?:in|here in) {VALUE}", "place"),  # noqa: E501
    _frame("residence", rf"^{_ADV}(?:no longer|doesn't|does not) (?:lives?|live) in {VALUE}", "place", ends=True),  # noqa: E501
    _frame("residence", rf"^{_ADV}(?:moved|has moved|moved away|moved out) (?:away )?from {VALUE}", "place", ends=True),  # noqa: E501
    # employer
    _frame("employer", rf"^{_ADV}(?:works|is {_ADV2}working|has been working|has worked|is employed|started working|began working|now works|works full-time|works part-time|work|are working) (?:from home |remotely |remote |full[- ]time |part[- ]time )?(?:at|for|with|by) {VALUE}", "org"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:joined|has joined) {_ART}{VALUE}", "org"),
    _frame("employer", rf"^{_ADV}(?:is|has been) (?:now )?(?:in the employ of|on the payroll (?:of|at)|employed by) {_ART}{VALUE}", "org"),  # noqa: E501
    # "is working in Infosys since 2019 in the testing team": said so by speakers of languages
    # that say "in" for "at"; a team of it must follow ("works in London" is a city)
    _frame("employer", rf"^{_ADV}(?:works|is working|has been working|has worked) in {VALUE}(?: since \d{{4}})?(?= in the [\w -]{{1,30}}(?:team|squad)\b)", "company"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:is|has been) {_ADV2}(?:an )?employee (?:of|at) (?!the (?:month|year|week)\b){_ART}{VALUE}", "org"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:joined|has joined|started at|works at|works for) {_ART}(?:[a-z][\w-]* ){{0,3}}(?:startup|start-up|company|firm|agency|studio|lab|shop|business|nonprofit|non-profit) (?:called|named) (?P<value>(?-i:[A-Z])[\w&'’-]+(?:(?: &| and)? (?-i:[A-Z])[\w&'’-]+){{0,2}})", "any"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:handed in|gave|put in|submitted|tendered) {_ART}(?:two weeks' )?(?:notice|resignation) (?:at|to) {_ART}{VALUE}", "org", ends=True),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:started at|began at|started over at|is now at|landed at) {VALUE}", "company"),  # noqa: E501
    # "switched to Verizon", "switched to decaf", "moved over to Linux": a carrier, a drink,
    # a tool, unless the text speaks of work ("switched to Stripe, new team is great")
    _frame("employer", rf"^{_ADV}(?:switched to|moved over to|switched over to|started with) {VALUE}", "company", context=_WORK_TALK),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:got|landed|started|began|took|accepted|has|scored|snagged|started a|signed) {_ART}(?:new |dream |first |full-time |part-time )?{_JOB}(?: offer)? (?:at|with|for) {_ART}{VALUE}", "org"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:accepted|took|signed) {_ART}(?:job |new )?offer (?:from|at|with) {VALUE}", "org"),  # noqa: E501
    # "took the Sony offer", "accepted the Klarna job offer"
    _frame("employer", rf"^{_ADV}(?:accepted|took|signed) the (?P<value>(?-i:[A-Z])[\w&'’.-]+(?: (?-i:[A-Z])[\w&'’.-]+){{0,2}}) (?:job )?offer\b", "org", context=r"\b(?:job|role|position|team|salary|quit|left|resigned|notice|hired|onboarding|first (?:day|week)|starts? (?:on|monday|next))\b"),  # noqa: E501
    _frame("employer", rf"^{_ADV}got {_ART}(?:job |new )?offer (?:from|at|with) {VALUE}(?= and (?:accepted|took|signed))", "org"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:starts|is starting|started|begins|is beginning) (?:at|with) {VALUE}", "company"),  # noqa: E501
    # "my final day at Siemens — starting at Bosch on Monday!"
    _frame("employer", rf"^starting (?:at|with) {VALUE}", "company", context=r"\b(?:(?:last|final) day|job|role|position|offer|hired|quit|left|resigned|notice|onboarding)\b"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:is|are) {_ADV2}(?:settling in|getting settled in|getting settled|onboarding|ramping up|finding (?:his|her|their) feet) (?:at|with) {VALUE}", "company", context=_WORK_TALK),  # noqa: E501
    _frame("employer", rf"^{_POSS} (?:last|final) day (?:at|with) {VALUE}", "org", ends=True),
    _frame("employer", rf"^(?:{_POSS} )?(?:week|day|month) (?:one|1|two|2) (?:at|with) {VALUE}", "org"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:is|are) (?:now )?(?:at|with) {VALUE}", "company", context=r"^As of\b"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:wrapped up|finished|completed|survived|started|is in|had|just had|is finishing) {_ART}(?:first|second|third|1st) (?:week|day|month|shift) (?:at|with) {VALUE}", "org"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:left|quit) .{{1,40}}? for {_ART}(?:[a-z-]+ ){{0,3}}(?:called|named) (?P<value>(?-i:[A-Z])[\w&'’-]+(?:(?: &| and)? (?-i:[A-Z])[\w&'’-]+){{0,2}})", "any"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:left|quit) .{{1,40}}? for (?P<value>(?-i:[A-Z])[\w&'’-]+(?: (?-i:[A-Z])[\w&'’-]+)?)", "company"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:is|has been|is now|works) (?:at|with) {VALUE}", "orgname"),
    _frame("employer", rf"^{_ADV}(?:is|has been) (?:now )?(?:at|with) {VALUE}(?= now\b| these days\b| full[- ]time\b| since\b| for (?:about |almost |over |nearly |\w+ )?(?:a |a few |a couple of )?(?:years?|months?|weeks?|decades?)\b| (?:about |almost |over |nearly |just over |\d+ |\w+ )(?:a |a few |a couple of )?(?:years?|months?|weeks?|yrs?|mos?|wks?) now\b)", "company", context=_WORK_TALK),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:is|works|has been|is now) (?:now )?(?:on|in) (?:the|a) (?:[\w-]+ ){{0,3}}(?:team|department|squad|division) (?:at|of|for) {VALUE}", "org"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:transferred|moved|switched) (?:over )?to {VALUE}", "orgname"),
    _frame("employer", rf"^{_ADV}(?:signed|signed on|has signed) (?:with|w/?|at) {VALUE}", "company", context=r"\b(?:jumped ship|new job|job offer|contract|hired|quit|left|notice|resign\w*|raise|salary|employer|started|start date|first day|onboarding)\b"),  # noqa: E501
    _frame("employer", rf"^{_ADV}{_HIRED} (?:at|by) {VALUE}", "org"),
    _frame("employer", rf"^{_ADV}(?:is|works as|started as|is now|got a job as|has been) an? (?:[a-z][\w-]*\s+){{0,3}}(?P<role>[a-z][\w-]*) (?:at|for|with) {VALUE}", "org"),  # noqa: E501
    _frame("employer", rf"^{_POSS} (?:new )?(?:employer|company|workplace) is (?:now )?{VALUE}", "org"),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:quit|left|resigned from|was laid off from|got laid off from|was let go from|got fired from|retired from|is leaving|has left) (?!.{{0,40}}?\b(?:at home|on the (?:bus|train|plane|table|counter)|in (?:the|my|his|her|their|a) (?:car|cab|taxi|uber|bag|pocket|locker|room|kitchen)|unlocked|open|running|on charge|charging)\b){_ART}(?:{_JOB} )?(?:(?:at|with) )?{VALUE}", "org", ends=True),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:quit|left|resigned from|lost) {_ART}(?:old )?{_JOB}\b", "any", ends=True, fixed=""),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:has |have )?(?:switched|changed) (?:jobs|companies|employers)\b", "any", ends=True, fixed=""),  # noqa: E501
    _frame("employer", rf"^{_ADV}(?:no longer works|doesn't work|does not work) (?:at|for) {VALUE}", "org", ends=True),  # noqa: E501
    # occupation
    _frame("occupation", rf"^{_ADV}(?:is|is now) (?:now )?the {_ROLE_NP}", "role"),
    _frame("occupation", rf"^{_ADV}(?:stepped into|stepped up into|moved into|took on|has taken on|landed|accepted|started|got|took|found|(?:swapped|traded|left|quit|gave up|ditched) .{{1,40}}? for) {_ART}(?:new |full-time |permanent )?(?P<value>[\w-]+(?: [\w-]+){{0,3}}?) (?:role|position|job)\b(?! offers?\b| interviews?\b| applications?\b)", "job"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?:got|landed|started|took|accepted|has|found|began|starts) {_ART}(?:new |full-time |part-time |first |permanent )?(?:job|position|role|gig|career) as an? {_ROLE_NP}", "role"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?:went back to work|returned to work|is back at work|is back to work|went back|is back|started back) as an? {_ROLE_NP}", "role"),  # noqa: E501
    # "earns his living as a food photographer", "makes a living as a translator"
    _frame("occupation", rf"^{_ADV}(?:earns|is earning|has been earning|makes|is making|has been making) (?:(?:his|her|their|a) |[\w-]+['’]s )?living (?:these days |now )?as an? {_ROLE_NP}", "role"),  # noqa: E501
    # "is teaching at the community college now as a nursing instructor"
    _frame("occupation", rf"^{_ADV}(?:is teaching|teaches|is working|works|is employed|is now working|started|is starting) (?:at|for|with|in) (?:the |a |an )?[\w&'’ .-]{{1,40}}? (?:now |these days |nowadays |full-time |part-time )?as an? {_ROLE_NP}", "job_as"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?:works as|is working as|has been working as|have been working as|is now working as|now works as|works now as|started working as|got a job as|was hired as|got hired as|is employed as|is freelancing as|freelances as) {_ADV2}an? {_ROLE_NP}", "job_as"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?:is|became|has become|works as|started as|is working as|is on salary as|is salaried as|is employed full-time as|has been working as|have been working as|is now working as|got a job as|trained as|qualified as|retrained as|started working as|now works as|is practicing as|is practising as|practices as|practises as|is now|has been|was hired as|got hired as|started a new job as|is employed as|works now as|is starting as|starts as|is freelancing as|freelances as) {_ADV2}an? {_ROLE_NP}", "role"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?:has been |is |started |went |now )?(?:freelancing|self-employed|unemployed|between jobs|out of work|a stay-at-home (?:mom|dad|parent))\b", "any", fixed="freelancer"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?:got|was|has been|just got) (?:promoted|bumped up) to {_ART}{_ROLE_NP}", "role"),  # noqa: E501
    # "is now head chef", "became CTO": a title said without its article
    _frame("occupation", rf"^(?:is now|became|has become|is officially) (?!an?\b|the\b|my\b|his\b|her\b|their\b|our\b|so\b|very\b|more\b|less\b|too\b|much\b){_ROLE_NP}(?=\s*[.!,;]|\s+(?:at|for|with|in|of|now|and)\b|\s*$)", "role"),  # noqa: E501
    # a learner's English leaves the article out: "Now I am pharmaceutical sales representative"
    _frame("occupation", rf"^is (?!an?\b|the\b|my\b|his\b|her\b|their\b|our\b|so\b|very\b|more\b|less\b|too\b|much\b){_ROLE_NP}(?=\s*[.!,;]|\s+(?:at|for|with|in|now|and)\b|\s*$)", "role", context=r"\b(?:now|no more|anymore|since|from)\b"),  # noqa: E501
    # "started as sous chef on Tuesday": a title said without its article
    _frame("occupation", rf"^{_ADV}(?:started|starts|is starting|began|works|is working|now works|was hired|got hired|is employed) as (?!.*\b(?:is now|and now|but now|now is)\b)(?!an?\b|the\b|well\b|much\b|soon\b|long\b|hard\b|usual\b|normal\b|planned\b|expected\b){_ROLE_NP}", "role"),  # noqa: E501
    # "now illustrates full-time", "writes for a living", "drives for a delivery company"
    _frame("occupation", rf"^{_ADV}(?P<value>[a-z]+s)(?: (?:in|on) [a-z][\w-]*(?: [a-z][\w-]*)?)? (?:full[- ]time|for a living|professionally)\b", "doer"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?P<value>drives) for (?:a|an) (?:[\w-]+ ){{0,2}}(?:company|service|firm|app)\b", "doer"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?:swapped|traded|left|quit|gave up|ditched) (?:[\w-]+ ){{1,3}}?for (?P<value>nursing|teaching|accounting|bartending|tutoring|consulting|engineering|nannying|waitressing)\b(?! (?:school|degree|course|program|programme|classes|college|studies)\b)", "job"),  # noqa: E501
    # "is taxi driver in Istanbul fifteen years already": the article left out
    _frame("occupation", r"^is (?P<value>(?:[a-z][\w-]* )?[a-z][\w-]*(?:er|or|ist|ian|ant|ent|eer|man|woman|nurse|chef|cook|clerk|guard|pilot|tech))(?= in (?-i:[A-Z])| at (?-i:[A-Z])| for \w+ years| since\b)", "role"),  # noqa: E501
    # "now has his own small bakery", "runs her own salon"
    _frame("occupation", rf"^{_ADV}(?:now )?(?:has|runs|owns|opened|started|is running) (?:his|her|their|[\w-]+['’]s) own (?:small |little |new )?(?P<value>bakery|shop|restaurant|café|cafe|business|company|salon|studio|practice|clinic|firm|agency|bar|store|food truck|startup|farm)(?=\s*(?:[.,!;]|$)|\s+(?:now|together|with|in|and|downtown|where|that|which)\b)", "owner"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?:is|has|just) (?:now |officially )?retired\b", "any", fixed="retired"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?:retired|has retired)\b(?!\s+(?:the|my|his|her|their|its|a|an|it|this|that|our)\b)", "any", fixed="retired"),  # noqa: E501
    _frame("occupation", rf"^{_POSS} (?:new |current )?(?:job|role|title|job title|position) is (?:now )?(?:an? )?{_ROLE_NP}", "role"),  # noqa: E501
    _frame("occupation", rf"^{_ADV}(?:has |have )?(?:moved|switched|transitioned|pivoted|transferred|moving|switching|transitioning|pivoting) (?:over )?(?:in)?to (?P<value>(?:[a-z][\w-]* )?(?:management|engineering|marketing|sales|design|research|operations|consulting|finance|accounting|recruiting|analytics|data science|ux|qa))\b", "any"),  # noqa: E501
    # "teaches high-school chemistry"; not "teaches yoga on weekends" (a side line)
    _frame("occupation", rf"^{_ADV}(?:teaches|is teaching|has been teaching) (?P<value>(?:(?:high[- ]school|middle[- ]school|primary|elementary|secondary|year \d+|\w+th[- ]grade) )?(?:[a-z]+))\b(?!.*\b(?:weekends?|on the side|part[- ]time|evenings?|as a hobby|for fun|classes at)\b)", "taught"),  # noqa: E501
    # relationship
    _frame("relationship", r"^" + _ADV + r"(?:is|are|has been|have been|got|just got|finally got|is now|are now|became|is getting|are getting) " + _ADV2 + r"(?:happily |newly |officially )?(?P<value>single|married|engaged|divorced|separated|widowed|hitched|in a relationship|dating|seeing someone|taken)\b(?! to (?:(?:my|his|her|their|the) |[\w-]+['’]s )?" + _NOT_SPOUSE + ")", "any"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:tied the knot|said i do|eloped|got wed|were wed|married)\b", "any", fixed="married"),  # noqa: E501
    # "Geoffrey and Margaret were married on the fourteenth of May"
    _frame("relationship", rf"^{_ADV}(?:were|was) (?:finally |officially |quietly )?married (?:on|in|last|at|this|over)\b", "any", fixed="married"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:(?:just )?(?:got|came|flew) back from|(?:is|are) back from|went on) (?:the|a|his|her|their) honeymoon\b", "any", fixed="married"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:proposed|popped the question)\b.*\b(?:said|says) yes\b", "any", fixed="engaged"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:said|says) yes\b", "any", fixed="engaged", context=r"\b(?:propos\w*|ring|popped|knee|engaged|engagement|marry)\b"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:are|is) (?:getting|going through) (?:a )?divorce(?:d)?\b|^{_ADV}filed for divorce\b", "any", fixed="divorced"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:is|are) (?:now )?(?:a |an )?(?:happily |newly )?(?P<value>married|engaged|divorced|single) (?:woman|man|lady|guy|person|couple|people|mom|dad|mother|father)\b", "any"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:have been|has been|are|is|live|lives|moved in) together\b", "any", fixed="in a relationship"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:are|is) no longer together\b|^{_ADV}(?:are|is) not together any ?more\b|^{_ADV}(?:aren't|aren’t|isn't|isn’t) together any ?more\b", "any", fixed="single"),  # noqa: E501
    # "Elena and Yusuf hit three months together": a time together counted
    _frame("relationship", rf"^{_ADV}(?:hit|reached|celebrated|just hit|just celebrated|are coming up on) (?:\w+ )?(?:months?|years?|weeks?) together\b(?! at\b)", "any", fixed="in a relationship", context=r"\b(?:anniversary|dating|date|boyfriend|girlfriend|partner|love|couple|relationship|gift|romantic|met)\b"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:made it official|made things official|made it facebook official|are official|are exclusive|became exclusive|are officially (?:together|a couple|an item))\b", "any", fixed="in a relationship", context=r"\b(?:met|dating|date|boyfriend|girlfriend|partner|together|someone|relationship|couple|seeing)\b|^(?-i:[A-Z])[\w-]+ and (?-i:[A-Z])[\w-]+ (?:finally |officially |just )?made (?:it|things) official(?=\s*(?:[.!]|$)| (?:on|last|this|yesterday|today|in|at|after)\b)(?![^.!?]*\b(?:company|business|papers|deal|contract|merger|partnership|launch\w*|startup|signed|shop|store|firm)\b)"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:is|are) (?:not|n't) (?:seeing|dating) anyone\b|^{_ADV}(?:isn't|aren't|is not|are not) (?:seeing|dating) anyone\b", "any", fixed="single"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:called off|broke off|ended|cancelled|canceled) {_ART}engagement\b", "any", fixed="single"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:broke up|split up|called it quits|ended things|separated|split)\b", "any", fixed="single"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:is dating|started dating|is seeing|has been seeing|is in a relationship with|is going out with|started seeing|has been dating) (?P<value>(?-i:[A-Z])\w+)", "any", fixed="in a relationship"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:has|got|has got|have got|'s got|found|met) (?:now |finally )?an? (?:new )?(?:boyfriend|girlfriend|partner|fianc[ée]e?|bf|gf|bae)\b", "any", fixed="in a relationship"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:has|got|has got|have got|'s got) (?:now |finally )?an? (?:new )?(?:wife|husband|hubby)(?![\w-])", "any", fixed="married"),  # noqa: E501
    # "is engaged to Tom": engaged (who to is the partner, not the status)
    _frame("relationship", rf"^{_ADV}(?:got|is|has been|became) engaged to (?-i:[A-Z])\w+", "any", fixed="engaged"),  # noqa: E501
    _frame("relationship", rf"^{_ADV}(?:got|is|has been|became) married to (?![\w-]+['’]s {_NOT_SPOUSE})(?-i:[A-Z])\w+", "any", fixed="married"),  # noqa: E501
    # age
    _frame("age", rf"^{_ADV}(?:has|have|has made|made) {AGE} years(?=\s*(?:[.,!;]|$|and\b|now\b|already\b|today\b|yesterday\b))", "age"),  # noqa: E501
    # "hit the big 4-0 today"
    _frame("age", rf"^{_ADV}(?:hit|hits|has hit|turned|celebrated|reached) the big (?P<value>[1-9]-?[0oO])\b(?!.*\b(?:next|soon|tomorrow|coming|will)\b)", "age"),  # noqa: E501
    _frame("age", rf"^{_ADV}(?:is|has turned|turned|just turned|is turning today|is now) {_ADV2}{AGE}(?: years(?=\s*(?:[.!,;]|$|and\b|now\b))|{_AGE_END})", "age"),  # noqa: E501
    _frame("age", rf"^{_ADV}(?:hit|hits|has hit|reached|reaches|has reached|is hitting|is reaching) {_ADV2}{AGE}{_AGE_END}", "age"),  # noqa: E501
    _frame("age", rf"^{_ADV}(?:celebrated|had|is celebrating|just had|marked) {_ART}{AGE}(?:st|nd|rd|th)? birthday", "age"),  # noqa: E501
    _frame("age", rf"^{_ADV}(?:celebrated|had|is celebrating|just had|marked) {_ART}(?P<value>(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-)?(?:{ORDINAL})) birthday", "age"),  # noqa: E501
    _frame("age", rf"^{_ADV}is an? {AGE}[- ]year[- ]old\b", "age"),
    _frame("age", rf"^{_ADV}(?:blew out|blows out|is blowing out) {AGE} candles\b", "age"),
    _frame("age", rf"^{_POSS} age is (?:now )?{AGE}\b", "age"),
    # school
    # "this semester I'm finally on the Middle East Technical University campus"; not a
    # tour, a visit or a conference there
    _frame("school", rf"^{_ADV}(?:is|has been) (?:now |finally |officially )?on (?:the )?(?P<value>(?-i:[A-Z])[\w&'’.-]*(?: (?:of |de )?(?-i:[A-Z])[\w&'’.-]*){{0,5}}) campus\b(?!.*\b(?:tour|visit\w*|conference|interview|for (?:a|the) (?:day|weekend|talk|game|match))\b)", "school", context=r"\b(?:transfer\w*|semester|term|enrolled|classes|student)\b"),  # noqa: E501
    # "moved to ETH Zurich for the PhD", "headed to MIT for my master's"
    _frame("school", rf"^{_ADV}(?:moved|went|is off|headed|has moved|relocated) to {VALUE} for {_ART}(?:(?:his|her|their|a|an) )?(?:phd|ph\.d\.|doctorate|masters|master's|master’s|mba|degree|bachelor's|bachelor’s|undergrad|studies|grad school|msc|ma|ms|ba|bsc)\b", "school"),  # noqa: E501
    # "studies for midterms at Seoul National University": a school by its name
    _frame("school", rf"^{_ADV}(?:studies|is studying) (?:for |hard |late )(?:[\w'’-]+ ){{0,3}}?at {VALUE}", "school"),  # noqa: E501
    _frame("school", rf"^{_ADV}(?:goes to|attends|is attending|studies at|is studying at|is (?:now |currently |officially )?enrolled (?:at|in)|enrolled at|enrolled in|transferred to|started at|started classes at|is a student at|started university at|started college at|got into|got accepted to|got accepted into|was accepted to|was accepted into|has been accepted into|has been accepted to|got admitted to|was admitted to|has been admitted to|started classes at|is going to|goes to school at|is at|is now at) {VALUE}", "school"),  # noqa: E501
    # "is at Georgia Tech for undergrad", "has been at UCL doing her master's"
    _frame("school", rf"^{_ADV}(?:is|has been) (?:now )?at (?P<value>(?-i:[A-Z])[\w&'’.-]+(?: (?:of |de |)?(?-i:[A-Z])[\w&'’.-]+){{0,4}}) (?:for|doing) (?:undergrad|grad school|(?:his|her|their|a) (?:undergrad|degree|masters?|master['’]s|phd|PhD|bachelor['’]s|mba|MBA|studies))(?=\s*(?:[.,!;]|$)|\s+(?:there|now|and|in|at|since|but)\b)", "any"),  # noqa: E501
    _frame("school", rf"^{_ADV}is (?:now )?an? (?:[\w-]+ ){{0,3}}(?:student|freshman|sophomore|junior|senior|undergrad|undergraduate|postgrad|candidate|(?:first|second|third|fourth|final)[- ]year(?: student)?) at {VALUE}", "enrolled"),  # noqa: E501
    _frame("school", rf"^{_ADV}is (?:now |officially )?an? (?P<value>(?-i:[A-Z])[\w&'’.-]+(?: (?-i:[A-Z])[\w&'’.-]+){{0,3}}) (?:student|freshman|sophomore|undergrad|undergraduate|grad student|postgrad|PhD student|transfer student)\b", "any"),  # noqa: E501
    _frame("school", rf"^{_ADV}(?:dropped out of|withdrew from|left|quit) {_ART}{VALUE}", "school", ends=True),  # noqa: E501
    # "transferred to Trinity this semester": a name the school lexicon does not know is a
    # school where the text speaks of studying
    _frame("school", rf"^{_ADV}(?:just |finally |officially )?transferred (?:over )?to {_ART}(?P<value>(?-i:[A-Z])[\w&'’.-]*(?: (?:of |de |del )?(?-i:[A-Z])[\w&'’.-]*){{0,4}})(?![\w&'’.-])(?! (?:office|branch|team|department|site|store|location|division|plant|hq|headquarters|unit|group|account)\b)", "any", context=_STUDY_TALK),  # noqa: E501
    _frame("school", rf"^{_ADV}(?:is doing|started|is starting|began|is finishing) (?:his|her|their|[\w-]+['’]s) (?:master's|masters|MA|MSc|MBA|PhD|doctorate|undergrad|degree|bachelor's|BA|BSc) at {_ART}(?P<value>(?-i:[A-Z])[\w&'’.-]*(?: (?:of |de |del )?(?-i:[A-Z])[\w&'’.-]*){{0,4}})", "any"),  # noqa: E501
    _frame("school", rf"^{_ADV}(?:is|are) (?:studying|doing|taking|reading) .{{0,40}}? at {VALUE}", "school"),  # noqa: E501
    _frame("school", rf"^{_POSS} (?:new )?(?:school|university|college|uni) is (?:now )?{VALUE}", "school"),  # noqa: E501
    _frame("school", rf"^{_ADV}(?:started|is starting|began|is beginning|is in|is doing|is finishing|has started|continues with|is continuing with) {_ART}(?:freshman|sophomore|junior|senior|first|final|second|third|last|gap)? ?(?:year|semester|term|quarter|masters?|master's|phd|undergrad|degree|(?:\d{{1,2}}(?:st|nd|rd|th) )?grade)(?: \d{{1,2}})? (?:at|in) {VALUE}", "school"),  # noqa: E501
    _frame("school", rf"^{_ADV}(?:started|is starting|began|is in|is attending|goes to|is going to|got into) (?:grad|graduate|law|med|medical|business|nursing|high|art|film|dental|vet|cooking|culinary) school (?:at|in) {VALUE}", "school"),  # noqa: E501
    # major
    _frame("major", rf"^{_ADV}(?:is majoring|majors|is now majoring|is double majoring|switched to majoring|is minoring) in {VALUE}", "field"),  # noqa: E501
    _frame("major", rf"^{_ADV}(?:switched|changed|shifted|is switching|officially switched|officially changed) {_ART}(?:college |university )?(?:major|degree|course|program|programme|concentration|field of study|field) (?:from [\w\s-]+? )?to {VALUE}", "field"),  # noqa: E501
    _frame("major", rf"^{_POSS} (?:new )?major is (?:now )?{VALUE}", "field"),
    _frame("major", rf"^{_ADV}is (?:now )?in (?:the )?(?P<value>[a-z][\w-]*(?: [a-z][\w-]*)?)(?= since\b| now\b| this (?:semester|term|year)\b|\s*[.!]|\s*$)", "academic", context=_STUDY_TALK),  # noqa: E501
    _frame("major", rf"^{_POSS} major (?:was|has been|got|is being) (?:officially |finally |formally )?(?:changed|switched) (?:over )?to (?P<value>[\w&-]+(?: [\w&-]+){{0,3}}?)(?=\s*[.!,;]|\s*$| (?:at|in|on|this|last|after|once|when|because|since|so)\b)", "academic"),  # noqa: E501
    # "is now registered in Leipzig": an address registered with the city
    _frame("residence", rf"^{_ADV}(?:is|got|has been|just got) (?:now |officially )?registered (?:as (?:a )?resident )?in {VALUE}\b(?!\s+for\b)", "place"),  # noqa: E501
    # "is in her second year of pharmacy", "is in my final year studying law"
    _frame("major", rf"^{_ADV}(?:is|am) (?:now )?in {_ART}(?:first|second|third|fourth|fifth|final|last|\d(?:st|nd|rd|th)) year (?:of|studying|in) (?!(?:marriage|teaching|dating|working|the|a|an|my|his|her|their|our|being|living|retirement|parenthood)\b){VALUE}", "field"),  # noqa: E501
    _frame("major", rf"^{_ADV}(?:is|are) (?:now |officially )?(?:in|into|enrolled in) the (?P<value>[\w -]{{2,40}}?) (?:program|programme|course|degree|track)\b", "academic"),  # noqa: E501
    _frame("major", rf"^{_ADV}(?:has |have )?(?:switched|changed|moved|transferred) (?:majors? |programs? )?(?:from [\w\s-]+? )?(?:to|into) {VALUE}", "academic"),  # noqa: E501
    # "has officially moved over to computer science", where study is spoken of
    _frame("major", rf"^{_ADV}(?:has |have )?(?:officially |finally |just |now )?(?:switched|changed|moved|transferred) over (?:from [\w\s-]+? )?(?:to|into) {VALUE}", "academic", context=_STUDY_TALK + r"|\badvisor\b"),  # noqa: E501
    _frame("major", rf"^{_ADV}(?:declared|picked|chose) {_ART}(?:major in |major of )?{VALUE}(?: as (?:his|her|their) major| major)?", "academic"),  # noqa: E501
    _frame("major", rf"^{_ADV}(?:is studying|studies|is majoring in|is doing a degree in|is reading) (?!for\b|at\b|hard\b|abroad\b){VALUE}", "academic"),  # noqa: E501
    _frame("major", rf"^{_ADV}is (?:now )?an? (?P<value>[a-z][\w-]*(?: [a-z][\w-]*)?) major\b", "field"),  # noqa: E501
    _frame("major", rf"^{_ADV}(?:is studying|studies|is doing a degree in|is doing a (?:bachelor'?s|master'?s|masters|phd|ph\.d\.|degree|ba|bsc|ma|msc)(?: degree)? in|is getting a (?:degree|bachelor'?s|master'?s|masters|phd) in|is reading) (?!for\b|at\b|hard\b|abroad\b){VALUE}(?= at\b| in college| in university| at uni)", "field"),  # noqa: E501
    # diet
    _frame("diet", rf"^{_ADV}(?:is|are|has been|have been|became|has become|went|has gone|turned|is now|switched to being|is officially|is basically|is fully|switched to a|eats|is on an?|follows an?|is following an?|started an?|started eating|has gone fully|went fully) (?:an? )?(?:fully |strictly |completely |mostly |100% |full )?(?P<value>{DIETS})(?: diet)?\b", "any"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:follows|is following|keeps to|sticks to) the (?P<value>{DIETS}) (?:diet|way of eating|lifestyle)\b", "any"),  # noqa: E501
    # "would call herself vegetarian rather than vegan now": how one names one's own diet
    _frame("diet", rf"^{_ADV}(?:would|'d|’d)? ?(?:now )?(?:calls?|describes?|considers?|counts?) (?:himself|herself|themselves) (?:as )?(?:an? )?(?:fully |strictly |mostly )?(?P<value>{DIETS})\b(?!.*\b(?:if|unless|but for)\b)", "any"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:stopped eating|quit eating|gave up|cut out|doesn't eat|does not eat|no longer eats) (?:all )?(?:meat|red meat and chicken|animal products)\b", "any", fixed="vegetarian"),  # noqa: E501
    # "had her first steak in five years": meat again after years without
    _frame("diet", rf"^{_ADV}(?:had|ate|tried|ordered|cooked|enjoyed) (?:his|her|their|[\w-]+['’]s) first (?:steak|burger|hamburger|bacon|meat|chicken|pork|beef|lamb|salami|ham|sausage)s? in (?:\w+ )?(?:years|months)\b(?![^.!?]*\b(?:plant-based|vegan|veggie|beyond|impossible|meatless|meat-free|tofu|seitan|fake|mock)\b)", "any", fixed="eats meat"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:stopped eating|quit eating|gave up|cut out|no longer eats) (?:all )?(?:fish|seafood)\b", "any", fixed="vegetarian"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:stopped eating|quit eating|gave up|cut out|no longer eats) (?:all )?(?:dairy|eggs|dairy and eggs|animal products)\b", "any", fixed="vegan"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:officially |basically |fully |now )?(?P<value>{DIETS})(?: now| again| these days| then)?\s*[.!]*$", "any"),  # noqa: E501
    _frame("diet", rf"^(?:\w+|\d+) (?:days?|weeks?|months?|years?) (?:in |of being )?(?:fully |strictly |completely |100% )?(?P<value>{DIETS})\b(?! (?:food|meals?|recipes?|options?|restaurants?|cookbook))", "any"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:is doing|does|has been doing|started doing|is trying|is sticking to|sticks to) (?:strict |the )?(?P<value>{DIETS})\b(?! (?:food|meals?|recipes?|options?|restaurants?|cookbook))", "any"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:is|has always been|has been) an? (?:big |total |huge |proud )?(?:meat lover|meat eater|meat-eater|omnivore)\b", "any", fixed="eats meat"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:eats|will eat|is happy to eat) (?:pretty much |basically |just about )?(?:everything|anything|meat)\b", "any", fixed="eats meat"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:started eating|has started eating|have started eating|eats|is eating|went back to eating|has gone back to eating) (?:meat|fish|chicken|steak|burgers|beef|pork|lamb)(?:,? (?:and )?(?:meat|fish|chicken|steak|burgers|eggs|dairy|beef|pork|lamb))* again\b", "any", fixed="eats meat"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:has |have )?(?:resumed|restarted|returned to) eating (?:meat|red meat|chicken|beef|pork|lamb)\b", "any", fixed="eats meat"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:switched|changed|moved|went|has switched|has gone) from .{{1,40}}? to (?:an? |being )?(?:fully |strictly )?(?P<value>{DIETS})(?: diet)?\b", "any"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:is no longer|isn't|is not|stopped being|quit being|gave up being|quit|stopped|gave up|dropped|ditched|came off|fell off) (?:an? )?(?:the )?(?P<value>{DIETS})(?: diet)?\b", "any", ends=True),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:is|are|went|got|has gone|have gone|has been|have been) (?:fully |officially )?back (?:to eating|on|to) (?:meat|red meat|chicken|steak|burgers|animal products)\b", "any", fixed="eats meat"),  # noqa: E501
    _frame("diet", rf"^{_ADV}(?:is |has been |started )?{_ADV2}eating (?:normally|everything|meat|like a normal person)(?: again)?\b", "any", fixed="eats meat"),  # noqa: E501
    _frame("diet", rf"^{_ADV}is an? (?:guy|girl|man|woman|person|dude|lady|gal|bloke|mom|mum|dad) on (?:an? |the )?(?:strict )?(?P<value>{DIETS})(?: diet)?\b(?! (?:food|meals?|recipes?|cooking))", "any"),  # noqa: E501
    # vehicle
    _frame("vehicle", rf"^{_ADV}(?:drives|is driving|rides|is riding|commutes in|gets around in|runs|owns|has|got|bought|purchased|leased|picked up|upgraded to|ended up with|treated (?:himself|herself|themselves) to|splurged on|finally got|switched to|traded [\w\s-]+? for|traded [\w\s-]+? in for|(?:ditched|dumped|swapped|swapped out|exchanged) [\w\s'’-]+? for|replaced [\w'’ -]{{1,30}}? with) {_ART}(?:(?:new|used|brand-new|brand new|second-hand|secondhand|old|little|shiny|red|blue|black|white|silver|grey|gray|green|electric|hybrid|first|own|pre-owned|\d{{4}})\s+)*{VALUE}", "vehicle"),  # noqa: E501
    _frame("vehicle", rf"^{_ADV}is (?:now |currently )?(?:driving around |rolling around |getting around )?in an? (?:new |used |\d{{4}} )?(?P<value>(?-i:[A-Z])[\w'’.-]+(?: (?-i:[A-Z0-9])[\w'’.-]+){{0,3}})(?=\s*(?:[.!,;:—–]|$|(?:now|these days|nowadays|at the moment|since|and|lol|tbh)\b))", "vehicle"),  # noqa: E501
    _frame("vehicle", rf"^{_ADV}(?:doesn't|does not|don't|no longer) (?:own|have|has|owns|drive|drives) an? (?:car|vehicle)\b", "any", fixed="no car"),  # noqa: E501
    _frame("vehicle", rf"^{_ADV}is (?:now |officially )?an? (?P<value>(?-i:[A-Z])[\w'’.-]+(?: (?-i:[A-Z0-9])[\w'’.-]+){{0,3}}) (?:guy|girl|person|man|woman|owner|driver)\b(?= now| these days|\s*[.!,]|$)", "vehicle"),  # noqa: E501
    _frame("vehicle", rf"^{_POSS} (?:new )?(?:car|ride|vehicle|daily driver|motorcar|motor car|automobile|motor) is (?:now )?(?:an? )?(?:\d{{4}} |new |used )?{VALUE}", "vehicle"),  # noqa: E501
    _frame("vehicle", rf"^{_ADV}(?:sold|got rid of|traded in|totaled|totalled|crashed|wrecked|scrapped|gave away|said goodbye to) {_ART}(?:old |beloved |trusty )?{VALUE}", "vehicle", ends=True),  # noqa: E501
    # phone and laptop: the one in use
    *(
        _frame(device, rf"^{_ADV}(?:has|uses|is using|is carrying|has been carrying|carries|is rocking|has been rocking|was given|got given|was gifted|got gifted|is (?:now |currently |finally )?on|(?:now|currently) on|changed (?:over )?to|got|bought|picked up|upgraded to|switched to|ended up with|finally got|treated (?:himself|herself|themselves) to|jumped ship to|made the (?:switch|jump|move) to|moved (?:over )?to|went with|works on|works from|is working on|is working from|does (?:all )?(?:his|her|their) work on|codes on|(?:replaced|swapped|swapped out|traded|ditched|dumped) [\w'’ -]{{1,30}}? (?:with|for)) {_ART}(?:(?:new|used|refurbished|old|trusty|\d{{4}})\s+)*{VALUE}", device)  # noqa: E501
        for device in ("phone", "laptop")
    ),
    *(
        _frame(device, rf"^{_POSS} (?:new )?{device} is (?:now )?(?:an? )?{VALUE}", device)
        for device in ("phone", "laptop")
    ),
    # "bought new phone, a OnePlus 11"
    *(
        _frame(kind, rf"^{_ADV}(?:got|bought|has|picked up) (?:a |my |(?:him|her|them)self a )?new {word}(?: now)?(?:,|:| -| —)? (?:(?:it['’]s|it is|which is) )?(?:an? |the )?(?:new |used )?(?=(?-i:[A-Z]|i[A-Z])){VALUE}", kind)  # noqa: E501
        for kind, word in (("phone", "phone"), ("laptop", "laptop"), ("vehicle", "car"))
    ),
    # a clause of its own: "ditched the oneplus, on a galaxy s24 now"
    *(
        _frame(device, rf"^on (?:an? |the |(?-i:[A-Z])[\w-]+['’]s )(?:new )?{VALUE}", device, context=r"\bnow\b(?!.*\b(?:next|soon|tomorrow|will|going to)\b)")  # noqa: E501
        for device in ("phone", "laptop")
    ),
    # "dropped the S21 in a lake. replacement is an iPhone 15"
    *(
        _frame(kind, rf"^(?:(?:the|{_POSS}) )?(?:replacement|new one|upgrade) (?:is (?:now )?|(?:arrived|came|showed up|turned up)(?: [^:,;—–]{{0,30}}?)?(?::|,| -| —| –) )(?:an? )?{VALUE}", kind)  # noqa: E501
        for kind in ("phone", "laptop", "vehicle")
    ),
    # manager
    _frame("manager", rf"^{_POSS} (?:new |current |direct |line )?(?:manager|boss|team lead|team leader|supervisor|line manager|lead|tech lead|team's lead|team's manager|leader|superior) (?:(?:at|on|in) (?:[\w'’&-]+ ){{0,3}}?)?is (?:now )?(?:(?:a|this|some) (?:guy|woman|man|lady|gal|person|dude|chap|bloke)(?: (?:named|called)|,) )?(?P<value>(?:(?-i:Mr|Mrs|Ms|Mx|Dr|Prof|Miss)\.? )?(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)", "any"),  # noqa: E501
    _frame("manager", rf"^{_ADV}(?:is (?:now )?under|is now working under) (?P<value>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)(?= now\b| these days\b| in (?:the |a )?[\w -]{{1,40}}?(?:team|group|department|org|unit|squad)\b|\s*[.!]|\s*$)", "any"),  # noqa: E501
    _frame("manager", rf"^{_ADV}(?:reports to|now reports to|is reporting to|works under|is working under|working under|working directly under) (?:an? )?(?P<value>(?:(?-i:Mr|Mrs|Ms|Mx|Dr|Prof|Miss)\.? )?(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)", "any"),  # noqa: E501
    _frame("manager", rf"^{_POSS} (?:new |current )?(?:manager|boss|team lead|supervisor)(?:'s|’s) name is (?P<value>(?-i:[A-Z])[\w'’-]+)", "any"),  # noqa: E501
    _frame("manager", rf"^{_ADV}(?:has|got|is getting) (?:a )?new (?:manager|boss|team lead|supervisor|line manager)\b", "any", ends=True, fixed=""),  # noqa: E501
    _frame("manager", rf"^{_ADV}(?:has|got) a new (?:manager|boss|team lead|supervisor)[,:]? (?:named |called )?(?P<value>(?:(?-i:Mr|Mrs|Ms|Mx|Dr|Prof|Miss)\.? )?(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)", "any"),  # noqa: E501
    # favourite
    # "has a new favourite band and it's Big Thief", "found a new favourite book: Dune"
    _frame("favourite", rf"^{_ADV}(?:has|got|found|has found|has got) (?:a |an )?(?:new |new all-time )(?:favou?rite|fave?) (?P<thing>[a-z]+(?: [a-z]+)?)(?:,? and (?:it's|its|it is|that's|thats)|:| -| —|,) {TITLE_VALUE}", "any"),  # noqa: E501
    _frame("favourite", rf"^{_POSS} (?:new |current |all-time |absolute |latest |current all-time )?(?:favou?rite|fave?|go-to) (?P<thing>[a-z]+(?: [a-z]+)?) (?:of all time |ever |these days |right now |at the moment |lately |now )?(?:is|has become|became|has got to be|would be) (?:(?:now|definitely|probably|easily|officially|still|finally|totally|currently|hands down)\s+)*{TITLE_VALUE}", "any"),  # noqa: E501
    # training goal
    _frame("training_goal", rf"^{_ADV}(?:is training|is now training|has been training|started training|is in training|trains|training|is prepping|is preparing|is gearing up) (?:for|to (?:run|do|finish|complete|race|ride|swim)) {_ART}(?:first |next |upcoming |big )?{VALUE}", "goal"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}(?:is working|works|is building up|is pushing|is training) (?:toward|towards) {_ART}(?:new |first |next )?{VALUE}", "goal"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}(?:is building up|is getting ready|is gearing up|is ramping up) for {_ART}(?:first |next |upcoming |big )?{VALUE}", "race"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}(?:is|are) (?:trying|working|aiming|pushing) to (?:get to|get(?= (?:\w+['’]s |my |his |her |their |a )?(?:first )?(?:pull|push|chin|muscle)[- ]?ups?\b)|hit|reach|do|run|finish|nail|complete|get through) {_ART}(?:first |next )?{VALUE}", "feat"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}the (?:new |main |next |big )?(?:training )?(?:goal|target) (?:now )?is (?:now )?(?:to (?:hit|get|do|run|finish|nail) )?{_ART}{VALUE}", "feat"),  # noqa: E501
    # "has shifted my focus from lifting heavy to losing 8 kilos", "switched my training goal
    # to running the Accra half marathon"
    _frame("training_goal", rf"^{_ADV}(?:has |have )?(?:shifted|switched|changed|moved) (?:(?:his|her|their|(?P<whose>[\w-]+)['’]s) )?(?:training |gym |fitness )?(?:focus|goal|target)(?: from [\w\s-]{{2,40}}?)? to (?!(?:his|her|their|my|family|work|kids|school)\b){VALUE}", "training"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}(?:is aiming|aims|is shooting|is gunning) for {_ART}(?:new |first |next )?{VALUE}", "goal"),  # noqa: E501
    # "now he is chasing a 100 kg bench press instead", "has set her sights on a full Ironman"
    _frame("training_goal", rf"^{_ADV}(?:is (?:now )?chasing|is going after|(?:has |have )?set (?:his|her|their|[\w-]+['’]s) sights on) {_ART}(?:new |first |next )?{VALUE}", "feat"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}(?:is|are) (?:now )?(?:going|gunning) for {_ART}(?P<value>(?:(?:full|half|first|sub-[\w:.-]+|\w+) )?(?:marathon|half marathon|half-marathon|triathlon|ironman|ultra(?:marathon)?|10k|5k|century))(?=\s*(?:[.,!;]|$)|\s+(?:next|this|in|before|by|now|and|at|on|time|PB|PR)\b)", "any"),  # noqa: E501
    _frame("training_goal", rf"^(?:is )?now (?:going|aiming|gunning) for {_ART}(?:new |first |next )?{VALUE}", "race"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}(?:has |have )?(?:signed up|is signed up|registered|entered) for {_ART}(?:first |next |upcoming |big )?{VALUE}", "race"),  # noqa: E501
    _frame("training_goal", rf"^{_POSS} (?:new |current |big |main |next )?(?:training |fitness |running |race |gym |lifting )?(?:goal|target) (?:(?:at|in|for) the (?:gym|track|pool|box|weight room) )?(?:now |rn |this year |these days |right now |at the moment |currently |for (?:this|next) (?:year|season|spring|summer|fall|autumn|winter) |(?:in|for) \d{{4}} )?is (?:now )?(?:to (?:run|do|finish|complete) )?{_ART}{VALUE}", "goal"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}(?:has |have )?(?:switched|changed|moved on|pivoted) (?:from [\w\s-]+? )?to training for {_ART}{VALUE}", "goal"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}(?:has |have )?(?:switched|shifted|changed|turned|moved) {_ART}(?:whole |main |full |entire |training )*focus to {_ART}(?:first |next |upcoming |big )?{VALUE}", "training"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}(?:is|are) {_ADV2}(?:deep |knee-deep |well |heavily |fully )?(?:into|in the middle of) (?:the )?training for {_ART}(?:first |next |upcoming |big )?{VALUE}", "goal"),  # noqa: E501
    _frame("training_goal", rf"^{_ADV}(?:is|are) (?:now )?(?:focusing|focused|concentrating) on (?P<value>(?:deadlifting|squatting|benching|bench pressing|running|lifting|hitting|a|an) [\w\s-]{{2,30}}?)(?=\s*[.!,]|$| now\b| instead\b| rather\b)", "any"),  # noqa: E501
    _frame("training_goal", rf"^(?:{_POSS} )?(?:next|new) (?:target|goal|challenge|race)(?: is)?:? {_ART}{VALUE}", "goal"),  # noqa: E501
    # name
    _frame("name", rf"^{_ADV}(?:has |have )?(?:started |begun |decided to start |decided )?(?:going|to go) by (?:(?:his|her|their|[\w-]+['’]s) (?:full|middle|real|legal|first|birth|given|(?-i:[A-Z])[a-z]+) name,? )?(?!(?:train|bus|car|plane|bike|boat|foot|ferry|rail|road|air|taxi|uber|lyft|subway|metro|tube|coach|eurostar)\b)(?P<value>(?-i:[A-Z])[\w-]+)(?!['’\w])", "any"),  # noqa: E501
    # "changed my email signature to 'Robert'", "my new signature just says 'Ben'"
    _frame("name", rf"^{_ADV}(?:changed|updated|switched) (?:(?:his|her|their|(?P<whose>[\w-]+)['’]s) )?(?:email |e-mail |work )?signature to {_SIGNED}", "any"),  # noqa: E501
    _frame("name", rf"^{_POSS} (?:new )?(?:email |e-mail |work )?signature (?:now )?(?:just )?(?:says|reads) {_SIGNED}", "any"),  # noqa: E501
    # "I'd actually prefer Kate from now on"
    _frame("name", rf"^{_ADV}(?:would |'d )?(?:actually |really |now )?prefers? (?:to go by |to be called |being called )?(?P<value>(?-i:[A-Z])[\w-]+)(?= from now on\b| going forward\b| instead\b)", "given"),  # noqa: E501
    # "uses her full name, Abdul-Malik, these days"
    _frame("name", rf"^{_ADV}(?:has |have )?(?:started |begun |decided to )?(?:uses|use|using|is using) (?:his|her|their|(?P<whose>[\w-]+)['’]s) (?:full|real|legal|birth|given|proper) name,? (?P<value>(?-i:[A-Z])[\w-]+)(?!['’\w])", "any"),  # noqa: E501
    _frame("name", rf"^{_ADV}(?:goes by|now goes by|prefers to be called|prefers now to be called|is called|is now called|is known as|is known to (?:[\w'’]+ ){{1,3}}as|(?:prefers|would prefer|should prefer|would rather|wishes|wants) (?:henceforth |from now on )?to be (?:addressed|called|known) as|changed (?:his|her|their) name to|legally changed (?:his|her|their) name to|prefers the name) (?:(?:his|her|their|[\w-]+['’]s) (?:[\w-]+ )?name,? )?(?P<value>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)", "any"),  # noqa: E501
    _frame("name", rf"^{_ADV}(?:changed|legally changed|is changing|updated) {_ART}(?:last |first |sur|family |maiden )?name\b", "any", ends=True, fixed=""),  # noqa: E501
    _frame("name", rf"^{_POSS} (?:new |real |full |preferred )?(?:name|nickname) is (?:now )?(?P<value>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)", "any"),  # noqa: E501
)

# Frames whose subject stands after the verb: "<value> is <subject>'s new manager".
INVERTED: tuple[Frame, ...] = (
    *(
        _frame(kind, r"^(?:(?:this|my|the|(?-i:[A-Z])\w+'s) )?(?:new |trusty )?(?P<value>.{2,40}?) is (?:now |officially )?(?P<subject>(?-i:[A-Z])[\w-]+)(?:'s|’s) (?:new )?(?:daily driver|daily(?= now\b| these days\b|\s*[,.!;]|\s*$)|main (?:laptop|phone|machine|car|ride)|go-to (?:laptop|phone|machine|car))\b", kind)  # noqa: E501
        for kind in ("laptop", "phone", "vehicle")
    ),
    # "Work finally gave Sven a MacBook Pro M3": the machine work issues is the one in use
    *(
        _frame(kind, r"^(?:work|(?:the |(?-i:[A-Z])\w+['’]s )(?:job|work|company|employer|office|firm)|IT) (?:finally |just |has |have )?(?:gave|issued|handed|given) (?P<subject>(?-i:[A-Z])[\w-]+) an? (?:new |shiny |brand-new )?(?P<value>.{2,40}?)(?=[,.!;]| and\b|$)", kind)  # noqa: E501
        for kind in ("laptop", "phone")
    ),
    _frame("vehicle", r"^(?P<value>no car)(?: (?:for|at all for) (?P<subject>(?-i:[A-Z])[\w-]+))\b", "any"),  # noqa: E501
    _frame("residence", r"^home(?: base)? (?:is|has been) (?:now |still |officially )?(?P<value>(?-i:[A-Z])[\w'’-]+(?:,? (?-i:[A-Z])[\w'’-]+){0,2}) (?:for|to) (?P<subject>(?-i:[A-Z])[\w-]+)\b", "any"),  # noqa: E501
    _frame("residence", r"^home (?:for|to) (?P<subject>(?-i:[A-Z])[\w-]+) (?:is|has been) (?:now |still |officially )?(?P<value>(?-i:[A-Z])[\w'’-]+(?:,? (?-i:[A-Z])[\w'’-]+){0,2})", "any"),  # noqa: E501
    _frame("name", r"^(?:(?:since|after|ever since) (?:the |my |his |her )?[\w -]{1,25}?,? )?(?:please |(?:everyone|people|friends|most people|they|everybody)(?: at work| here| back home| at school)? (?=calls? )|just )?(?:calls?|called) (?P<subject>(?-i:[A-Z])[\w-]+) (?P<value>(?-i:[A-Z])[\w'’-]+)(?: from now on| now| these days|\s*$|[,.!])", "any"),  # noqa: E501
    _frame("manager", r"^(?P<value>(?:(?-i:Mr|Mrs|Ms|Mx|Dr|Prof|Miss)\.? )?(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?) (?:is|became|has become|has been|took over as|stepped in as|stepped up as|was named|was made|was appointed) (?:now )?(?P<subject>.+?)(?:'s|’s) (?:new |current |permanent )?(?:manager|boss|team lead|team leader|supervisor|line manager|lead)\b", "any"),  # noqa: E501
    _frame("manager", r"^(?P<value>(?-i:[A-Z])[\w-]+(?: (?-i:[A-Z])[\w-]+)?)(?:'s|’s) (?:been|become|now) (?:now )?(?P<subject>.+?)(?:'s|’s) (?:new |current |permanent )?(?:manager|boss|team lead|team leader|supervisor|line manager|lead)\b", "any"),  # noqa: E501
    _frame("favourite", r"^(?:.{1,40}? (?:but|and) (?=(?-i:[A-Z0-9]))|(?:honestly|frankly|seriously|okay|ok|well|so|yeah|wow|ngl|tbh|somehow|apparently)[,!]? )?(?P<value>\S.*?) (?:has |have )?(?:officially |now |finally |just )?(?:(?:quite |well and truly |completely |totally )?(?:replaced|took over from|taken over from|overtook|overtaken|beat out|beaten|dethroned|knocked out|edged out|displaced|supplanted|usurped|unseated|ousted|toppled)) .{1,40}? as (?P<subject>.+?)(?:'s|’s) (?:new |current |all-time )?(?:favou?rite|fave?|go-to|number one|number-one|no\. ?1|#1|top) (?P<thing>[a-z]+(?: [a-z]+)?)\b", "any"),  # noqa: E501
    # "philosophy is Arjun's major now"
    _frame("major", r"^(?P<value>[\w&-]+(?: [\w&-]+){0,3}?) (?:is|has become|became) (?:now |officially )?(?P<subject>(?-i:[A-Z])[\w-]+)(?:'s|’s) (?:new |current )?major(?=\s*(?:[.,!;]|$)|\s+(?:now|these days|and|but|since)\b)", "academic"),  # noqa: E501
    _frame("favourite", r"^(?P<value>.+?) (?:is|are|has become|have become|became) (?:now |definitely )?(?P<subject>.+?)(?:'s|’s) (?:new |current |all-time |absolute )?(?:favou?rite|fave?|go-to|number one|number-one|no\. ?1|#1) (?P<thing>[a-z]+(?: [a-z]+)?)\b", "any"),  # noqa: E501
)

# Frames whose subject is the verb's object: "switched Eli to Oakwood Montessori".
CAUSED: tuple[Frame, ...] = (
    _frame("diet", rf"^{_ADV}(?:put|has put|switched|moved) (?P<subject>(?-i:[A-Z])[\w'’-]+) (?:on|onto) (?:an? |the )?(?:strict )?(?P<value>{DIETS})(?: diet)?\b", "any"),  # noqa: E501
    _frame("school", rf"^{_ADV}(?:switched|moved|transferred|enrolled|put|signed) (?P<subject>(?-i:[A-Z])[\w'’-]+) (?:up )?(?:to|in|into|at|for) {VALUE}", "school"),  # noqa: E501
)

# Frames that hang off a name's possessive anywhere in a clause (the possessor is the
# subject): "<Name>'s first day at <org>", "<Name>'s 23rd birthday".
_OWNER = r"(?<![’']s )(?<![\w-])(?P<name>(?-i:[A-ZÀ-ÖØ-Þ])(?-i:[a-zß-öø-ÿ])+(?:-(?-i:[A-Za-zß-öø-ÿ])(?-i:[a-zß-öø-ÿ])+)?)(?:'s|’s) "  # "Lucía's"  # noqa: E501
HANDED_IN = r"(?:handed in|turned in|handed back|gave back|returned)"
_HANDED_IN = r"(?<!handed in )(?<!turned in )(?<!handed back )(?<!gave back )(?<!returned )"
POSSESSED: tuple[Frame, ...] = (
    _frame("employer", _OWNER + rf"(?:first|1st) (?:day|week|shift|month) (?:at|with) {VALUE}", "org"),  # noqa: E501
    _frame("employer", _OWNER + rf"(?:last|final) (?:day|shift) (?:at|with) {VALUE}", "org", ends=True),  # noqa: E501
    _frame("employer", _HANDED_IN + _OWNER + rf"(?:first |new )?(?:paycheck|pay cheque|payslip|salary|badge) (?:from|at|with) {VALUE}", "org"),  # noqa: E501
    _frame("employer", HANDED_IN + " " + _OWNER + rf"(?:badge|lanyard|keycard|work laptop) (?:at|to|from) {VALUE}", "org", ends=True),  # noqa: E501
    # "Fatima's team at Deloitte is doing Secret Santa": where she works
    _frame("employer", _OWNER + r"(?:(?:quarterly |weekly |monthly |annual |yearly )?(?:all-hands|standup|stand-up|performance review)|team|office|department|colleagues|coworkers|co-workers|boss|manager|desk) at (?!(?:Christmas|Easter|Thanksgiving|Diwali|Eid|Halloween)\b)(?P<value>(?-i:[A-Z])[\w&'’.-]*(?: (?-i:[A-Z])[\w&'’.-]*){0,3})(?=\s+(?:is|are|was|were|has|have|had|does|did|threw|won|just|keeps|loves|hates)\b)", "org"),  # noqa: E501
    # "Aiko's first week as a UX researcher"
    _frame("occupation", _OWNER + r"(?:first|1st) (?:full |big |real |official |proper )?(?:day|week|month|shift|year|term|semester|project|client|case|patient|assignment|sprint|paycheck|paycheque|payslip|review) as an? (?P<value>(?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)(?= has| have| was| is| went| starts| started| begins| began| at| in| with| for|[,.!;—–]|$)", "job_as"),  # noqa: E501
    _frame("occupation", _OWNER + r"promotion to (?:an? )?(?P<value>(?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)(?= got| was| is| came| went|[,.!]|$)", "role"),  # noqa: E501
    # "Matteo's PhD at LSE"; not "Sam's PhD in physics", nor "Sam's semester in Berlin"
    _frame("school", _OWNER + rf"(?:first |new )?(?:phd|mba|master's|masters|degree|doctorate) at (?=(?-i:[A-Z])){VALUE}", "any"),  # noqa: E501
    _frame("school", _OWNER + r"(?:first |new )?(?:course|programme|program|semester|term|classes|lectures|seminars|midterms|finals|exams) at (?P<value>(?:the )?(?-i:[A-Z])[\w&'’.-]*(?: (?:of |of the |de |de la |de los |de las |del |di |da |do |des |du |the )?(?-i:[A-Z])[\w&'’.-]*){0,4})", "school"),  # noqa: E501
    _frame("employer", _OWNER + rf"new (?:job|role|position|gig) (?:is )?(?:at|with) {VALUE}", "org"),  # noqa: E501
    # "my first Shopify paycheck came through", "my McGill student card came in the mail",
    # "since my switch to economics went through", "my new lease in Melbourne"
    _frame("employer", _OWNER + r"(?:first|new) (?P<value>(?-i:[A-Z])[\w&'’.-]*(?: (?-i:[A-Z])[\w&'’.-]*)?) (?:paycheck|pay cheque|paycheque|payslip|salary|badge|onboarding|all-hands|standup|stand-up|team offsite)\b", "org"),  # noqa: E501
    _frame("school", _OWNER + r"(?:new )?(?P<value>(?-i:[A-Z])[\w&'’.-]*(?: (?-i:[A-Z])[\w&'’.-]*)?) (?:student card|student ID|student id|ID card|id card|acceptance letter|student email|course schedule|class schedule)\b", "any"),  # noqa: E501
    _frame("major", _OWNER + r"(?:switch|change|transfer|move) (?:of majors? )?(?:over )?to (?P<value>[a-z][\w-]*(?: [a-z][\w-]*)?)(?= went| was| is| has| got|[,.!]|$)", "academic"),  # noqa: E501
    _frame("residence", _OWNER + r"(?:mailing |postal |home |permanent |current )?address is (?:now |officially )?in (?P<value>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)(?= now\b| these days\b|\s*[,.!;]|\s*$)", "place"),  # noqa: E501
    # "Soo-ah's reporting line goes to Jiyeon now"
    _frame("manager", _OWNER + r"(?:new )?reporting line (?:now )?(?:goes|runs|is) (?:now )?(?:straight )?(?:to|into|up to) (?P<value>(?:(?-i:Mr|Mrs|Ms|Mx|Dr|Prof|Miss)\.? )?(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)", "any"),  # noqa: E501
    _frame("residence", _OWNER + r"new (?:lease|landlord|neighbou?rhood|address|place|commute) (?:is )?in (?P<value>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)", "place"),  # noqa: E501
    _frame("training_goal", _OWNER + r"(?:new |current |main )?(?:training |fitness |gym )?(?:goal|target|aim) (?:now |these days )?is (?:now )?(?:to (?:hit|get|do|run|finish|nail|lift|deadlift|squat|bench) )?(?:an? |the )?(?P<value>[^,.;!?]{2,40}?)(?=[,.;!?]|$| before\b| by\b)", "feat"),  # noqa: E501
    # "Mei's employer, Shopee, gives…"; "Mei's paycheck comes from Grab"
    _frame("employer", _OWNER + r"(?:current |new )?(?:employer|workplace),? (?P<value>(?-i:[A-Z])[\w&'’.-]*(?: (?-i:[A-Z])[\w&'’.-]*){0,2})(?=,| is\b| has\b| and\b|\s*[.!;]|\s*$)", "org"),  # noqa: E501
    _frame("employer", _OWNER + rf"(?:paycheck|pay cheque|paycheque|salary|wages?) (?:now |these days )?comes? from {VALUE}", "org"),  # noqa: E501
    _frame("age", _OWNER + r"(?P<value>\d{1,3})(?:st|nd|rd|th) birthday\b", "age"),
    # "the reorg moved Sven under Mei Lin"
    _frame("manager", r"\b(?:moved|put|placed|shifted|transferred) (?P<name>(?-i:[A-Z])[\w'’-]+) under (?P<value>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)", "any"),  # noqa: E501
    # "Please call Katherine Katherine in your replies, not Kate": the name asked for
    _frame("name", r"^(?:(?:please|pls|just|so|and|actually|also|oh|ok|okay|hey|btw)[,]? )*call (?P<name>(?-i:[A-ZÀ-ÖØ-Þ])[\w'’-]+) (?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Tomorrow|Tonight|Today|Christmas|Easter|January|February|March|April|May|June|July|August|September|October|November|December)\b)(?P<value>(?-i:[A-ZÀ-ÖØ-Þ])[\w'’-]+)(?![\w'’-])(?! (?-i:[A-Z]))", "any"),  # noqa: E501
    # "a surprise party for Oksana's 45th!": a birthday without the word
    _frame("age", r"\b(?:party|cake|dinner|celebration|bash|card|cards|present|gift) for " + _OWNER + r"(?P<value>[1-9]\d)(?:st|nd|rd|th)\b(?! (?!birthday\b)[a-z])", "age"),  # noqa: E501
    # "the letting agent for Priya's Glasgow flat"; "Tunde's first winter here in Minneapolis"
    _frame("residence", _OWNER + r"(?:new )?(?P<value>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?) (?:flat|apartment|condo|house|townhouse|home)\b(?![^.!?]*\b(?:rented out|rent it out|renting it out|airbnb|holiday|vacation|second home|summer|selling|sold|for sale)\b)", "place"),  # noqa: E501
    _frame("residence", _OWNER + r"first (?:winter|summer|spring|autumn|fall|year) (?:here )?in (?P<value>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)(?![^.!?]*\b(?:is over|was over|ended|moves? back|moving back|back to)\b)", "place"),  # noqa: E501
    # "Olga's first sprint with the SpaceX structures team", "first week at the Stripe office"
    _frame("employer", _OWNER + r"(?:first|1st) (?:full )?(?:day|week|shift|month|sprint|quarter|project|standup|all-hands|review|paycheck|paycheque) (?:at|with) the (?P<value>(?-i:[A-Z])[\w&'’.-]*(?: (?-i:[A-Z])[\w&'’.-]*)?) (?:[a-z]+ )?(?:team|office|campus|HQ|headquarters|site|plant|lab)\b(?! (?:tour|visit|open day|interview)\b)", "org"),  # noqa: E501
    # "Saoirse's history major means…": the field she majors in
    _frame("major", _OWNER + r"(?!(?:new|intended|double|current|declared|prospective|planned|old|potential|future|second|first|former)\b)(?P<value>(?:[a-z]+ ){0,2}[a-z]+) major (?:means|has|keeps|takes|eats|leaves|makes|is)\b", "field"),  # noqa: E501
    # "Alejandra's friends call her Ale"
    _frame("name", _OWNER + r"(?:friends|colleagues|coworkers|co-workers|classmates|teammates) (?:all |mostly |usually |still |now )?call (?:him|her|them) (?!(?:Dad|Daddy|Mum|Mom|Mommy|Mummy|Mama|Papa|Coach|Boss|Sir|Chief|Grandma|Grandpa|Auntie|Aunt|Uncle|Doc|Mate|Buddy)\b)(?P<value>(?-i:[A-Z])[\w'’-]+)(?![\w'’-])", "any"),  # noqa: E501
    # "Hana's new manager, Pieter, prefers…", "Hana's new Xiaomi 14 has…"
    _frame("manager", _OWNER + r"new (?:manager|boss|team lead|lead|supervisor|line manager),? (?P<value>(?:(?-i:Mr|Mrs|Ms|Mx|Dr|Prof|Miss)\.? )?(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)", "any"),  # noqa: E501
    *(
        _frame(kind, _OWNER + r"new (?P<value>(?-i:[A-Z0-9]|i[A-Z])[\w.-]*(?: (?-i:[A-Z0-9])[\w.-]*){0,3})", kind)  # noqa: E501
        for kind in ("phone", "laptop", "vehicle")
    ),
    # "orientation at U of T, Kofi's new school": the place, named and then said what it is
    _frame("school", r"\b(?:at|to) (?P<value>(?-i:[A-Z])[\w&'’.-]*(?: (?:of |of the |de |de la |de los |de las |del |di |da |do |des |du |the )?(?-i:[A-Z])[\w&'’.-]*){0,4}), " + _OWNER + r"new (?:school|uni|university|college|campus)\b(?!['’])", "any"),  # noqa: E501
    _frame("employer", r"\b(?:at|to|with) (?P<value>(?-i:[A-Z])[\w&'’.-]*(?: (?-i:[A-Z])[\w&'’.-]*){0,3}), " + _OWNER + r"new (?:employer|company|workplace|job)\b(?!['’])", "org"),  # noqa: E501
    # "Ngozi's Tecno Camon 19 keeps freezing": the phone or laptop someone has now
    *(
        _frame(kind, _OWNER + r"(?!(?:old|previous|former|spare|backup|second|work|first|last|dead|late|ex|dream|next|future|new)\b)(?P<value>[\w-]+(?: [\w.-]+){0,3}?)(?= (?:keeps|is|isn't|won't|has|hasn't|just|still|started|takes|died|broke|crashed|froze|freezes|runs|gets|can't|doesn't|battery|screen|camera|charger|fan|keyboard|trackpad)\b)(?![^.!?]*\b(?:for sale|selling|sold|up for grabs|to give away|expensive|costs?)\b)", kind)  # noqa: E501
        for kind in ("phone", "laptop")
    ),
    # "my team leader is a woman, Mrs. Zielińska, she is more relaxed"
    _frame("manager", _OWNER + r"(?:new |current )?(?:boss|manager|supervisor|team lead|team leader|line manager|leader|superior) is (?:now )?an? (?:woman|man|lady|guy|gentleman),? (?P<value>(?:(?-i:Mr|Mrs|Ms|Mx|Dr|Prof|Miss)\.? )?(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)", "any"),  # noqa: E501
    _frame("manager", _OWNER + r"(?:new |current |direct )?(?:boss|manager|supervisor|team lead|line manager|superior|team leader)(?: at (?:the |a )?\w+)?,? (?:an? )?(?P<value>(?:(?-i:Mr|Mrs|Ms|Mx|Dr|Prof|Miss)\.? )?(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?)(?= is\b| has\b|,| and\b|\s*[.!;]|\s*$)", "any"),  # noqa: E501
    _frame("residence", _OWNER + rf"(?:new )?{_HOME} (?:is )?(?:in|near) {VALUE}", "place"),
    # "Nomvula, Thabo's line manager, is running the review"
    _frame("manager", r"(?:^|(?<=\s))(?!(?:Ask|Tell|Call|Email|Message|Thank|Thanks|Meet|Met|Text|Ping|Hi|Hey|Dear|Like|With|And|But|So|Then)\b)(?P<value>(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?), (?P<name>(?-i:[A-Z])[a-z]+)(?:'s|’s) (?:new |current |direct )?(?:boss|manager|supervisor|team lead|line manager)(?=,|\s*[.;)]|$)", "any"),  # noqa: E501
    # "Eilidh's favourite novel, Middlemarch, for the fourth time"
    _frame("favourite", _OWNER + r"(?:all-time |current )?(?:favou?rite|fave?) (?P<thing>[a-z]+(?: [a-z]+)?), (?P<value>(?-i:[A-Z0-9])[^,;()]{0,60}?)(?=,|\s*[.;)]|$)", "any"),  # noqa: E501
    _frame("relationship", _OWNER + r"divorce (?:papers |decree )?(?:(?:is|was|were|has been|have been|got|just got) (?:now |finally |officially )*(?:finali[sz]ed|final|official|through|thru|done)|(?:finally |officially )?(?:went|came|has gone) (?:through|thru))\b", "any", fixed="divorced"),  # noqa: E501
    _frame("vehicle", _OWNER + rf"new (?:car|ride|vehicle) is (?:an? )?{VALUE}", "vehicle"),
    # "Daniel's girlfriend Sophie": a partner named says where the relationship stands.
    _frame("relationship", _OWNER + r"(?:girlfriend|boyfriend) (?=(?-i:[A-Z]))", "any", fixed="in a relationship"),  # noqa: E501
    _frame("relationship", _OWNER + r"(?:fianc[eé]e?) (?=(?-i:[A-Z]))", "any", fixed="engaged"),
    _frame("relationship", _OWNER + r"(?:wife|husband) (?=(?-i:[A-Z]))", "any", fixed="married"),
)
