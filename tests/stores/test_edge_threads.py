"""The Edge store serves several threads at once on one shard (reads and flushes beside
writes, as the daemon's worker threads and background flusher do), and ``close`` waits
for the calls in flight."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import numpy as np

from memoryd.memory.ports import CollectionSpec, Filter, VectorPoint
from memoryd.stores import QdrantEdgeStore

SPEC = CollectionSpec("items", 16, ("user_id",))


def test_reads_writes_and_flushes_from_several_threads_lose_nothing(tmp_path: Path) -> None:
    # Given a store written, read and flushed by five threads at once
    store = QdrantEdgeStore(tmp_path)
    store.ensure_collection(SPEC)
    errors: list[BaseException] = []

    def write(user: str) -> None:
        rng = np.random.default_rng(len(user))
        for _ in range(30):
            points = [
                VectorPoint(str(uuid.uuid4()), rng.random(16, dtype=np.float32), {"user_id": user})
                for _ in range(10)
            ]
            store.upsert("items", points)

    def read() -> None:
        rng = np.random.default_rng(0)
        for _ in range(100):
            store.search("items", rng.random(16, dtype=np.float32), Filter(), 5)

    def flush() -> None:
        for _ in range(30):
            store.flush()

    def guarded(work, *args):  # type: ignore[no-untyped-def]
        try:
            work(*args)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    jobs = [(write, "a"), (write, "b"), (read,), (read,), (flush,)]
    threads = [threading.Thread(target=guarded, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then nothing failed and every write is there, also after a restart
    assert errors == []
    for user in ("a", "b"):
        assert store.count("items", Filter(must={"user_id": user})) == 300
    store.close()
    reopened = QdrantEdgeStore(tmp_path)
    reopened.ensure_collection(SPEC)
    assert reopened.count("items", Filter()) == 600
    reopened.close()
