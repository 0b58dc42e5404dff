"""Bearer-token authentication and per-user authorisation for the ``/v1`` API.

Two kinds of token: the admin token (every user, every route) and scoped tokens for
agents (the users they list, or the user ids starting with a prefix; no admin-only
route). A presented token resolves to a :class:`TokenScope`; every route that touches a
user asks that scope ``allows(user_id)``. Agent-facing routes (MCP, SSE) reuse the same
two steps. Tokens are compared in constant time and never logged or echoed back.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Security, status
from fastapi.requests import HTTPConnection
from fastapi.security import HTTPBearer

log = logging.getLogger(__name__)

UNAUTHORIZED_DETAIL = "missing or invalid bearer token"
FORBIDDEN_USER_DETAIL = "this token may not access this user"
FORBIDDEN_ADMIN_DETAIL = "this route needs the admin token"


@dataclass(frozen=True)
class TokenScope:
    """What a token may reach: every user and the admin routes (``admin``), or the users
    in ``users`` and those whose id starts with ``user_prefix``."""

    name: str
    users: frozenset[str] = frozenset()
    user_prefix: str | None = None
    admin: bool = False

    def allows(self, user_id: str) -> bool:
        """Whether this token may read or write ``user_id``'s memory."""
        if self.admin or user_id in self.users:
            return True
        return self.user_prefix is not None and user_id.startswith(self.user_prefix)


#: The scope of a request when authentication is off: everything.
OPEN = TokenScope("open", admin=True)
ADMIN = TokenScope("admin", admin=True)


@dataclass(frozen=True)
class ApiToken:
    """A configured token and its scope."""

    secret: str
    scope: TokenScope


class TokenRegistry:
    """The configured tokens; resolves a presented token to its scope."""

    def __init__(self, tokens: Iterable[ApiToken]) -> None:
        self._tokens = [(t.secret.encode(), t.scope) for t in tokens]
        if not self._tokens:
            raise ValueError("no API token; pass None to disable authentication")
        if any(not secret for secret, _ in self._tokens):
            raise ValueError("api_token must not be empty; pass None to disable authentication")
        if len({secret for secret, _ in self._tokens}) != len(self._tokens):
            raise ValueError("every API token must be different")

    @classmethod
    def of(cls, admin_token: str | None, scoped: Sequence[ApiToken] = ()) -> TokenRegistry | None:
        """The registry of an admin token and scoped tokens; ``None`` (no authentication)
        only when neither is configured."""
        tokens = [*([ApiToken(admin_token, ADMIN)] if admin_token is not None else []), *scoped]
        return cls(tokens) if tokens else None

    def scope_for(self, presented: str) -> TokenScope | None:
        """The scope of ``presented``, or ``None`` for an unknown token. Every configured
        token is compared, so the time taken does not tell which one matched."""
        candidate = presented.encode()
        found: TokenScope | None = None
        for secret, scope in self._tokens:
            if hmac.compare_digest(candidate, secret) and found is None:
                found = scope
        return found


class TokenBearer(HTTPBearer):
    """``HTTPBearer`` (so OpenAPI declares the scheme) that also resolves the token's scope
    and keeps it in ``request.state.token_scope``."""

    def __init__(self, registry: TokenRegistry) -> None:
        # auto_error=False: every refusal goes through the one 401 below, whatever its cause.
        super().__init__(
            scheme_name="bearerAuth",
            description="The daemon's admin token, or a scoped token (some users only).",
            auto_error=False,
        )
        self._registry = registry

    async def __call__(self, request: HTTPConnection) -> TokenScope:  # type: ignore[override]
        credentials = await super().__call__(request)
        presented = credentials.credentials if credentials is not None else ""
        scope = self._registry.scope_for(presented) if presented else None
        if scope is None:
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail=UNAUTHORIZED_DETAIL,
                headers={"WWW-Authenticate": "Bearer"},
            )
        request.state.token_scope = scope
        return scope


def bearer_dependencies(registry: TokenRegistry | None) -> list[Any]:
    """Route dependencies that require a configured bearer token (``None``: none)."""
    if registry is None:
        return []
    return [Security(TokenBearer(registry))]


def scope_of(request: HTTPConnection) -> TokenScope:
    """The scope the request authenticated with (:data:`OPEN` without authentication)."""
    scope = getattr(request.state, "token_scope", OPEN)
    return scope if isinstance(scope, TokenScope) else OPEN


def authorize_user(request: HTTPConnection, user_id: str) -> None:
    """403 unless the request's token may access ``user_id``."""
    scope = scope_of(request)
    if not scope.allows(user_id):
        log.info("token refused for a user outside its scope", extra={"token": scope.name})
        raise HTTPException(status.HTTP_403_FORBIDDEN, FORBIDDEN_USER_DETAIL)


def authorize_admin(request: HTTPConnection) -> None:
    """403 unless the request's token is the admin token (or authentication is off)."""
    scope = scope_of(request)
    if not scope.admin:
        log.info("token refused for an admin route", extra={"token": scope.name})
        raise HTTPException(status.HTTP_403_FORBIDDEN, FORBIDDEN_ADMIN_DETAIL)
