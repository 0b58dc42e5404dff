"""Which summaries of a refinement answer are taken (only for categories whose summary the
model saw, or that had none; its own items named by position, those kept only), and what a
touched category the answer left out gets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from memoryd.llm.prompts import FoldedSummary, RefineAnswer
from memoryd.llm.refine_summaries import (
    Folded,
    FoldedSummaries,
    SummaryContext,
    folded_summaries,
)
from memoryd.memory.models import Item, MemoryType
from memoryd.memory.summarize import SummaryDraft, SummaryRequest
from memoryd.telemetry.llm_metrics import LlmMetrics


def test_a_summary_of_a_category_the_model_did_not_see_is_not_taken() -> None:
    # Given "work_life" has a summary the request did not show, "goals" none at all
    context = SummaryContext(shown=[], unseen=frozenset({"work_life"}))
    answer = [
        FoldedSummary(name="work_life", summary="Rewritten without the old summary."),
        FoldedSummary(name="goals", summary="Caroline wants to run a marathon."),
    ]
    # When the answer's summaries are read
    taken = folded_summaries(answer, context, positions={})
    # Then only the one that could not lose anything is taken
    assert list(taken) == ["goals"]


def test_new_items_name_the_kept_candidates_and_blank_summaries_are_left_out() -> None:
    # Given answer items 0 and 2 became candidates 0 and 1 (item 1 was dropped)
    context = SummaryContext(shown=[], unseen=frozenset())
    answer = [
        FoldedSummary(name="goals", summary=" - a\n", item_ids=["x", "x"], new_items=[2, 1, 0]),
        FoldedSummary(name="habits", summary="   "),
        FoldedSummary(name="goals", summary="a second one for the same category"),
    ]
    taken = folded_summaries(answer, context, positions={0: 0, 2: 1})
    assert list(taken) == ["goals"]
    assert (taken["goals"].text, taken["goals"].item_ids) == ("- a", ["x"])
    assert taken["goals"].new_items == [1, 0]


def test_malformed_summaries_do_not_spoil_the_items() -> None:
    raw = {
        "items": [{"text": "Caroline moved to Lisbon.", "sources": ["t0"]}],
        "summaries": [{"name": "goals", "summary": "ok"}, {"name": 3}, "later"],
    }
    answer = RefineAnswer.model_validate(raw)
    assert [i.text for i in answer.items] == ["Caroline moved to Lisbon."]
    assert [s.name for s in answer.summaries] == ["goals"]
    assert RefineAnswer.model_validate({"items": [], "summaries": "later"}).summaries == []


class Recorded:
    """The separate summary request's stand-in: records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def rewrite(
        self, user_id: str, requests: Sequence[SummaryRequest], *, force: bool = False
    ) -> dict[str, SummaryDraft]:
        self.asked += [r.name for r in requests]
        return {r.name: SummaryDraft(f"separate {r.name}", []) for r in requests}


def item(item_id: str, category: str) -> Item:
    at = datetime(2024, 3, 1, tzinfo=UTC)
    return Item(
        id=item_id,
        user_id="u1",
        text=f"text of {item_id}",
        memory_type=MemoryType.KNOWLEDGE,
        category=category,
        sources=["t0"],
        created_at=at,
        updated_at=at,
        valid_from=at,
    )


def request(name: str, previous: str, changed: list[Item], kept: list[Item]) -> SummaryRequest:
    return SummaryRequest(name, name, previous, changed, kept, target_chars=100)


def test_what_a_category_without_a_folded_summary_gets_follows_what_the_window_did() -> None:
    # Given the window wrote item "r0" (in goals and in habits, each summary left out by the
    # answer), archived a draft the summary of "hobbies" drew on, and changed nothing in
    # "work_life" (a later turn's draft is new there); "personal_info" has a folded summary
    metrics = LlmMetrics()
    fallback = Recorded()
    folded = {"personal_info": Folded("Caroline lives in Lisbon.", ["k1", "gone"], [0])}
    summaries = FoldedSummaries(
        folded,
        landed=["r0"],
        fallback=fallback,
        metrics=metrics,
        written_in={"personal_info", "goals"},
        stale={"hobbies"},
    )
    requests = [
        request("personal_info", "old", [item("r0", "personal_info")], [item("k1", "p")]),
        request("goals", "old goals", [item("r1", "goals")], []),
        request("hobbies", "- a draft", [item("later", "hobbies")], []),
        request("work_life", "work summary", [item("later2", "work_life")], [item("k2", "w")]),
    ]
    # When the refresher asks for them
    drafts = summaries.rewrite("u1", requests, force=True)
    # Then
    assert drafts["personal_info"] == SummaryDraft("Caroline lives in Lisbon.", ["k1", "r0"])
    assert fallback.asked == ["goals"], "only what the answer should have revised is asked"
    assert drafts["goals"].text == "separate goals"
    assert "hobbies" not in drafts, "left to the extractive summary"
    assert drafts["work_life"] == SummaryDraft("work summary", ["k2"], fresh=False)
    counted = {
        s.labels["source"]: s.value
        for m in metrics.refine_summaries.collect()
        for s in m.samples
        if s.name.endswith("_total")
    }
    assert counted == {"folded": 1, "fallback": 1, "extractive": 1, "held": 1}
