"""`memoryd up` exports the spans of an event over OTLP/HTTP when MEMORYD_OTLP_ENDPOINT is
set: a real receiver (an HTTP server decoding ExportTraceServiceRequest) gets consume →
extract → embed → store → publish, parented by the traceparent the event was published
with, and the last spans are flushed when the daemon stops."""

from __future__ import annotations

import asyncio
import gzip
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from memoryd.client import publish_event

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT_SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{PARENT_SPAN_ID}-01"
PIPELINE = ["memoryd.consume", "memoryd.extract", "memoryd.embed", "memoryd.store"]


class OtlpReceiver(ThreadingHTTPServer):
    """Collects the spans POSTed to /v1/traces, with their resource's service.name."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.spans: list[tuple[str, Span]] = []
        self.paths: list[str] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: OtlpReceiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        with self.server.lock:
            self.server.paths.append(self.path)
            for resource_spans in request.resource_spans:
                resource = resource_spans.resource
                attributes = {a.key: a.value.string_value for a in resource.attributes}
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        self.server.spans.append((attributes.get("service.name", ""), span))
        answer = ExportTraceServiceResponse().SerializeToString()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def receiver() -> Iterator[OtlpReceiver]:
    server = OtlpReceiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _, stderr = proc.communicate()
            raise AssertionError(f"memoryd exited early: {stderr.decode()[-2000:]}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} not ready within {timeout} s")


@pytest.mark.slow
def test_up_exports_the_spans_of_an_event_to_an_otlp_receiver(
    receiver: OtlpReceiver, tmp_path: Path
) -> None:
    # Given `memoryd up` with MEMORYD_OTLP_ENDPOINT pointing at a real OTLP/HTTP receiver
    http_port, nats_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "MEMORYD_OTLP_ENDPOINT": receiver.url,
        "MEMORYD_SERVICE_NAME": "memoryd-otlp-test",
        "MEMORYD_BATCH__MAX_WAIT_MS": "20",
        "MEMORYD_SNAPSHOT__MIN_INTERVAL_MS": "50",
        "MEMORYD_SHUTDOWN_GRACE_SECONDS": "10",
    }
    command = [
        sys.executable, "-m", "memoryd.daemon.cli", "up",
        "--data-dir", str(tmp_path / "data"),
        "--http-port", str(http_port),
        "--nats-port", str(nats_port),
    ]  # fmt: skip
    api = f"http://127.0.0.1:{http_port}"
    proc = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        _wait_for(f"{api}/readyz", proc, timeout=90)
        # When an event is published with a traceparent and its snapshot is out
        event = {"id": "evt-otlp", "user_id": "u-otlp", "content": "I moved to Lisbon last week."}
        asyncio.run(
            publish_event(event, nats_url=f"nats://127.0.0.1:{nats_port}", traceparent=TRACEPARENT)
        )
        _wait_for(f"{api}/v1/users/u-otlp/snapshot", proc, timeout=60)
    finally:
        # ... and the daemon stops (the last spans are flushed on the way out)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr.decode()[-2000:]

    # Then the receiver got the event's spans, all in the event's trace
    with receiver.lock:
        spans = list(receiver.spans)
        paths = set(receiver.paths)
    assert paths == {"/v1/traces"}
    in_trace = {s.name: s for _, s in spans if s.trace_id.hex() == TRACE_ID}
    assert set(PIPELINE) | {"memoryd.publish"} <= set(in_trace), sorted(in_trace)
    # consume continues the publisher's span; extract, embed and store nest under it
    consume = in_trace["memoryd.consume"]
    assert consume.parent_span_id.hex() == PARENT_SPAN_ID
    for name in PIPELINE[1:]:
        assert in_trace[name].parent_span_id == consume.span_id, name
    assert {service for service, _ in spans} == {"memoryd-otlp-test"}
