"""Logging for the daemon and CLI: one record per line, as ``key=value`` text or JSON.

Records logged while a span is active carry its ``trace_id`` and ``span_id`` (hex, as
trace backends show them), so a log line leads to its trace and back.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from opentelemetry import trace

#: Attributes every LogRecord has; whatever else a record holds came from ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}


class TraceContextFilter(logging.Filter):
    """Adds ``trace_id``/``span_id`` of the active span (when one is recording) to a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            record.trace_id = format(span.trace_id, "032x")
            record.span_id = format(span.span_id, "016x")
        return True


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    # color_message: uvicorn's ANSI copy of the message.
    return {k: v for k, v in vars(record).items() if k not in _STANDARD}


class LineFormatter(logging.Formatter):
    """``time level logger: message key=value…`` — extra fields appended as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        return " ".join([line, *(f"{k}={v}" for k, v in _extras(record).items())])


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``time``, ``level``, ``logger``, ``message``, the
    ``extra=`` fields (``trace_id``/``span_id`` among them), ``exc_info`` as text."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_extras(record),
        }
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str, *, json_lines: bool = False) -> None:
    """Log one line per record to stderr, unless the host already configured logging
    (then only the trace correlation is added to its handlers)."""
    root = logging.getLogger()
    if root.handlers:  # embedded in a host (or pytest) that owns logging
        for handler in root.handlers:
            _correlate(handler)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else LineFormatter())
    _correlate(handler)
    root.addHandler(handler)
    root.setLevel(level.upper())
    if root.level > logging.DEBUG:
        # One line per HTTP request, and two per scheduler tick (every few seconds), are
        # noise; memoryd logs what its own runs changed.
        for noisy in ("httpx", "apscheduler"):
            logging.getLogger(noisy).setLevel(logging.WARNING)


def use_json_lines() -> None:
    """Switch the handlers :func:`configure_logging` installed to JSON (once the settings,
    which choose the format, are loaded)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, LineFormatter):
            handler.setFormatter(JsonFormatter())


def _correlate(handler: logging.Handler) -> None:
    if not any(isinstance(f, TraceContextFilter) for f in handler.filters):
        handler.addFilter(TraceContextFilter())
