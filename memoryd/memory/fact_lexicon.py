"""The words that tell what kind of thing a fact's value is: a job title, a school, an
organisation, a workplace, a place, a field of study, a vehicle, a diet, a relationship
status. Frames (``fact_frames``) find where a value stands; these check what it is.
"""

from __future__ import annotations

import re

ROLE_HEADS = frozenset(
    """emt rn lpn cna cpa ceo cto cfo coo dj
    accountant actor actress administrator advisor adviser analyst anesthesiologist
    animator architect artist assistant associate attorney auditor author baker banker
    barber barista bartender biologist bookkeeper builder butcher buyer captain cardiologist
    carpenter cashier caregiver ceo cfo cto coo chef chemist chiropractor cleaner clerk coach
    consultant contractor cook coordinator copywriter counselor counsellor courier curator
    dancer dentist deputy designer detective dev developer dietitian director doctor driver
    economist editor educator electrician engineer entrepreneur executive farmer firefighter
    founder freelancer gardener geologist graphic hairdresser hygienist illustrator
    instructor intern interpreter investigator janitor journalist judge landscaper lawyer
    lecturer librarian lifeguard machinist manager marketer mathematician mechanic medic
    midwife musician nanny navigator negotiator neurologist nurse officer operator
    optometrist painter paralegal paramedic pharmacist photographer physician physicist
    physiotherapist pilot trucker plumber poet police policeman policewoman politician postdoc
    president principal producer professor programmer psychiatrist psychologist publisher
    realtor receptionist recruiter rep representative researcher reporter salesman saleswoman
    salesperson scientist secretary server singer sociologist soldier specialist statistician
    strategist student supervisor surgeon surveyor tailor teacher technician therapist
    trader trainer translator tutor veterinarian vet waiter waitress welder writer
    youtuber streamer influencer vp head lead partner owner fellow resident agent broker
    planner cop sheriff guard bouncer housekeeper maid steward stewardess attendant
    hostess host croupier dj comedian model stylist florist jeweler jeweller carer
    caretaker handyman roofer mason tiler decorator upholsterer plasterer nutritionist
    dietician optician radiographer sonographer phlebotomist pathologist pediatrician
    paediatrician dermatologist ophthalmologist orthodontist podiatrist surgeon
    administrator manager director supervisor foreman freelancer contractor founder
    cofounder co-founder ceo entrepreneur teacher professor lecturer tutor
    practitioner worker solicitor barrister dispatcher inspector estimator superintendent
    clinician sommelier brewer conductor ranger swe sre apprentice
    """.split()
)
# Words before a role that say it is not the subject's current job.
NOT_CURRENT_ROLE = frozenset(
    "former ex retired aspiring future wannabe would-be prospective trainee".split()
)
SCHOOL = re.compile(
    r"\b(?:university|college|school|institute|academy|polytechnic|conservatory|uni|"
    r"elementary|primary|montessori|preschool|pre-school|kindergarten|gymnasium|lyc[eé]e|"
    r"seminary|universidad|universidade|universit[eé]|universit[aä]t|universit[aà]|"
    r"hochschule|escuela|escola|[eé]cole|instituto|colegio|liceo|(?-i:High)|"
    r"(?<=\w )(?-i:State)$)\b|"
    r"^(?:(?:UC|TU|KU) \w+|UCLA|NYU|USC|UCSD|UCSB|UCL|UBC|UNC|UVA|MIT|"
    r"CMU|LSE|KCL|UCL|ETH|"
    r"EPFL|Caltech|Stanford|"
    r"Harvard|Yale|Princeton|Oxford|Cambridge|Columbia|Cornell|Berkeley|Duke|Brown|"
    r"Dartmouth|Northwestern|Georgetown|Rutgers|Purdue|Juilliard|Sorbonne)\b",
    re.I,
)
# What a training goal names.
RACE = re.compile(
    r"\b(?:marathon|half|triathlon|ultra|ironman|10k|5k|century|deadlift|squat|bench|"
    r"swim|race)\b",
    re.I,
)
# A feat of training said as one ("a half marathon under two hours", "pulling 405 on
# deadlift", "10 pull-ups"); not "the 2024 budget" nor "the second half of the season".
RACE_OR_LIFT = re.compile(
    r"\b(?:(?:half )?marathon|triathlon|ultra(?:marathon)?|ironman|10k|5k|century|deadlift|"
    r"squat|bench(?: press)?|pull-?ups?|push-?ups?|chin-?ups?|muscle-?ups?|plank|handstand|"
    r"sub-\d[\w:.]*|\d+ ?(?:kg|kilos?|lbs?|pounds|km|miles?))\b",
    re.I,
)
# A clause or sentence told of a time before: "Before Daniel, I reported to Olga at my old
# job", "before I moved to Berlin I lived in Kraków, and rent was insane even back then".
BYGONE = re.compile(
    r"^(?:back in|back when|back then|years ago|when (?:i|he|she|they|[\w-]+) was)\b|"
    # "before I moved to Berlin I lived in Kraków" (not "Before Christmas I moved to Lisbon")
    r"^before (?:i|we|he|she|they|[\w-]+) (?:moved|started|joined|got|switched|left|met)\b|"
    r"\b(?:back then|in those days)\b|"
    r"\bat (?:my|his|her|their|[\w-]+['’]s) (?:old|previous|last|former|first) "
    r"(?:job|company|work|workplace|employer|firm|office)\b",
    re.I,
)
# Apps and platforms people join, move to or start with as users ("joined Strava",
# "moved over to Notion for notes"): no home, and an employer only where work is said.
PLATFORM = re.compile(
    r"^(?:strava|duolingo|notion|obsidian|evernote|todoist|discord|tiktok|instagram|facebook|"
    r"twitter|threads|mastodon|bluesky|snapchat|pinterest|tinder|hinge|bumble|grindr|peloton|"
    r"zwift|myfitnesspal|goodreads|letterboxd|whatsapp|telegram|signal|patreon|substack|github|"
    r"linux|ubuntu|windows|android|ios|macos|chatgpt|reddit|monzo|revolut|zoom|slack|teams|"
    r"webex|skype)$",
    re.I,
)
NOT_EMPLOYER = re.compile(
    r"\b(?:club|gym|team|league|group|class|classes|choir|band|(?<!building )society|community|"
    r"orchestra|course|program|programme|party|church|chat|discord|server|family|crew|"
    r"meetup|circle|guild|movement|campaign|challenge|waitlist|trip|tour|conference)\b|"
    r"^(?:the )?same\b",
    re.I,
)
VEHICLE = re.compile(
    r"\b(?:tesla|honda|rover \d+|saab|lada|dacia|vauxhall|proton|datsun|daewoo|chrysler|"
    r"pontiac|hummer|aston martin|bentley|rolls-royce|maserati|cupra|lancia|toyota|ford|bmw|"
    r"audi|mercedes(?:-benz)?|volkswagen|vw|subaru|mazda|"
    r"nissan|hyundai|kia|chevy|chevrolet|jeep|volvo|porsche|lexus|rivian|polestar|prius|"
    r"civic|corolla|camry|accord|mini|fiat|peugeot|renault|skoda|dodge|ram|gmc|cadillac|"
    r"buick|lincoln|acura|infiniti|mitsubishi|jaguar|land rover|range rover|harley(?:-davidson)?|"
    r"ducati|yamaha|kawasaki|lucid|genesis|alfa romeo|ferrari|lamborghini|citroen|citroën|"
    r"opel|seat|suzuki|byd|mustang|wrangler|outback|forester|golf|jetta|beetle|leaf|bolt|"
    r"rav4|cr-v|f-150|model [3sxy]|car|truck|suv|van|minivan|pickup|motorcycle|motorbike|"
    r"scooter|ev|sedan|hatchback|convertible|coupe|wagon|hybrid|vespa|triumph|royal enfield|"
    r"ktm|aprilia|mg|smart|yaris|niro|ioniq|e-tron|taycan|cybertruck|tacoma|tundra|"
    r"highlander|4runner|sienna|rav-4|crv|pilot|odyssey|fit|hr-v|cx-5|cx-30|mx-5|miata|"
    r"model y|model 3|ioniq 5|ev6|id\.4|kona|tucson|santa fe|sorento|sportage|telluride|"
    r"rogue|altima|sentra|leaf|escape|explorer|bronco|maverick|ranger|f-250|silverado|"
    r"tahoe|equinox|malibu|impreza|crosstrek|ascent|wrx|passat|tiguan|atlas|q5|a4|x3|x5|"
    r"3 series|c-class|e-class|glc|xc60|xc90|macan|cayenne|defender|discovery|sprinter|"
    r"transit|prius prime|gladiator|cherokee|grand cherokee|durango|charger|challenger|"
    r"camaro|corvette|beetle|škoda|octavia|fabia|kodiaq|clio|micra|qashqai|juke|kuga|fiesta|"
    r"astra|corsa|ex30|ex90|xc40|zoe|jimny|ioniq 6|mx-30|i3|i4|hilux|land cruiser|navara|"
    r"amarok|maruti|tata|mahindra|proton|perodua|dacia|lada|cupra|saab|chery|geely|haval|"
    r"vinfast|creta|enyaq|e-golf)\b",
    re.I,
)
ORGNAME = re.compile(
    r"\b(?-i:[A-Z])[\w&'’.-]*(?: [\w&'’.-]+)* (?:Bank|Group|Inc|Ltd|LLC|Corp|Corporation|Company|"
    r"Co|Labs|Technologies|Partners|Capital|Consulting|Hospital|Clinic|Health|Bakery|"
    r"Studios?|Agency|Foundation|Institute|Associates|Systems|Solutions|Software|Media|"
    r"Airlines?|Motors|Insurance|Pharma|Pharmaceuticals|Energy|Holdings|Ventures|Lab)\b"
)
WORKPLACE = re.compile(
    r"\b(?:studio|company|firm|agency|startup|start-up|bank|hospital|clinic|practice|"
    r"restaurant|bakery|cafe|café|store|shop|lab|laboratory|office|factory|warehouse|"
    r"school|university|college|nonprofit|non-profit|charity|newspaper|magazine|publisher|"
    r"consultancy|hotel|airline|bar|gym|salon|farm|library|museum|zoo|airport|church|"
    r"supermarket|pharmacy|dealership|garage|nursery|daycare|kindergarten|brewery|winery|"
    r"diner|pub|spa|theatre|theater|cinema|studio|network|station|plant|mill|mine|"
    r"center|centre|department|ministry|council|government|court|police|army|navy|"
    r"military|fintech|corporation|conglomerate|chain|franchise|boutique|label)$",
    re.I,
)
# What a place named by a common noun is: "a small town", "the suburbs", "a farm".
PLACE_NOUN = re.compile(
    r"\b(?:town|city|village|suburb|suburbs|countryside|coast|area|neighbo(?:u)?rhood|state|"
    r"country|island|farm|house|home|apartment|flat|place|condo|cabin|bungalow|cottage|"
    r"loft|studio|dorm|valley|mountains|beach|seaside|outskirts|capital|province|region|"
    r"county|borough|district|street|road|avenue|building|complex|community)$",
    re.I,
)
ACADEMIC = re.compile(
    r"(?:engineering|science|sciences|studies|ology|ics|omy|law|medicine|nursing|history|"
    r"literature|arts?|design|architecture|philosophy|business|finance|accounting|"
    r"management|chemistry|physics|biology|mathematics|maths?|pharmacy|education|"
    r"journalism|theology|music|film|classics|linguistics|administration|pre-med|premed)$",
    re.I,
)
# A phone or a computer someone uses, by its make or line.
PHONE = re.compile(
    r"\b(?:iphone|pixel(?= \d| phone| fold)|galaxy [szaf]\d+|galaxy (?:note|fold|flip)|"
    r"oneplus|xperia|motorola|moto [a-z]\d*|redmi|xiaomi|huawei|fairphone|nothing phone|"
    r"tecno (?:camon|spark|pova|phantom)|infinix|realme|oppo (?:find|reno|a\d+)|"
    r"vivo (?:[xyv]\d+)|honor (?:magic|\d+)|nokia (?:[cgx]?\d+)|poco [a-z]?\d+|zenfone|"
    r"blackberry)\b",
    re.I,
)
LAPTOP = re.compile(
    r"\b(?:macbook|thinkpad|dell xps|xps \d+|surface (?:laptop|pro|book)|chromebook|zenbook|"
    r"vivobook|framework laptop|framework(?= \d)|ideapad|razer blade|asus rog|"
    r"rog (?:zephyrus|strix)|zephyrus|"
    r"lenovo (?:thinkpad|yoga|legion|ideapad)|legion \d|acer (?:swift|aspire|predator)|"
    r"hp (?:spectre|envy|pavilion|elitebook)|elitebook|galaxy book|matebook|alienware|"
    r"inspiron|dell latitude|probook|zbook)\b",
    re.I,
)
DIETS = (
    r"lacto-ovo vegetarian|ovo-lacto vegetarian|lacto-vegetarian|"
    r"vegan|vegetarian|veggie|pescatarian|pescetarian|keto|paleo|carnivore|flexitarian|"
    r"plant-based|gluten-free|dairy-free|lactose-free|kosher|halal|raw vegan|whole30|"
    r"intermittent fasting|low-carb|low carb|low-fodmap|low fodmap"
)
# A diet named anywhere in a text.
DIET = re.compile(rf"\b(?:lacto-ovo vegetarian|ovo-vegetarian|{DIETS})\b", re.I)
# A diet kept for an occasion or a set time, not a way of eating: "going fully halal for
# the dinner I'm hosting", "vegan for Lent", "keto for a month before the wedding"; not
# "vegan for a month now" or "have been vegetarian for two weeks", time so far.
DIET_FOR_A_WHILE = re.compile(
    rf"(?<!\bbeen )(?<!\bbeen fully )(?<!\bbeen strictly )(?<!\bbeen mostly )"
    rf"(?<!\bbeen completely )\b(?P<diet>{DIETS})(?: diet)?,? "
    r"(?:for|during|over|until|till|through|just for) (?:the |this |a |an |one |two |three |"
    r"four |the next |next |my |our |his |her )?(?:[\w-]+ ){0,2}?(?:dinner|party|event|"
    r"wedding|meal|lunch|breakfast|brunch|occasion|holidays?|challenge|month|weeks?|days?|"
    r"fortnight|lent|ramadan|january|veganuary|"
    r"detox|cleanse|trip|visit|shoot|competition|cut|fast|reset|experiment)\b"
    r"(?! now\b| so far\b| already\b)",
    re.I,
)
RELATIONSHIP = {
    "single": "single",
    "married": "married",
    "engaged": "engaged",
    "divorced": "divorced",
    "separated": "separated",
    "widowed": "widowed",
    "hitched": "married",
    "in a relationship": "in a relationship",
    "dating": "in a relationship",
    "seeing someone": "in a relationship",
    "taken": "in a relationship",
}
# A vehicle someone drives without owning it: "a rental Tesla", "test drove a Model Y".
BORROWED = re.compile(
    r"\b(?:rental|rented|renting|loaner|borrowed|borrowing|test[- ]dr(?:ive|ove|iving|iven)|"
    r"hire car|courtesy car|from (?:Hertz|Avis|Enterprise|Sixt|Budget|Europcar|Turo|Zipcar|"
    r"Alamo|Thrifty|Getaround)|for (?:a few|a couple of|\d+|two|three) (?:days|weeks)|"
    r"in the meantime|temporarily|to use (?:while|until|for)|"
    r"in the shop|at the (?:garage|mechanic|body shop)|in for (?:repairs?|service)|"
    r"being (?:fixed|repaired|serviced)|"
    r"until (?:the |my |it )?(?:\w+ )?(?:repair|is (?:fixed|repaired|"
    r"back)|gets (?:fixed|repaired)|comes back))\b",
    re.I,
)


# Someone else a clause mentions, whom a following pronoun may mean: "he" a man or anyone
# unmarked, "she" a woman or anyone unmarked ("Ben lives with his wife and he works at
# Google" is still Ben's job).
_MEN = "husband|boyfriend|brother|dad|father|son|uncle|nephew|grandpa|grandfather|guy|man|boy"
_WOMEN = (
    "wife|girlfriend|sister|mom|mum|mother|daughter|aunt|niece|grandma|grandmother|woman|girl|lady"
)
_ANYONE = (
    "partner|fianc[ée]e?|friend|cousin|kid|child|colleague|coworker|co-worker|roommate|"
    "flatmate|housemate|neighbou?r|boss|manager"
)
# Anyone the speaker may speak of beside themselves: "my sister", "my boss", "a friend".
RELATIVES = f"{_MEN}|{_WOMEN}|{_ANYONE}"
# "he" and "she" mean one person: "Married, three kids, she drives…" is not the kids.
OTHER_PERSON = {
    pronoun: re.compile(rf"\b(?:{words}){plural}\b", re.I)
    for pronoun, words, plural in (
        ("he", f"{_MEN}|{_ANYONE}", ""),
        ("she", f"{_WOMEN}|{_ANYONE}", ""),
        ("they", f"{_MEN}|{_WOMEN}|{_ANYONE}", "s?"),
    )
}

# "At Infosys we live in Jira all day", "I basically live in the gym": no home; "basically
# working at IKEA now lol, I'm there every weekend": no job.
LIVED_IN_IDIOM = re.compile(
    r"\b(?:basically|practically|pretty much|literally|virtually|kinda|sort of)\s+"
    r"(?:live|lives|living)\b|"
    r"\b(?:basically|practically|literally|virtually)\s+(?:work|works|working)\s+(?:at|in)\b|"
    r"\b(?:live|lives|living) in (?:\S+\s+){1,3}?(?:all day|24/7|all week|all the time)\b",
    re.I,
)


def in_an_idiom(text: str, value: str) -> bool:
    """Whether ``value`` is where ``text`` says someone "basically lives" or "practically
    works", a figure of speech."""
    low = value.casefold()
    return any(
        low in text[m.end() : m.end() + 40].casefold() for m in LIVED_IN_IDIOM.finditer(text)
    )
