"""The alerts and the dashboard: valid PromQL over metrics the daemon really exports."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.deploy.monitoring import (
    ALERTS,
    PROMETHEUS_SERIES,
    dashboard_queries,
    exported_families,
    exported_series,
    series_names,
    with_variables,
)
from tests.deploy.rendering import DEPLOY, tool


def promtool(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("promtool"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_alert_rules_are_valid() -> None:
    result = promtool("check", "rules", str(ALERTS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 9 rules found" in result.stdout


def test_alert_unit_tests_pass() -> None:
    result = promtool("test", "rules", str(DEPLOY / "prometheus" / "alerts.test.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_every_alert_is_tested_and_documented() -> None:
    rules = [r for g in yaml.safe_load(ALERTS.read_text())["groups"] for r in g["rules"]]
    tests = yaml.safe_load((DEPLOY / "prometheus" / "alerts.test.yaml").read_text())
    tested = {
        case["alertname"]
        for t in tests["tests"]
        for case in t["alert_rule_test"]
        if case["exp_alerts"]
    }
    assert {r["alert"] for r in rules} == tested
    for rule in rules:
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        assert 'job="memoryd"' in rule["expr"]


def test_compose_prometheus_config_is_valid() -> None:
    result = promtool("check", "config", str(DEPLOY / "prometheus" / "prometheus.yml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_alerts_name_only_exported_metrics() -> None:
    exported = exported_series() | PROMETHEUS_SERIES
    rules = [r for g in yaml.safe_load(ALERTS.read_text())["groups"] for r in g["rules"]]
    for rule in rules:
        assert series_names(rule["expr"]) <= exported, rule["alert"]


def test_every_dashboard_query_parses(tmp_path: Path) -> None:
    queries = dashboard_queries()
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:query_{i}", "expr": with_variables(expr)}
                    for i, (_, expr) in enumerate(queries)
                ],
            }
        ]
    }
    path = tmp_path / "dashboard-rules.yaml"
    path.write_text(yaml.safe_dump(rules))
    result = promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(queries)} rules found" in result.stdout


def test_dashboard_names_only_exported_metrics_and_covers_them() -> None:
    exported = exported_series() | PROMETHEUS_SERIES
    used: set[str] = set()
    for title, expr in dashboard_queries():
        names = series_names(expr)
        assert names, f"{title}: selects no metric"
        assert names <= exported, f"{title}: {names - exported}"
        used |= names
    # Every metric the daemon exports has a panel.
    for family in sorted(exported_families()):
        assert any(u.startswith(family) for u in used), f"no panel for {family}"
