"""A real daemon (real nats-server, Qdrant Edge) with memorised LoCoMo dev turns, and a
real headless browser: Debian's chromium driven by playwright, every request recorded."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from memoryd.config import ScopedApiToken
from memoryd.daemon.app import Daemon
from memoryd.daemon.embedded import EmbeddedNats

from ..daemon.brokers import NatsBroker, start_daemon

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "inspector-admin-token"
SCOPED_TOKEN = "inspector-scoped-token"
LOCOMO_USER = "locomo-26"
MOVER = "maria@example.com"  # Berlin, then Lisbon
DOOMED = "delete-me"
CHROMIUM = os.environ.get("MEMORYD_CHROMIUM", "/usr/bin/chromium")
#: Flags for a quiet, offline, throwaway browser (no sync, updates or background calls).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("MEMORYD_TEST_ARTIFACTS", ROOT / ".artifacts"))


def locomo() -> ModuleType:
    """bench/locomo.py, the loader the benchmarks use (bench/ is not a package)."""
    if "locomo" in sys.modules:
        return sys.modules["locomo"]
    spec = importlib.util.spec_from_file_location("locomo", ROOT / "bench" / "locomo.py")
    if spec is None or spec.loader is None:
        raise RuntimeError("bench/locomo.py not found")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("locomo", module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def locomo_sessions(count: int) -> list[list[dict[str, Any]]]:
    """The first ``count`` sessions of conversation 26 as memoryd events, per session."""
    events, _ = locomo().load()
    ours = [e for e in events if e["user_id"] == LOCOMO_USER]
    return [[e for e in ours if e["session_id"] == f"session_{n}"] for n in range(1, count + 1)]


class DaemonThread:
    """A started :class:`Daemon` on its own event loop in a thread (the browser's sync API
    needs the test's thread to itself)."""

    def __init__(self, settings: Any) -> None:
        self._settings = settings
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self.daemon: Daemon | None = None
        self._thread = threading.Thread(target=self._run, name="memoryd-ui-test", daemon=True)

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # surfaced by start()
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self.daemon = await start_daemon(self._settings)
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self.daemon.stop()

    def start(self) -> str:
        self._thread.start()
        self._ready.wait(120)
        if self._error is not None or self.daemon is None:
            raise RuntimeError("daemon did not start") from self._error
        return self.daemon.http.url

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(60)
        if self._thread.is_alive():
            raise RuntimeError("daemon did not stop")


def post_events(base: str, events: list[dict[str, Any]]) -> None:
    response = httpx.post(
        f"{base}/v1/events",
        json=events,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=120,
        trust_env=False,
    )
    response.raise_for_status()


@pytest.fixture(scope="module")
def daemon_url(
    nats_server: EmbeddedNats, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The daemon's base URL, with LoCoMo turns, a mover and a user to delete memorised."""
    settings = NatsBroker(nats_server.url).settings(
        tmp_path_factory.mktemp("inspector"),
        api_token=TOKEN,
        scoped_api_tokens=[ScopedApiToken(name="agent", token=SCOPED_TOKEN, user_prefix="locomo-")],
    )
    running = DaemonThread(settings)
    base = running.start()
    try:
        for session in locomo_sessions(3):  # one batch per session: summaries get versions
            post_events(base, session)
        post_events(base, [_said("b1", MOVER, "I live in Berlin.", "2024-01-10T10:00:00Z")])
        post_events(base, [_said("l1", MOVER, "We moved to Lisbon.", "2024-06-02T09:00:00Z")])
        post_events(base, [_said("d1", DOOMED, "I collect vinyl records.", "2024-03-01T09:00:00Z")])
        yield base
    finally:
        running.stop()


def _said(eid: str, user: str, content: str, time: str) -> dict[str, Any]:
    return {"id": eid, "user_id": user, "speaker": "Maria", "content": content, "time": time}


class Requests:
    """Every request the browser made, to check that none left the machine."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def off_machine(self) -> list[str]:
        return [
            u
            for u in self.urls
            if urlsplit(u).scheme != "data" and urlsplit(u).hostname != "127.0.0.1"
        ]


@pytest.fixture(scope="module")
def requests_made() -> Requests:
    return Requests()


@pytest.fixture(scope="module")
def browser(
    tmp_path_factory: pytest.TempPathFactory, requests_made: Requests
) -> Iterator[BrowserContext]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} not found: `make tools` installs Debian's chromium")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh --user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        context.on("request", lambda request: requests_made.urls.append(request.url))
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def page(browser: BrowserContext, requests_made: Requests) -> Iterator[Page]:
    """A tab; after the test, no request of the page may have left 127.0.0.1."""
    tab = browser.new_page()
    try:
        yield tab
    finally:
        tab.close()
    assert requests_made.off_machine() == []
