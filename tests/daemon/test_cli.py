"""The memoryd CLI against a real nats-server (and a stand-in HTTP API for the API commands)."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nats
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from memoryd.config import KafkaSettings, Settings
from memoryd.daemon.cli import main
from memoryd.daemon.embedded import EmbeddedNats
from memoryd.events import ContextSnapshot
from memoryd.testing.tansu import TansuBroker
from memoryd.transports.kafka.topology import create_topics
from memoryd.transports.nats.topology import user_token

if TYPE_CHECKING:
    from conftest import EventsStream


async def stored_events(stream: EventsStream) -> list[dict[str, Any]]:
    nc = await nats.connect(stream.url)
    try:
        js = nc.jetstream()
        count = (await js.stream_info(stream.name)).state.messages
        return [
            json.loads((await js.get_msg(stream.name, seq)).data or b"")
            for seq in range(1, count + 1)
        ]
    finally:
        await nc.close()


def event_line(eid: str, user: str = "alice@example.com") -> str:
    return json.dumps(
        {"id": eid, "user_id": user, "content": f"note {eid}", "time": "2024-01-01T00:00:00Z"}
    )


def publish_args(stream: EventsStream, *rest: str) -> list[str]:
    return ["publish", "--nats-url", stream.url, "--subject-prefix", stream.prefix, *rest]


def test_publish_jsonl_reports_invalid_lines_and_publishes_the_rest(
    tmp_path: Path, events_stream: EventsStream, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a JSONL file with a blank line and an event without content on line 3
    path = tmp_path / "events.jsonl"
    bad = json.dumps({"id": "e-bad", "user_id": "u-1"})
    path.write_text("\n".join([event_line("e1"), "", bad, event_line("e2"), "{oops"]) + "\n")

    # When it is published
    code = main(publish_args(events_stream, str(path)))

    # Then the valid events are on the stream, and the invalid lines are named
    assert code == 1
    err = capsys.readouterr().err
    assert "line 3: invalid event 'e-bad': field 'content'" in err
    assert "line 5: invalid event" in err
    assert "published=2 duplicates=0 invalid=2" in err
    assert [e["id"] for e in asyncio.run(stored_events(events_stream))] == ["e1", "e2"]


def test_publish_from_stdin_twice_is_deduplicated(
    events_stream: EventsStream,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = event_line("e1") + "\n" + event_line("e2", user="bob") + "\n"
    for _ in range(2):
        monkeypatch.setattr(sys, "stdin", io.StringIO(lines))
        assert main(publish_args(events_stream, "-")) == 0

    assert "published=2 duplicates=2 invalid=0" in capsys.readouterr().err
    assert len(asyncio.run(stored_events(events_stream))) == 2


def test_publish_one_event_from_flags(
    events_stream: EventsStream, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        publish_args(events_stream, "--user", "u-7", "--text", "I like tea.", "--speaker", "Jon")
    )

    assert code == 0
    event_id = capsys.readouterr().out.strip()
    assert uuid.UUID(event_id)
    [stored] = asyncio.run(stored_events(events_stream))
    assert (stored["id"], stored["user_id"], stored["speaker"]) == (event_id, "u-7", "Jon")
    assert stored["content"] == "I like tea." and stored["time"]


def test_publish_without_a_stream_explains_why(
    nats_server: EmbeddedNats, capsys: pytest.CaptureFixture[str]
) -> None:
    prefix = f"nostream{uuid.uuid4().hex[:8]}"
    code = main(
        [
            "publish",
            "--nats-url",
            nats_server.url,
            "--subject-prefix",
            prefix,
            "--user",
            "u",
            "--text",
            "hello",
        ]
    )

    assert code == 1
    assert f"no JetStream stream stores {prefix}.*" in capsys.readouterr().err


def test_publish_needs_a_file_or_flags() -> None:
    with pytest.raises(SystemExit) as raised:
        main(["publish", "--nats-url", "nats://127.0.0.1:1"])

    assert raised.value.code == 2


async def _put_snapshot(url: str, bucket: str, snapshot: ContextSnapshot) -> None:
    nc = await nats.connect(url)
    try:
        kv = await nc.jetstream().create_key_value(bucket=bucket, history=1)
        await kv.put(user_token(snapshot.user_id), snapshot.model_dump_json().encode())
    finally:
        await nc.close()


def test_subscribe_once_prints_the_current_snapshot(
    nats_server: EmbeddedNats, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = f"ctx_{uuid.uuid4().hex[:12]}"
    snapshot = ContextSnapshot(
        user_id="alice@example.com", version=3, generated_at=datetime(2024, 1, 1, tzinfo=UTC)
    )
    asyncio.run(_put_snapshot(nats_server.url, bucket, snapshot))

    code = main(
        [
            "subscribe",
            "--nats-url",
            nats_server.url,
            "--user",
            "alice@example.com",
            "--bucket",
            bucket,
            "--once",
        ]
    )

    assert code == 0
    [line] = capsys.readouterr().out.splitlines()
    assert ContextSnapshot.model_validate_json(line) == snapshot


def test_subscribe_once_as_a_process_waits_for_the_first_snapshot(
    nats_server: EmbeddedNats,
) -> None:
    # Given a subscriber started before the bucket exists
    bucket = f"ctx_{uuid.uuid4().hex[:12]}"
    command = [
        sys.executable,
        "-m",
        "memoryd.daemon.cli",
        "subscribe",
        "--nats-url",
        nats_server.url,
        "--user",
        "u-9",
        "--bucket",
        bucket,
        "--once",
    ]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        snapshot = ContextSnapshot(
            user_id="u-9", version=1, generated_at=datetime(2024, 1, 1, tzinfo=UTC)
        )
        # When the daemon creates it and publishes a snapshot
        asyncio.run(_put_snapshot(nats_server.url, bucket, snapshot))
        out, err = proc.communicate(timeout=30)

    # Then the process prints it and exits
    assert proc.returncode == 0, err.decode()
    assert ContextSnapshot.model_validate_json(out.decode()) == snapshot


class _Recorder(BaseHTTPRequestHandler):
    """Answers like the daemon would, and records what it was asked."""

    requests: list[tuple[str, str, str | None, Any]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        self.requests.append((self.command, self.path, self.headers.get("Authorization"), body))
        if self.path.endswith("/evolve"):
            status, payload = 404, {"detail": "Not Found"}
        elif self.path == "/readyz":
            status, payload = 200, {"broker": True, "store": True}
        else:
            status, payload = 200, {"items": [], "categories": [], "events": 3}
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[tuple[str, list[tuple[str, str, str | None, Any]]]]:
    recorded: list[tuple[str, str, str | None, Any]] = []
    handler = type("Handler", (_Recorder,), {"requests": recorded})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", recorded
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_retrieve_sends_the_token_from_the_environment(
    api: tuple[str, list[Any]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, recorded = api
    monkeypatch.setenv("MEMORYD_API_TOKEN", "s3cret")

    code = main(["retrieve", "--api", url, "--user", "a/b", "--query", "tea?", "--top-k", "3"])

    assert code == 0
    assert json.loads(capsys.readouterr().out) == {"items": [], "categories": [], "events": 3}
    body = {"user_id": "a/b", "query": "tea?", "top_k": 3, "method": "rag"}
    assert recorded == [("POST", "/v1/retrieve", "Bearer s3cret", body)]


def test_status_with_a_user_url_encodes_the_id(
    api: tuple[str, list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, recorded = api

    assert main(["status", "--api", url, "--user", "alice@example.com/x"]) == 0

    assert [path for _, path, _, _ in recorded] == [
        "/readyz",
        "/v1/users/alice%40example.com%2Fx/stats",
    ]
    output = json.loads(capsys.readouterr().out)
    assert output["ready"] == {"broker": True, "store": True}


def test_evolve_reports_an_http_error(
    api: tuple[str, list[Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, recorded = api

    code = main(["evolve", "--api", url, "--user", "u-1", "--job", "resummarize", "--token", "t"])

    assert code == 1
    assert recorded == [("POST", "/v1/users/u-1/evolve", "Bearer t", {"job": "resummarize"})]
    assert 'HTTP 404 POST /v1/users/u-1/evolve: {"detail": "Not Found"}' in capsys.readouterr().err


def test_an_unreachable_api_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--api", "http://127.0.0.1:1", "--timeout", "2"]) == 1
    assert "cannot reach http://127.0.0.1:1" in capsys.readouterr().err


# --- over Kafka ------------------------------------------------------------------------


@pytest.fixture
def kafka_env(kafka_server: TansuBroker, monkeypatch: pytest.MonkeyPatch) -> KafkaSettings:
    """Topics unique to the test, created as the daemon creates them; the CLI reads them
    from the environment like any setting."""
    suffix = uuid.uuid4().hex[:8]
    env = {
        "MEMORYD_TRANSPORT": "kafka",
        "MEMORYD_KAFKA__BOOTSTRAP_SERVERS": kafka_server.bootstrap_servers,
        "MEMORYD_KAFKA__EVENTS_TOPIC": f"cli{suffix}.events",
        "MEMORYD_KAFKA__CONTEXT_TOPIC": f"cli{suffix}.context",
        "MEMORYD_KAFKA__DEAD_LETTER_TOPIC": f"cli{suffix}.dlq",
        "MEMORYD_KAFKA__ENABLE_IDEMPOTENCE": "false",  # tansu has no producer ids
        "MEMORYD_KAFKA__PARTITIONS": "3",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    settings = Settings().kafka
    asyncio.run(create_topics(settings))
    return settings


async def _records(settings: KafkaSettings, topic: str, count: int) -> list[tuple[bytes, bytes]]:
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=settings.bootstrap_servers, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        records: list[tuple[bytes, bytes]] = []
        async with asyncio.timeout(20):
            while len(records) < count:
                for batch in (await consumer.getmany(timeout_ms=500)).values():
                    records += [(r.key, r.value) for r in batch]
        return records
    finally:
        await consumer.stop()


def test_publish_over_kafka_keys_events_by_user(
    tmp_path: Path, kafka_env: KafkaSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "events.jsonl"
    bad = json.dumps({"id": "e-bad", "user_id": "u-1"})
    path.write_text("\n".join([event_line("e1"), bad, event_line("e2", user="bob")]) + "\n")

    code = main(["publish", str(path)])

    assert code == 1
    assert "published=2 duplicates=0 invalid=1" in capsys.readouterr().err
    records = asyncio.run(_records(kafka_env, kafka_env.events_topic, 2))
    assert sorted((key, json.loads(value)["id"]) for key, value in records) == [
        (b"alice@example.com", "e1"),
        (b"bob", "e2"),
    ]


def test_subscribe_once_over_kafka_prints_the_latest_snapshot(
    kafka_env: KafkaSettings, capsys: pytest.CaptureFixture[str]
) -> None:
    async def publish_snapshots() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_env.bootstrap_servers)
        await producer.start()
        try:
            for user, version in (("alice@example.com", 1), ("bob", 5), ("alice@example.com", 2)):
                snapshot = ContextSnapshot(
                    user_id=user, version=version, generated_at=datetime(2024, 1, 1, tzinfo=UTC)
                )
                await producer.send_and_wait(
                    kafka_env.context_topic,
                    snapshot.model_dump_json().encode(),
                    key=user.encode(),
                )
        finally:
            await producer.stop()

    asyncio.run(publish_snapshots())

    code = main(["subscribe", "--user", "alice@example.com", "--once"])

    assert code == 0
    [line] = capsys.readouterr().out.splitlines()
    latest = ContextSnapshot.model_validate_json(line)
    assert (latest.user_id, latest.version) == ("alice@example.com", 2)


def test_up_refuses_kafka_and_says_what_to_run(
    kafka_env: KafkaSettings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["up", "--data-dir", str(tmp_path)]) == 1
    assert "memoryd run" in capsys.readouterr().err
