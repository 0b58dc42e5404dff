"""The inspector's pages: users, a user's memory with lineage, one event, the snapshot."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from memoryd.events import MAX_ID_LENGTH
from memoryd.memory.engine import MemoryEngine
from memoryd.ui.actions import add_action_routes, notice_text
from memoryd.ui.backend import InspectorBackend, ScopeResolver
from memoryd.ui.gate import forget, form_fields, let_in, remember, safe_next
from memoryd.ui.pages import ItemFilter, State, event_page, user_page, user_rows
from memoryd.ui.render import Renderer
from memoryd.ui.session import Sessions, Viewer

UserId = Annotated[str, Path(min_length=1, max_length=MAX_ID_LENGTH)]
USER = "/users/{user_id:path}"
#: The API route of issue 17 that streams a user's snapshots; used when the app has it.
STREAM_SUFFIX = "/context/stream"


def inspector_router(backend: InspectorBackend, resolve: ScopeResolver | None) -> APIRouter:
    """The inspector at ``/ui`` over ``backend``; ``resolve`` maps a presented token to
    its scope (``None``: authentication is off, as on the API)."""
    router = APIRouter(prefix="/ui", include_in_schema=False)
    sessions = Sessions(resolve)
    renderer = Renderer()
    _add_session_routes(router, sessions, renderer)
    add_action_routes(router, backend, sessions, renderer)
    _add_page_routes(router, backend, sessions, renderer)
    return router


def _add_session_routes(router: APIRouter, sessions: Sessions, renderer: Renderer) -> None:
    @router.get("/static/{name}")
    async def asset(name: str) -> Response:
        return renderer.asset(name)

    @router.get("/login")
    async def login_page(next: str = "/ui") -> Response:
        return renderer.page("login.html", next=safe_next(next), error=None)

    @router.post("/login")
    async def login(request: Request) -> Response:
        fields = await form_fields(request)
        token, target = fields.get("token", ""), safe_next(fields.get("next", "/ui"))
        if not sessions.valid(token):
            return renderer.page(
                "login.html", status.HTTP_401_UNAUTHORIZED, next=target, error="Unknown token."
            )
        response = RedirectResponse(target, status.HTTP_303_SEE_OTHER)
        remember(response, token)
        return response

    @router.post("/logout")
    async def logout() -> Response:
        response = RedirectResponse("/ui/login", status.HTTP_303_SEE_OTHER)
        forget(response)
        return response


def _add_page_routes(
    router: APIRouter, backend: InspectorBackend, sessions: Sessions, renderer: Renderer
) -> None:
    pages = Pages(backend, sessions, renderer)
    router.add_api_route("", pages.users, methods=["GET"])
    router.add_api_route("/", pages.users, methods=["GET"])
    router.add_api_route(USER + "/events/{event_id}", pages.event, methods=["GET"])
    router.add_api_route(USER + "/snapshot", pages.snapshot, methods=["GET"])
    router.add_api_route(USER, pages.user, methods=["GET"])  # last: its path takes any id


class Pages:
    def __init__(self, backend: InspectorBackend, sessions: Sessions, renderer: Renderer):
        self.backend = backend
        self.sessions = sessions
        self.renderer = renderer

    @property
    def engine(self) -> MemoryEngine:
        # Looked up per request, not when the app is built (an app may be built for its
        # OpenAPI document only, over a backend with no engine).
        return self.backend.engine

    def _let_in(self, request: Request, user_id: str | None = None) -> Viewer | Response:
        viewer = let_in(self.sessions, request)
        if isinstance(viewer, Viewer) and user_id is not None and not viewer.allows(user_id):
            return self._missing(viewer, "This token may not access this user.", None, 403)
        return viewer

    def _missing(self, viewer: Viewer, what: str, user_id: str | None, code: int) -> Response:
        return self.renderer.page(
            "missing.html",
            code,
            viewer=viewer,
            auth=self.sessions.enabled,
            what=what,
            user_id=user_id,
        )

    async def users(self, request: Request, q: str = "") -> Response:
        viewer = self._let_in(request)
        if not isinstance(viewer, Viewer):
            return viewer
        every = await run_in_threadpool(self.engine.user_ids)
        visible = [u for u in every if viewer.allows(u) and q.casefold() in u.casefold()]
        rows = await run_in_threadpool(user_rows, self.engine, visible)
        return self.renderer.page(
            "users.html",
            viewer=viewer,
            auth=self.sessions.enabled,
            rows=rows,
            total=len(visible),
            q=q,
            notice=notice_text(request),
        )

    async def event(self, request: Request, user_id: UserId, event_id: str) -> Response:
        viewer = self._let_in(request, user_id)
        if not isinstance(viewer, Viewer):
            return viewer
        page = await run_in_threadpool(event_page, self.engine, user_id, event_id)
        if page is None:
            return self._missing(viewer, f"No event {event_id!r} for this user.", user_id, 404)
        return self.renderer.page(
            "event.html", viewer=viewer, auth=self.sessions.enabled, page=page
        )

    async def snapshot(self, request: Request, user_id: UserId) -> Response:
        """The snapshot fragment the user page swaps in when a newer one is out."""
        viewer = self._let_in(request, user_id)
        if not isinstance(viewer, Viewer):
            return viewer
        latest = await self.backend.latest_snapshot(user_id)
        return self.renderer.page("_snapshot.html", snapshot=latest, user_id=user_id)

    async def user(
        self,
        request: Request,
        user_id: UserId,
        category: str = "",
        memory_type: str = "",
        state: State = "live",
        q: str = "",
        top_k: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> Response:
        viewer = self._let_in(request, user_id)
        if not isinstance(viewer, Viewer):
            return viewer
        chosen = ItemFilter(category, memory_type, state)
        page = await run_in_threadpool(user_page, self.engine, user_id, chosen, q.strip(), top_k)
        return self.renderer.page(
            "user.html",
            viewer=viewer,
            auth=self.sessions.enabled,
            page=page,
            chosen=chosen,
            top_k=top_k,
            runs=self.backend.recent_runs(user_id),
            snapshot=await self.backend.latest_snapshot(user_id),
            stream_url=_stream_url(request, user_id),
            notice=notice_text(request),
            delete_error=None,
        )


def _stream_url(request: Request, user_id: str) -> str | None:
    """The SSE route's URL for the user if the app serves one (issue 17), else None:
    the page then polls the snapshot instead."""
    for route in request.app.routes:
        path = str(getattr(route, "path", ""))
        if path.startswith("/v1/users/{user_id") and path.endswith(STREAM_SUFFIX):
            return f"/v1/users/{quote(user_id, safe='')}{STREAM_SUFFIX}"
    return None
