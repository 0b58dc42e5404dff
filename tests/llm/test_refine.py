"""Two-tier LLM mode against a real HTTP server speaking the OpenAI schema: every turn is
memorised offline at once and queued; a conversation window closes by turns, tokens, idle
time or age and gets one refinement request; the model's items replace the offline drafts
with lineage kept, and the summaries it revised in the same answer replace the touched
categories' (a separate summary request only for what the answer lacks); the queue survives
a restart; nothing is refined twice; a failing model leaves the drafts and the summaries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from memoryd.bootstrap import build_refiner, build_runtime
from memoryd.config import Settings
from memoryd.llm.prompts import EXTRACTION_SYSTEM, REFINE_SYSTEM, SUMMARY_SYSTEM
from memoryd.llm.windows import pending_turns
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Item
from memoryd.memory.schema import ITEMS, item_from
from memoryd.schedulers.clock import ManualClock
from memoryd.schedulers.refinement import RefinementService
from memoryd.telemetry.llm_metrics import LlmMetrics
from memoryd.testing.openai_server import OpenAIEmbeddingsServer, ScriptedReply

pytestmark = pytest.mark.anyio
USER = "u1"
START = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
TURNS = [
    "I moved to Lisbon last week.",
    "My sister Anna is a nurse there.",
    "I started learning Portuguese in May.",
    "I run a marathon every autumn.",
    "My dog Rex loves the beach.",
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def server() -> Iterator[OpenAIEmbeddingsServer]:
    with OpenAIEmbeddingsServer(dim=16) as running:
        yield running


def refined_text(text: str) -> str:
    return f"Refined: {text}"


def prompt_lines(body: dict[str, Any]) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in body["messages"][-1]["content"].splitlines())


def each_draft_rewritten(body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every draft rewritten in place, citing the draft's turns."""
    return [
        {
            "text": refined_text(d["text"]),
            "category": d["category"],
            "sources": d["sources"],
            "replaces": [d["id"]],
        }
        for d in json.loads(prompt_lines(body)["Drafts"])
    ]


def folded_summaries(body: dict[str, Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The summaries a refinement answer carries, when asked: for each category that held a
    draft or holds an item, its new items (by position) then the memories its summary kept."""
    lines = prompt_lines(body)
    if "Summaries" not in lines:
        return []
    listed = {c["name"]: c for c in json.loads(lines["Summaries"])["categories"]}
    drafted = [d["category"] for d in json.loads(lines["Drafts"])]
    summaries = []
    for name in dict.fromkeys([*drafted, *(i["category"] for i in items)]):
        new = [n for n, i in enumerate(items) if i["category"] == name]
        kept = listed.get(name, {}).get("memories_in_summary", [])
        texts = [items[n]["text"] for n in new] + [m["text"] for m in kept]
        summaries.append(
            {
                "name": name,
                "summary": " ".join(texts),
                "item_ids": [m["id"] for m in kept],
                "new_items": new,
            }
        )
    return summaries


def rewrite_each_draft(body: dict[str, Any]) -> str:
    """A model that rewrites every draft in place and revises the summaries it is shown."""
    items = each_draft_rewritten(body)
    return json.dumps({"items": items, "summaries": folded_summaries(body, items)})


SEPARATE = "(separate) "


def summarize_all(body: dict[str, Any]) -> str:
    """The separate summary request's answer (marked, to tell it from a folded one)."""
    categories = []
    for c in json.loads(body["messages"][-1]["content"]):
        memories = c["memories_in_summary"] + c["new_or_changed"]
        categories.append(
            {
                "name": c["name"],
                "summary": SEPARATE + " ".join(m["text"] for m in memories),
                "item_ids": [m["id"] for m in memories],
            }
        )
    return json.dumps({"categories": categories})


class Model:
    def __init__(self) -> None:
        self.refine = rewrite_each_draft

    def __call__(self, body: dict[str, Any]) -> str:
        system = body["messages"][0]["content"]
        if system == SUMMARY_SYSTEM:
            return summarize_all(body)
        if system == REFINE_SYSTEM:
            return self.refine(body)
        return "{}"


@pytest.fixture
def model(server: OpenAIEmbeddingsServer) -> Model:
    server.reset()
    chat = Model()
    server.chat = chat
    return chat


def refinements(server: OpenAIEmbeddingsServer) -> list[dict[str, Any]]:
    return [b for b in server.chat_requests() if b["messages"][0]["content"] == REFINE_SYSTEM]


def summary_requests(server: OpenAIEmbeddingsServer) -> list[dict[str, Any]]:
    return [b for b in server.chat_requests() if b["messages"][0]["content"] == SUMMARY_SYSTEM]


def window_turns(request: dict[str, Any]) -> list[str]:
    prompt = request["messages"][-1]["content"]
    turns = dict(line.split(": ", 1) for line in prompt.splitlines())["Turns"]
    return [t["id"] for t in json.loads(turns)]


class Rig:
    """An engine built as the daemon builds it (Qdrant Edge on disk, two-tier LLM mode)
    and the refinement service on a clock moved by hand."""

    def __init__(
        self, server: OpenAIEmbeddingsServer, data_dir: Path, clock: ManualClock, **llm: Any
    ):
        self.settings = Settings(
            data_dir=data_dir,
            memory={"lexical": False},
            embedder={
                "kind": "openai",
                "base_url": server.base_url,
                "model_name": "e",
                "dim": 16,
            },
            llm={
                "base_url": server.base_url,
                "model": "m",
                "max_retries": 0,
                "retry_base_seconds": 0.01,
                **llm,
            },
        )
        self.metrics = LlmMetrics()
        self.engine, _ = build_runtime(self.settings, llm_metrics=self.metrics)
        refiner = build_refiner(self.settings, self.engine)
        if refiner is None:
            raise RuntimeError("two-tier mode is the default")
        self.clock = clock
        self.service = RefinementService(refiner, self.settings.llm.window, clock=clock)

    async def say(self, n: int, *, after: float = 5.0) -> None:
        """Turn ``n`` arrives ``after`` seconds after the previous one."""
        self.clock.advance(after)
        self.engine.memorize(
            [
                {
                    "id": f"t{n}",
                    "user_id": USER,
                    "speaker": "Caroline",
                    "content": TURNS[n % len(TURNS)],
                    "time": self.clock.now().isoformat(),
                }
            ]
        )
        self.service.on_memorized(USER)
        await self.service.wait_idle()

    async def tick(self, seconds: float) -> None:
        self.clock.advance(seconds)
        await self.service.poll()
        await self.service.wait_idle()

    def closed(self, reason: str) -> float:
        return float(self.metrics.refine_windows.labels(reason)._value.get())

    def summaries_from(self, source: str) -> float:
        return float(self.metrics.refine_summaries.labels(source)._value.get())

    def all_items(self) -> list[Item]:
        return [item_from(r) for r in self.engine.store.scroll(ITEMS, _user_items())]

    def close(self) -> None:
        self.engine.close()


def _user_items() -> Any:
    from memoryd.memory.ports import Filter

    return Filter(must={"user_id": USER})


@pytest.fixture
def rig(server: OpenAIEmbeddingsServer, model: Model, tmp_path: Path) -> Iterator[Rig]:
    made = Rig(server, tmp_path, ManualClock(START), window={"max_turns": 3})
    yield made
    made.close()


async def test_every_turn_is_memorised_offline_at_once_and_queued(
    rig: Rig, server: OpenAIEmbeddingsServer
) -> None:
    await rig.say(0)
    await rig.say(1)
    assert server.chat_requests() == [], "no model call until a window closes"
    assert any("Lisbon" in i.text for i in rig.engine.items(USER)), "offline items at once"
    state = rig.engine.user_state(USER)
    assert [t.id for t in pending_turns(state)] == ["t0", "t1"], "the queue is in the store"


async def test_a_window_closes_on_max_turns_and_drafts_are_replaced(
    rig: Rig, server: OpenAIEmbeddingsServer
) -> None:
    for n in range(3):
        await rig.say(n)
    [request] = refinements(server)
    assert window_turns(request) == ["t0", "t1", "t2"]
    assert rig.closed("max_turns") == 1
    live = rig.engine.items(USER)
    assert live and all(i.text.startswith("Refined: ") for i in live)
    assert all(i.refined_in for i in live)
    archived = [i for i in rig.all_items() if i.archived]
    assert archived and all(i.archived_reason == "refined" for i in archived)
    assert {i.replaced_by for i in archived} == {i.id for i in live}
    assert pending_turns(rig.engine.user_state(USER)) == []
    assert server.chat_requests() == [request], "a window costs one request, summaries included"
    categories = [c for c in rig.engine.categories(USER) if c.item_count]
    assert categories and all(c.summary.startswith("Refined: ") for c in categories)
    live_ids = {i.id for i in live}
    for c in categories:
        assert c.summary_item_ids and set(c.summary_item_ids) <= live_ids, "drawn on refined items"
    assert rig.summaries_from("folded") == len(categories)
    assert rig.summaries_from("fallback") == 0


async def test_the_refinement_request_shows_the_users_summaries(
    rig: Rig, server: OpenAIEmbeddingsServer
) -> None:
    for n in range(3):
        await rig.say(n)
    before = {c.name: c for c in rig.engine.categories(USER) if c.summary}
    assert before, "the first window left summaries"
    for n in range(3, 6):
        await rig.say(n)
    second = refinements(server)[1]
    drafts = json.loads(prompt_lines(second)["Drafts"])
    shown = json.loads(prompt_lines(second)["Summaries"])
    assert shown["target_chars"] == rig.settings.memory.summary_target_chars
    names = [c["name"] for c in shown["categories"]]
    assert names == sorted({*before, *(d["category"] for d in drafts)}), "all of them"
    for c in shown["categories"]:
        kept = [m["id"] for m in c["memories_in_summary"]]
        assert set(kept).isdisjoint(d["id"] for d in drafts), "the drafts are not kept"
        previous = before.get(c["name"])
        if previous is not None:  # held at ingest: the first window's summary
            assert c["previous_summary"] == previous.summary
            assert sorted(kept) == sorted(previous.summary_item_ids)
        else:  # new with this window: the extractive summary of its drafts
            assert c["previous_summary"].startswith("- ") and kept == []


@pytest.mark.parametrize("answer", ["missing", "malformed", "empty"])
async def test_a_summary_the_answer_lacks_is_asked_for_separately(
    rig: Rig, server: OpenAIEmbeddingsServer, model: Model, answer: str
) -> None:
    def refine_without_summaries(body: dict[str, Any]) -> str:
        items = each_draft_rewritten(body)
        if answer == "missing":
            return json.dumps({"items": items})
        if answer == "malformed":
            return json.dumps({"items": items, "summaries": [{"name": 7}, "soon"]})
        empty = [{**s, "summary": " "} for s in folded_summaries(body, items)]
        return json.dumps({"items": items, "summaries": empty})

    model.refine = refine_without_summaries
    for n in range(3):
        await rig.say(n)

    assert [r.outcome for r in rig.service.reports] == ["refined"]
    live = rig.engine.items(USER)
    assert live and all(i.text.startswith("Refined: ") for i in live), "the items are kept"
    assert len(refinements(server)) == 1
    assert len(summary_requests(server)) == 1, "one fallback request for all the categories"
    categories = [c for c in rig.engine.categories(USER) if c.item_count]
    assert categories and all(c.summary.startswith(SEPARATE) for c in categories)
    assert rig.summaries_from("fallback") == len(categories)
    assert rig.summaries_from("folded") == 0


async def test_only_the_summaries_the_answer_lacks_are_asked_for(
    rig: Rig, server: OpenAIEmbeddingsServer, model: Model
) -> None:
    def one_summary_short(body: dict[str, Any]) -> str:
        # Each turn's draft to a category of its own, and the last one's summary left out.
        items = each_draft_rewritten(body)
        for item, name in zip(items, ["personal_info", "relationships", "goals"], strict=False):
            item["category"] = name
        summaries = [s for s in folded_summaries(body, items) if s["name"] != "goals"]
        return json.dumps({"items": items, "summaries": summaries})

    model.refine = one_summary_short
    for n in range(3):
        await rig.say(n)

    [fallback] = summary_requests(server)
    asked = [c["name"] for c in json.loads(fallback["messages"][-1]["content"])]
    assert asked == ["goals"]
    summaries = {c.name: c.summary for c in rig.engine.categories(USER) if c.item_count}
    assert summaries["goals"].startswith(SEPARATE)
    assert summaries["personal_info"].startswith("Refined: ")
    assert rig.summaries_from("fallback") == 1


async def test_without_llm_summaries_the_request_asks_for_none(
    server: OpenAIEmbeddingsServer, model: Model, tmp_path: Path
) -> None:
    rig = Rig(server, tmp_path, ManualClock(START), window={"max_turns": 2}, summaries=False)
    try:
        await rig.say(0)
        await rig.say(1)
        [request] = server.chat_requests()
        assert "Summaries" not in prompt_lines(request)
        categories = [c for c in rig.engine.categories(USER) if c.item_count]
        assert categories and all(c.summary.startswith("- Refined: ") for c in categories)
    finally:
        rig.close()


async def test_a_window_closes_on_max_tokens(
    server: OpenAIEmbeddingsServer, model: Model, tmp_path: Path
) -> None:
    rig = Rig(server, tmp_path, ManualClock(START), window={"max_tokens": 12})
    try:
        await rig.say(0)  # 7 tokens
        assert refinements(server) == []
        await rig.say(1)  # 8 more: the window is as much as fits in 12
        [request] = refinements(server)
        assert window_turns(request) == ["t0"]
        assert rig.closed("max_tokens") == 1
        assert [t.id for t in pending_turns(rig.engine.user_state(USER))] == ["t1"]
    finally:
        rig.close()


async def test_a_window_closes_when_the_user_is_idle(
    rig: Rig, server: OpenAIEmbeddingsServer
) -> None:
    await rig.say(0)
    await rig.say(1)
    await rig.tick(29)
    assert refinements(server) == [], "30 s idle by default"
    await rig.tick(1)
    [request] = refinements(server)
    assert window_turns(request) == ["t0", "t1"]
    assert rig.closed("idle") == 1


async def test_a_window_closes_when_its_oldest_turn_is_too_old(
    server: OpenAIEmbeddingsServer, model: Model, tmp_path: Path
) -> None:
    rig = Rig(server, tmp_path, ManualClock(START), window={"max_turns": 50, "max_age_seconds": 60})
    try:
        for n in range(3):
            await rig.say(n, after=25)  # never idle for 30 s
        assert refinements(server) == []
        await rig.say(3, after=25)  # t0 was queued 75 s ago
        [request] = refinements(server)
        assert window_turns(request) == ["t0", "t1", "t2", "t3"]
        assert rig.closed("max_age") == 1
    finally:
        rig.close()


async def test_a_restart_in_the_middle_of_a_window_resumes_it(
    server: OpenAIEmbeddingsServer, model: Model, tmp_path: Path
) -> None:
    clock = ManualClock(START)
    before = Rig(server, tmp_path, clock, window={"max_turns": 3})
    await before.say(0)
    await before.say(1)
    before.close()  # a crash or a deploy: the open window is only in the store

    after = Rig(server, tmp_path, clock, window={"max_turns": 3})
    try:
        await after.service.resume()
        assert [t.id for t in after.service.pending(USER)] == ["t0", "t1"]
        await after.say(2)
        [request] = refinements(server)
        assert window_turns(request) == ["t0", "t1", "t2"], "the window went on where it was"
    finally:
        after.close()


async def test_a_redelivered_window_is_not_refined_twice(
    rig: Rig, server: OpenAIEmbeddingsServer
) -> None:
    for n in range(3):
        await rig.say(n)
    window = [t for t in rig.service.reports[0].turns]
    # The same turns again (a redelivery after a lost ack): stored already, not queued
    rig.engine.memorize(
        [{"id": t, "user_id": USER, "content": "again", "time": START.isoformat()} for t in window]
    )
    rig.service.on_memorized(USER)
    await rig.service.wait_idle()
    assert pending_turns(rig.engine.user_state(USER)) == []
    # and the same window handed to the refiner again (a stale replica): a no-op
    from memoryd.llm.windows import PendingTurn

    again = rig.service.refiner.refine(USER, [PendingTurn(t, START, 1) for t in window])
    assert (again.outcome, again.detail) == ("skipped", "done before")
    assert len(refinements(server)) == 1


async def test_replacement_keeps_lineage_and_valid_from(
    rig: Rig, server: OpenAIEmbeddingsServer, model: Model
) -> None:
    def merge_all(body: dict[str, Any]) -> str:
        lines = dict(line.split(": ", 1) for line in body["messages"][-1]["content"].splitlines())
        drafts = json.loads(lines["Drafts"])
        merged = {
            "text": "Caroline lives in Lisbon, where her sister Anna is a nurse.",
            "category": "personal_info",
            "sources": ["t1"],  # cites one turn; the drafts it merges bring the others
            "replaces": [d["id"] for d in drafts],
        }
        return json.dumps({"items": [merged]})

    model.refine = merge_all
    await rig.say(0)
    await rig.say(1)
    drafts = rig.engine.items(USER)
    assert len(drafts) >= 2
    await rig.tick(30)

    [refined] = rig.engine.items(USER)
    assert refined.sources == ["t0", "t1"], "sources are event ids, oldest first"
    assert refined.valid_from == min(d.valid_from for d in drafts)
    assert refined.created_at == min(d.created_at for d in drafts)
    assert refined.facts, "refined items get their facts as ingest gives them"
    stored = {i.id: i for i in rig.all_items()}
    for draft in drafts:
        old = stored[draft.id]
        assert (old.archived, old.archived_reason, old.replaced_by) == (True, "refined", refined.id)
        assert old.valid_to is None, "refined, not superseded: it was never untrue"


@pytest.mark.parametrize("failure", ["unavailable", "malformed"])
async def test_a_model_failure_keeps_the_offline_items(
    rig: Rig, server: OpenAIEmbeddingsServer, model: Model, failure: str
) -> None:
    await rig.say(0)
    await rig.say(1)
    drafts = rig.engine.items(USER)
    summaries = {c.name: (c.summary, c.summary_version) for c in rig.engine.categories(USER)}
    if failure == "unavailable":
        model.refine = lambda body: server.enqueue(ScriptedReply.server_error()) or "{}"
    else:
        model.refine = lambda body: "Sorry, I cannot help with that."
    await rig.say(2)

    [report] = rig.service.reports
    assert report.outcome == "fallback"
    assert {i.id for i in drafts} <= {i.id for i in rig.engine.items(USER)}
    assert not any(i.refined_in for i in rig.engine.items(USER))
    after = {c.name: (c.summary, c.summary_version) for c in rig.engine.categories(USER)}
    assert {n: after[n] for n in summaries} == summaries, "the summaries stay as they were"
    assert float(rig.metrics.fallbacks.labels(failure)._value.get()) == 1
    assert pending_turns(rig.engine.user_state(USER)) == [], "not retried for ever"


async def test_an_exhausted_budget_keeps_the_offline_items(
    server: OpenAIEmbeddingsServer, model: Model, tmp_path: Path
) -> None:
    rig = Rig(
        server,
        tmp_path,
        ManualClock(START),
        window={"max_turns": 2},
        tenant_tokens_per_hour=1,
    )
    try:
        for n in range(4):
            await rig.say(n)
        assert [r.outcome for r in rig.service.reports] == ["refined", "fallback"]
        assert float(rig.metrics.fallbacks.labels("budget")._value.get()) >= 1
        assert any(not i.refined_in for i in rig.engine.items(USER))
    finally:
        rig.close()


async def test_the_metrics_show_pending_turns_and_lag(rig: Rig) -> None:
    await rig.say(0)
    await rig.say(1, after=10)
    assert rig.metrics.refine_pending_turns._value.get() == 2
    await rig.say(2, after=10)
    assert rig.metrics.refine_pending_turns._value.get() == 0
    lag = rig.metrics.refine_lag.collect()[0]
    total = next(s.value for s in lag.samples if s.name.endswith("_sum"))
    assert total == 20 + 10 + 0, "from each turn's memorising to its window's refinement"


def test_inline_mode_keeps_extracting_every_batch(
    server: OpenAIEmbeddingsServer, model: Model, tmp_path: Path
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        llm={"base_url": server.base_url, "model": "m", "mode": "inline"},
        embedder={"kind": "openai", "base_url": server.base_url, "model_name": "e", "dim": 16},
    )
    engine: MemoryEngine = build_runtime(settings)[0]
    try:
        assert build_refiner(settings, engine) is None
        engine.memorize([{"id": "t0", "user_id": USER, "content": TURNS[0]}])
        first = server.chat_requests()[0]["messages"][0]["content"]
        assert first == EXTRACTION_SYSTEM, "the batch itself was sent to the model"
    finally:
        engine.close()
