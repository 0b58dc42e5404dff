"""Self-evolution in LLM mode, against a real HTTP server speaking the chat schema:
discovered categories named by the model (offline names as the fallback), and the
scheduled resummarize rewriting summaries the rate limit held back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from memoryd.bootstrap import build_llm_parts
from memoryd.config import Settings
from memoryd.llm.client import ChatClient
from memoryd.llm.discover import LlmNamer
from memoryd.llm.prompts import DISCOVER_SYSTEM, SUMMARY_SYSTEM
from memoryd.llm.settings import LlmSettings
from memoryd.memory.category_naming import TermNamer
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.settings import MemorySettings
from memoryd.schedulers.jobs import Evolver
from memoryd.schedulers.settings import EvolutionSettings
from memoryd.telemetry.llm_metrics import LlmMetrics
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore
from memoryd.testing.openai_server import OpenAIEmbeddingsServer

BEES = [
    "Caroline keeps three beehives in her backyard.",
    "Caroline harvested honey from her beehives.",
    "Caroline checks her beehives for mites.",
]


@pytest.fixture(scope="module")
def server() -> Iterator[OpenAIEmbeddingsServer]:
    with OpenAIEmbeddingsServer() as running:
        yield running


def client_for(
    server: OpenAIEmbeddingsServer, registry: CollectorRegistry | None = None
) -> ChatClient:
    settings = LlmSettings(base_url=server.base_url, model="test-model", timeout=2.0, max_retries=0)
    return ChatClient(settings, LlmMetrics(registry))


def test_the_model_names_and_describes_a_discovered_category(
    server: OpenAIEmbeddingsServer,
) -> None:
    server.reset()
    asked: list[dict[str, Any]] = []

    def model(body: dict[str, Any]) -> str:
        asked.append(json.loads(body["messages"][-1]["content"]))
        assert body["messages"][0]["content"] == DISCOVER_SYSTEM
        return '{"name": "Beekeeping", "description": "Her bees, hives and honey."}'

    server.chat = model
    namer = LlmNamer(client_for(server), TermNamer(), ["preferences", "habits"])
    name, description = namer.name("u-1", BEES, [*BEES, "Caroline paints."])
    assert (name, description) == ("beekeeping", "Her bees, hives and honey.")
    assert asked == [{"existing_categories": ["preferences", "habits"], "memories": BEES}]


@pytest.mark.parametrize(
    "reply", ['{"name": "preferences", "description": "x"}', "not json at all", '{"nom": 1}']
)
def test_a_bad_or_taken_name_falls_back_to_offline_naming(
    server: OpenAIEmbeddingsServer, reply: str
) -> None:
    server.reset()
    server.chat = lambda body: reply
    registry = CollectorRegistry()
    namer = LlmNamer(client_for(server, registry), TermNamer(), ["preferences"])
    corpus = [*BEES, "Caroline paints.", "Caroline runs."]
    assert namer.name("u-1", BEES, corpus) == TermNamer().name("u-1", BEES, corpus)
    fallbacks = [
        s.value
        for m in registry.collect()
        for s in m.samples
        if s.name == "memoryd_llm_fallbacks_total"
    ]
    assert sum(fallbacks) == 1


def test_resummarize_rewrites_what_the_rate_limit_held_back(
    server: OpenAIEmbeddingsServer,
) -> None:
    server.reset()
    rewrites: list[list[str]] = []

    def model(body: dict[str, Any]) -> str:
        system = body["messages"][0]["content"]
        if system != SUMMARY_SYSTEM:  # extraction: each turn is one memory, one category
            turns = json.loads(body["messages"][-1]["content"].split("Turns: ", 1)[1])
            items = [
                {"text": t["content"], "category": "preferences", "sources": [t["id"]]}
                for t in turns
            ]
            return json.dumps({"items": items})
        asked = json.loads(body["messages"][-1]["content"])
        rewrites.append([c["name"] for c in asked])
        return json.dumps(
            {
                "categories": [
                    {
                        "name": c["name"],
                        "summary": " / ".join(
                            m["text"] for m in c["memories_in_summary"] + c["new_or_changed"]
                        ),
                        "item_ids": [
                            m["id"] for m in c["memories_in_summary"] + c["new_or_changed"]
                        ],
                    }
                    for c in asked
                ]
            }
        )

    server.chat = model
    settings = Settings(
        llm={
            "base_url": server.base_url,
            "model": "m",
            "summary_interval_seconds": 3600,
            "mode": "inline",
        },
        memory={"lexical": False},
    )
    store, embedder = InMemoryStore(), HashEmbedder()
    parts = build_llm_parts(settings, store, embedder, LlmMetrics())
    engine = MemoryEngine(
        store,
        embedder,
        settings=MemorySettings(lexical=False),
        extractor=parts.extractor,
        summarizer=parts.summarizer,
    )
    try:
        engine.memorize([_event("e1", "I love painting sunsets on weekends.")])
        first = {c.name: c for c in engine.categories("u-1")}
        assert rewrites and all(not c.dirty for c in first.values())
        engine.memorize([_event("e2", "I love painting sunsets at the beach.")])
        held = [c for c in engine.categories("u-1") if c.dirty]
        assert held  # within the hour: the summary waits, and the category is dirty
        calls = len(rewrites)

        changes = Evolver(engine, EvolutionSettings()).run("resummarize", "u-1")

        assert len(rewrites) == calls + 1
        assert changes.summaries_rewritten == sorted(c.name for c in held)
        for category in engine.categories("u-1"):
            assert not category.dirty
            if category.name in changes.summaries_rewritten:
                assert "beach" in category.summary
                assert category.history[0].summary == first[category.name].summary
    finally:
        engine.close()


def _event(eid: str, content: str) -> dict[str, Any]:
    return {
        "id": eid,
        "user_id": "u-1",
        "speaker": "Caroline",
        "content": content,
        "time": "2023-05-08T13:56:00Z",
    }
