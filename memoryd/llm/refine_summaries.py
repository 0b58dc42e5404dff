"""Category summaries folded into a window's refinement request: a window costs one request.

The request shows the user's current category summaries (those of the drafts' categories
and every other that has one: the model may file an item anywhere, and a summary it was not
shown would cost a separate request, which in ``bench/llm_cost.py``'s live replay costs
more tokens than showing them all). The answer carries the revised summaries of the
categories it changed beside the refined items (``summaries``), pointing at
the items they draw on by id (memories shown) or by position (the answer's own items, whose
ids exist only once they are written).

A touched category the answer has no usable summary for (left out, blank, malformed, or one
whose summary the model was not shown) gets, by what the window did to it:

* ``fallback``: it holds an item the window wrote, so the answer should have revised it:
  one separate summary request for all such categories;
* ``extractive``: its summary drew on a draft the window archived (an extractive summary
  made at ingest): the extractive one of its items now, no model call;
* ``held``: otherwise (its change is later turns' drafts, which their own window refines):
  its summary stays as it is, as at ingest.

Each is counted in ``memoryd_llm_refine_summaries_total{source}``, with ``folded``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from memoryd.llm.prompts import FoldedSummary, ShownSummary
from memoryd.llm.summarize import clip_summary
from memoryd.memory import ids
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Item
from memoryd.memory.schema import CATEGORIES, ITEMS, category_from, item_from
from memoryd.memory.summarize import Summarizer, SummaryDraft, SummaryRequest
from memoryd.telemetry.llm_metrics import LlmMetrics

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SummaryContext:
    """What the refinement request shows of the user's summaries. ``unseen``: categories
    that have a summary the model was not shown; a summary it writes for one is not taken
    (it could not keep what the old one held)."""

    shown: list[ShownSummary]
    unseen: frozenset[str]

    def accepts(self, name: str) -> bool:
        return name not in self.unseen


def summary_context(engine: MemoryEngine, user_id: str, drafts: Sequence[Item]) -> SummaryContext:
    """The user's summaries, and an empty one for a draft's category that has none yet."""
    categories = {c.name: c for c in engine.categories(user_id)}
    wanted = {d.category for d in drafts} | {n for n, c in categories.items() if c.summary}
    draft_ids = {d.id for d in drafts}
    drawn = [
        i
        for name in sorted(wanted & set(categories))
        for i in categories[name].summary_item_ids
        if i not in draft_ids
    ]
    live = {
        item.id: item
        for item in (item_from(r) for r in engine.store.get(ITEMS, sorted(set(drawn))))
        if not item.archived
    }
    shown = []
    for name in sorted(wanted):
        category = categories.get(name)
        memories = [live[i] for i in category.summary_item_ids if i in live] if category else []
        shown.append(ShownSummary(name, category.summary if category else "", memories))
    unseen = frozenset(n for n, c in categories.items() if c.summary and n not in wanted)
    return SummaryContext(shown, unseen)


def stale_summaries(engine: MemoryEngine, user_id: str, archived: Sequence[Item]) -> set[str]:
    """The categories whose summary draws on one of the ``archived`` drafts."""
    gone = {i.id for i in archived}
    names = sorted({i.category for i in archived})
    found = engine.store.get(CATEGORIES, [ids.category_id(user_id, n) for n in names])
    return {c.name for c in map(category_from, found) if gone & set(c.summary_item_ids)}


@dataclass(frozen=True, slots=True)
class Folded:
    """A summary from the refinement answer, its ``new_items`` as positions in the
    window's candidates (the answer's items that were kept)."""

    text: str
    item_ids: list[str]
    new_items: list[int]


def folded_summaries(
    answer: Sequence[FoldedSummary], context: SummaryContext, positions: Mapping[int, int]
) -> dict[str, Folded]:
    """The answer's summaries that can be taken: non-empty, of a category whose summary
    was shown or that had none (the first of a name wins)."""
    out: dict[str, Folded] = {}
    for s in answer:
        text = s.summary.strip()
        if not text or s.name in out or not context.accepts(s.name):
            continue
        new = [positions[n] for n in dict.fromkeys(s.new_items) if n in positions]
        out[s.name] = Folded(text, list(dict.fromkeys(s.item_ids)), new)
    return out


class FoldedSummaries:
    """The :class:`~memoryd.memory.summarize.Summarizer` of one window's write: the folded
    summaries where the answer has them; for the rest, see the module's docstring.
    ``written_in``: the categories of the items the window wrote; ``stale``: those whose
    summary drew on a draft it archived."""

    def __init__(
        self,
        folded: Mapping[str, Folded],
        landed: Sequence[str | None],
        fallback: Summarizer,
        metrics: LlmMetrics,
        *,
        written_in: Set[str],
        stale: Set[str],
    ):
        self.folded = folded
        self.landed = landed
        self.fallback = fallback
        self.metrics = metrics
        self.written_in = written_in
        self.stale = stale

    def rewrite(
        self, user_id: str, requests: Sequence[SummaryRequest], *, force: bool = False
    ) -> dict[str, SummaryDraft]:
        drafts: dict[str, SummaryDraft] = {}
        missing: list[SummaryRequest] = []
        sources: Counter[str] = Counter()
        for request in requests:
            folded = self.folded.get(request.name)
            if folded is not None:
                drafts[request.name] = self._draft(folded, request)
                sources["folded"] += 1
            elif request.name in self.written_in:
                missing.append(request)
                sources["fallback"] += 1
            elif request.name in self.stale or not request.previous:
                sources["extractive"] += 1  # left out: the refresher makes it
            else:
                kept = [i.id for i in request.kept]
                drafts[request.name] = SummaryDraft(request.previous, kept, fresh=False)
                sources["held"] += 1
        for source, n in sources.items():
            self.metrics.refine_summaries.labels(source).inc(n)
        if missing:
            log.info(
                "refinement answer lacks summaries; asking for them separately",
                extra={"user_id": user_id, "categories": [r.name for r in missing]},
            )
            drafts.update(self.fallback.rewrite(user_id, missing, force=force))
        return drafts

    def _draft(self, folded: Folded, request: SummaryRequest) -> SummaryDraft:
        known = {i.id for i in [*request.changed, *request.kept]}
        named = [*folded.item_ids, *(self.landed[n] for n in folded.new_items)]
        item_ids = [i for i in dict.fromkeys(named) if i is not None and i in known]
        return SummaryDraft(clip_summary(folded.text, 2 * request.target_chars), item_ids)
