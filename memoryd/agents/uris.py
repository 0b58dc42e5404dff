"""The MCP resource URIs of a user's memory."""

from __future__ import annotations

from urllib.parse import quote, unquote

SCHEME = "memoryd://users/"
CONTEXT_TEMPLATE = "memoryd://users/{user_id}/context"
CATEGORY_TEMPLATE = "memoryd://users/{user_id}/categories/{name}"


def context_uri(user_id: str) -> str:
    """The context resource of ``user_id`` (the id percent-encoded, ``/`` included)."""
    return f"{SCHEME}{quote(user_id, safe='')}/context"


def user_of(uri: str) -> str | None:
    """The user a ``memoryd://users/...`` URI belongs to, or None for any other URI."""
    if not uri.startswith(SCHEME):
        return None
    token = uri[len(SCHEME) :].split("/", 1)[0]
    return unquote(token) or None
