"""Prometheus metrics the daemon exports. One :class:`Metrics` per daemon, on its own
registry (no module-level singletons, so tests and several daemons in one process never
share counters)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from memoryd.telemetry.llm_metrics import LlmMetrics

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Every metric memoryd exports. Names follow Prometheus conventions (unit suffixes,
    ``_total`` for counters)."""

    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.llm = LlmMetrics(r)
        self.events_consumed = Counter(
            "memoryd_events_consumed_total",
            "Events taken from the transport, by outcome (memorized, dead_lettered, retried, "
            "released: handed back unprocessed when another replica took the user over).",
            ["transport", "outcome"],
            registry=r,
        )
        self.memorize_batch_seconds = Histogram(
            "memoryd_memorize_batch_seconds",
            "Time to memorise one user micro-batch (extract, embed, store, flush).",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.batch_events = Histogram(
            "memoryd_memorize_batch_events",
            "Events per memorised user micro-batch.",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
            registry=r,
        )
        self.items_written = Counter(
            "memoryd_items_written_total",
            "Items written to the store (new or reinforced).",
            ["kind"],
            registry=r,
        )
        self.snapshots_published = Counter(
            "memoryd_snapshots_published_total",
            "Context snapshots published to subscribers.",
            registry=r,
        )
        self.snapshot_freshness_seconds = Histogram(
            "memoryd_snapshot_freshness_seconds",
            "From the newest event's time to the publish of a snapshot reflecting it.",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.dead_letters = Counter(
            "memoryd_dead_letters_total",
            "Events sent to the dead-letter destination, by reason.",
            ["reason"],
            registry=r,
        )
        self.consumer_pending = Gauge(
            "memoryd_consumer_pending",
            "Events not yet delivered from the shards (NATS) or partitions (Kafka) this "
            "replica owns: its share of the consumer lag.",
            registry=r,
        )
        self.inflight_events = Gauge(
            "memoryd_inflight_events",
            "Events received and buffered or being memorised, not yet acknowledged.",
            registry=r,
        )
        self.http_requests = Counter(
            "memoryd_http_requests_total",
            "HTTP API requests by route and status code.",
            ["route", "status"],
            registry=r,
        )
        self.retrieve_seconds = Histogram(
            "memoryd_retrieve_seconds",
            "Time to answer a retrieve request.",
            ["method"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.evolution_runs = Counter(
            "memoryd_evolution_runs_total",
            "Self-evolution runs (one job for one user), by job and outcome (changed, "
            "unchanged, skipped: done before or not owned here, failed).",
            ["job", "outcome"],
            registry=r,
        )
        self.evolution_seconds = Histogram(
            "memoryd_evolution_seconds",
            "Time one self-evolution job takes for one user.",
            ["job"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.items_superseded = Counter(
            "memoryd_items_superseded_total",
            "Items whose validity self-evolution closed because a newer item replaces them "
            "(LLM extraction's own supersedes are not counted here).",
            registry=r,
        )
        self.items_archived = Counter(
            "memoryd_items_archived_total",
            "Items archived by self-evolution, by reason (merged, superseded, decayed).",
            ["reason"],
            registry=r,
        )
        self.categories_created = Counter(
            "memoryd_categories_created_total",
            "Categories created by self-evolution (discovered from clusters of items).",
            registry=r,
        )
