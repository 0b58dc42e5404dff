"""The chart renders, lints strictly and refuses values that cannot work."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import pytest
from helm_python import Chart, HelmRenderError, HelmValuesError, lint
from pydantic import BaseModel, SecretStr

from tests.deploy.rendering import CHART, NAMESPACE, ROOT, VALUES_SETS, kinds, one, render

ERROR, WARNING = 3, 2


@pytest.mark.parametrize("name", VALUES_SETS)
def test_lint_is_clean_in_strict_mode(name: str) -> None:
    report = lint(
        CHART, VALUES_SETS[name], strict=True, namespace=NAMESPACE, kube_version="v1.34.0"
    )
    problems = [m for m in report["messages"] if m["severity"] >= WARNING]
    assert report["errors"] == [] and problems == [], report


def test_each_values_set_renders_what_it_enables() -> None:
    expected = {
        "defaults": ["ConfigMap", "Deployment", "Pod", "Service", "ServiceAccount"],
        "kafka-keda": [
            "ConfigMap",
            "Deployment",
            "PodDisruptionBudget",
            "Pod",
            "ScaledObject",
            "Secret",
            "Service",
            "ServiceAccount",
        ],
        "nats-hpa-servicemonitor": [
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "NetworkPolicy",
            "Pod",
            "PrometheusRule",
            "Secret",
            "Service",
            "ServiceAccount",
            "ServiceMonitor",
        ],
        "existing-secret": ["ConfigMap", "Deployment", "Pod", "Service", "ServiceAccount"],
    }
    for name, want in expected.items():
        assert kinds(render(VALUES_SETS[name])) == sorted(want), name


BAD_VALUES: dict[str, dict[str, Any]] = {
    "replicas as a string": {"replicaCount": "two"},
    "a daemon setting of the wrong type": {"config": {"batch": {"max_count": "many"}}},
    "an unknown daemon setting (typo)": {"config": {"nats": {"ulr": "nats://x:4222"}}},
    "an unknown transport": {"config": {"transport": "rabbitmq"}},
    "a secret in the ConfigMap": {"config": {"llm": {"api_key": "sk-123"}}},
    "a chart-owned setting in config": {"config": {"shutdown_grace_seconds": 5}},
    "an unknown secret file name": {"secrets": {"values": {"llm_api_key": "sk-123"}}},
    "a non-string secret": {"secrets": {"values": {"api_token": 12345}}},
    "HPA and KEDA together": {"autoscaling": {"enabled": True}, "keda": {"enabled": True}},
    "a negative drain budget": {"shutdownGraceSeconds": -1},
    "a port out of range": {"service": {"port": 70000}},
    "an unknown top-level key": {"replicas": 3},
    "a malformed digest": {"image": {"digest": "latest"}},
    "keda lag as a string": {"keda": {"lagThreshold": "1000"}},
}


@pytest.mark.parametrize("case", BAD_VALUES)
def test_schema_rejects_bad_values(case: str) -> None:
    with Chart.load(CHART) as chart:
        with pytest.raises(HelmValuesError):
            chart.validate_schema(BAD_VALUES[case])
        with pytest.raises(HelmValuesError):
            chart.render(BAD_VALUES[case], name="rel", namespace=NAMESPACE)


@pytest.mark.parametrize("name", VALUES_SETS)
def test_schema_accepts_the_values_sets(name: str) -> None:
    with Chart.load(CHART) as chart:
        chart.validate_schema(VALUES_SETS[name])


GUARDED: dict[str, tuple[dict[str, Any], str]] = {
    "edge store with replicas": (
        {"config": {"store": {"kind": "edge"}}, "replicaCount": 2},
        "store.kind edge",
    ),
    "qdrant store without url": ({"config": {"store": {"url": None}}}, "needs config.store.url"),
    "nats KEDA trigger without monitoring endpoint": (
        {"keda": {"enabled": True}},
        "keda.nats.monitoringEndpoint is required",
    ),
}


@pytest.mark.parametrize("case", GUARDED)
def test_templates_refuse_combinations_that_cannot_work(case: str) -> None:
    values, message = GUARDED[case]
    with pytest.raises(HelmRenderError, match=message):
        render(values)


def test_hpa_and_keda_exclude_each_other_even_without_the_schema(tmp_path: Path) -> None:
    # `helm install --skip-schema-validation` must not get both either. (Lint can't show
    # it: Helm's lint mode turns `fail` into a log line.)
    chart_copy = tmp_path / "memoryd"
    shutil.copytree(CHART, chart_copy)
    (chart_copy / "values.schema.json").unlink()
    values = {
        "autoscaling": {"enabled": True},
        "keda": {"enabled": True, "nats": {"monitoringEndpoint": "nats:8222"}},
    }
    with Chart.load(chart_copy) as chart, pytest.raises(HelmRenderError, match="exclude each"):
        chart.render(values, name="rel", namespace=NAMESPACE)


def test_values_schema_matches_the_daemon_settings() -> None:
    # When a setting is added to memoryd.config, `make chart-schema` regenerates the schema.
    result = subprocess.run(
        [sys.executable, "scripts/chart_schema.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_secret_setting_has_a_secrets_file_name() -> None:
    from memoryd.config import Settings

    def secret_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
        found: set[str] = set()
        for name, field in model.model_fields.items():
            types = {field.annotation, *get_args(field.annotation)}
            # A field marked a secret as a whole (scoped_api_tokens) is one file.
            extra = field.json_schema_extra
            whole = isinstance(extra, dict) and extra.get("format") == "password"
            if SecretStr in types or whole:
                found.add(prefix + name)
                continue
            for t in types:
                if isinstance(t, type) and issubclass(t, BaseModel):
                    found |= secret_fields(t, f"{prefix}{name}__")
        return found

    with Chart.load(CHART) as chart:
        schema = chart.schema
    assert schema is not None
    allowed = schema["properties"]["secrets"]["properties"]["values"]["propertyNames"]["enum"]
    assert set(allowed) == secret_fields(Settings)
    assert {
        "api_token",
        "llm__api_key",
        "nats__password",
        "kafka__sasl_password",
        "store__api_key",
    } <= set(allowed)


def test_names_follow_the_fullname_rules() -> None:
    long_release = "r" * 70
    for obj in render({}, name=long_release):
        name = obj["metadata"]["name"]
        assert len(name) <= 63 and not name.endswith("-"), name
    assert one(render({}, name="memoryd-prod"), "Deployment")["metadata"]["name"] == "memoryd-prod"
    assert one(render({}, name="team"), "Deployment")["metadata"]["name"] == "team-memoryd"
    named = render({"fullnameOverride": "mem"})
    assert {o["metadata"]["name"] for o in named if o["kind"] != "Pod"} == {"mem"}


def test_readme_documents_every_value() -> None:
    readme = (CHART / "README.md").read_text()
    with Chart.load(CHART) as chart:
        values = chart.values
    opaque = {"config", "podSecurityContext", "securityContext", "resources", "probes"}
    for key, value in values.items():
        assert f"`{key}" in readme, key
        if isinstance(value, dict) and key not in opaque:
            for sub in value:
                documented = f"`{key}.{sub}`" in readme or f" / `.{sub}`" in readme
                assert documented or f"`{key}.{sub}" in readme, f"{key}.{sub}"


def test_schema_accepts_every_daemon_setting_at_its_default() -> None:
    from memoryd.config import Settings

    # Every setting the daemon has (secrets are unset, so left out; the scoped tokens, a
    # secret whose unset value is an empty list, too), as a values file holds it.
    chart_owned_or_secret = {"http", "data_dir", "shutdown_grace_seconds", "scoped_api_tokens"}
    config = Settings().model_dump(mode="json", exclude_none=True, exclude=chart_owned_or_secret)
    assert {"nats", "kafka", "store", "memory", "llm", "batch", "snapshot"} <= set(config)
    assert config["memory"]["categories"][0]["description"]
    with Chart.load(CHART) as chart:
        chart.validate_schema({"config": config})
        objects = chart.render({"config": config}, name="rel", namespace=NAMESPACE)
    assert "memoryd/templates/configmap.yaml" in objects
