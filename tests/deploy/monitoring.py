"""The metric names the daemon exports, read from its own registry, and PromQL helpers."""

from __future__ import annotations

import json
import re
from typing import Any

from prometheus_client import generate_latest

from memoryd.telemetry.metrics import Metrics
from tests.deploy.rendering import DEPLOY

DASHBOARD = DEPLOY / "grafana" / "dashboards" / "memoryd.json"
ALERTS = DEPLOY / "prometheus" / "alerts.yaml"
# Series Prometheus itself adds to every scrape.
PROMETHEUS_SERIES = {"up"}
# Grafana's variables, as a query would run with them set to "All".
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$namespace": ".*", "$instance": ".*"}
_SELECTOR = re.compile(r"\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{")
_NAME = re.compile(r"\bmemoryd_[a-z0-9_]+\b")


def exported_series() -> set[str]:
    """Every series name the daemon's /metrics can carry (with _bucket/_sum/_count...)."""
    metrics = Metrics()
    names = set()
    for family in metrics.registry.collect():
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
        # Labelled families have no samples until first used: add the suffixes by type.
        suffixes = {
            "counter": ("_total", "_created"),
            "histogram": ("_bucket", "_sum", "_count", "_created"),
        }
        names.update(family.name + s for s in suffixes.get(family.type, ()))
    names.update(
        line.split("{")[0].split(" ")[0]
        for line in generate_latest(metrics.registry).decode().splitlines()
        if line and not line.startswith("#")
    )
    return names


def exported_families() -> set[str]:
    """Metric family names (counters without _total), one per metric the daemon defines."""
    return {family.name for family in Metrics().registry.collect()}


def dashboard_queries() -> list[tuple[str, str]]:
    """(panel title, PromQL) of every panel target."""
    dashboard: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return [
        (panel["title"], target["expr"])
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]


def with_variables(expr: str) -> str:
    for name, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(name, value)
    return expr


def series_names(expr: str) -> set[str]:
    """Metric names an expression selects: names before `{` and every memoryd_* token."""
    return set(_SELECTOR.findall(expr)) | set(_NAME.findall(expr))
