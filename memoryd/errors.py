"""The error tree: transient failures are retried, permanent ones are dead-lettered."""

from __future__ import annotations


class MemorydError(Exception):
    """Base of every error memoryd raises on purpose."""


class TransientError(MemorydError):
    """A failure that may go away on retry (store or broker unreachable, 429, timeouts)."""


class PermanentError(MemorydError):
    """A failure that retrying cannot fix; the input goes to the dead-letter destination."""


class InvalidEventError(PermanentError):
    """An event that does not match the wire schema. ``field`` names the offending field."""

    def __init__(self, reason: str, *, field: str | None = None, event_id: str | None = None):
        self.reason = reason
        self.field = field
        self.event_id = event_id
        which = f" {event_id!r}" if event_id else ""
        where = f" field {field!r}:" if field else ""
        super().__init__(f"invalid event{which}:{where} {reason}")


class PayloadTooLargeError(PermanentError):
    """An event too large for a limit on its way (``batch.max_event_bytes``, or the broker's
    maximum payload). The HTTP API answers it with 413."""
