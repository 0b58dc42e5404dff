"""The threads the daemon's engine work runs on: memorising batches and building snapshots.

That work is Python with calls into ONNX Runtime (which releases the GIL) and Qdrant Edge
in between. Run on up to six threads of the default executor at once (two batch workers
and the snapshot builds), batches and builds spent most of their time waiting for the
GIL: a batch of five events took 86 ms that takes about 30 ms alone, a build 17 ms that
takes 2.4 ms, and at 100 events/s over 50 users the daemon fell behind. On a fixed, small
number of threads (one by default, ``batch.concurrency``) they take turns instead; builds
queue behind batches, not beside them. A build waiting for a thread goes before the next
batch (``run_first``): the batch it follows is memorised already, and its snapshot is
what makes that batch visible. An engine whose work is mostly waiting (an embedder behind
an HTTP API) is given more threads.
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

from memoryd.config import Settings

P = ParamSpec("P")
T = TypeVar("T")

_FIRST, _IN_TURN = 0, 1


class EngineThreads:
    """A bounded pool for the engine's blocking calls; callers keep their context (the
    trace span a call runs under), as with ``asyncio.to_thread``. Calls wait for a free
    thread in order, those made with :meth:`run_first` before the others."""

    def __init__(self, threads: int) -> None:
        if threads < 1:
            raise ValueError("threads must be at least 1")
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="memoryd-engine")
        self._free = threads
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._call(_IN_TURN, partial(fn, *args, **kwargs))

    async def run_first(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Like :meth:`run`, ahead of every waiting :meth:`run` call."""
        return await self._call(_FIRST, partial(fn, *args, **kwargs))

    async def close(self) -> None:
        """Wait for the calls in flight, then stop the threads."""
        await asyncio.to_thread(self._pool.shutdown, wait=True)

    async def _call(self, rank: int, call: Callable[[], T]) -> T:
        await self._acquire(rank)
        try:
            context = contextvars.copy_context()
            return await asyncio.get_running_loop().run_in_executor(
                self._pool, partial(context.run, call)
            )
        finally:
            self._release()

    async def _acquire(self, rank: int) -> None:
        if self._free and not self._waiting:
            self._free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (rank, next(self._order), turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._release()  # given a thread, then cancelled: pass it on
            else:
                turn.cancel()  # still waiting: skipped when a thread frees up
            raise

    def _release(self) -> None:
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)  # the thread goes straight to the next caller
                return
        self._free += 1


def engine_thread_count(settings: Settings) -> int:
    """``batch.concurrency``; unset in inline LLM mode, as many as the model's requests in
    flight (``llm.concurrency``): there a batch waits on the model most of its time, and
    one thread would hold every other user's batch and snapshot behind that wait."""
    if (
        "concurrency" not in settings.batch.model_fields_set
        and settings.llm.enabled
        and settings.llm.mode == "inline"
    ):
        return max(settings.batch.concurrency, settings.llm.concurrency)
    return settings.batch.concurrency
