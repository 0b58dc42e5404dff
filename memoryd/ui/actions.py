"""What the inspector changes: run evolution, roll a summary back, forget an item, delete
the user. Each is a form post (with the viewer's CSRF token) to the same daemon
operation the HTTP API calls, then a redirect back with a notice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Path, Request, status
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from memoryd.errors import NotOwnedError
from memoryd.events import MAX_ID_LENGTH
from memoryd.ui.backend import InspectorBackend
from memoryd.ui.gate import form_fields, let_in
from memoryd.ui.pages import ItemFilter, user_page
from memoryd.ui.render import Renderer
from memoryd.ui.session import Sessions, Viewer

log = logging.getLogger(__name__)

UserId = Annotated[str, Path(min_length=1, max_length=MAX_ID_LENGTH)]
USER = "/users/{user_id:path}"
Action = Callable[[Viewer, dict[str, str]], Awaitable[Response]]

#: Notices a redirect may ask for, by code; parameters are filled in (and escaped) here.
NOTICES = {
    "evolved": "Self-evolution ran {runs} jobs; {changed} changed memory.",
    "rolled_back": "{category}: version {version} is current again, as version {new}.",
    "forgotten": "The item was forgotten (archived as forgotten).",
    "not_found": "Nothing to do: {what} was not found.",
    "not_owned": "Another replica owns this user; only the owner changes their memory.",
    "deleted": "User {user} and everything derived from their events were deleted.",
}


def notice_text(request: Request) -> str | None:
    code = request.query_params.get("notice", "")
    if code not in NOTICES:
        return None
    params = {k: v for k, v in request.query_params.items() if k != "notice"}
    try:
        return NOTICES[code].format(**params)
    except KeyError:  # a hand-made URL without the parameters
        return None


def back_to(user_id: str, code: str, **params: object) -> Response:
    query = urlencode({"notice": code, **{k: str(v) for k, v in params.items()}})
    url = f"/ui/users/{quote(user_id, safe='')}?{query}"
    return RedirectResponse(url, status.HTTP_303_SEE_OTHER)


def add_action_routes(
    router: APIRouter, backend: InspectorBackend, sessions: Sessions, renderer: Renderer
) -> None:
    actions = Actions(backend, sessions, renderer)
    router.add_api_route(USER + "/evolve", actions.evolve, methods=["POST"])
    rollback = USER + "/categories/{category}/rollback"
    router.add_api_route(rollback, actions.rollback, methods=["POST"])
    router.add_api_route(USER + "/items/{item_id}/forget", actions.forget_item, methods=["POST"])
    router.add_api_route(USER + "/delete", actions.delete_user, methods=["POST"])


class Actions:
    """The form posts; each checks the viewer, the CSRF token and the user's scope."""

    def __init__(self, backend: InspectorBackend, sessions: Sessions, renderer: Renderer):
        self.backend = backend
        self.sessions = sessions
        self.renderer = renderer

    async def _guarded(self, request: Request, user_id: str, action: Action) -> Response:
        viewer = let_in(self.sessions, request)
        if not isinstance(viewer, Viewer):
            return viewer
        fields = await form_fields(request)
        if not self.sessions.csrf_ok(viewer, fields.get("csrf", "")):
            return Response("invalid or missing form token", status.HTTP_403_FORBIDDEN)
        if not viewer.allows(user_id):
            return Response("this token may not access this user", status.HTTP_403_FORBIDDEN)
        try:
            return await action(viewer, fields)
        except NotOwnedError:
            return back_to(user_id, "not_owned")

    async def evolve(self, request: Request, user_id: UserId) -> Response:
        async def run(viewer: Viewer, fields: dict[str, str]) -> Response:
            reports = await self.backend.evolve(user_id, [])
            changed = sum(r.outcome == "changed" for r in reports)
            return back_to(user_id, "evolved", runs=len(reports), changed=changed)

        return await self._guarded(request, user_id, run)

    async def rollback(self, request: Request, user_id: UserId, category: str) -> Response:
        async def run(viewer: Viewer, fields: dict[str, str]) -> Response:
            version = fields.get("version", "")
            if not version.isdigit():
                return back_to(user_id, "not_found", what="that summary version")
            try:
                restored = await self.backend.rollback_summary(user_id, category, int(version))
            except LookupError:
                return back_to(user_id, "not_found", what=f"version {version} of {category}")
            return back_to(
                user_id,
                "rolled_back",
                category=category,
                version=version,
                new=restored.summary_version,
            )

        return await self._guarded(request, user_id, run)

    async def forget_item(self, request: Request, user_id: UserId, item_id: str) -> Response:
        async def run(viewer: Viewer, fields: dict[str, str]) -> Response:
            try:
                await self.backend.forget_item(user_id, item_id)
            except LookupError:
                return back_to(user_id, "not_found", what="that item")
            return back_to(user_id, "forgotten")

        return await self._guarded(request, user_id, run)

    async def delete_user(self, request: Request, user_id: UserId) -> Response:
        async def run(viewer: Viewer, fields: dict[str, str]) -> Response:
            if fields.get("confirm", "") != user_id:
                # Deleting is for good: without the id typed exactly, nothing happens.
                return await self._refuse_delete(viewer, user_id)
            await self.backend.delete_user(user_id)
            log.info("user deleted from the inspector", extra={"user_id": user_id})
            query = urlencode({"notice": "deleted", "user": user_id})
            return RedirectResponse(f"/ui?{query}", status.HTTP_303_SEE_OTHER)

        return await self._guarded(request, user_id, run)

    async def _refuse_delete(self, viewer: Viewer, user_id: str) -> Response:
        page = await run_in_threadpool(user_page, self.backend.engine, user_id, ItemFilter())
        return self.renderer.page(
            "user.html",
            status.HTTP_400_BAD_REQUEST,
            viewer=viewer,
            auth=self.sessions.enabled,
            page=page,
            chosen=ItemFilter(),
            top_k=10,
            runs=self.backend.recent_runs(user_id),
            snapshot=await self.backend.latest_snapshot(user_id),
            stream_url=None,
            notice=None,
            delete_error="Not deleted: type the user id exactly to confirm.",
        )
