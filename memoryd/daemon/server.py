"""Runs the ASGI app with uvicorn inside the daemon's event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI


class _Server(uvicorn.Server):
    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        # The daemon owns SIGTERM/SIGINT: it must drain the consumer before HTTP stops.
        yield


class HttpServer:
    """Start/stop uvicorn as a task; ``port`` 0 binds a free port (see :attr:`url`)."""

    def __init__(self, app: FastAPI, host: str, port: int):
        config = uvicorn.Config(
            app, host=host, port=port, log_config=None, access_log=False, lifespan="off"
        )
        self._server = _Server(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    @property
    def address(self) -> tuple[str, int]:
        for server in self._server.servers:
            for sock in server.sockets:
                host, port = sock.getsockname()[:2]
                return str(host), int(port)
        return self._server.config.host, self._server.config.port

    async def start(self) -> None:
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                # uvicorn logs a bind failure and exits; surface it as an error here.
                try:
                    self._task.result()
                except SystemExit:
                    pass
                host, port = self._server.config.host, self._server.config.port
                raise OSError(f"HTTP API could not listen on {host}:{port}")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._server.should_exit = True
        await self._task
