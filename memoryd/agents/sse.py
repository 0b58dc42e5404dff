"""``GET /v1/users/{user_id}/context/stream``: a user's snapshots as Server-Sent Events.

The current snapshot first, then each new one; ``id:`` is the snapshot version, so a
client that reconnects with ``Last-Event-ID`` gets every version it missed that the
process still keeps (the latest at least: a snapshot holds the whole context, so a
newer one supersedes what an older one said). Comment lines keep idle connections open.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from sse_starlette import EventSourceResponse, ServerSentEvent

from memoryd.agents.watch import SnapshotWatch, WatchLostError

log = logging.getLogger(__name__)


def last_event_id(header: str | None) -> int | None:
    """The version a reconnecting client saw last (None for none or a malformed id)."""
    if header is None or not header.strip().isdigit():
        return None
    return int(header.strip())


def context_stream(
    watch: SnapshotWatch, user_id: str, *, after: int | None, keepalive_seconds: float
) -> EventSourceResponse:
    """The SSE response following ``user_id`` from after version ``after``."""
    return EventSourceResponse(
        _events(watch, user_id, after),
        ping=keepalive_seconds,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def _events(
    watch: SnapshotWatch, user_id: str, after: int | None
) -> AsyncIterator[ServerSentEvent]:
    try:
        async with watch.watch(user_id, after=after) as snapshots:
            async for snapshot in snapshots:
                yield ServerSentEvent(
                    data=snapshot.model_dump_json(), event="snapshot", id=str(snapshot.version)
                )
    except WatchLostError:
        # The client reconnects with Last-Event-ID and resumes where it was.
        log.info("context stream ended; the client may resume", extra={"user_id": user_id})
