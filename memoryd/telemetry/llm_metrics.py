"""Prometheus metrics of LLM calls (registered on the daemon's registry)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class LlmMetrics:
    def __init__(self, registry: CollectorRegistry | None = None):
        r = registry or CollectorRegistry()
        self.requests = Counter(
            "memoryd_llm_requests_total",
            "LLM requests by operation and outcome (ok, retried, malformed, failed).",
            ["operation", "outcome"],
            registry=r,
        )
        self.tokens = Counter(
            "memoryd_llm_tokens_total",
            "LLM tokens by operation and kind (prompt, completion), from the answers' usage.",
            ["operation", "kind"],
            registry=r,
        )
        self.seconds = Histogram(
            "memoryd_llm_request_seconds",
            "Time per LLM request (each attempt).",
            ["operation"],
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=r,
        )
        self.fallbacks = Counter(
            "memoryd_llm_fallbacks_total",
            "Batches handled offline instead (budget, malformed, unavailable).",
            ["reason"],
            registry=r,
        )
        # Two-tier mode: refinement of conversation windows.
        self.refine_pending_turns = Gauge(
            "memoryd_llm_refine_pending_turns",
            "Memorised turns waiting for refinement, over the users this replica owns.",
            registry=r,
        )
        self.refine_lag = Histogram(
            "memoryd_llm_refine_lag_seconds",
            "From a turn being memorised (offline) to its window being refined.",
            buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600),
            registry=r,
        )
        self.refine_windows = Counter(
            "memoryd_llm_refine_windows_total",
            "Conversation windows closed, by reason (max_turns, max_tokens, idle, max_age).",
            ["reason"],
            registry=r,
        )
        self.refine_runs = Counter(
            "memoryd_llm_refine_runs_total",
            "Window refinements by outcome (refined, unchanged, fallback, skipped).",
            ["outcome"],
            registry=r,
        )
        self.refine_summaries = Counter(
            "memoryd_llm_refine_summaries_total",
            "Category summaries after window refinements, by source (folded: from the "
            "refinement answer; fallback: a separate request; extractive; held: unchanged).",
            ["source"],
            registry=r,
        )
