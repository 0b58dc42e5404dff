"""The transport-independent view of one received message, and of a valid event waiting
in its user's batch. Each transport wraps its native message (a NATS ``Msg``, a Kafka
record plus its offset tracker) in a :class:`Delivery`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from memoryd.events import Event


class Delivery(Protocol):
    """A message as received from a broker, with the acknowledgement verbs we need."""

    @property
    def body(self) -> bytes: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def routed_user(self) -> str | None:
        """The user the broker routed it under (NATS: the user token of its subject; Kafka:
        its record key), or None when it has none or not a canonical one. An event is
        only taken for the user it is routed under: broker permissions on subjects or
        keys are what scope a publisher to its tenants."""
        ...

    @property
    def published_at(self) -> datetime | None:
        """When the broker stored it, if known: the time of an event that has none, so a
        replayed event keeps the time it was first published at."""
        ...

    @property
    def attempt(self) -> int:
        """1 for the first delivery, 2 for the first redelivery, ..."""
        ...

    @property
    def origin(self) -> str:
        """Where it came from (subject or topic/partition), for dead letters and logs."""
        ...

    async def ack(self) -> None:
        """Done with it: never deliver again."""
        ...

    async def retry(self, delay: float) -> None:
        """Deliver it again after ``delay`` seconds (not acknowledged)."""
        ...

    async def working(self) -> None:
        """Still being processed: hold off redelivery (NATS: +WIP resets ack_wait)."""
        ...


@dataclass(frozen=True, slots=True)
class Pending:
    """A valid event waiting in a user's micro-batch."""

    event: Event
    delivery: Delivery
    size: int
    received_at: datetime

    @property
    def traceparent(self) -> str | None:
        return self.delivery.headers.get("traceparent")
