"""Prometheus metrics of LLM calls (registered on the daemon's registry)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


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
