"""The agent backend of ``memoryd mcp``: a running daemon's HTTP API.

Desktop hosts start ``memoryd mcp --api URL`` and speak MCP over its stdin/stdout; each
tool call becomes an API call with the configured token (the daemon checks its scope),
and a resource subscription follows the daemon's SSE context stream, which the daemon
feeds from its KV watch or compacted topic.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from urllib.parse import quote

import httpx

from memoryd.agents.models import Forgotten, Recall, Remembered
from memoryd.agents.ports import ForbiddenUserError
from memoryd.agents.sse import last_event_id
from memoryd.errors import TransientError, compute_backoff
from memoryd.events import ContextSnapshot, Event
from memoryd.memory.models import Category

log = logging.getLogger(__name__)


class HttpAgentBackend:
    """:class:`~memoryd.agents.ports.AgentBackend` over the daemon's ``/v1`` API."""

    def __init__(self, api_url: str, *, token: str | None, timeout: float = 30.0) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(base_url=api_url, headers=headers, timeout=timeout)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def recall(self, user_id: str, query: str, top_k: int, include_history: bool) -> Recall:
        body = {
            "user_id": user_id,
            "query": query,
            "top_k": top_k,
            "include_history": include_history,
        }
        found = await self._call("POST", "/v1/retrieve", user_id, json=body)
        return Recall.model_validate({**found, "events": found.get("resources", [])})

    async def remember(self, event: Event, *, wait: bool) -> Remembered:
        await self._call(
            "POST",
            "/v1/events",
            event.user_id,
            params={"wait": "true" if wait else "false"},
            json=json.loads(event.model_dump_json(exclude_none=True)),
        )
        status = "memorized" if wait else "queued"
        return Remembered(event_id=event.id, user_id=event.user_id, status=status)

    async def context(self, user_id: str) -> ContextSnapshot | None:
        try:
            found = await self._call("GET", _user_path(user_id, "/snapshot"), user_id)
        except LookupError:
            return None
        return ContextSnapshot.model_validate(found)

    async def forget(self, user_id: str, item_id: str) -> Forgotten:
        path = _user_path(user_id, f"/items/{quote(item_id, safe='')}")
        item = (await self._call("DELETE", path, user_id))["item"]
        return Forgotten(
            user_id=user_id,
            item_id=item["id"],
            text=item["text"],
            archived_reason=item.get("archived_reason"),
        )

    async def categories(self, user_id: str) -> list[Category]:
        found = await self._call("GET", _user_path(user_id, "/categories"), user_id)
        return [Category.model_validate(c) for c in found["categories"]]

    def watch(self, user_id: str) -> AbstractAsyncContextManager[AsyncIterator[ContextSnapshot]]:
        return self._watch(user_id)

    @asynccontextmanager
    async def _watch(self, user_id: str) -> AsyncIterator[AsyncIterator[ContextSnapshot]]:
        yield self._stream(user_id)

    async def _stream(self, user_id: str) -> AsyncIterator[ContextSnapshot]:
        """The SSE context stream, reconnected with ``Last-Event-ID`` when it drops."""
        seen: int | None = None
        failures = 0
        path = _user_path(user_id, "/context/stream")
        while True:
            headers = {"Last-Event-ID": str(seen)} if seen is not None else {}
            try:
                async with self._http.stream("GET", path, headers=headers, timeout=None) as sse:
                    _raise_for(sse, user_id)
                    async for snapshot in _snapshots(sse.aiter_lines()):
                        failures = 0
                        seen = snapshot.version
                        yield snapshot
            except (httpx.TransportError, TransientError) as exc:
                log.info("context stream dropped; reconnecting", extra={"error": repr(exc)})
            failures += 1
            await asyncio.sleep(compute_backoff(failures, base=0.2, cap=10.0))

    async def _call(self, method: str, path: str, user_id: str, **kwargs: Any) -> Any:
        response = await self._http.request(method, path, **kwargs)
        _raise_for(response, user_id)
        return response.json()


def _user_path(user_id: str, tail: str) -> str:
    return f"/v1/users/{quote(user_id, safe='')}{tail}"


def _raise_for(response: httpx.Response, user_id: str) -> None:
    code = response.status_code
    if code < 400:
        return
    if code == 401:
        raise PermissionError("401 unauthorized: the daemon refused the API token")
    if code == 403:
        raise ForbiddenUserError(user_id)
    if code == 404:
        raise LookupError("404 not found")
    if code >= 500 or code == 429:
        raise TransientError(f"the daemon answered {code}")
    response.read()
    raise ValueError(f"the daemon answered {code}: {response.text[:500]}")


async def _snapshots(lines: AsyncIterator[str]) -> AsyncIterator[ContextSnapshot]:
    data: list[str] = []
    event_id: int | None = None
    async for line in lines:
        if line.startswith("data:"):
            data.append(line[5:].strip())
        elif line.startswith("id:"):
            event_id = last_event_id(line[3:])
        elif not line and data:
            snapshot = ContextSnapshot.model_validate_json("\n".join(data))
            if event_id is None or event_id == snapshot.version:
                yield snapshot
            data, event_id = [], None
