"""The door of every inspector route: a viewer, or a redirect to the login page."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from fastapi import Request, status
from fastapi.responses import RedirectResponse, Response

from memoryd.ui.session import COOKIE, COOKIE_PATH, TOKEN_PARAM, Sessions, Viewer

#: A form body is a few fields; anything larger is not one of ours.
MAX_FORM_BYTES = 64 * 1024


def let_in(sessions: Sessions, request: Request) -> Viewer | Response:
    """The request's viewer, or the response that sends it elsewhere: a valid ``token``
    query parameter becomes the session cookie (and leaves the URL), no valid token goes
    to the login page (a GET) or is refused (anything else)."""
    viewer = sessions.viewer(request)
    in_query = TOKEN_PARAM in request.query_params
    if viewer is not None and in_query and sessions.enabled:
        rest = [(k, v) for k, v in request.query_params.multi_items() if k != TOKEN_PARAM]
        raw = request.scope.get("raw_path")  # as sent: an encoded "/" in a user id stays so
        path = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
        target = path + (f"?{urlencode(rest)}" if rest else "")
        response = RedirectResponse(target, status.HTTP_303_SEE_OTHER)
        remember(response, request.query_params[TOKEN_PARAM])
        return response
    if viewer is not None:
        return viewer
    if request.method != "GET":
        return Response("missing or invalid token", status.HTTP_401_UNAUTHORIZED)
    back = request.url.path + (
        f"?{request.url.query}" if request.url.query and not in_query else ""
    )
    return RedirectResponse(f"/ui/login?{urlencode({'next': back})}", status.HTTP_303_SEE_OTHER)


def remember(response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE, token, path=COOKIE_PATH, httponly=True, samesite="strict", secure=False
    )


def forget(response: Response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")


def safe_next(target: str) -> str:
    """Only a path inside the inspector: a login never redirects off the daemon."""
    return target if target.startswith("/ui") and not target.startswith("//") else "/ui"


async def form_fields(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body as a dict (first value of each key)."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    fields: dict[str, str] = {}
    for key, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        fields.setdefault(key, value)
    return fields
