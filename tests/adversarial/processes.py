"""``memoryd up`` as a real process, for tests that attack it from outside."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MemorydUp:
    """``memoryd up --data-dir D`` on fixed ports, restartable on the same ones."""

    def __init__(self, data_dir: Path, log: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.log = log
        self.http_port = free_port()
        self.nats_port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("MEMORYD_")}
        self.env.update(env or {})
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def nats_url(self) -> str:
        return f"nats://127.0.0.1:{self.nats_port}"

    def start(self, ready_timeout: float = 90) -> None:
        args = ["up", "--data-dir", str(self.data_dir), "--http-port", str(self.http_port)]
        args += ["--nats-port", str(self.nats_port)]
        with self.log.open("ab") as out:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "memoryd.daemon.cli", *args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        self.wait_ready(ready_timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(trust_env=False, timeout=2) as client:
            while time.monotonic() < deadline:
                if self.proc is not None and self.proc.poll() is not None:
                    raise RuntimeError(f"memoryd up exited: {self.tail()}")
                try:
                    if client.get(f"{self.api}/readyz").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        raise RuntimeError(f"memoryd up not ready after {timeout}s: {self.tail()}")

    def nats_pid(self) -> int:
        """The running embedded nats-server's pid, from its ports file (<name>_<pid>.ports)."""
        pids = [int(p.stem.rsplit("_", 1)[1]) for p in (self.data_dir / "nats").glob("*.ports")]
        live = [pid for pid in pids if running(pid)]
        if len(live) != 1:
            raise RuntimeError(f"expected one running nats-server, found {live}")
        return live[0]

    def kill9(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(10)
            self.proc = None

    def stop(self, timeout: float = 30) -> int | None:
        proc, self.proc = self.proc, None
        if proc is None:
            return None
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise

    def reap_servers(self) -> None:
        """SIGKILL any nats-server still running on the data dir (a defect's leftovers)."""
        for ports in (self.data_dir / "nats").glob("*.ports"):
            pid = int(ports.stem.rsplit("_", 1)[1])
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if running(pid) and str(self.data_dir).encode() in cmdline:
                os.kill(pid, signal.SIGKILL)

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def running(pid: int) -> bool:
    """Alive and not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def wait_gone(pid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not running(pid):
            return True
        time.sleep(0.05)
    return False
