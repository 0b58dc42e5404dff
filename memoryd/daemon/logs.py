"""Logging for the daemon and CLI: one line per record, structured fields as key=value."""

from __future__ import annotations

import logging
import sys


class LineFormatter(logging.Formatter):
    """``time level logger: message key=value…`` — extra fields appended as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
        # color_message: uvicorn's ANSI copy of the message.
        self._standard = set(vars(logging.makeLogRecord({}))) | {
            "message",
            "asctime",
            "color_message",
        }

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in self._standard}
        return " ".join([line, *(f"{k}={v}" for k, v in extras.items())])


def configure_logging(level: str) -> None:
    """Log one line per record to stderr, unless the host already configured logging."""
    root = logging.getLogger()
    if root.handlers:  # embedded in a host (or pytest) that owns logging
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LineFormatter())
    root.addHandler(handler)
    root.setLevel(level.upper())
    if root.level > logging.DEBUG:
        # One line per HTTP request, and two per scheduler tick (every few seconds), are
        # noise; memoryd logs what its own runs changed.
        for noisy in ("httpx", "apscheduler"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
