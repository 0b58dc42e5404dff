"""LLM extraction through the real ``openai`` client against a real HTTP server speaking the
chat-completions schema: items end to end, one call per batch, every failure mode and its
fallback, the budget."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from memoryd.bootstrap import build_llm_parts
from memoryd.config import Settings
from memoryd.errors import PermanentError
from memoryd.llm.extract import LlmExtractor
from memoryd.llm.prompts import EXTRACTION_SYSTEM, RANK_SYSTEM, REWRITE_SYSTEM, SUMMARY_SYSTEM
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.settings import MemorySettings
from memoryd.telemetry.llm_metrics import LlmMetrics
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore
from memoryd.testing.openai_server import OpenAIEmbeddingsServer, ScriptedReply

TURNS = [
    ("t1", "I moved to Lisbon last week."),
    ("t2", "My sister Anna is a nurse there."),
    ("t3", "Nice weather today, right?"),
]


@pytest.fixture(scope="module")
def server() -> Iterator[OpenAIEmbeddingsServer]:
    with OpenAIEmbeddingsServer() as running:
        yield running


class Model:
    """Answers per kind of request; the summaries just list the memories given."""

    def __init__(self) -> None:
        self.extract: Callable[[dict[str, Any]], str] = lambda body: answer()
        self.summarize: Callable[[dict[str, Any]], str] = summarize_all
        self.rank: Callable[[dict[str, Any]], str] = lambda body: '{"item_ids": []}'
        self.rewrite: Callable[[dict[str, Any]], str] = lambda body: '{"query": "?"}'

    def __call__(self, body: dict[str, Any]) -> str:
        system = body["messages"][0]["content"]
        for prompt, answer_with in (
            (SUMMARY_SYSTEM, self.summarize),
            (RANK_SYSTEM, self.rank),
            (REWRITE_SYSTEM, self.rewrite),
        ):
            if system == prompt:
                return answer_with(body)
        return self.extract(body)


def is_summary(body: dict[str, Any]) -> bool:
    return bool(body["messages"][0]["content"] == SUMMARY_SYSTEM)


def is_extraction(body: dict[str, Any]) -> bool:
    return bool(body["messages"][0]["content"] == EXTRACTION_SYSTEM)


def summarize_all(body: dict[str, Any]) -> str:
    categories = []
    for c in json.loads(body["messages"][-1]["content"]):
        memories = c["memories_in_summary"] + c["new_or_changed"]
        summary = " ".join(m["text"] for m in memories)
        categories.append(
            {"name": c["name"], "summary": summary, "item_ids": [m["id"] for m in memories]}
        )
    return json.dumps({"categories": categories})


_engines: list[MemoryEngine] = []


@pytest.fixture(autouse=True)
def close_engines() -> Iterator[None]:
    yield
    while _engines:
        _engines.pop().close()


@pytest.fixture(autouse=True)
def model(server: OpenAIEmbeddingsServer) -> Model:
    server.reset()
    server.chat = Model()
    assert isinstance(server.chat, Model)
    return server.chat


def extractions(server: OpenAIEmbeddingsServer) -> list[dict[str, Any]]:
    return [b for b in server.chat_requests() if is_extraction(b)]


def events(user: str = "u1") -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "user_id": user,
            "speaker": "Caroline",
            "content": c,
            "time": "2023-05-08T13:56:00Z",
        }
        for i, c in TURNS
    ]


def answer(*items: dict[str, Any]) -> str:
    return json.dumps({"items": list(items)})


def engine_for(server: OpenAIEmbeddingsServer, **llm: Any) -> tuple[MemoryEngine, LlmMetrics]:
    settings = Settings(
        llm={
            "base_url": server.base_url,
            "model": "test-model",
            "timeout": 2.0,
            "retry_base_seconds": 0.01,
            "retry_max_seconds": 0.5,
            "summary_interval_seconds": 0,
            "mode": "inline",  # the model extracts every batch (two-tier: test_refine.py)
            **llm,
        },
        memory={"lexical": False},
    )
    store, embedder, metrics = InMemoryStore(), HashEmbedder(), LlmMetrics()
    extractor, summarizer, ranker, _ = build_llm_parts(settings, store, embedder, metrics)
    assert isinstance(extractor, LlmExtractor)
    engine = MemoryEngine(
        store,
        embedder,
        settings=MemorySettings(lexical=False),
        extractor=extractor,
        summarizer=summarizer,
        ranker=ranker,
    )
    _engines.append(engine)
    return engine, metrics


LISBON = {
    "text": "Caroline moved to Lisbon in the week of 1 May 2023.",
    "memory_type": "event",
    "category": "personal_info",
    "happened_at": "2023-05-01",
    "sources": ["t1"],
}
ANNA = {
    "text": "Caroline's sister Anna is a nurse in Lisbon.",
    "memory_type": "profile",
    "category": "relationships",
    "sources": ["t2", "t1"],
}


def remembering_lisbon(server: OpenAIEmbeddingsServer, model: Model) -> MemoryEngine:
    """An engine in LLM mode that has memorised LISBON from turn t1."""
    model.extract = lambda body: answer(LISBON)
    engine, _ = engine_for(server)
    engine.memorize(events()[:1])
    return engine


def turn(eid: str, content: str, time: str) -> dict[str, Any]:
    return {"id": eid, "user_id": "u1", "speaker": "Caroline", "content": content, "time": time}


def value(metric: Any, *labels: str) -> float:
    return float(metric.labels(*labels)._value.get())


def test_one_call_per_batch_and_items_keep_model_fields_and_lineage(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    model.extract = lambda body: answer(LISBON, ANNA)
    engine, metrics = engine_for(server)

    engine.memorize(events())

    [request] = extractions(server)  # one request for the whole user batch
    assert request["model"] == "test-model"
    assert request["response_format"]["type"] == "json_schema"
    prompt = request["messages"][-1]["content"]
    assert all(i in prompt for i, _ in TURNS) and "relationships" in prompt
    items = {i.text: i for i in engine.items("u1")}
    lisbon, anna = items[LISBON["text"]], items[ANNA["text"]]
    assert (lisbon.category, lisbon.memory_type, str(lisbon.happened_at)) == (
        "personal_info",
        "event",
        "2023-05-01",
    )
    assert anna.category == "relationships" and anna.sources == ["t2", "t1"]
    assert engine.stats("u1").events == 3, "every turn is stored as a resource"
    assert value(metrics.tokens, "extract", "prompt") > 0
    assert value(metrics.tokens, "extract", "completion") > 0
    assert value(metrics.requests, "extract", "ok") == 1


def test_the_model_sees_related_memories_and_can_supersede_one(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    engine = remembering_lisbon(server, model)
    [old] = engine.items("u1")

    moved = {
        **LISBON,
        "text": "Caroline moved from Lisbon to Porto.",
        "sources": ["t9"],
        "supersedes": [old.id, "not-an-item-shown"],
    }
    model.extract = lambda body: answer(moved)
    engine.memorize([turn("t9", "I just moved to Porto.", "2023-06-01T10:00:00Z")])

    second_prompt = extractions(server)[-1]["messages"][-1]["content"]
    assert old.id in second_prompt, "existing related items are in the prompt"
    assert [i.text for i in engine.items("u1")] == [moved["text"]]


def test_an_item_citing_no_turn_of_the_batch_is_not_stored(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    model.extract = lambda body: answer({**LISBON, "sources": ["made-up"]}, ANNA)
    engine, _ = engine_for(server)
    engine.memorize(events())
    assert [i.text for i in engine.items("u1")] == [ANNA["text"]]


def test_429_with_retry_after_is_retried_and_counted(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    server.enqueue(ScriptedReply.rate_limited(retry_after=0))
    model.extract = lambda body: answer(LISBON)
    engine, metrics = engine_for(server)
    engine.memorize(events())
    assert len(extractions(server)) == 2
    assert value(metrics.requests, "extract", "retried") == 1
    assert [i.text for i in engine.items("u1")] == [LISBON["text"]]


def test_a_failing_endpoint_falls_back_to_offline_extraction(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    server.enqueue(*[ScriptedReply.server_error()] * 3)
    engine, metrics = engine_for(server, max_retries=2)
    engine.memorize(events())
    assert len(extractions(server)) == 3
    assert value(metrics.fallbacks, "unavailable") == 1
    texts = [i.text for i in engine.items("u1")]
    assert any("Lisbon" in t for t in texts), "the offline extractor took the batch"


def test_a_request_hanging_past_the_timeout_falls_back(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    slow = ScriptedReply(200, {}, delay=1.5)
    server.enqueue(slow, slow)
    engine, metrics = engine_for(server, timeout=0.3, max_retries=1)
    engine.memorize(events())
    assert value(metrics.fallbacks, "unavailable") == 1
    assert engine.stats("u1").events == 3


def test_a_malformed_answer_is_repaired_once(server: OpenAIEmbeddingsServer, model: Model) -> None:
    replies = iter(["Sure! Here are the items: {not json", "```json\n" + answer(LISBON) + "\n```"])
    model.extract = lambda body: next(replies)
    engine, metrics = engine_for(server)
    engine.memorize(events())
    requests = extractions(server)
    assert len(requests) == 2
    assert "not valid" in requests[1]["messages"][-1]["content"]
    assert value(metrics.requests, "extract", "malformed") == 1
    assert [i.text for i in engine.items("u1")] == [LISBON["text"]]


def test_malformed_twice_falls_back_to_offline(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    model.extract = lambda body: json.dumps({"items": "none today"})
    engine, metrics = engine_for(server)
    engine.memorize(events())
    assert len(extractions(server)) == 2
    assert value(metrics.fallbacks, "malformed") == 1
    assert any("Lisbon" in i.text for i in engine.items("u1"))


def test_a_server_without_structured_output_is_asked_in_the_prompt_only(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    server.enqueue(ScriptedReply.error(400, "response_format json_schema is not supported"))
    model.extract = lambda body: answer(LISBON)
    engine, _ = engine_for(server)
    engine.memorize(events())
    engine.memorize(events("u2"))
    first, second, third = extractions(server)
    assert "response_format" in first and "response_format" not in second
    assert "response_format" not in third, "remembered for the next batches"


def test_a_tenant_over_its_hourly_budget_is_extracted_offline(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    model.extract = lambda body: answer(LISBON)
    engine, metrics = engine_for(server, tenant_tokens_per_hour=50)
    engine.memorize(events())  # the prompt alone is over 50 words
    engine.memorize([{**e, "id": e["id"] + "b"} for e in events()])
    engine.memorize(events("u2"))  # another tenant still has its budget
    assert len(extractions(server)) == 2, "u1's second batch made no request"
    # Every call after the first of each tenant is over budget (summaries too), and
    # u1's second batch was extracted offline instead of dropped.
    assert value(metrics.fallbacks, "budget") >= 2
    assert engine.stats("u1").events == 6
    assert len(server.chat_requests()) == 2, "no request was made past a budget"


def test_the_api_key_is_sent_and_not_logged(
    server: OpenAIEmbeddingsServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    server.enqueue(ScriptedReply.error(401, "Incorrect API key provided: sk-secret-123"))
    engine, metrics = engine_for(server, api_key="sk-secret-123")
    engine.memorize(events())
    assert server.requests[-1].headers["authorization"] == "Bearer sk-secret-123"
    assert value(metrics.fallbacks, "unavailable") == 1
    assert "sk-secret-123" not in caplog.text


def summaries(server: OpenAIEmbeddingsServer) -> list[dict[str, Any]]:
    return [b for b in server.chat_requests() if is_summary(b)]


def test_one_summary_request_rewrites_every_touched_category(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    model.extract = lambda body: answer(LISBON, ANNA)
    engine, metrics = engine_for(server)
    engine.memorize(events())

    [request] = summaries(server)  # two categories touched, one request
    asked = json.loads(request["messages"][-1]["content"])
    assert sorted(c["name"] for c in asked) == ["personal_info", "relationships"]
    categories = {c.name: c for c in engine.categories("u1")}
    assert categories["relationships"].summary == ANNA["text"]
    [anna] = [i for i in engine.items("u1") if i.text == ANNA["text"]]
    assert categories["relationships"].summary_item_ids == [anna.id]
    assert value(metrics.requests, "summarize", "ok") == 1


def test_the_previous_summary_and_only_new_items_are_sent_and_unknown_ids_dropped(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    engine = remembering_lisbon(server, model)
    porto = {**LISBON, "text": "Caroline visited Porto in June 2023.", "sources": ["t9"]}
    model.extract = lambda body: answer(porto)
    model.summarize = lambda body: json.dumps(
        {
            "categories": [
                {
                    "name": "personal_info",
                    "summary": "Lisbon, then Porto.",
                    "item_ids": ["invented-id"],
                }
            ]
        }
    )
    engine.memorize([turn("t9", "I visited Porto.", "2023-06-01T10:00:00Z")])

    [sent] = json.loads(summaries(server)[-1]["messages"][-1]["content"])
    assert sent["previous_summary"] == LISBON["text"]
    assert [m["text"] for m in sent["new_or_changed"]] == [porto["text"]]
    [category] = engine.categories("u1")
    assert (category.summary, category.summary_item_ids) == ("Lisbon, then Porto.", [])
    assert category.summary_version == 2


def test_a_failing_summary_request_leaves_the_extractive_summary(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    model.extract = lambda body: answer(LISBON)
    model.summarize = lambda body: "no json at all"
    engine, metrics = engine_for(server)
    engine.memorize(events())
    [category] = engine.categories("u1")
    assert category.summary and LISBON["text"] in category.summary
    assert value(metrics.fallbacks, "malformed") == 1


def test_llm_retrieval_ranks_rag_candidates_after_rewriting_the_query(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    model.extract = lambda body: answer(LISBON, ANNA)
    engine, metrics = engine_for(server)
    engine.memorize(events())
    ids = {i.text: i.id for i in engine.items("u1")}
    model.rewrite = lambda body: json.dumps({"query": "What does Caroline's sister do?"})
    model.rank = lambda body: json.dumps(
        {"item_ids": ["unknown", ids[ANNA["text"]]], "categories": ["relationships"]}
    )

    result = engine.retrieve(
        "u1", "and what does she do?", top_k=5, method="llm", context=["Tell me about Anna."]
    )

    rewrite, rank = [b for b in server.chat_requests() if not is_extraction(b)][-2:]
    assert "Tell me about Anna." in rewrite["messages"][-1]["content"]
    asked = json.loads(rank["messages"][-1]["content"])
    assert asked["query"] == "What does Caroline's sister do?", "ranked for the rewritten query"
    assert set(ids.values()) <= {m["id"] for m in asked["memories"]}
    assert result.method == "llm"
    assert [s.item.text for s in result.items] == [ANNA["text"]]
    assert [c.category.name for c in result.categories] == ["relationships"]
    assert [r.resource.event_id for r in result.resources] == ["t2", "t1"], (
        "the chosen item's sources, in its order"
    )
    assert value(metrics.requests, "rank", "ok") == 1


def test_llm_retrieval_falls_back_to_rag_when_the_model_fails(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    model.extract = lambda body: answer(LISBON, ANNA)
    engine, metrics = engine_for(server, max_retries=0)
    engine.memorize(events())
    server.enqueue(ScriptedReply.server_error())
    result = engine.retrieve("u1", "where does Caroline live?", top_k=1, method="llm")
    assert result.method == "rag" and len(result.items) == 1
    assert value(metrics.fallbacks, "unavailable") == 1


def test_llm_retrieval_without_llm_mode_is_refused_clearly() -> None:
    engine = MemoryEngine(InMemoryStore(), HashEmbedder(), settings=MemorySettings(lexical=False))
    with pytest.raises(PermanentError, match="needs LLM mode"):
        engine.retrieve("u1", "anything", method="llm")


def test_the_daemon_engine_is_built_in_llm_mode_and_exports_llm_metrics(
    server: OpenAIEmbeddingsServer, model: Model, tmp_path: Any
) -> None:
    from prometheus_client import generate_latest

    from memoryd.bootstrap import build_engine
    from memoryd.telemetry.metrics import Metrics

    model.extract = lambda body: answer(LISBON)
    metrics = Metrics()
    settings = Settings(
        data_dir=tmp_path,
        llm={"base_url": server.base_url, "model": "m", "mode": "inline"},
        embedder={"kind": "openai", "base_url": server.base_url, "model_name": "e"},
    )
    engine = build_engine(settings, llm_metrics=metrics.llm)
    try:
        engine.memorize(events())
        assert [i.text for i in engine.items("u1")] == [LISBON["text"]]
    finally:
        engine.close()
    exposed = generate_latest(metrics.registry).decode()
    for name in ("requests_total", "tokens_total", "request_seconds", "fallbacks_total"):
        assert f"memoryd_llm_{name}" in exposed
    assert 'memoryd_llm_requests_total{operation="extract",outcome="ok"} 1.0' in exposed


def test_with_llm_summaries_off_a_batch_makes_one_request(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    model.extract = lambda body: answer(LISBON, ANNA)
    engine, _ = engine_for(server, summaries=False)
    engine.memorize(events())
    assert len(server.chat_requests()) == 1
    assert {c.name for c in engine.categories("u1")} == {"personal_info", "relationships"}


def test_one_odd_item_does_not_cost_the_others(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    odd = {**ANNA, "memory_type": "preference", "category": "no-such-category"}
    model.extract = lambda body: answer(LISBON, odd, {"text": "  ", "sources": ["t1"]})
    engine, _ = engine_for(server)
    engine.memorize(events())
    assert len(extractions(server)) == 1, "no repair request was needed"
    items = {i.text: i for i in engine.items("u1")}
    assert set(items) == {LISBON["text"], ANNA["text"]}
    assert items[ANNA["text"]].memory_type in {"profile", "event", "knowledge", "behavior", "skill"}


def test_a_superseding_item_is_not_merged_into_the_item_it_replaces(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    # The same words again, but said as an update: dedup must not reinforce the old item
    engine = remembering_lisbon(server, model)
    [old] = engine.items("u1")
    model.extract = lambda body: answer({**LISBON, "sources": ["t9"], "supersedes": [old.id]})
    engine.memorize([turn("t9", "Still in Lisbon, new flat.", "2023-06-01T10:00:00Z")])
    [current] = engine.items("u1")
    assert current.id != old.id and current.sources == ["t9"]
    # and the superseded item is history: the same words later do not revive it
    model.extract = lambda body: answer({**LISBON, "sources": ["t10"]})
    engine.memorize([turn("t10", "Lisbon it is.", "2023-07-01T10:00:00Z")])
    assert old.id not in {i.id for i in engine.items("u1")}


def test_an_answer_that_is_not_a_chat_completion_falls_back(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    server.enqueue(ScriptedReply(200, "<html>Sign in to continue</html>"))
    engine, metrics = engine_for(server, max_retries=0)
    engine.memorize(events())
    assert value(metrics.fallbacks, "unavailable") == 1
    assert any("Lisbon" in i.text for i in engine.items("u1"))


def test_a_category_is_rewritten_at_most_once_per_interval(
    server: OpenAIEmbeddingsServer, model: Model
) -> None:
    model.extract = lambda body: answer(LISBON)
    engine, _ = engine_for(server, summary_interval_seconds=3600)
    engine.memorize(events()[:1])
    porto = {**LISBON, "text": "Caroline visited Porto in June 2023.", "sources": ["t9"]}
    model.extract = lambda body: answer(porto)
    engine.memorize([turn("t9", "I visited Porto.", "2023-06-01T10:00:00Z")])

    assert len(summaries(server)) == 1, "the second batch waits for the next rewrite"
    [category] = engine.categories("u1")
    assert category.summary == LISBON["text"] and category.item_count == 2
