"""Deterministic point ids: the same input always maps to the same point.

At-least-once delivery plus idempotent writes gives effectively-once memory, so every id
is a uuid5 of what identifies the thing, never a random uuid4.
"""

from __future__ import annotations

import re
import uuid

NAMESPACE = uuid.UUID("6f1c1f0e-4d5b-5a57-9c47-6d656d6f7279")
_SPACES = re.compile(r"\s+")


def _uuid(*parts: str) -> str:
    # The unit separator cannot occur in ids that passed validation, so part boundaries
    # are unambiguous ("a" + "bc" never collides with "ab" + "c").
    return str(uuid.uuid5(NAMESPACE, "\x1f".join(parts)))


def normalize_text(text: str) -> str:
    return _SPACES.sub(" ", text).strip().casefold()


def resource_id(user_id: str, event_id: str) -> str:
    return _uuid("resource", user_id, event_id)


def item_id(user_id: str, event_id: str, text: str) -> str:
    return _uuid("item", user_id, event_id, normalize_text(text))


def category_id(user_id: str, name: str) -> str:
    return _uuid("category", user_id, name)


def user_state_id(user_id: str) -> str:
    return _uuid("user", user_id)


def tombstone_id(user_id: str) -> str:
    """The record of a user's deletion, kept when everything else of theirs is erased."""
    return _uuid("tombstone", user_id)


def run_id(job: str, user_id: str, scheduled: str) -> str:
    """A self-evolution run: the same job for the same user at the same scheduled time is
    the same run, on every replica and after every restart."""
    return _uuid("evolution", job, user_id, scheduled)


def is_point_id(value: str) -> bool:
    """Whether ``value`` could be a point id (the stores refuse anything else)."""
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def refine_run_id(user_id: str, first_event_id: str, last_event_id: str) -> str:
    """An LLM refinement of a conversation window: the same turns are the same run."""
    return _uuid("refine", user_id, first_event_id, last_event_id)
