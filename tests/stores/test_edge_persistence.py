"""``QdrantEdgeStore`` across restarts: data, payload and indexes survive; shapes are checked."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import qdrant_edge as qe

from memoryd.errors import PermanentError
from memoryd.memory.ports import CollectionSpec, Filter, SparseVector, VectorPoint
from memoryd.stores import QdrantEdgeStore

SPEC = CollectionSpec("memories", dim=3, keyword_indexes=("user_id", "category"), lexical=True)
ALICE = Filter(must={"user_id": "alice"})


def pid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def write_two_points(data_dir: Path, *, flush: bool) -> None:
    store = QdrantEdgeStore(data_dir)
    store.ensure_collection(SPEC)
    store.upsert(
        "memories",
        [
            VectorPoint(
                pid("a"),
                [1, 0, 0],
                {"user_id": "alice", "category": "travel", "text": "Paris in May"},
                SparseVector((7, 9), (1.0, 0.4)),
            ),
            VectorPoint(pid("b"), [0, 1, 0], {"user_id": "bob", "category": "work"}),
        ],
    )
    store.set_payload("memories", [pid("a")], {"pinned": True})
    if flush:
        store.flush()
    store.close()


@pytest.mark.parametrize("flush", [True, False], ids=["flushed", "closed-only"])
def test_points_payloads_and_vectors_survive_a_restart(tmp_path: Path, flush: bool) -> None:
    # Given a store that wrote points and then closed
    write_two_points(tmp_path, flush=flush)
    # When a new store opens the same directory
    store = QdrantEdgeStore(tmp_path)
    store.ensure_collection(SPEC)
    # Then every point, payload and vector is back, and searchable
    assert store.count("memories", Filter()) == 2
    [record] = store.get("memories", [pid("a")], with_vectors=True)
    assert record.payload == {
        "user_id": "alice",
        "category": "travel",
        "text": "Paris in May",
        "pinned": True,
    }
    assert record.vector == pytest.approx([1, 0, 0])
    hits = store.search("memories", [1, 0.2, 0], ALICE, limit=5)
    assert [hit.id for hit in hits] == [pid("a")]
    lexical = store.search_lexical("memories", SparseVector((9,), (1.0,)), ALICE, limit=5)
    assert [hit.id for hit in lexical] == [pid("a")]
    store.close()


def test_payload_indexes_survive_a_restart(tmp_path: Path) -> None:
    write_two_points(tmp_path, flush=True)
    store = QdrantEdgeStore(tmp_path)
    store.ensure_collection(SPEC)
    store.close()
    # Inspecting the shard directly: the store has no public view of its indexes.
    shard = qe.EdgeShard.load(str(tmp_path / "memories"))
    try:
        schema = shard.info().payload_schema
        assert {"user_id", "category"} <= set(schema)
        assert schema["user_id"].data_type == qe.PayloadSchemaType.Keyword
    finally:
        shard.close()


def test_reopening_with_another_dim_is_a_clear_permanent_error(tmp_path: Path) -> None:
    write_two_points(tmp_path, flush=True)
    store = QdrantEdgeStore(tmp_path)
    with pytest.raises(PermanentError, match=r"'memories'.*dim=5.*expected vector size 5"):
        store.ensure_collection(CollectionSpec("memories", dim=5, lexical=True))
    # The failed open leaves the data usable with the right shape.
    store.ensure_collection(SPEC)
    assert store.count("memories", Filter()) == 2
    store.close()


def test_a_second_store_on_an_open_directory_is_refused(tmp_path: Path) -> None:
    first = QdrantEdgeStore(tmp_path)
    first.ensure_collection(SPEC)
    second = QdrantEdgeStore(tmp_path)
    with pytest.raises(PermanentError, match="open in another store or process"):
        second.ensure_collection(SPEC)
    first.close()
    second.ensure_collection(SPEC)
    second.close()


def test_collection_names_cannot_escape_the_data_dir(tmp_path: Path) -> None:
    store = QdrantEdgeStore(tmp_path / "data")
    for name in ("../outside", "a/b", ".hidden", ""):
        with pytest.raises(PermanentError, match="invalid collection name"):
            store.ensure_collection(CollectionSpec(name, dim=3))
    assert not (tmp_path / "outside").exists()
    store.close()


def test_writes_survive_a_killed_process_without_flush(tmp_path: Path) -> None:
    """The daemon acks after ``upsert`` returns and flushes only every
    ``flush_interval``: that is safe because the write-ahead log already holds the write."""
    import signal
    import subprocess
    import sys

    script = f"""
import os, signal
from memoryd.memory.ports import CollectionSpec, VectorPoint
from memoryd.stores.edge import QdrantEdgeStore
store = QdrantEdgeStore({str(tmp_path)!r}, flush_interval=3600)
store.ensure_collection(CollectionSpec("c", 2, ("user_id",)))
store.upsert("c", [VectorPoint("00000000-0000-0000-0000-{{:012d}}".format(i), [1.0, float(i)],
                               {{"user_id": "u"}}) for i in range(200)])
store.flush()  # within the interval: skipped
os.kill(os.getpid(), signal.SIGKILL)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    reopened = QdrantEdgeStore(tmp_path)
    try:
        reopened.ensure_collection(CollectionSpec("c", 2, ("user_id",)))
        assert reopened.count("c", Filter()) == 200
    finally:
        reopened.close()
