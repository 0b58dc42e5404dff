"""The threads the daemon's engine work runs on: memorising batches and building snapshots.

That work is Python with calls into ONNX Runtime (which releases the GIL) and Qdrant Edge
in between. Run on up to six threads of the default executor at once (two batch workers
and the snapshot builds), batches and builds spent most of their time waiting for the
GIL: a batch of five events took 86 ms that takes about 30 ms alone, a build 17 ms that
takes 2.4 ms, and at 100 events/s over 50 users the daemon fell behind. On a fixed, small
number of threads (one by default, ``batch.concurrency``) they take turns instead; builds
queue behind batches, not beside them. An engine whose work is mostly waiting (an
embedder behind an HTTP API) is given more threads.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class EngineThreads:
    """A bounded pool for the engine's blocking calls; callers keep their context (the
    trace span a call runs under), as with ``asyncio.to_thread``."""

    def __init__(self, threads: int) -> None:
        if threads < 1:
            raise ValueError("threads must be at least 1")
        self.threads = threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="memoryd-engine")

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        context = contextvars.copy_context()
        call = partial(context.run, fn, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self._pool, call)

    async def close(self) -> None:
        """Wait for the calls in flight, then stop the threads."""
        await asyncio.to_thread(self._pool.shutdown, wait=True)
