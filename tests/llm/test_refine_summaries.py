"""Which summaries of a refinement answer are taken: only for categories whose summary the
model saw (or that had none), with its own items named by position, those it kept only."""

from __future__ import annotations

from memoryd.llm.prompts import FoldedSummary, RefineAnswer
from memoryd.llm.refine_summaries import SummaryContext, folded_summaries


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
