"""NATS subject and KV key names, and the encoding of user ids into subject tokens.

Subject-safe user ids (``[A-Za-z0-9_-]``, at most 128 chars) are used as they are, so
subjects stay readable. Any other id is encoded as ``=`` + base64url without padding: the
``=`` cannot start a safe id, so the two forms never collide, and both are valid subject
tokens and JetStream KV keys. Nothing is rejected for its characters.
"""

from __future__ import annotations

import base64
import re

_SAFE = re.compile(r"[A-Za-z0-9_-]{1,128}")
_ENCODED = "="


def user_token(user_id: str) -> str:
    """The subject token / KV key for ``user_id``."""
    if not user_id:
        raise ValueError("user_id must not be empty")
    if _SAFE.fullmatch(user_id):
        return user_id
    return _ENCODED + base64.urlsafe_b64encode(user_id.encode()).decode().rstrip("=")


def user_from_token(token: str) -> str:
    """Invert :func:`user_token`."""
    if not token.startswith(_ENCODED):
        return token
    body = token[1:]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()


def events_subject(prefix: str, user_id: str) -> str:
    """Where a user's events are published: ``<prefix>.<token>`` (``memoryd.events.u-42``)."""
    return f"{prefix}.{user_token(user_id)}"


def context_subject(prefix: str, user_id: str) -> str:
    """Where a user's live snapshots are published: ``<prefix>.<token>``."""
    return f"{prefix}.{user_token(user_id)}"


def dead_letter_subject(prefix: str, user_id: str | None) -> str:
    """Dead letters of a user (``<prefix>.<token>``) or of events whose user is unknown
    (``<prefix>.=``: the encoding of the empty id, which no user can have)."""
    return f"{prefix}.{user_token(user_id) if user_id else _ENCODED}"
