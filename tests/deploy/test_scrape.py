"""A real Prometheus scrapes a real daemon (`memoryd run`, as the chart runs it, against
the session's nats-server): the exposition passes promtool, the alerts evaluate, and every
dashboard query runs."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import yaml

from memoryd.client import EventPublisher
from memoryd.daemon.embedded import EmbeddedNats
from tests.deploy.monitoring import ALERTS, dashboard_queries, with_variables
from tests.deploy.rendering import tool

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def eventually(check: Callable[[], T | None], timeout: float, what: str) -> T:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            if (result := check()) is not None:
                return result
        except (httpx.HTTPError, KeyError) as exc:  # not up yet
            last = exc
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what} (last error: {last})")


def stop(proc: subprocess.Popen[bytes], log: Path) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise AssertionError(f"{proc.args} ignored SIGTERM: {log.read_text()[-2000:]}") from None


@pytest.fixture(scope="module")
def daemon(nats_server: EmbeddedNats, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`memoryd run` on a free port that has memorised one event; yields its base URL."""
    directory = tmp_path_factory.mktemp("scraped-daemon")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEMORYD_")}
    env.update(
        {
            "MEMORYD_DATA_DIR": str(directory / "data"),
            "MEMORYD_NATS__URL": nats_server.url,
            "MEMORYD_NATS__STREAM": "SCRAPE",
            "MEMORYD_NATS__EVENTS_SUBJECT": "scrape.events",
            "MEMORYD_NATS__DURABLE": "scrape",
            "MEMORYD_NATS__DEAD_LETTER_SUBJECT": "scrape.dlq",
            "MEMORYD_NATS__DEAD_LETTER_STREAM": "SCRAPEDLQ",
            "MEMORYD_NATS__CONTEXT_SUBJECT": "scrape.ctx",
            "MEMORYD_NATS__KV_BUCKET": "scrape",
            "MEMORYD_NATS__LEASE_BUCKET": "scrape_leases",
            "MEMORYD_HTTP__PORT": str(port),
            "MEMORYD_SHUTDOWN_GRACE_SECONDS": "10",
        }
    )
    log = directory / "daemon.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "memoryd.daemon.cli", "run"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, trust_env=False) as client:
            eventually(lambda: client.get("/readyz").raise_for_status(), 90, "/readyz")

            async def publish() -> None:
                async with EventPublisher(
                    nats_url=nats_server.url, subject_prefix="scrape.events"
                ) as publisher:
                    await publisher.publish(
                        {
                            "id": "scrape-1",
                            "user_id": "sam",
                            "content": "I moved to Lisbon last week.",
                        }
                    )

            asyncio.run(publish())
            memorized = 'memoryd_events_consumed_total{outcome="memorized",transport="nats"} 1.0'
            eventually(
                lambda: memorized in client.get("/metrics").text or None,
                60,
                "the event to be memorised",
            )
        yield url
    finally:
        stop(proc, log)


@pytest.fixture(scope="module")
def prometheus(daemon: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Prometheus scraping the daemon every second, with memoryd's alerts loaded."""
    directory = tmp_path_factory.mktemp("prometheus")
    config = directory / "prometheus.yml"
    config.write_text(
        yaml.safe_dump(
            {
                "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                "rule_files": [str(ALERTS)],
                "scrape_configs": [
                    {
                        "job_name": "memoryd",
                        "static_configs": [{"targets": [daemon.removeprefix("http://")]}],
                    }
                ],
            }
        )
    )
    port = free_port()
    log = directory / "prometheus.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [
                tool("prometheus"),
                f"--config.file={config}",
                f"--storage.tsdb.path={directory / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, trust_env=False) as client:
            eventually(lambda: client.get("/-/ready").raise_for_status(), 30, "Prometheus")
        yield url
    finally:
        stop(proc, log)


def query(prometheus: str, promql: str) -> list[dict[str, Any]]:
    with httpx.Client(base_url=prometheus, trust_env=False) as client:
        answer = client.get("/api/v1/query", params={"query": promql})
    body = answer.json()
    assert answer.status_code == 200 and body["status"] == "success", (promql, body)
    return list(body["data"]["result"])


def test_the_daemon_metrics_pass_promtool(daemon: str) -> None:
    with httpx.Client(trust_env=False) as client:
        exposition = client.get(f"{daemon}/metrics").text
    result = subprocess.run(
        [tool("promtool"), "check", "metrics"],
        input=exposition,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_prometheus_finds_the_consumed_events(prometheus: str) -> None:
    series = eventually(
        lambda: query(prometheus, 'memoryd_events_consumed_total{outcome="memorized"}') or None,
        30,
        "memoryd_events_consumed_total in Prometheus",
    )
    [sample] = series
    assert sample["metric"]["job"] == "memoryd"
    assert sample["metric"]["outcome"] == "memorized"
    assert sample["metric"]["transport"] == "nats"
    assert float(sample["value"][1]) == 1.0
    [up] = query(prometheus, 'up{job="memoryd"}')
    assert up["value"][1] == "1"


def test_alerts_evaluate_cleanly_and_none_fires(prometheus: str) -> None:
    def evaluated() -> list[dict[str, Any]] | None:
        with httpx.Client(base_url=prometheus, trust_env=False) as client:
            groups = client.get("/api/v1/rules").json()["data"]["groups"]
        rules = [r for g in groups for r in g["rules"]]
        return rules if rules and all(r["health"] == "ok" for r in rules) else None

    rules = eventually(evaluated, 30, "every alert rule to evaluate")
    assert len(rules) == 9
    # MemorydAbsent is pending until the first scrape lands; then nothing is.
    quiet = eventually(
        lambda: [r for r in evaluated() or [] if r["state"] != "inactive"] == [] or None,
        30,
        "a healthy daemon to leave every alert inactive",
    )
    assert quiet is True


def test_every_dashboard_query_runs_against_real_series(prometheus: str) -> None:
    eventually(
        lambda: query(prometheus, "rate(memoryd_events_consumed_total[1m])") or None,
        30,
        "two scrapes",
    )
    answered = {
        title for title, expr in dashboard_queries() if query(prometheus, with_variables(expr))
    }
    assert {"Replicas up", "Events consumed by outcome", "Consumer lag"} <= answered
