"""LLM extraction through the real ``openai`` client against a real HTTP server speaking the
chat-completions schema: items end to end, one call per batch, every failure mode and its
fallback, the budget."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from memoryd.bootstrap import build_extractor
from memoryd.config import Settings
from memoryd.llm.extract import LlmExtractor
from memoryd.llm.metrics import LlmMetrics
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.settings import MemorySettings
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


@pytest.fixture(autouse=True)
def fresh(server: OpenAIEmbeddingsServer) -> None:
    server.reset()
    server.chat = lambda body: json.dumps({"items": []})


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
            **llm,
        },
        memory={"lexical": False},
    )
    store, embedder, metrics = InMemoryStore(), HashEmbedder(), LlmMetrics()
    extractor = build_extractor(settings, store, embedder, metrics)
    assert isinstance(extractor, LlmExtractor)
    engine = MemoryEngine(
        store, embedder, settings=MemorySettings(lexical=False), extractor=extractor
    )
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


def value(metric: Any, *labels: str) -> float:
    return float(metric.labels(*labels)._value.get())


def test_one_call_per_batch_and_items_keep_model_fields_and_lineage(
    server: OpenAIEmbeddingsServer,
) -> None:
    server.chat = lambda body: answer(LISBON, ANNA)
    engine, metrics = engine_for(server)

    engine.memorize(events())

    [request] = server.chat_requests()  # one request for the whole user batch
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
    server: OpenAIEmbeddingsServer,
) -> None:
    server.chat = lambda body: answer(LISBON)
    engine, _ = engine_for(server)
    engine.memorize(events()[:1])
    [old] = engine.items("u1")

    moved = {
        **LISBON,
        "text": "Caroline moved from Lisbon to Porto.",
        "sources": ["t9"],
        "supersedes": [old.id, "not-an-item-shown"],
    }
    server.chat = lambda body: answer(moved)
    engine.memorize(
        [
            {
                "id": "t9",
                "user_id": "u1",
                "speaker": "Caroline",
                "content": "I just moved to Porto.",
                "time": "2023-06-01T10:00:00Z",
            }
        ]
    )

    second_prompt = server.chat_requests()[-1]["messages"][-1]["content"]
    assert old.id in second_prompt, "existing related items are in the prompt"
    assert [i.text for i in engine.items("u1")] == [moved["text"]]


def test_an_item_citing_no_turn_of_the_batch_is_not_stored(
    server: OpenAIEmbeddingsServer,
) -> None:
    server.chat = lambda body: answer({**LISBON, "sources": ["made-up"]}, ANNA)
    engine, _ = engine_for(server)
    engine.memorize(events())
    assert [i.text for i in engine.items("u1")] == [ANNA["text"]]


def test_429_with_retry_after_is_retried_and_counted(server: OpenAIEmbeddingsServer) -> None:
    server.enqueue(ScriptedReply.rate_limited(retry_after=0))
    server.chat = lambda body: answer(LISBON)
    engine, metrics = engine_for(server)
    engine.memorize(events())
    assert len(server.chat_requests()) == 2
    assert value(metrics.requests, "extract", "retried") == 1
    assert [i.text for i in engine.items("u1")] == [LISBON["text"]]


def test_a_failing_endpoint_falls_back_to_offline_extraction(
    server: OpenAIEmbeddingsServer,
) -> None:
    server.enqueue(*[ScriptedReply.server_error()] * 3)
    engine, metrics = engine_for(server, max_retries=2)
    engine.memorize(events())
    assert len(server.chat_requests()) == 3
    assert value(metrics.fallbacks, "unavailable") == 1
    texts = [i.text for i in engine.items("u1")]
    assert any("Lisbon" in t for t in texts), "the offline extractor took the batch"


def test_a_request_hanging_past_the_timeout_falls_back(server: OpenAIEmbeddingsServer) -> None:
    slow = ScriptedReply(200, {}, delay=1.5)
    server.enqueue(slow, slow)
    engine, metrics = engine_for(server, timeout=0.3, max_retries=1)
    engine.memorize(events())
    assert value(metrics.fallbacks, "unavailable") == 1
    assert engine.stats("u1").events == 3


def test_a_malformed_answer_is_repaired_once(server: OpenAIEmbeddingsServer) -> None:
    replies = iter(["Sure! Here are the items: {not json", "```json\n" + answer(LISBON) + "\n```"])
    server.chat = lambda body: next(replies)
    engine, metrics = engine_for(server)
    engine.memorize(events())
    requests = server.chat_requests()
    assert len(requests) == 2
    assert "not valid" in requests[1]["messages"][-1]["content"]
    assert value(metrics.requests, "extract", "malformed") == 1
    assert [i.text for i in engine.items("u1")] == [LISBON["text"]]


def test_malformed_twice_falls_back_to_offline(server: OpenAIEmbeddingsServer) -> None:
    server.chat = lambda body: json.dumps({"items": [{"text": "no sources"}]})
    engine, metrics = engine_for(server)
    engine.memorize(events())
    assert len(server.chat_requests()) == 2
    assert value(metrics.fallbacks, "malformed") == 1
    assert any("Lisbon" in i.text for i in engine.items("u1"))


def test_a_server_without_structured_output_is_asked_in_the_prompt_only(
    server: OpenAIEmbeddingsServer,
) -> None:
    server.enqueue(ScriptedReply.error(400, "response_format json_schema is not supported"))
    server.chat = lambda body: answer(LISBON)
    engine, _ = engine_for(server)
    engine.memorize(events())
    engine.memorize(events("u2"))
    first, second, third = server.chat_requests()
    assert "response_format" in first and "response_format" not in second
    assert "response_format" not in third, "remembered for the next batches"


def test_a_tenant_over_its_hourly_budget_is_extracted_offline(
    server: OpenAIEmbeddingsServer,
) -> None:
    server.chat = lambda body: answer(LISBON)
    engine, metrics = engine_for(server, tenant_tokens_per_hour=50)
    engine.memorize(events())  # the prompt alone is over 50 words
    engine.memorize([{**e, "id": e["id"] + "b"} for e in events()])
    engine.memorize(events("u2"))  # another tenant still has its budget
    assert len(server.chat_requests()) == 2
    assert value(metrics.fallbacks, "budget") == 1


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
