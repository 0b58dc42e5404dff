"""The error tree: transient failures are retried, permanent ones are dead-lettered.

What to do with each error lives here too: :func:`compute_backoff` is how long a
:class:`TransientError` waits before its retry, whoever retries it (the ingest pipeline,
the transports, the LLM client, the Kafka snapshot sink). It sits with the tree, not in
``pipeline/``, because ``llm/`` is below the pipeline and retries too.
"""

from __future__ import annotations

import random


class MemorydError(Exception):
    """Base of every error memoryd raises on purpose."""


class TransientError(MemorydError):
    """A failure that may go away on retry (store or broker unreachable, 429, timeouts)."""


class PermanentError(MemorydError):
    """A failure that retrying cannot fix; the input goes to the dead-letter destination."""


class NotOwnedError(MemorydError):
    """The user is owned by another replica right now, which alone writes their memory
    (runs their evolution, rolls back their summaries): ask that replica (HTTP 409)."""


class ConfigurationError(MemorydError):
    """Settings that cannot work (a config file that is missing, SASL without its
    credentials): reported at start, never retried."""


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


def compute_backoff(
    attempt: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Delay before retry number ``attempt`` (1-based): exponential, capped, "equal jitter".

    Half of the capped delay is kept so a retry never comes back immediately; the other
    half is random so replicas that failed together do not retry together.
    """
    if attempt < 1:
        raise ValueError("attempt is 1-based")
    ceiling = float(min(cap, base * 2 ** min(attempt - 1, 32)))
    jitter: float = (rng or random).uniform(0, ceiling / 2)
    return ceiling / 2 + jitter
