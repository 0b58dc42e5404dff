"""Pure ASGI middleware of the HTTP API: request metrics, a request-body size limit, and
JSON-only request bodies.

Pure ASGI (not ``BaseHTTPMiddleware``) so that bodies stream through untouched and the
limit can stop reading as soon as it is crossed.
"""

from __future__ import annotations

import json

from fastapi import HTTPException, status
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from memoryd.telemetry.metrics import Metrics

UNMATCHED_ROUTE = "unmatched"


class RequestMetricsMiddleware:
    """Count every HTTP request in ``memoryd_http_requests_total{route,status}``.

    ``route`` is the route template (``/v1/users/{user_id}/items``), never the raw path:
    user ids in paths would otherwise create one time series per user.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Stays 500 if the app raises before starting a response.
        status_code = status.HTTP_500_INTERNAL_SERVER_ERROR

        async def send_and_record_status(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_record_status)
        finally:
            # The router stores the matched route in the (shared) scope dict.
            route = scope.get("route")
            template = getattr(route, "path_format", None) or UNMATCHED_ROUTE
            self.metrics.http_requests.labels(route=template, status=str(status_code)).inc()


class BodyTooLarge(HTTPException):
    """Raised while reading a body that crosses the limit; answered with 413.

    An ``HTTPException`` so that FastAPI's body parsing re-raises it as is instead of
    turning it into a generic 400.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=status.HTTP_413_CONTENT_TOO_LARGE,
            detail=f"request body exceeds {limit} bytes",
        )


class BodyLimitMiddleware:
    """Refuse request bodies larger than ``max_body_bytes`` with 413.

    A declared ``Content-Length`` over the limit is refused before the app runs; chunked
    bodies are counted while the app reads them.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        if max_body_bytes < 1:
            raise ValueError("max_body_bytes must be positive")
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await _send_error(send, BodyTooLarge(self.max_body_bytes))
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        await self.app(scope, limited_receive, send)


class JsonBodyMiddleware:
    """Refuse a request body that is not JSON with 415, on paths under ``prefix``.

    ``application/json`` and ``application/<anything>+json`` (e.g. CloudEvents'
    ``application/cloudevents+json``) pass, with any parameters; requests without a body
    need no content type. Refusing early keeps a text/plain body from being parsed at all.
    """

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        has_body = (_content_length(scope) or 0) > 0 or b"transfer-encoding" in headers
        if has_body and not _is_json(headers.get(b"content-type", b"")):
            error = HTTPException(
                status_code=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                detail="request bodies must be JSON (Content-Type: application/json)",
            )
            await _send_error(send, error)
            return
        await self.app(scope, receive, send)


def _is_json(content_type: bytes) -> bool:
    media = content_type.split(b";", 1)[0].strip().lower()
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                # A malformed header is the server's (uvicorn's) to reject; count instead.
                return None
    return None


async def _send_error(send: Send, error: HTTPException) -> None:
    body = json.dumps({"detail": error.detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": error.status_code,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The client may still be sending; tell it the connection won't be reused.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
