"""Templates, the vendored assets, and the headers every inspector response carries."""

from __future__ import annotations

from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import status
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from memoryd.ui.lineage import long_date

#: Nothing outside this daemon: scripts, styles, images, fetches and forms stay on it.
#: That also makes "works offline" checkable: a page cannot reach a CDN even by mistake.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
#: The assets there are, by name: nothing else under /ui/static is served.
ASSETS = {"inspector.css": "text/css", "inspector.js": "text/javascript"}


def _path(value: str) -> str:
    """A user, event or item id as one URL path segment."""
    return quote(value, safe="")


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("memoryd.ui", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["path"] = _path
    env.filters["minute"] = lambda when: when.strftime("%Y-%m-%d %H:%M") if when else ""
    return env


class Renderer:
    def __init__(self) -> None:
        self._env = environment()
        self._assets = {
            name: resources.files("memoryd.ui").joinpath("static", name).read_bytes()
            for name in ASSETS
        }

    def page(self, template: str, code: int = status.HTTP_200_OK, **context: Any) -> HTMLResponse:
        html = self._env.get_template(template).render(**context)
        return HTMLResponse(html, status_code=code, headers=SECURITY_HEADERS)

    def asset(self, name: str) -> Response:
        if name not in ASSETS:
            return Response(status_code=status.HTTP_404_NOT_FOUND)
        headers = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=3600"}
        return Response(self._assets[name], media_type=ASSETS[name], headers=headers)
