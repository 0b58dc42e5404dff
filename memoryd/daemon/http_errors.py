"""How the HTTP API answers failures: one status per kind of error, and for a bug a JSON
500 that carries the request id and nothing else (the log has the rest, under that id)."""

from __future__ import annotations

import json
import logging
import uuid

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from memoryd.errors import PayloadTooLargeError, PermanentError, TransientError

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
REQUEST_ID_HEADER = "X-Request-Id"
INTERNAL_DETAIL = "internal server error"


def add_error_handlers(app: FastAPI) -> None:
    """:class:`TransientError` → 503 with ``Retry-After``; :class:`PayloadTooLargeError` →
    413; other :class:`PermanentError` → 400; invalid input → 422."""

    async def transient(request: Request, exc: Exception) -> Response:
        # Details (hosts, ports) stay in the log; the client only needs to retry.
        log.warning("transient failure on %s %s: %s", request.method, route_of(request), exc)
        return JSONResponse(
            {"detail": "a backing service is temporarily unavailable; retry later"},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    async def too_large(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_413_CONTENT_TOO_LARGE)

    async def permanent(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_400_BAD_REQUEST)

    async def invalid(request: Request, exc: Exception) -> Response:
        errors = exc.errors() if isinstance(exc, RequestValidationError) else []
        # Without "input": it would echo request bodies (user content) back and into logs.
        detail = [{"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in errors]
        return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    app.add_exception_handler(TransientError, transient)
    app.add_exception_handler(PayloadTooLargeError, too_large)
    app.add_exception_handler(PermanentError, permanent)
    app.add_exception_handler(RequestValidationError, invalid)


class ErrorBoundaryMiddleware:
    """Give every request an id (``X-Request-Id`` on the response, ``request_id`` in
    ``scope["state"]``) and turn an error nothing handled into a JSON 500 with that id.

    The traceback is logged here, once, under the id; the body holds no stack, message or
    secret. Outside the app's own handlers, so it also catches errors of middleware.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            route = getattr(scope.get("route"), "path_format", "unmatched")
            log.exception(
                "unhandled error",
                extra={"request_id": request_id, "method": scope["method"], "route": route},
            )
            if started:
                raise  # too late for an answer: the server closes the connection
            await _send_internal_error(send_with_id, request_id)


async def _send_internal_error(send: Send, request_id: str) -> None:
    body = json.dumps({"detail": INTERNAL_DETAIL, "request_id": request_id}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status.HTTP_500_INTERNAL_SERVER_ERROR,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The request body may be unread: the connection is not reused.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def route_of(request: Request) -> str:
    """The matched route's template (never the raw path: it may hold user ids)."""
    route = request.scope.get("route")
    return str(getattr(route, "path_format", request.url.path))
