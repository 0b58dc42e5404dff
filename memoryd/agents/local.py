"""The agent backend inside the daemon: the daemon's own engine, broker and snapshots."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from memoryd.agents.models import Forgotten, Recall, Remembered
from memoryd.agents.watch import SnapshotWatch
from memoryd.errors import PayloadTooLargeError
from memoryd.events import ContextSnapshot, Event
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Category, Item, MemorizeResult


class MemoryService(Protocol):
    """What the daemon offers agents (``memoryd.daemon.app.Daemon`` is one)."""

    @property
    def engine(self) -> MemoryEngine: ...

    async def memorize_now(self, events: Sequence[Event]) -> MemorizeResult: ...

    async def enqueue(self, events: Sequence[Event]) -> None: ...

    async def latest_snapshot(self, user_id: str) -> ContextSnapshot | None: ...

    async def forget_item(self, user_id: str, item_id: str) -> Item: ...


class LocalAgentBackend:
    """:class:`~memoryd.agents.ports.AgentBackend` over the running daemon."""

    def __init__(self, service: MemoryService, watch: SnapshotWatch, *, max_event_bytes: int):
        self._service = service
        self._watch = watch
        self._max_event_bytes = max_event_bytes

    async def recall(self, user_id: str, query: str, top_k: int, include_history: bool) -> Recall:
        result = await asyncio.to_thread(
            self._service.engine.retrieve, user_id, query, top_k, include_history=include_history
        )
        return Recall.of(result)

    async def remember(self, event: Event, *, wait: bool) -> Remembered:
        # The limit the consumer dead-letters by, as for POST /v1/events.
        size = len(event.model_dump_json(exclude_none=True).encode())
        if size > self._max_event_bytes:
            raise PayloadTooLargeError(
                f"the event is {size} bytes; the limit is {self._max_event_bytes} bytes"
            )
        if wait:
            await self._service.memorize_now([event])
        else:
            await self._service.enqueue([event])
        status = "memorized" if wait else "queued"
        return Remembered(event_id=event.id, user_id=event.user_id, status=status)

    async def context(self, user_id: str) -> ContextSnapshot | None:
        return await self._service.latest_snapshot(user_id)

    async def forget(self, user_id: str, item_id: str) -> Forgotten:
        item = await self._service.forget_item(user_id, item_id)
        return Forgotten(
            user_id=user_id, item_id=item.id, text=item.text, archived_reason=item.archived_reason
        )

    async def categories(self, user_id: str) -> list[Category]:
        return await asyncio.to_thread(self._service.engine.categories, user_id)

    def watch(self, user_id: str) -> AbstractAsyncContextManager[AsyncIterator[ContextSnapshot]]:
        return self._watch.watch(user_id)
