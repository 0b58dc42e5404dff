"""The dead-letter policy, the same on every transport.

An event goes to the dead-letter destination (NATS: a subject per user; Kafka: a topic)
with the reason in a header, then is acked, when retrying cannot help:

- ``oversized``: its body exceeds ``batch.max_event_bytes``;
- ``invalid``: it does not parse as an event (the detail names the field);
- ``user_mismatch``: its body names another user than the one it was routed under;
- ``failed``: memorising it failed permanently (a ``PermanentError``), or unexpectedly
  :data:`MAX_ATTEMPTS_UNEXPECTED` deliveries in a row. A group that fails is retried
  user by user, then event by event, so only the culprit is dead-lettered.

If the dead letter itself cannot be published, the event is left unacked and retried:
nothing is acked that is neither memorised nor dead-lettered.
"""

from __future__ import annotations

from typing import Literal, Protocol

from memoryd.pipeline.delivery import Delivery

#: Headers every dead letter carries, on every transport (the original headers are kept).
DLQ_REASON = "Memoryd-Dead-Letter-Reason"
DLQ_DETAIL = "Memoryd-Dead-Letter-Detail"

DeadLetterReason = Literal["invalid", "oversized", "user_mismatch", "failed"]

#: Unexpected errors are retried this many deliveries before the event is dead-lettered,
#: so a poison message cannot block its user forever.
MAX_ATTEMPTS_UNEXPECTED = 5


class DeadLetterSink(Protocol):
    """Where dead letters go: the transport the event came from."""

    async def dead_letter(
        self, delivery: Delivery, *, reason: str, detail: str, user_id: str | None
    ) -> None:
        """Durably publish the original message with the reason; raise if it could not."""
        ...
