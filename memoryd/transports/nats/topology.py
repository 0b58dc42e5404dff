"""The NATS topology: subject and KV key names, the encoding of user ids into subject
tokens, and the shards of the events stream.

Events for user token ``T`` are published on ``<prefix>.T``. With ``shards > 1`` the stream
rewrites that to ``<prefix>.<shard>.T`` (:func:`stream_transform`) and every shard has its
own durable consumer on ``<prefix>.<shard>.>``, so all of a user's events are in one shard
(which replica consumes which shard: :mod:`memoryd.transports.nats.leases`).

Subject-safe user ids (``[A-Za-z0-9_-]``, at most 128 chars) are used as they are, so
subjects stay readable. Any other id is encoded as ``=`` + base64url without padding: the
``=`` cannot start a safe id, so the two forms never collide, and both are valid subject
tokens and JetStream KV keys. Nothing is rejected for its characters.
"""

from __future__ import annotations

import base64
import re

from nats.js.api import SubjectTransform

_SAFE = re.compile(r"[A-Za-z0-9_-]{1,128}")
_ENCODED = "="
_FNV32_OFFSET = 0x811C9DC5
_FNV32_PRIME = 0x01000193


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


def shard_of(token: str, shards: int) -> int:
    """The shard nats-server's ``{{partition(shards,1)}}`` puts subject token ``token`` in.

    The server hashes the token's bytes with 32-bit FNV-1a and takes it modulo ``shards``
    (``getHashPartition`` in nats-server's ``server/subject_transform.go``).
    """
    if shards < 1:
        raise ValueError("shards must be at least 1")
    digest = _FNV32_OFFSET
    for byte in token.encode():
        digest = ((digest ^ byte) * _FNV32_PRIME) & 0xFFFFFFFF
    return digest % shards


def stream_transform(prefix: str, shards: int) -> SubjectTransform | None:
    """The stream's subject transform ``<prefix>.T`` → ``<prefix>.<shard_of(T)>.T``;
    ``None`` for a single shard, whose subjects stay as published."""
    if shards < 1:
        raise ValueError("shards must be at least 1")
    if shards == 1:
        return None
    return SubjectTransform(
        src=f"{prefix}.*", dest=f"{prefix}.{{{{partition({shards},1)}}}}.{{{{wildcard(1)}}}}"
    )
