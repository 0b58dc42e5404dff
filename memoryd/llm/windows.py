"""Conversation windows of two-tier LLM mode: which of a user's turns wait for refinement,
and when they form a window. Pure: the queue lives in the user's bookkeeping in the store
(``state["refine"]``), written in the same write as the batch that memorised the turns, so
it survives a restart or a handover to another replica.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from memoryd.llm.settings import WindowSettings
from memoryd.memory.models import Resource

#: Where the queue lives in the user's bookkeeping; ``PENDING_FLAG`` is a flat copy of
#: "has pending turns" that a store filter can find after a restart.
STATE_KEY = "refine"
PENDING_FLAG = "refine_pending"
#: Refinement runs remembered per user (a run found here is never run again).
_DONE_KEPT = 64

CloseReason = Literal["max_turns", "max_tokens", "idle", "max_age"]


@dataclass(frozen=True, slots=True)
class PendingTurn:
    """A memorised turn waiting for refinement: its event id, when it was queued (the
    daemon's clock, not the event's time: a replayed backlog is not "old"), its size."""

    id: str
    queued_at: datetime
    tokens: int

    def encode(self) -> dict[str, Any]:
        return {"id": self.id, "queued_at": self.queued_at.isoformat(), "tokens": self.tokens}

    @classmethod
    def decode(cls, raw: Mapping[str, Any]) -> PendingTurn:
        return cls(
            str(raw["id"]), datetime.fromisoformat(str(raw["queued_at"])), int(raw["tokens"])
        )


def estimate_tokens(text: str) -> int:
    """About four characters per token (as the snapshot builder counts)."""
    return math.ceil(len(text) / 4)


def pending_turns(state: Mapping[str, Any]) -> list[PendingTurn]:
    return [PendingTurn.decode(t) for t in state.get(STATE_KEY, {}).get("pending", [])]


def done_runs(state: Mapping[str, Any]) -> list[str]:
    return [str(r) for r in state.get(STATE_KEY, {}).get("done", [])]


def queue(state: Mapping[str, Any], fresh: Sequence[Resource], now: datetime) -> dict[str, Any]:
    """The bookkeeping fields that add ``fresh`` turns to the queue (a turn already queued
    is not queued again, so two writers of one batch agree)."""
    pending = pending_turns(state)
    known = {t.id for t in pending}
    for resource in fresh:
        if resource.event_id not in known:
            pending.append(PendingTurn(resource.event_id, now, estimate_tokens(resource.content)))
            known.add(resource.event_id)
    return fields(pending, done_runs(state))


def finish(state: Mapping[str, Any], turn_ids: Sequence[str], run_id: str) -> dict[str, Any]:
    """The bookkeeping fields once run ``run_id`` handled ``turn_ids``."""
    gone = set(turn_ids)
    pending = [t for t in pending_turns(state) if t.id not in gone]
    done = [r for r in done_runs(state) if r != run_id] + [run_id]
    return fields(pending, done[-_DONE_KEPT:])


def fields(pending: Sequence[PendingTurn], done: Sequence[str]) -> dict[str, Any]:
    return {
        STATE_KEY: {"pending": [t.encode() for t in pending], "done": list(done)},
        PENDING_FLAG: bool(pending),
    }


def close_reason(
    pending: Sequence[PendingTurn], now: datetime, settings: WindowSettings
) -> CloseReason | None:
    """Why the user's unrefined turns form a window now, or None while they may grow."""
    if not pending:
        return None
    if len(pending) >= settings.max_turns:
        return "max_turns"
    if sum(t.tokens for t in pending) >= settings.max_tokens:
        return "max_tokens"
    if (now - max(t.queued_at for t in pending)).total_seconds() >= settings.idle_seconds:
        return "idle"
    if (now - min(t.queued_at for t in pending)).total_seconds() >= settings.max_age_seconds:
        return "max_age"
    return None


def next_window(pending: Sequence[PendingTurn], settings: WindowSettings) -> list[PendingTurn]:
    """The oldest turns, up to ``max_turns`` and ``max_tokens`` (always at least one): a
    burst of turns is refined in windows of the configured size."""
    window: list[PendingTurn] = []
    tokens = 0
    for turn in pending:
        if window and (
            len(window) >= settings.max_turns or tokens + turn.tokens > settings.max_tokens
        ):
            break
        window.append(turn)
        tokens += turn.tokens
    return window
