"""Bearer-token authentication for the ``/v1`` API.

The token is compared in constant time and never logged or echoed back; a failure says
only that the token is missing or wrong.
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import HTTPException, Security, status
from fastapi.requests import HTTPConnection
from fastapi.security import HTTPBearer

UNAUTHORIZED_DETAIL = "missing or invalid bearer token"


class TokenBearer(HTTPBearer):
    """``HTTPBearer`` (so OpenAPI declares the scheme) that also checks the token itself."""

    def __init__(self, api_token: str) -> None:
        if not api_token:
            raise ValueError("api_token must not be empty; pass None to disable authentication")
        # auto_error=False: every refusal goes through the one 401 below, whatever its cause.
        super().__init__(
            scheme_name="bearerAuth", description="The daemon's API token.", auto_error=False
        )
        self._expected = api_token.encode()

    async def __call__(self, request: HTTPConnection) -> None:
        credentials = await super().__call__(request)
        presented = credentials.credentials.encode() if credentials is not None else b""
        if not presented or not hmac.compare_digest(presented, self._expected):
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail=UNAUTHORIZED_DETAIL,
                headers={"WWW-Authenticate": "Bearer"},
            )


def bearer_dependencies(api_token: str | None) -> list[Any]:
    """Route dependencies that enforce ``Authorization: Bearer <api_token>``.

    ``None`` disables authentication (an empty list). An empty token is refused: it is
    almost certainly a misconfigured secret, and no client could ever present it.
    """
    if api_token is None:
        return []
    return [Security(TokenBearer(api_token))]
