"""The engine's thread pool: bounded, context-preserving, and closed cleanly."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import pytest

from memoryd.pipeline.engine_threads import EngineThreads

REQUEST = contextvars.ContextVar("REQUEST", default="none")


class Overlap:
    """Counts how many calls run at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.most = 0

    def work(self, seconds: float) -> str:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(seconds)
        with self._lock:
            self.now -= 1
        return threading.current_thread().name


@pytest.mark.parametrize("threads", [1, 2])
def test_calls_never_run_on_more_threads_than_given(threads: int) -> None:
    pool, overlap = EngineThreads(threads), Overlap()

    async def scenario() -> list[str]:
        try:
            return await asyncio.gather(*(pool.run(overlap.work, 0.02) for _ in range(6)))
        finally:
            await pool.close()

    names = asyncio.run(scenario())

    assert overlap.most == threads
    assert len(set(names)) == threads
    assert all(name.startswith("memoryd-engine") for name in names)


def test_a_call_sees_the_callers_context() -> None:
    pool = EngineThreads(1)

    async def scenario() -> str:
        REQUEST.set("batch-7")
        try:
            return await pool.run(REQUEST.get)
        finally:
            await pool.close()

    assert asyncio.run(scenario()) == "batch-7"


def test_close_waits_for_the_call_in_flight() -> None:
    pool, overlap = EngineThreads(1), Overlap()

    async def scenario() -> None:
        call = asyncio.ensure_future(pool.run(overlap.work, 0.1))
        await asyncio.sleep(0.02)
        assert overlap.now == 1

        await pool.close()

        assert overlap.now == 0
        assert await call == "memoryd-engine_0"

    asyncio.run(scenario())


def test_at_least_one_thread() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        EngineThreads(0)


def test_a_call_made_first_goes_before_the_calls_waiting_in_turn() -> None:
    pool, order = EngineThreads(1), []

    def work(name: str) -> None:
        time.sleep(0.02)
        order.append(name)

    async def scenario() -> None:
        busy = asyncio.ensure_future(pool.run(work, "in flight"))
        await asyncio.sleep(0.005)
        batches = [asyncio.ensure_future(pool.run(work, f"batch {i}")) for i in (1, 2)]
        await asyncio.sleep(0)
        build = asyncio.ensure_future(pool.run_first(work, "build"))
        await asyncio.gather(busy, *batches, build)
        await pool.close()

    asyncio.run(scenario())

    assert order == ["in flight", "build", "batch 1", "batch 2"]


def test_a_cancelled_waiter_does_not_keep_the_thread() -> None:
    pool, overlap = EngineThreads(1), Overlap()

    async def scenario() -> str:
        busy = asyncio.ensure_future(pool.run(overlap.work, 0.05))
        await asyncio.sleep(0.005)
        gone = asyncio.ensure_future(pool.run(overlap.work, 0.01))
        await asyncio.sleep(0)
        gone.cancel()
        await busy
        try:
            return await asyncio.wait_for(pool.run(overlap.work, 0.0), timeout=2)
        finally:
            await pool.close()

    assert asyncio.run(scenario()) == "memoryd-engine_0"
