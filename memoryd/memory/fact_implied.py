"""What a newer message implies of a value the store knows, without saying it changed.

- A team taken over: once Mark is Zainab's manager, "Priyanka took over the team",
  "Daniel, who took the team over from Karen" or "the reorg moved Zainab under Mei Lin"
  names the new one.
- Another device or car in use: once Rosa's phone is an iPhone 11, "Still getting used to
  the back gesture on the Pixel 8" says the Pixel is hers now. Only a model of the same
  kind, named as the one at hand ("my", "this", the subject's, "used to … the", "typing
  on the"), in a message that names no other person and speaks of no work device, second
  device, rental, loan, shop, wish, price, repair, launch or comparison; and not while
  the known one is still named. A bare "the Model 3 lost range" may be anyone's.
- A favourite overtaken: once Dune is the favourite book, "Piranesi has overtaken Dune as
  my favourite" or "Finished Piranesi and it's my new all-time favourite" names the new
  one, of the kind known; "Nothing has overtaken Dune", "Emma almost overtook it" do not.
"""

from __future__ import annotations

import re

from memoryd.memory.fact_lexicon import BORROWED, LAPTOP, PHONE, RELATIVES, VEHICLE
from memoryd.memory.fact_subjects import norm
from memoryd.memory.fact_values import canonical, same_value
from memoryd.memory.names import is_first_name

__all__ = ["NOT_HAD", "in_use", "new_favourite", "new_lead"]

_LEAD = r"(?-i:[A-Z])[\w'’-]+(?: (?-i:[A-Z])[\w'’-]+)?"
_TOOK_OVER = re.compile(
    rf"(?<![\w'’])(?P<new>{_LEAD}|she|he|they),? (?:who |has |had |just |officially |"
    r"recently )*(?:took|taken|inherited|took charge of|is running|now runs|runs) (?:over )?"
    r"(?:the|our|my|(?:(?:Mr|Mrs|Ms|Dr)\.? )?(?P<whose>[\w-]+)['’]s) "
    r"(?:team|group|department|squad|role|job|position)(?: over)?"
    rf"(?: from (?P<old>{_LEAD}))?"
    # the team itself, not one a clause goes on to describe ("the team Sam plays with")
    r"(?=\s*[,.;:!?—–)]|\s*$|\s+(?:and|in|last|this|on|after|when|since|now|so|but)\b)"
)
_MOVED_UNDER = re.compile(rf"\b(?:moved|put|placed|shifted) (?P<who>[\w-]+) under (?P<new>{_LEAD})")
_NAMED = re.compile(rf"(?<![\w'’])(?!(?:According|The|Since|After|When|If)\b){_LEAD}(?![\w'’])")


# Only the known manager's role or job is the team's lead: "the job"/"the role" is a task.
_ROLE_TAKEN = re.compile(r".*\b(?:the|our|my) (?:role|job|position)\b")
_UNSURE = re.compile(
    r"\b(?:would|could|might|may|if|almost|nearly|wanted|want|plan\w*|will|not|never)\b|n't\b",
    re.I,
)


def new_lead(text: str, subject: str, known: str) -> str | None:
    """The subject's new manager, once ``known`` is their manager, in a sentence that says
    who took the team over from them ("since she inherited the team from Raj" names the
    person the sentence named before "she")."""
    for found in _TOOK_OVER.finditer(text):
        whose = norm(found["whose"] or "")
        if whose and whose.split()[-1] != norm(known).split()[-1]:
            continue  # "Dana took over Sam's role": Sam's place, not Sam's manager's
        if not whose and _ROLE_TAKEN.match(found.group(0).split(" ", 1)[-1]):
            continue  # "took over the job of organizing the party": a task
        new = found["new"]
        if new in ("she", "he", "they"):
            named = [
                n.group(0)
                for n in _NAMED.finditer(text[: found.start()])
                if norm(n.group(0)) not in (subject, norm(known))
                and not n.group(0).endswith(("'s", "’s"))
            ]
            new = named[-1] if named else ""
        if new and norm(new) not in (subject, norm(known)):
            return new
    for found in _MOVED_UNDER.finditer(text):
        if _UNSURE.search(text[: found.start()]):
            continue  # "the reorg would have moved Sam under Mei Lin"
        if norm(found["who"]) == subject and norm(found["new"]) != norm(known):
            return found["new"]
    return None


_KINDS = {"phone": PHONE, "laptop": LAPTOP, "vehicle": VEHICLE}
_MODEL = (  # "Pixel 8", "iPhone 15 Pro", "Galaxy s24", "ThinkPad X1 Carbon"; not "Pixel 8 Tom"
    r"(?:(?-i:[A-Z0-9])|(?-i:i)(?=(?-i:[A-Z])))[\w.+-]*"
    r"(?: (?:(?-i:[A-Z]*\d[\w.+-]*)|(?-i:Pro|Max|Ultra|Plus|Mini|Air|Fold|Flip|Carbon|Lite|Edge|"
    r"Note|SE|FE|XL|Neo|Yoga|Book|Laptop|Surface|Galaxy|Pixel|MacBook|ThinkPad|Model))){0,3}"
)
# Another person named in the text: whose the thing is, it may be.
_NAME = re.compile(r"(?<![\w'’])(?-i:[A-Z])[a-z]+(?:['’]s)?\b")
_NOT_A_PERSON = frozenset(
    """According The This That My I It Its Still Loving Love Finally So Now Just Put Got
    Honestly Anyway Also And But Today Yesterday Windows Linux Fedora Ubuntu Android Apple
    Google Samsung Tesla Pixel Galaxy iPhone MacBook ThinkPad Dell Lenovo Framework Surface
    Model Air Pro Max Ultra Plus Mini Fold Flip Carbon WhatsApp iCloud Zoom Spotify""".split()
)


def _someone_named(text: str, subject: str) -> bool:
    """Whether ``text`` names a person other than the subject ("…the Pixel 8 Tom brought")."""
    for found in _NAME.finditer(text):
        word = found.group(0).removesuffix("'s").removesuffix("’s")
        if word in _NOT_A_PERSON or norm(word) == subject or subject.startswith(norm(word)):
            continue
        if is_first_name(word):
            return True
    return False


# Someone else's, a rental, a shop, a wish, a comparison, a gift, a repair: not in use.
NOT_HAD = re.compile(
    r"\b(?:rent\w*|borrow\w*|loan\w*|loaner|test[- ]?dr\w*|demo|review\w*|ads?|advert\w*|"
    r"store|shop|dealer\w*|showroom|want\w*|wish\w*|thinking|considering|looking at|eyeing|"
    r"might|maybe|should|would|could|if|vs\.?|versus|or|compar\w*|work (?:phone|laptop)|"
    r"company (?:car|phone|laptop)|for (?:him|her|them|work)|gift\w*|gave|lent|sold|selling|"
    rf"(?:{RELATIVES})s?|fix\w*|"
    r"repair\w*|return\w*|refund\w*|stolen|(?<!getting )(?<!got )used to|once|back when|"
    r"instead|not|never|no longer|tempt\w*|eye\w*|dream\w*|drool\w*|jealous|envy|covet\w*|"
    r"check\w* out|look\w* (?:at|into|nice|great|good)|saw|seen|pre-?order\w*|waitlist|reserv\w*|"
    r"on order|next|soon|tomorrow|will|going to|gonna|plan\w*|hop(?:e|es|ing)|decid\w*|choice|"
    r"options?|pros|cons|between|deal|price\w*|cost\w*|afford\w*|sale|budget|cheaper|"
    r"expensive|worth|work|office|company|job|second|spare|backup|extra|also|too|both|"
    r"another|other|old|previous|former|launch\w*|rumou?r\w*|leak\w*|announc\w*)\b|n['’]t\b",
    re.I,
)


def in_use(text: str, subject: str, attribute: str, known: str) -> str | None:
    """Another model of ``attribute``'s kind that ``text`` speaks of as the subject's
    own at hand, once ``known`` is theirs; None when the text may speak of any other."""
    kind = _KINDS.get(attribute)
    old = _old_known(text, known)
    # "than the old ThinkPad's was": the old one is the known one, said so
    said = text[: old.start()] + text[old.end() :] if old else text
    if kind is None or NOT_HAD.search(said) or _someone_named(text, subject):
        return None
    # the one at hand: "my", "this", the subject's, or "the" after getting used to it or
    # typing on it, or once the known one is called the old one ("parking the Mini Cooper
    # is a dream compared to the old Outback"); not "the Pixel 8" said of anyone, nor "a
    # video on the Pixel 9 camera"
    owner = (
        rf"(?:this|my|{re.escape(subject)}['’]s|used to (?:[\w'’-]+ ){{0,4}}?(?:on )?the|"
        r"(?:typing|texting|writing) on the|(?:put|installed|running) [\w-]+ on the"
        rf"{'|the' if old else ''})"
    )
    for found in re.finditer(rf"\b{owner} (?:new )?(?P<thing>{_MODEL})", text, re.I):
        thing = found["thing"].strip(" .,!")
        if kind.search(thing) and not same_value(attribute, canonical(thing), known):
            if _names_known(text, known) and not old:
                return None  # both named: one may be kept besides the other
            return thing
    return None


# A replacement someone else had, or one not (yet) made.
_NOT_REPLACED = re.compile(
    rf"\b(?:(?:{RELATIVES})s?|might|maybe|would|could|should|if|will|going to|gonna|plan\w*|"
    r"thinking|considering|want\w*|wish\w*|hop(?:e|es|ing)|not|never|soon|next|says|said|"
    r"announc\w*|fleet|office|company|review\w*|launch\w*|line-?up)\b|n['’]t\b",
    re.I,
)


def replaced_by(text: str, subject: str, attribute: str, known: str) -> str | None:
    """The model ``text`` says took the known one's place: "The Galaxy S21 was replaced by
    an iPhone 15 Pro", "the Corolla's been replaced with a Kia Niro"."""
    kind = _KINDS.get(attribute)
    words = [w for w in re.findall(r"[\w+-]+", known.casefold()) if len(w) > 1]
    if kind is None or not words or _NOT_REPLACED.search(text) or BORROWED.search(text):
        return None
    old = r"\b" + r"\s+".join(map(re.escape, words[-2:])) + r"\b"
    own = rf"(?:the|my|his|her|their|{re.escape(subject)}['’]s) (?:old )?"
    took = re.search(
        rf"(?:^|[,;—–] |\band )(?:{own})?(?:[\w-]+ )?{old}(?:['’]s)? (?:was |got |has been |"
        r"is being |been )?(?:finally )?replaced (?:by|with) (?:an? |the |my )?(?:new )?"
        rf"(?P<thing>{_MODEL})|"
        # "persuaded me to replace the old Nokia with one of these iPhones"
        rf"\b(?:to|{re.escape(subject)}|I|she|he|they) (?:finally )?replac(?:e|ed) {own}"
        rf"(?:[\w-]+ )?{old} (?:with|for) (?:an? |the |one of (?:these|those|the) )?(?:new )?"
        rf"(?P<other>{_MODEL})",
        text,
        re.I,
    )
    if took is None:
        return None
    thing = (took["thing"] or took["other"]).strip(" .,!")
    if not kind.search(thing) and thing.endswith("s"):
        thing = thing[:-1]  # "one of these iPhones"
    if not kind.search(thing) or same_value(attribute, canonical(thing), known):
        return None
    return thing


def _old_known(text: str, known: str) -> re.Match[str] | None:
    """Where ``text`` calls the known thing the old one: "than the old ThinkPad's was",
    "wrestling the old Outback into spots"."""
    words = [re.escape(w) for w in re.findall(r"[\w+-]+", known.casefold()) if len(w) > 1]
    if not words:
        return None
    name = "(?:" + "|".join(words) + ")"
    return re.search(
        rf"\b(?:compared (?:to|with)|than|instead of|after)\s+(?:\w+ing\s+)?"
        rf"(?:the|my|[\w-]+['’]s) (?:old|previous|former) {name}\b",
        text,
        re.I,
    )


def _names_known(text: str, known: str) -> bool:
    """Whether ``text`` names the known thing: whole ("Galaxy S21"), or its first word
    after an owner ("my OnePlus still works fine")."""
    words = [w for w in re.findall(r"[\w+-]+", known.casefold()) if len(w) > 1]
    said = text.casefold()
    if not words:
        return False
    if re.search(r"\b" + r"\s+".join(map(re.escape, words)) + r"\b", said):
        return True
    return re.search(rf"(?:\bmy|['’]s) {re.escape(words[0])}\b", said) is not None


# "The Remains of the Day has overtaken Pride and Prejudice as my all-time favourite":
# once the one overtaken is known, the other is the favourite of the same kind.
_OVERTAKEN = re.compile(
    r"(?P<new>(?-i:[A-Z0-9'‘\"])[^,;:—–!?]{0,60}?) (?:has |have )?(?:now |officially |finally |"
    r"just |totally |completely )?(?:overtaken|overtook|dethroned|replaced|beaten|beat|knocked|"
    r"displaced|unseated|edged out|pushed) (?P<old>[^,;:—–!?]{1,60}?) (?:off (?:the )?(?:top|"
    r"throne|top spot)|as (?:[\w'’-]+ )?(?:all-time |new |current |absolute )?(?:favou?rite|"
    r"fave|number one|no\. ?1|#1)|"
    # "Ramen has completely dethroned sushi for Lucas; …"
    r"for (?P<for>(?-i:[A-Z])[\w'’-]+)(?=\s*[;,.!—–]|\s*$| now\b| these days\b))"
)
_OVERTAKEN_FOR = re.compile(
    r" as (?:(?P<owner>[\w'’-]+?)['’]s )?(?:all-time |new |current |absolute )?"
)
_NOBODY = re.compile(r"\b(?:nothing|no|none|nobody|never|almost|nearly)\b", re.I)
_HEARSAY = re.compile(r"\b(?:says?|said|thinks?|thought|told|claims?|reckons?)\b")


# "Finished The Remains of the Day and it's my new all-time favourite": a favourite whose
# kind is left unsaid is of the kind known.
_NEW_UNNAMED = re.compile(
    r"\b(?:finished|read|reread|watched|rewatched|saw|heard|tried|discovered|listened to) "
    r"(?P<new>(?-i:[A-Z0-9'‘\"])[^,;:—–!?]{0,60}?),? and (?:it's|it is|it has become|it became) "
    r"(?:now |officially )?(?:(?P<owner>[\w'’-]+?)['’]s |my )?new (?:all-time |absolute )?"
    r"(?:favou?rite|fave|fav)\b(?! (?:[a-z]+ )?(?:book|novel|film|movie|band|song|album|food|"
    r"dish|show|series|game|author|artist|singer|podcast|team|drink|restaurant))"
)


def new_favourite(text: str, subject: str, known: str) -> str | None:
    """What ``text`` says has overtaken ``known`` as a favourite, or is the subject's new
    favourite of no kind said."""
    for found in _NEW_UNNAMED.finditer(text):
        if not found["owner"] or norm(found["owner"]) == subject:
            return found["new"].strip(" '‘’\"")
    for found in _OVERTAKEN.finditer(text):
        owner = _OVERTAKEN_FOR.search(found.group(0)[found.end("old") - found.start() :])
        whose = owner["owner"] if owner is not None else found["for"]
        if (whose and norm(whose) != subject) or _HEARSAY.search(found["new"]):
            continue  # "Eliza's sister says Emma has overtaken…": not hers
        if _UNSURE.search(found.group(0)) or _NOBODY.search(found["new"]):
            continue  # "Nothing has overtaken…", "Dune might have overtaken…"
        if _names_known(found["old"], known) or same_value(
            "favourite", canonical(found["old"]), known
        ):
            # the name alone: "Controversial but ramen", "Honestly The Remains of the Day"
            new = re.split(
                r"\b(?:but|so|now|honestly|well|lol|ok|okay)\b,?\s*", found["new"], flags=re.I
            )[-1]
            new = new.strip(" '‘’\"")
            return new or None
    return None
