"""How many engine threads the daemon runs batches and snapshot builds on."""

from __future__ import annotations

import pytest

from memoryd.config import Settings
from memoryd.pipeline.engine_threads import engine_thread_count

LLM = {"base_url": "http://127.0.0.1:9/v1", "model": "m", "concurrency": 6}


@pytest.mark.parametrize(
    ("overrides", "threads"),
    [
        ({}, 1),  # offline: one thread, batches and builds take turns
        ({"llm": LLM}, 1),  # two-tier: ingest is offline, the model runs beside it
        ({"llm": {**LLM, "mode": "inline"}}, 6),  # inline: as many as model requests
        ({"llm": {**LLM, "mode": "inline"}, "batch": {"concurrency": 2}}, 2),  # as set
        ({"batch": {"concurrency": 3}}, 3),
    ],
)
def test_engine_threads(overrides: dict[str, dict[str, object]], threads: int) -> None:
    assert engine_thread_count(Settings(**overrides)) == threads


def test_an_environment_setting_counts_as_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEMORYD_BATCH__CONCURRENCY", "1")
    assert engine_thread_count(Settings(llm={**LLM, "mode": "inline"})) == 1
