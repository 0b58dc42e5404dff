"""Render the Helm chart offline (helm-python-sdk: Helm's own engine in a shared library,
no helm binary, no cluster, no network) and find the repository's tool binaries."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helm_python import Chart

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "helm" / "memoryd"
DEPLOY = ROOT / "deploy"
RELEASE = "rel"
NAMESPACE = "memory"

Manifest = dict[str, Any]

# The values sets CI renders, lints and validates: what teams install.
VALUES_SETS: dict[str, dict[str, Any]] = {
    "defaults": {},
    "kafka-keda": {
        "config": {
            "transport": "kafka",
            "kafka": {
                "bootstrap_servers": "kafka-0.kafka:9092,kafka-1.kafka:9092",
                "group_id": "memoryd-prod",
                "events_topic": "agents.events",
                "security_protocol": "SASL_SSL",
                "sasl_mechanism": "SCRAM-SHA-512",
                "sasl_username": "memoryd",
            },
            "store": {"kind": "qdrant", "url": "http://qdrant.qdrant:6333"},
        },
        "keda": {
            "enabled": True,
            "maxReplicas": 12,
            "lagThreshold": 500,
            "authenticationRef": "kafka-sasl",
        },
        "secrets": {"values": {"kafka__sasl_password": "kafka-pw-1", "api_token": "tok-1"}},
        "podDisruptionBudget": {"enabled": True, "minAvailable": 1},
    },
    "nats-hpa-servicemonitor": {
        "config": {
            "nats": {"url": "nats://nats.nats:4222", "user": "memoryd", "shards": 4},
            "batch": {"max_count": 128},
        },
        "autoscaling": {"enabled": True, "maxReplicas": 6},
        "serviceMonitor": {"enabled": True, "labels": {"release": "prometheus"}},
        "prometheusRule": {"enabled": True, "labels": {"release": "prometheus"}},
        "networkPolicy": {
            "enabled": True,
            "allowAllEgress": False,
            "egressTo": [{"to": [{"namespaceSelector": {"matchLabels": {"name": "nats"}}}]}],
            "ingressFrom": [{"podSelector": {"matchLabels": {"role": "agent"}}}],
        },
        "secrets": {"values": {"nats__password": "nats-pw-1", "store__api_key": "qd-key-1"}},
    },
    "nats-keda-shards": {
        "config": {"nats": {"shards": 3, "stream": "AGENT_EVENTS", "durable": "mem"}},
        "keda": {
            "enabled": True,
            "maxReplicas": 3,
            "nats": {"monitoringEndpoint": "nats.nats.svc:8222"},
        },
    },
    "existing-secret": {
        "secrets": {"existingSecret": "memoryd-credentials"},
        "config": {"llm": {"base_url": "http://vllm:8000/v1", "model": "qwen3-8b"}},
        "replicaCount": 2,
    },
    "edge-single-replica": {
        "config": {"store": {"kind": "edge"}},
        "persistence": {"existingClaim": "memoryd-data"},
    },
}


def render(values: dict[str, Any] | None = None, *, name: str = RELEASE) -> list[Manifest]:
    """Every object the chart renders for ``values`` (tests and hooks included)."""
    with Chart.load(CHART) as chart:
        rendered = chart.render(values or {}, name=name, namespace=NAMESPACE)
    objects: list[Manifest] = []
    for path, text in sorted(rendered.items()):
        if path.endswith("NOTES.txt"):
            continue
        objects.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return objects


def one(objects: list[Manifest], kind: str) -> Manifest:
    found = [o for o in objects if o["kind"] == kind]
    assert len(found) == 1, f"{len(found)} {kind} objects"
    return found[0]


def kinds(objects: list[Manifest]) -> list[str]:
    return sorted(o["kind"] for o in objects)


def tool(name: str) -> str:
    """A tool CI must have: next to this Python (pip-installed) or on PATH. Missing is a
    failure, never a skip: `make install` installs every one of them."""
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} not found: run `make install` (it installs the test tools)")
    return found
