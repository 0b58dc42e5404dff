"""Log lines carry the trace they were written in, in both formats."""

from __future__ import annotations

import json
import logging

from opentelemetry.sdk.trace import TracerProvider

from memoryd.telemetry.logs import JsonFormatter, LineFormatter, TraceContextFilter


def _record(message: str, **extra: object) -> logging.LogRecord:
    record = logging.makeLogRecord({"name": "memoryd.test", "msg": message, "levelname": "INFO"})
    record.__dict__.update(extra)
    TraceContextFilter().filter(record)
    return record


def test_json_lines_carry_the_active_span() -> None:
    # Given a span in progress (a provider of its own: the global one is set once)
    tracer = TracerProvider().get_tracer(__name__)
    with tracer.start_as_current_span("memoryd.consume") as span:
        # When a record is logged inside it
        line = JsonFormatter().format(_record("batch memorised", user_id="u-1"))
    # Then the JSON line names the span's trace and id, next to the extra fields
    entry = json.loads(line)
    context = span.get_span_context()
    assert entry["trace_id"] == format(context.trace_id, "032x")
    assert entry["span_id"] == format(context.span_id, "016x")
    assert entry["user_id"] == "u-1"
    assert entry["message"] == "batch memorised"


def test_without_a_span_no_trace_fields_are_added() -> None:
    line = LineFormatter().format(_record("idle"))
    assert "trace_id" not in line
    entry = json.loads(JsonFormatter().format(_record("idle")))
    assert "trace_id" not in entry and "span_id" not in entry


def test_line_format_appends_the_trace_as_key_value() -> None:
    tracer = TracerProvider().get_tracer(__name__)
    with tracer.start_as_current_span("memoryd.publish") as span:
        line = LineFormatter().format(_record("published"))
    assert f"trace_id={format(span.get_span_context().trace_id, '032x')}" in line
