"""What the chart renders: valid Kubernetes objects, wired the way the daemon reads them."""

from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from cloudcoil.models.keda.v1alpha1 import ScaledObject
from cloudcoil.models.prometheus_operator.v1 import PrometheusRule, ServiceMonitor
from kubernetes_validate.utils import SchemaNotFoundError
from pydantic import BaseModel

from memoryd.config import Settings, load_settings
from tests.deploy.rendering import DEPLOY, RELEASE, VALUES_SETS, Manifest, one, render

# The oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and the newest the
# installed kubernetes-validate knows.
KUBE_VERSIONS = ("1.27.0", kubernetes_validate.utils.latest_version())
# Custom resources: kubernetes-validate has no schema for them; models generated from the
# KEDA and Prometheus Operator CRDs check them instead.
CUSTOM_KINDS: dict[str, tuple[str, type[BaseModel]]] = {
    "ScaledObject": ("keda.sh/v1alpha1", ScaledObject),
    "ServiceMonitor": ("monitoring.coreos.com/v1", ServiceMonitor),
    "PrometheusRule": ("monitoring.coreos.com/v1", PrometheusRule),
}
SECRETS_DIR = "/etc/memoryd/secrets"


def container(objects: list[Manifest]) -> dict[str, Any]:
    pod = one(objects, "Deployment")["spec"]["template"]["spec"]
    assert [c["name"] for c in pod["containers"]] == ["memoryd"]
    return dict(pod["containers"][0])


def env(objects: list[Manifest]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container(objects)["env"]}


@pytest.mark.parametrize("name", VALUES_SETS)
def test_every_manifest_validates_strictly(name: str) -> None:
    unvalidated = set()
    for obj in render(VALUES_SETS[name]):
        for version in KUBE_VERSIONS:
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except SchemaNotFoundError:
                unvalidated.add(obj["kind"])
    assert unvalidated <= set(CUSTOM_KINDS)


@pytest.mark.parametrize("name", VALUES_SETS)
def test_custom_resources_match_their_crds_strictly(name: str) -> None:
    for obj in render(VALUES_SETS[name]):
        if obj["kind"] not in CUSTOM_KINDS:
            continue
        api_version, model = CUSTOM_KINDS[obj["kind"]]
        assert obj["apiVersion"] == api_version
        # The models ignore unknown fields and coerce types: a lossless round trip is the
        # strict check (a misspelt or mistyped field would not come back unchanged).
        parsed = model.model_validate(obj)
        assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == obj


def test_the_crd_check_would_catch_a_typo() -> None:
    scaled = one(render(VALUES_SETS["kafka-keda"]), "ScaledObject")
    scaled["spec"]["maxReplicaCont"] = 3
    parsed = ScaledObject.model_validate(scaled)
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) != scaled


def test_probes_use_health_endpoints_on_the_http_port() -> None:
    objects = render({"service": {"port": 9000}})
    c = container(objects)
    assert c["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert c["ports"] == [{"name": "http", "containerPort": 9000, "protocol": "TCP"}]
    assert env(objects)["MEMORYD_HTTP__PORT"] == "9000"
    assert env(objects)["MEMORYD_HTTP__HOST"] == "0.0.0.0"
    # Model loading and the broker connection happen before /healthz answers.
    startup = c["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 120


@pytest.mark.parametrize(
    ("values", "grace"),
    [({}, 25), ({"shutdownGraceSeconds": 50.5, "preStopSleepSeconds": 10}, 50.5)],
)
def test_termination_grace_outlasts_prestop_and_the_drain(
    values: dict[str, Any], grace: float
) -> None:
    objects = render(values)
    pod = one(objects, "Deployment")["spec"]["template"]["spec"]
    c = container(objects)
    sleep = int(c["lifecycle"]["preStop"]["exec"]["command"][1])
    assert float(env(objects)["MEMORYD_SHUTDOWN_GRACE_SECONDS"]) == grace
    assert pod["terminationGracePeriodSeconds"] > sleep + grace
    assert pod["terminationGracePeriodSeconds"] == sleep + int(-(-grace // 1)) + 10


def test_security_context_is_restricted_and_writable_paths_are_volumes() -> None:
    objects = render()
    pod = one(objects, "Deployment")["spec"]["template"]["spec"]
    for ctx in (pod["securityContext"], container(objects)["securityContext"]):
        assert ctx["runAsNonRoot"] is True and ctx["runAsUser"] != 0
        assert ctx["seccompProfile"] == {"type": "RuntimeDefault"}
    sc = container(objects)["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]}
    assert pod["automountServiceAccountToken"] is False
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in container(objects)["volumeMounts"]}
    e = env(objects)
    # Everything the daemon writes lives on a volume: data dir, caches, temp files.
    assert "emptyDir" in volumes[mounts["/tmp"]]
    assert "emptyDir" in volumes[mounts[e["MEMORYD_DATA_DIR"]]]
    assert e["HOME"].startswith("/tmp") and e["FASTEMBED_CACHE_PATH"].startswith("/tmp/")
    test_pod = one(objects, "Pod")
    assert test_pod["spec"]["containers"][0]["securityContext"] == sc


def test_persistent_data_dir_for_a_single_edge_replica() -> None:
    objects = render(VALUES_SETS["edge-single-replica"])
    pod = one(objects, "Deployment")["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["data"] == {
        "name": "data",
        "persistentVolumeClaim": {"claimName": "memoryd-data"},
    }


def _settings_seen_by_the_pod(
    objects: list[Manifest], tmp_path: Path, secret_files: dict[str, str]
) -> Settings:
    """Load settings as the pod would: the ConfigMap's file, the secrets dir, the env."""
    config = tmp_path / "memoryd.yaml"
    config.write_text(one(objects, "ConfigMap")["data"]["memoryd.yaml"])
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    for key, value in secret_files.items():
        (secrets / key).write_text(value)
    pod_env = {
        k: v for k, v in env(objects).items() if k.startswith("MEMORYD_") and isinstance(v, str)
    }
    pod_env.update(MEMORYD_CONFIG=str(config), MEMORYD_DATA_DIR=str(tmp_path / "data"))
    if "MEMORYD_SECRETS_DIR" in pod_env:
        pod_env["MEMORYD_SECRETS_DIR"] = str(secrets)
    saved = {k: v for k, v in os.environ.items() if k.startswith("MEMORYD_")}
    try:
        for k in saved:
            del os.environ[k]
        os.environ.update(pod_env)
        return load_settings()
    finally:
        for k in pod_env:
            os.environ.pop(k, None)
        os.environ.update(saved)


def test_config_and_created_secret_reach_the_daemon(tmp_path: Path) -> None:
    values = VALUES_SETS["kafka-keda"]
    objects = render(values)
    secret = one(objects, "Secret")
    files = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert files == values["secrets"]["values"]
    pod = one(objects, "Deployment")["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    mounts = {m["name"]: m["mountPath"] for m in container(objects)["volumeMounts"]}
    assert volumes["secrets"]["secret"]["secretName"] == secret["metadata"]["name"]
    assert mounts["secrets"] == env(objects)["MEMORYD_SECRETS_DIR"] == SECRETS_DIR
    assert mounts["config"] + "/memoryd.yaml" == env(objects)["MEMORYD_CONFIG"]
    # Secrets appear only in the Secret.
    for obj in objects:
        if obj["kind"] != "Secret":
            assert "kafka-pw-1" not in yaml.safe_dump(obj) and "tok-1" not in yaml.safe_dump(obj)

    settings = _settings_seen_by_the_pod(objects, tmp_path, files)
    assert settings.transport == "kafka"
    assert settings.kafka.bootstrap_servers == "kafka-0.kafka:9092,kafka-1.kafka:9092"
    assert settings.kafka.sasl_password is not None
    assert settings.kafka.sasl_password.get_secret_value() == "kafka-pw-1"
    assert settings.api_token is not None and settings.api_token.get_secret_value() == "tok-1"
    assert settings.store.kind == "qdrant" and settings.store.url == "http://qdrant.qdrant:6333"
    assert settings.shutdown_grace_seconds == 25 and settings.http.host == "0.0.0.0"


def test_existing_secret_is_mounted_not_created(tmp_path: Path) -> None:
    objects = render(VALUES_SETS["existing-secret"])
    assert not [o for o in objects if o["kind"] == "Secret"]
    deployment = one(objects, "Deployment")
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    assert volumes["secrets"]["secret"]["secretName"] == "memoryd-credentials"
    assert "checksum/secret" not in deployment["spec"]["template"]["metadata"]["annotations"]
    settings = _settings_seen_by_the_pod(objects, tmp_path, {"llm__api_key": "sk-live"})
    assert settings.llm.enabled and settings.llm.model == "qwen3-8b"
    assert settings.llm.api_key is not None
    assert settings.llm.api_key.get_secret_value() == "sk-live"


def test_without_secrets_there_is_no_secrets_dir() -> None:
    objects = render()
    assert "MEMORYD_SECRETS_DIR" not in env(objects)
    assert "secrets" not in {
        v["name"] for v in one(objects, "Deployment")["spec"]["template"]["spec"]["volumes"]
    }


@pytest.mark.parametrize("name", VALUES_SETS)
def test_labels_and_selectors(name: str) -> None:
    objects = render(VALUES_SETS[name])
    selector = {"app.kubernetes.io/name": "memoryd", "app.kubernetes.io/instance": RELEASE}
    for obj in objects:
        labels = obj["metadata"]["labels"]
        assert labels["helm.sh/chart"] == "memoryd-0.1.0"
        assert labels["app.kubernetes.io/managed-by"] == "Helm"
        assert labels["app.kubernetes.io/version"] == "0.1.0"
        if obj["kind"] != "Pod":
            assert selector.items() <= labels.items(), obj["kind"]
    deployment = one(objects, "Deployment")
    assert deployment["spec"]["selector"]["matchLabels"] == selector
    assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    assert one(objects, "Service")["spec"]["selector"] == selector
    # The test pod must not become an endpoint of the Service.
    test_pod = one(objects, "Pod")
    assert test_pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
    assert not selector.items() <= test_pod["metadata"]["labels"].items()


def test_chart_test_pod_checks_readyz_through_the_service() -> None:
    objects = render()
    service = one(objects, "Service")
    script = one(objects, "Pod")["spec"]["containers"][0]["command"][-1]
    assert f"http://{service['metadata']['name']}:8787/readyz" in script
    assert one(objects, "Pod")["spec"]["restartPolicy"] == "Never"


def test_kafka_keda_scales_on_the_consumer_group_lag() -> None:
    objects = render(VALUES_SETS["kafka-keda"])
    assert not [o for o in objects if o["kind"] == "HorizontalPodAutoscaler"]
    assert "replicas" not in one(objects, "Deployment")["spec"]
    scaled = one(objects, "ScaledObject")
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    deployment = one(objects, "Deployment")
    assert scaled["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert scaled["spec"]["maxReplicaCount"] == 12
    [trigger] = scaled["spec"]["triggers"]
    assert trigger["type"] == "kafka"
    assert trigger["authenticationRef"] == {"name": "kafka-sasl"}
    meta = trigger["metadata"]
    assert meta["bootstrapServers"] == "kafka-0.kafka:9092,kafka-1.kafka:9092"
    assert meta["consumerGroup"] == "memoryd-prod"
    assert meta["topic"] == "agents.events"
    assert meta["lagThreshold"] == "500"
    assert all(isinstance(v, str) for v in meta.values())  # KEDA metadata is string-typed


def test_nats_keda_has_one_trigger_per_shard_consumer() -> None:
    scaled = one(render(VALUES_SETS["nats-keda-shards"]), "ScaledObject")
    triggers = scaled["spec"]["triggers"]
    assert {t["type"] for t in triggers} == {"nats-jetstream"}
    assert [t["metadata"]["consumer"] for t in triggers] == ["mem-0", "mem-1", "mem-2"]
    for t in triggers:
        meta = t["metadata"]
        assert meta["stream"] == "AGENT_EVENTS"
        assert meta["natsServerMonitoringEndpoint"] == "nats.nats.svc:8222"
        assert meta["lagThreshold"] == "1000" and meta["account"] == "$G"


def test_keda_falls_back_to_the_daemon_defaults() -> None:
    defaults = Settings()
    nats = one(
        render(
            {
                "config": {"nats": None},
                "keda": {"enabled": True, "nats": {"monitoringEndpoint": "n:8222"}},
            }
        ),
        "ScaledObject",
    )
    meta = nats["spec"]["triggers"][0]["metadata"]
    assert (meta["stream"], meta["consumer"]) == (defaults.nats.stream, defaults.nats.durable)
    kafka = one(
        render({"config": {"transport": "kafka", "kafka": None}, "keda": {"enabled": True}}),
        "ScaledObject",
    )
    meta = kafka["spec"]["triggers"][0]["metadata"]
    assert meta["topic"] == defaults.kafka.events_topic
    assert meta["consumerGroup"] == defaults.kafka.group_id
    assert meta["bootstrapServers"] == defaults.kafka.bootstrap_servers


def test_hpa_owns_replicas_when_enabled() -> None:
    objects = render(VALUES_SETS["nats-hpa-servicemonitor"])
    assert not [o for o in objects if o["kind"] == "ScaledObject"]
    assert "replicas" not in one(objects, "Deployment")["spec"]
    hpa = one(objects, "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"]["name"] == one(objects, "Deployment")["metadata"]["name"]
    assert hpa["spec"]["maxReplicas"] == 6
    assert one(render(), "Deployment")["spec"]["replicas"] == 1


def test_servicemonitor_scrapes_the_metrics_port_as_job_memoryd() -> None:
    objects = render(VALUES_SETS["nats-hpa-servicemonitor"])
    monitor = one(objects, "ServiceMonitor")
    service = one(objects, "Service")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    [endpoint] = monitor["spec"]["endpoints"]
    ports = {p["name"]: p for p in service["spec"]["ports"]}
    assert endpoint["port"] == "metrics" and endpoint["path"] == "/metrics"
    assert ports["metrics"]["targetPort"] == "http"
    # The alerts and the dashboard select job="memoryd".
    assert service["metadata"]["labels"][monitor["spec"]["jobLabel"]] == "memoryd"
    assert monitor["spec"]["selector"]["matchLabels"] == service["spec"]["selector"]


def test_network_policy_limits_ingress_and_egress() -> None:
    objects = render(VALUES_SETS["nats-hpa-servicemonitor"])
    policy = one(objects, "NetworkPolicy")["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    [ingress] = policy["ingress"]
    assert ingress["ports"] == [{"port": "http", "protocol": "TCP"}]
    assert ingress["from"] == [{"podSelector": {"matchLabels": {"role": "agent"}}}]
    dns, nats = policy["egress"]
    assert {p["port"] for p in dns["ports"]} == {53}
    assert nats["to"][0]["namespaceSelector"]["matchLabels"] == {"name": "nats"}
    open_egress = one(render({"networkPolicy": {"enabled": True}}), "NetworkPolicy")["spec"]
    assert open_egress["policyTypes"] == ["Ingress"] and "egress" not in open_egress


def test_pod_disruption_budget() -> None:
    pdb = one(render(VALUES_SETS["kafka-keda"]), "PodDisruptionBudget")["spec"]
    assert pdb["minAvailable"] == 1 and "maxUnavailable" not in pdb
    pdb = one(render({"podDisruptionBudget": {"enabled": True}}), "PodDisruptionBudget")["spec"]
    assert pdb["maxUnavailable"] == 1 and "minAvailable" not in pdb


def test_config_changes_roll_the_pods() -> None:
    def checksum(values: dict[str, Any]) -> str:
        annotations = one(render(values), "Deployment")["spec"]["template"]["metadata"]
        return str(annotations["annotations"]["checksum/config"])

    assert checksum({}) != checksum({"config": {"log_level": "DEBUG"}})


def test_strict_validation_would_catch_a_typo() -> None:
    deployment = one(render(), "Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBE_VERSIONS[-1], strict=True)


def test_prometheus_rule_carries_the_tested_alerts_unchanged() -> None:
    rule = one(render(VALUES_SETS["nats-hpa-servicemonitor"]), "PrometheusRule")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1"
    assert rule["metadata"]["labels"]["release"] == "prometheus"
    alerts = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yaml").read_text())
    # Prometheus' own templates ({{ $labels.instance }}) pass through Helm untouched.
    assert rule["spec"] == alerts
