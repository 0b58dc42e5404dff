"""Who is looking: the inspector's side of the API's bearer tokens.

A request presents its token in ``Authorization: Bearer`` (as on ``/v1``), in the
session cookie the login form sets, or once in a ``token`` query parameter (for tools
such as ``chromium --dump-dom``), which is moved into the cookie by a redirect so it does
not stay in the address bar. The cookie is ``HttpOnly`` and ``SameSite=Strict``; forms
that change memory also carry a CSRF token derived from the presented token. Tokens are
compared by the API's registry, never logged, never rendered.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi.requests import HTTPConnection

from memoryd.ui.backend import OpenScope, Scope, ScopeResolver

COOKIE = "memoryd_ui_token"
TOKEN_PARAM = "token"
COOKIE_PATH = "/ui"


@dataclass(frozen=True)
class Viewer:
    """An authenticated request: its scope and the CSRF token its forms carry."""

    scope: Scope
    csrf: str

    def allows(self, user_id: str) -> bool:
        return self.scope.allows(user_id)


class Sessions:
    """Resolves the token a request presents (``resolve`` is ``None`` with auth off)."""

    def __init__(self, resolve: ScopeResolver | None) -> None:
        self._resolve = resolve
        # Per process: a CSRF token is only good against this replica, which is fine for
        # a form rendered and posted back within minutes.
        self._csrf_key = secrets.token_bytes(32)

    @property
    def enabled(self) -> bool:
        return self._resolve is not None

    def viewer(self, request: HTTPConnection) -> Viewer | None:
        """The request's viewer, or ``None`` if it presents no valid token."""
        presented = presented_token(request)
        if self._resolve is None:
            return Viewer(OpenScope(), self._csrf_for(presented))
        scope = self._resolve(presented) if presented else None
        return Viewer(scope, self._csrf_for(presented)) if scope is not None else None

    def valid(self, token: str) -> bool:
        """Whether ``token`` is a configured token (the login form)."""
        return self._resolve is None or (bool(token) and self._resolve(token) is not None)

    def csrf_ok(self, viewer: Viewer, submitted: str) -> bool:
        return hmac.compare_digest(viewer.csrf.encode(), submitted.encode())

    def _csrf_for(self, presented: str) -> str:
        return hmac.new(self._csrf_key, presented.encode(), hashlib.sha256).hexdigest()[:32]


def presented_token(request: HTTPConnection) -> str:
    """The token of the request: header first, then the query parameter, then the cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.query_params.get(TOKEN_PARAM) or request.cookies.get(COOKIE, "")
