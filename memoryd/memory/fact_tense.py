"""Text in the plain form the frames are written in: tenses, tellings, contractions.

The frames spell out a verb in its simple forms ("moved to", "works as", "is at"). People
say the same with an auxiliary and an adverb in between: "has finally relocated to",
"has formally changed her major to", "has been working full-time as", "has been at
JetBrains since May". ``plain`` rewrites the opening of a predicate so the frame of the
simple form reads it:

* the present perfect is the simple past: "has (just) switched to" → "switched to",
  "has become" → "became"; "has" before anything that is not a participle stays ("has a
  Pixel");
* the present perfect of "be" is the present: "has been working as" → "is working as",
  "has been at" → "is at", "has been vegan" → "is vegan" (also with "has" left out, as
  chat does: "been at Klarna a few months now"); never "has been in" or "has
  been to", which are as often a stay as a home;
* a manner or time adverb in "-ly" before the verb goes ("formally", "quietly"); one that
  hedges, limits or dates the claim stays ("probably", "temporarily", "previously"), so a
  plan or a past is still read as one.

``told`` takes out a verb of telling before what it tells ("wanted to let you know that
she has moved to"), and ``uncontracted`` writes out an "'s" that stands for "is" ("my
phone's a Pixel", "my major's economics").
"""

from __future__ import annotations

import re

# Adverbs that change what a clause claims: a hedge, a limit in time, a past, a habit.
_KEEP = frozenset(
    "likely probably possibly hopefully supposedly allegedly potentially theoretically "
    "ideally nearly barely hardly only seemingly apparently reportedly rarely occasionally "
    "temporarily briefly partly partially hypothetically jokingly secretly previously "
    "formerly originally initially early family daily weekly monthly yearly nightly "
    "supply reply rely apply fly ally holy ugly lovely lonely friendly silly belly jelly "
    "bully italy july emily lily sally kelly molly holly polly billy willy "
    "never nearly almost mostly usually normally sometimes".split()
)
_ADVERB = r"(?:[a-z]{2,}ly|just|now|finally|also|already|since|recently|officially|full-time)"
_IRREGULAR = {
    "become": "became", "begun": "began", "gotten": "got", "taken": "took", "gone": "went",
    "driven": "drove", "given": "gave", "chosen": "chose", "grown": "grew", "fallen": "fell",
    "come": "came", "run": "ran", "written": "wrote", "ridden": "rode", "risen": "rose",
    "undertaken": "undertook", "overtaken": "overtook", "swapped": "swapped",
}  # fmt: skip
# Participles with the simple past's form that the frames use.
_SAME = frozenset(
    "bought sold left got found made quit set put met built spent won lost held led sent "
    "landed kept brought moved".split()
)
_AUXILIARY = frozenset(("has", "have", "'s", "’s", "'ve", "’ve"))
_BEEN_NEXT = re.compile(
    r"(?:[a-z]+ing|at|with|an?|single|married|engaged|divorced|vegan|vegetarian|pescatarian|"
    r"plant-based|based)$"
)


def _dropped(word: str) -> bool:
    return bool(re.fullmatch(_ADVERB, word)) and word not in _KEEP


def _skip_adverbs(words: list[str], n: int) -> int:
    while n < len(words) - 1 and _dropped(words[n]):
        n += 1
    return n


def plain(predicate: str) -> str:
    """``predicate`` with its opening auxiliary and adverbs in the frames' simple tense;
    ``predicate`` itself when there is nothing to rewrite."""
    words = predicate.split(" ")
    n = _skip_adverbs(words, 0)
    if words[n] == "been":  # "been at Klarna a couple of months now": "has" left out
        words.insert(n, "has")
    if words[n] in ("is", "are") and (m := _skip_adverbs(words, n + 1)) > n + 1:
        if words[m].endswith("ing"):  # "is officially practising as" → "is practising as"
            return " ".join([*words[n : n + 1], *words[m:]])
    if words[n] not in _AUXILIARY:
        return " ".join(words[n:]) if n and words[n - 1].endswith("ly") else predicate
    if n + 1 >= len(words):
        return predicate
    n = _skip_adverbs(words, n + 1)
    verb = words[n]
    if verb == "been" and n + 1 < len(words):
        n = _skip_adverbs(words, n + 1)
        if not _BEEN_NEXT.match(words[n]):
            return predicate
        rest = _skip_adverbs(words, n + 1) if words[n].endswith("ing") else n + 1
        return " ".join(["is", *words[n : n + 1], *words[rest:]])
    if verb in _IRREGULAR:
        return " ".join([_IRREGULAR[verb], *words[n + 1 :]])
    if verb.endswith("ed") or verb in _SAME:
        return " ".join(words[n:])
    return predicate


# "Ingrid wanted to let you know that she has relocated to Bergen": what is said comes
# after a verb of telling, which claims nothing of its own. Only before he/she/they,
# which is the subject again; "… that her sister moved" is someone else's.
_TELLING = re.compile(
    r"(?P<who>^(?-i:[A-ZÀ-ÖØ-Þ])[\w'’-]+(?: (?-i:[A-ZÀ-ÖØ-Þ])[\w'’-]+)?) (?:just |also )?"
    r"(?:(?:wanted|wants|would like|had|has) to (?:let (?:you|everyone|you all|y'all) know|"
    r"tell you|say|mention|share|update you|flag|note)|"
    r"(?:is|are) (?:happy|excited|thrilled|proud|pleased|glad|sad|sorry) to "
    r"(?:report|announce|share|say|tell you|let you know)|"
    r"can (?:finally )?(?:confirm|announce|say|report)|"
    r"(?:thought|figured) (?:she|he|they)['’]?d (?:mention|say|tell you|let you know)|"
    r"(?:should|must) (?:mention|say|tell you|note))"
    r"(?: that)?,? (?:she|he|they) (?!(?:would|will|might|may|could|should|wants?|hopes?)\b)",
    re.I,
)


def told(text: str) -> str:
    """``text`` with a verb of telling before what it tells taken out."""
    return _TELLING.sub(r"\g<who> ", text, count=1)


# "Dmitri's phone's a Galaxy S21": before an article, "'s" is "is", never a possessive.
# So is it after a noun that owns nothing said of it: "Isabela's major's mechanical
# engineering", "name's Kate now".
_IS_CONTRACTED = re.compile(
    r"(\w)['’]s (a|an|the)\b|\b(major|name|nickname|goal|target|diet)['’]s\b"
)


def _is(match: re.Match[str]) -> str:
    if match[3]:
        return f"{match[3]} is"
    return f"{match[1]} is {match[2]}"


# "its officially her favourite film": "it's" typed without its apostrophe.
_ITS = re.compile(
    r"\b(?-i:its) (?=(?:officially|now|definitely|literally|really|just|been|gonna|a|an|the|"
    r"my|his|her|their|(?-i:[A-Z])[\w-]*['’]s)\b)"
)


def uncontracted(text: str) -> str:
    """``text`` with each "'s" that stands for "is" written out."""
    return _IS_CONTRACTED.sub(_is, _ITS.sub("it's ", text))
