"""The transport ports: what the daemon needs from a broker, whichever it is.

Each transport package (``memoryd.transports.nats``, ``memoryd.transports.kafka``)
fills both: a :class:`Transport` (``consumer.py``) and a :class:`SnapshotSink`
(``sink.py``); ``memoryd.testing`` holds in-memory fakes of both.

A transport consumes events and hands each message to ``submit``; it publishes dead
letters and events; it tells which users this replica owns right now. Ownership moves
between replicas (Kafka partitions, NATS shard leases): before a transport gives up a
part of the stream it awaits ``revoked`` with a predicate matching the deliveries it is
losing, so the work in flight for them is finished (or left unacknowledged) first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from memoryd.events import ContextSnapshot, Event
from memoryd.pipeline.delivery import Delivery

Submit = Callable[[Delivery], Awaitable[None]]
#: Called with "is this delivery in the part being lost?" before ownership moves.
Revoked = Callable[[Callable[[Delivery], bool]], Awaitable[None]]


class Transport(Protocol):
    name: str

    def consume(self, submit: Submit, revoked: Revoked) -> None:
        """Where consumed messages go; they flow once :meth:`start` runs."""
        ...

    async def start(self) -> None:
        """Connect, and declare streams/topics when allowed."""
        ...

    async def start_consuming(self) -> None:
        """Begin taking ownership (partitions, shard leases) and fetching."""
        ...

    async def stop_consuming(self) -> None:
        """Stop fetching and give up ownership; what was handed over stays handed over."""
        ...

    async def close(self) -> None: ...

    async def connected(self) -> bool: ...

    async def pending(self) -> int:
        """Events not yet delivered to this consumer group (lag)."""
        ...

    def owns(self, user_id: str) -> bool:
        """Whether this replica processes ``user_id``'s events right now."""
        ...

    async def publish_event(self, event: Event) -> None:
        """Append an event to the events stream/topic, as a producer would."""
        ...

    async def erase_user(self, user_id: str) -> None:
        """The user was deleted: erase what the broker holds of theirs where it can (NATS:
        purge the user's events and dead-letter subjects). Kafka topics that are not
        compacted cannot be erased by key: their records expire with the retention."""
        ...

    async def dead_letter(
        self, delivery: Delivery, *, reason: str, detail: str, user_id: str | None
    ) -> None:
        """Durably publish the original message with the reason; raise if it could not."""
        ...


class SnapshotSink(Protocol):
    """Where snapshots go (NATS KV + subject, or a compacted Kafka topic)."""

    async def start(self) -> None: ...

    async def publish(self, snapshot: ContextSnapshot) -> None: ...

    async def latest(self, user_id: str) -> ContextSnapshot | None: ...

    async def clear(self, user_id: str) -> None:
        """The user's memory was deleted: publish an empty snapshot saying so (kind
        ``deleted``, the version after the last), then remove the user's latest snapshot
        from the sink (NATS: KV purge; Kafka: a tombstone). Versions start again from 1."""
        ...

    async def close(self) -> None: ...
