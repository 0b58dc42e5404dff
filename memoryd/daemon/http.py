"""The daemon's HTTP API: an app factory over an :class:`~memoryd.daemon.ports.ApiBackend`.

``/v1/*`` is the memory API (bearer-token auth when a token is configured);
``/healthz``, ``/readyz`` and ``/metrics`` are for the orchestrator and stay open.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

import memoryd
from memoryd.daemon.auth import bearer_dependencies
from memoryd.daemon.http_middleware import BodyLimitMiddleware, RequestMetricsMiddleware
from memoryd.daemon.http_models import Readiness
from memoryd.daemon.http_routes import v1_router
from memoryd.daemon.ports import ApiBackend
from memoryd.errors import PermanentError, TransientError

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
RETRY_AFTER_SECONDS = 5


def create_app(
    backend: ApiBackend,
    *,
    api_token: str | None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """Build the HTTP API over ``backend``.

    With ``api_token`` set, every ``/v1`` route requires ``Authorization: Bearer <token>``
    (401 otherwise); ``None`` disables authentication. Bodies over ``max_body_bytes`` get
    413. Errors map to statuses: :class:`TransientError` → 503 with ``Retry-After``,
    :class:`PermanentError` → 400, invalid input → 422; a bug → 500 without details.
    """
    app = FastAPI(
        title="memoryd",
        version=memoryd.__version__,
        description="Long-term memory for LLM agents, built from their event streams.",
    )
    app.include_router(v1_router(backend, dependencies=bearer_dependencies(api_token)))
    _add_operations_routes(app, backend)
    _add_error_handlers(app)
    # Added last = outermost: the metrics middleware also counts the 413s of the limit.
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=max_body_bytes)
    app.add_middleware(RequestMetricsMiddleware, metrics=backend.metrics)
    return app


def _add_operations_routes(app: FastAPI, backend: ApiBackend) -> None:
    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """Liveness: the process serves requests. Always 200, no authentication."""
        return {"status": "ok"}

    @app.get("/readyz", responses={503: {"model": Readiness}}, tags=["operations"])
    async def readyz() -> JSONResponse:
        """Readiness: 200 if every component is reachable, else 503 with the component map.

        No authentication: probed by the orchestrator.
        """
        try:
            components = await backend.readiness()
        except Exception:
            log.exception("readiness check failed")
            components = {"readiness_check": False}
        ready = all(components.values())
        body = Readiness(ready=ready, components=components)
        code = status.HTTP_200_OK if ready else status.HTTP_503_SERVICE_UNAVAILABLE
        return JSONResponse(body.model_dump(), status_code=code)

    @app.get("/metrics", response_class=Response, tags=["operations"])
    async def metrics() -> Response:
        """Prometheus text exposition of the daemon's metrics.

        No authentication: it is scraped from inside the cluster, and it holds no user
        data (route labels are templates, never user ids).
        """
        return Response(generate_latest(backend.metrics.registry), media_type=CONTENT_TYPE_LATEST)


def _add_error_handlers(app: FastAPI) -> None:
    async def transient(request: Request, exc: Exception) -> Response:
        # Details (hosts, ports) stay in the log; the client only needs to retry.
        log.warning("transient failure on %s %s: %s", request.method, _route(request), exc)
        return JSONResponse(
            {"detail": "a backing service is temporarily unavailable; retry later"},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    async def permanent(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": str(exc)}, status_code=status.HTTP_400_BAD_REQUEST)

    async def invalid(request: Request, exc: Exception) -> Response:
        errors = exc.errors() if isinstance(exc, RequestValidationError) else []
        # Without "input": it would echo request bodies (user content) back and into logs.
        detail = [{"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in errors]
        return JSONResponse({"detail": detail}, status_code=status.HTTP_422_UNPROCESSABLE_CONTENT)

    async def internal(request: Request, exc: Exception) -> Response:
        # Starlette re-raises after this answer, so the server logs the traceback once, and
        # uvicorn then drops the connection: "close" keeps clients from reusing it.
        return JSONResponse(
            {"detail": "internal server error"},
            status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
            headers={"Connection": "close"},
        )

    app.add_exception_handler(TransientError, transient)
    app.add_exception_handler(PermanentError, permanent)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(Exception, internal)


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path_format", request.url.path))
