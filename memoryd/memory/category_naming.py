"""Naming discovered categories offline, from a cluster's distinctive terms, and the
rules every category name follows (:func:`slug`). The LLM namer,
:class:`memoryd.llm.discover.LlmNamer`, falls back to :class:`TermNamer`; both fill
:class:`memoryd.memory.ports.CategoryNamer`. Pure: the discover job (schedulers) and
bootstrap both use it."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[a-z][a-z'’-]{2,}")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_MAX_NAME = 64
_STOP = frozenset(
    """about above after again against all also and any are aren't because been before being
    below between both but can could did does doing don't down during each even ever every
    few for from further had has have having her here hers herself him himself his how into
    it's its itself just like lot lots made make many more most much must myself never new
    not now off once one only other our ours out over own really same she should some such
    than that the their theirs them themselves then there these they this those through too
    under until very was wasn't way well were what when where which while who whom why will
    with would you your yours yourself yourselves get got getting going gone went year years
    last next week weeks month months day days time times thing things still always usually
    often since ago told said says think thinks thought feel feels felt want wants wanted
    gonna wanna gotta won't can't don't doesn't didn't isn't i'm i've i'll it'll that's
    there's what's let's you're we're they're hey yeah yes okay wow super totally glad
    happy great good nice awesome amazing love loves loved january february march april
    may june july august september october november december monday tuesday wednesday
    thursday friday saturday sunday today tomorrow yesterday weekend""".split()
)


def _terms(text: str) -> set[str]:
    words = (_POSSESSIVE.sub("", w.strip("'’-")) for w in _WORD.findall(text.casefold()))
    return {w for w in words if len(w) > 2} - _STOP


def slug(words: Sequence[str]) -> str:
    """A category name from words: lowercase, ``_``-joined, within the length limit."""
    name = "_".join(re.sub(r"[^a-z0-9]+", "_", w.casefold()).strip("_") for w in words)
    name = re.sub(r"_+", "_", name).strip("_")[:_MAX_NAME].rstrip("_")
    if not name or not name[0].isalpha():
        name = f"topic_{name}"[:_MAX_NAME].rstrip("_")
    return name


class TermNamer:
    """Names a cluster by the terms most of its memories share and the user's other
    memories rarely use (share in the cluster × idf outside it). A term in more than
    ``common`` of the user's other memories (their own name, a partner's) says nothing
    about a topic; a cluster whose best term is in fewer than ``min_share`` of its
    memories has no topic, and is not made a category."""

    def __init__(self, terms: int = 2, *, min_share: float = 0.5, common: float = 0.2):
        self.terms = terms
        self.min_share = min_share
        self.common = common

    def name(
        self, user_id: str, texts: Sequence[str], corpus: Sequence[str]
    ) -> tuple[str, str] | None:
        inside_texts = set(texts)
        outside = [_terms(t) for t in corpus if t not in inside_texts]
        df = Counter(term for doc in outside for term in doc)
        inside = Counter(term for text in texts for term in _terms(text))
        limit = self.common * max(len(outside), 1)
        scores = {
            term: (count / len(texts)) * math.log((len(outside) + 1) / (df.get(term, 0) + 1))
            for term, count in inside.items()
            if df.get(term, 0) <= limit and count / len(texts) >= self.min_share / 2
        }
        ranked = [t for t in sorted(scores, key=lambda t: (-scores[t], t)) if scores[t] > 0]
        if not ranked or inside[ranked[0]] / len(texts) < self.min_share:
            return None
        chosen = ranked[: self.terms]
        shown = ", ".join(ranked[:5])
        return slug(chosen), f"Memories about {shown} (discovered from {len(texts)} items)"
