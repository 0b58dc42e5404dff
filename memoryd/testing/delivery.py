"""An in-memory :class:`~memoryd.pipeline.delivery.Delivery` for unit tests of the pipeline."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class FakeDelivery:
    """Records what the pipeline did with it: ``acked`` / ``retried`` (with delays)."""

    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    attempt: int = 1
    origin: str = "test"
    acked: bool = False
    retries: list[float] = field(default_factory=list)
    working_signals: int = 0
    routed_user: str | None = None
    published_at: datetime | None = None

    @classmethod
    def of(cls, event: Mapping[str, Any], **kwargs: Any) -> FakeDelivery:
        """The event as a broker delivers it: routed under its own user unless told."""
        user = event.get("user_id")
        kwargs.setdefault("routed_user", user if isinstance(user, str) else None)
        return cls(json.dumps(event).encode(), **kwargs)

    async def ack(self) -> None:
        if self.acked:
            raise RuntimeError("acked twice")
        self.acked = True

    async def retry(self, delay: float) -> None:
        self.retries.append(delay)

    async def working(self) -> None:
        self.working_signals += 1
