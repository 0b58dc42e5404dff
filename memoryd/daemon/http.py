"""The daemon's HTTP API: an app factory over an :class:`~memoryd.daemon.ports.ApiBackend`.

``/v1/*`` is the memory API (bearer-token auth when a token is configured);
``/healthz``, ``/readyz`` and ``/metrics`` are for the orchestrator and stay open.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from fastapi import FastAPI, status
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

import memoryd
from memoryd.agents.gateway import AgentGateway
from memoryd.config import BatchSettings
from memoryd.daemon.auth import ApiToken, TokenRegistry, bearer_dependencies
from memoryd.daemon.http_agents import add_agent_routes
from memoryd.daemon.http_errors import ErrorBoundaryMiddleware, add_error_handlers
from memoryd.daemon.http_middleware import (
    BodyLimitMiddleware,
    JsonBodyMiddleware,
    RequestMetricsMiddleware,
)
from memoryd.daemon.http_models import Readiness
from memoryd.daemon.http_routes import v1_router
from memoryd.daemon.ports import ApiBackend

log = logging.getLogger(__name__)

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
DEFAULT_MAX_EVENT_BYTES: int = BatchSettings.model_fields["max_event_bytes"].default


def create_app(
    backend: ApiBackend,
    *,
    api_token: str | None,
    scoped_tokens: Sequence[ApiToken] = (),
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
    agents: AgentGateway | None = None,
) -> FastAPI:
    """Build the HTTP API over ``backend``.

    With ``api_token`` or ``scoped_tokens`` set, every ``/v1`` route requires
    ``Authorization: Bearer <token>`` (401 otherwise); a scoped token gets 403 for users
    outside its scope and on admin-only routes. Neither set disables authentication.
    Bodies over ``max_body_bytes`` get 413 before they are parsed, and so does an event
    over ``max_event_bytes``; a ``/v1`` body that is not ``application/json`` gets 415,
    JSON nested too deeply 400. Errors map to statuses (see
    :mod:`memoryd.daemon.http_errors`); a bug → 500 with a request id only.
    """
    app = FastAPI(
        title="memoryd",
        version=memoryd.__version__,
        description="Long-term memory for LLM agents, built from their event streams.",
    )
    registry = TokenRegistry.of(api_token, scoped_tokens)
    router = v1_router(
        backend, max_event_bytes=max_event_bytes, dependencies=bearer_dependencies(registry)
    )
    app.include_router(router)
    if agents is not None:  # /mcp and the SSE context stream
        add_agent_routes(app, agents, registry, bearer_dependencies(registry))
    _add_operations_routes(app, backend)
    add_error_handlers(app)
    # Added last = outermost: the metrics middleware also counts the 413s of the limit, the
    # 415s and the 500s of the error boundary.
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=max_body_bytes)
    app.add_middleware(JsonBodyMiddleware, prefix="/v1/")
    app.add_middleware(ErrorBoundaryMiddleware)
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
