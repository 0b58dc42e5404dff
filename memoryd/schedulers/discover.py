"""Naming discovered categories: offline from a cluster's distinctive terms, or by an LLM."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

_WORD = re.compile(r"[a-z][a-z'-]{2,}")
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
    often since ago told said says think thinks thought feel feels felt want wants wanted""".split()
)
_MAX_NAME = 64


class CategoryNamer(Protocol):
    """Names a cluster of memories: returns ``(name, description)``; ``name`` matches
    ``^[a-z][a-z0-9_]{0,63}$``."""

    def name(self, texts: Sequence[str], corpus: Sequence[str]) -> tuple[str, str]: ...


def _terms(text: str) -> set[str]:
    return {w.strip("'-") for w in _WORD.findall(text.casefold())} - _STOP


def slug(words: Sequence[str]) -> str:
    """A category name from words: lowercase, ``_``-joined, within the length limit."""
    name = "_".join(re.sub(r"[^a-z0-9]+", "_", w.casefold()).strip("_") for w in words)
    name = re.sub(r"_+", "_", name).strip("_")[:_MAX_NAME].rstrip("_")
    if not name or not name[0].isalpha():
        name = f"topic_{name}"[:_MAX_NAME].rstrip("_")
    return name


class TermNamer:
    """Names a cluster by the terms most of its memories share and the user's other
    memories rarely use (share in the cluster × idf outside it). A term every memory has,
    like the user's own name, says nothing about the cluster."""

    def __init__(self, terms: int = 2):
        self.terms = terms

    def name(self, texts: Sequence[str], corpus: Sequence[str]) -> tuple[str, str]:
        inside_texts = set(texts)
        outside = [_terms(t) for t in corpus if t not in inside_texts]
        df = Counter(term for doc in outside for term in doc)
        inside = Counter(term for text in texts for term in _terms(text))
        scores = {
            term: (count / len(texts)) * math.log((len(outside) + 1) / (df.get(term, 0) + 1))
            for term, count in inside.items()
            if count > 1 or len(texts) == 1
        }
        ranked = [t for t in sorted(scores, key=lambda t: (-scores[t], t)) if scores[t] > 0]
        chosen = ranked[: self.terms]
        if not chosen:
            return "discovered_topic", f"{len(texts)} memories with no distinctive terms"
        shown = ", ".join(ranked[:5])
        return slug(chosen), f"Memories about {shown} (discovered from {len(texts)} items)"
