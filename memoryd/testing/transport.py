"""In-memory fakes of the transport ports (:class:`~memoryd.pipeline.transport.Transport`
and :class:`~memoryd.pipeline.transport.SnapshotSink`), for tests of the pipeline, the
publishers and the daemon's wiring without a broker. The real adapters are tested
against real brokers (tests/transports)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from memoryd.events import ContextSnapshot, Event, deleted_snapshot
from memoryd.pipeline.delivery import Delivery
from memoryd.pipeline.transport import Revoked, Submit
from memoryd.testing.delivery import FakeDelivery


@dataclass(frozen=True)
class DeadLetter:
    """One dead letter as a transport would publish it."""

    body: bytes
    reason: str
    detail: str
    user_id: str | None


@dataclass
class InMemoryTransport:
    """Delivers what is published to it as :class:`FakeDelivery` messages, records dead
    letters and erasures. ``fail_dead_letters`` makes dead-lettering raise, as a broker
    that is down; ``disowned`` users are owned by another replica."""

    name: str = "memory"
    dead_letters: list[DeadLetter] = field(default_factory=list)
    deliveries: list[FakeDelivery] = field(default_factory=list)
    erased: list[str] = field(default_factory=list)
    disowned: set[str] = field(default_factory=set)
    fail_dead_letters: bool = False
    consuming: bool = False
    closed: bool = False
    _submit: Submit | None = None
    _revoked: Revoked | None = None

    def consume(self, submit: Submit, revoked: Revoked) -> None:
        self._submit, self._revoked = submit, revoked

    async def start(self) -> None:
        self.closed = False

    async def start_consuming(self) -> None:
        self.consuming = True

    async def stop_consuming(self) -> None:
        self.consuming = False

    async def close(self) -> None:
        self.closed = True

    async def connected(self) -> bool:
        return not self.closed

    async def pending(self) -> int:
        return 0

    def owns(self, user_id: str) -> bool:
        return user_id not in self.disowned

    async def publish_event(self, event: Event) -> None:
        """Deliver the event at once (as a broker would, once consuming)."""
        delivery = FakeDelivery(
            event.model_dump_json(exclude_none=True).encode(), routed_user=event.user_id
        )
        self.deliveries.append(delivery)
        if self._submit is None or not self.consuming:
            raise RuntimeError("InMemoryTransport: consume() and start_consuming() first")
        await self._submit(delivery)

    async def erase_user(self, user_id: str) -> None:
        self.erased.append(user_id)

    async def dead_letter(
        self, delivery: Delivery, *, reason: str, detail: str, user_id: str | None
    ) -> None:
        if self.fail_dead_letters:
            raise ConnectionError("broker down")
        self.dead_letters.append(DeadLetter(delivery.body, reason, detail, user_id))

    async def hand_over(self, users: set[str]) -> None:
        """Another replica takes ``users`` over: the daemon finishes their work first."""
        if self._revoked is None:
            raise RuntimeError("InMemoryTransport: consume() first")
        self.disowned |= users

        def lost(delivery: Delivery) -> bool:
            return delivery.routed_user in users

        await self._revoked(lost)


class InMemorySnapshotSink:
    """Keeps every snapshot published (``published``, in order) and the latest per user.
    ``delay`` makes each publish take that long, as a slow broker."""

    def __init__(self, *, delay: float = 0.0) -> None:
        self.published: list[ContextSnapshot] = []
        self.delay = delay
        self._latest: dict[str, ContextSnapshot] = {}

    def seed(self, snapshot: ContextSnapshot) -> None:
        """Make ``snapshot`` the user's latest as if another publisher (a previous owner,
        another replica) had published it."""
        self._latest[snapshot.user_id] = snapshot

    async def start(self) -> None:
        return None

    async def publish(self, snapshot: ContextSnapshot) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.published.append(snapshot)
        self._latest[snapshot.user_id] = snapshot

    async def latest(self, user_id: str) -> ContextSnapshot | None:
        return self._latest.get(user_id)

    async def clear(self, user_id: str) -> None:
        await self.publish(deleted_snapshot(user_id, await self.latest(user_id)))
        self._latest.pop(user_id, None)

    async def close(self) -> None:
        return None
