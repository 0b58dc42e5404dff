"""The ``VectorStore`` contract, held against Qdrant Edge, qdrant-client local mode and the fake."""

from __future__ import annotations

import math
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from memoryd.errors import PermanentError, TransientError
from memoryd.memory.ports import (
    CollectionSpec,
    Filter,
    Record,
    SparseVector,
    VectorPoint,
    VectorStore,
)
from memoryd.stores import QdrantEdgeStore, QdrantServerStore
from memoryd.testing import InMemoryStore

MEMORIES = CollectionSpec("memories", dim=4, keyword_indexes=("user_id", "category"), lexical=True)
EVERYTHING = Filter()


def pid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, name))


def point(
    name: str,
    vector: list[float],
    user: str = "alice",
    sparse: SparseVector | None = None,
    **payload: object,
) -> VectorPoint:
    return VectorPoint(pid(name), vector, {"user_id": user, "name": name, **payload}, sparse)


def terms(**weights: float) -> SparseVector:
    """A sparse vector over a five-word test vocabulary."""
    ids = {"paris": 1, "trip": 2, "budget": 3, "dentist": 4, "the": 5}
    return SparseVector(tuple(ids[t] for t in weights), tuple(weights.values()))


def names(records: list[Record]) -> list[str]:
    return [record.payload["name"] for record in records]


@pytest.fixture(params=["edge", "qdrant-local", "in-memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorStore]:
    built: VectorStore
    if request.param == "edge":
        built = QdrantEdgeStore(tmp_path / "edge", page_size=7)
    elif request.param == "qdrant-local":
        built = QdrantServerStore(location=":memory:", page_size=7)
    else:
        built = InMemoryStore()
    built.ensure_collection(MEMORIES)
    yield built
    built.close()


def test_every_store_implements_the_port(store: VectorStore) -> None:
    assert isinstance(store, VectorStore)


def test_upsert_is_idempotent_and_replaces_the_payload(store: VectorStore) -> None:
    # Given a point written once
    store.upsert("memories", [point("a", [1, 0, 0, 0], colour="red")])
    # When the same id is written again with another payload
    store.upsert("memories", [point("a", [1, 0, 0, 0], mood="calm")])
    # Then there is one point, carrying only the second payload
    assert store.count("memories", EVERYTHING) == 1
    [record] = store.get("memories", [pid("a")])
    assert record.payload == {"user_id": "alice", "name": "a", "mood": "calm"}


def test_search_orders_by_cosine_and_never_crosses_users(store: VectorStore) -> None:
    store.upsert(
        "memories",
        [
            point("near", [1, 0.1, 0, 0]),
            point("mid", [1, 1, 0, 0]),
            point("far", [0, 0, 1, 0]),
            point("bobs-exact", [1, 0, 0, 0], user="bob"),
        ],
    )
    hits = store.search("memories", [2, 0, 0, 0], Filter(must={"user_id": "alice"}), limit=10)
    assert names(hits) == ["near", "mid", "far"]
    expected = [1 / math.sqrt(1.01), 1 / math.sqrt(2), 0.0]
    assert [h.score for h in hits] == pytest.approx(expected, abs=1e-5)
    assert all(h.vector is None for h in hits)


def test_search_batch_answers_each_vector_as_search_does(store: VectorStore) -> None:
    store.upsert(
        "memories",
        [
            point("near", [1, 0.1, 0, 0]),
            point("far", [0, 0, 1, 0]),
            point("bobs-exact", [1, 0, 0, 0], user="bob"),
        ],
    )
    alice = Filter(must={"user_id": "alice"})
    queries = [[2, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    batched = store.search_batch("memories", queries, alice, limit=1, with_vectors=True)
    single = [store.search("memories", q, alice, 1, with_vectors=True) for q in queries]
    assert [names(hits) for hits in batched] == [names(hits) for hits in single]
    assert [names(hits) for hits in batched][:2] == [["near"], ["far"]]
    assert [h.score for hits in batched for h in hits] == pytest.approx(
        [h.score for hits in single for h in hits], abs=1e-6
    )
    assert all(h.vector is not None for hits in batched for h in hits)
    assert store.search_batch("memories", [], alice, limit=3) == []


def test_searches_without_payloads_rank_the_same_ids(store: VectorStore) -> None:
    store.upsert(
        "memories",
        [
            point("near", [1, 0.1, 0, 0], sparse=terms(paris=1.0, trip=1.0)),
            point("mid", [1, 1, 0, 0], sparse=terms(paris=0.5)),
            point("bobs", [1, 0, 0, 0], "bob", terms(paris=1.0)),
        ],
    )
    alice = Filter(must={"user_id": "alice"})
    full = store.search("memories", [2, 0, 0, 0], alice, 10)
    bare = store.search("memories", [2, 0, 0, 0], alice, 10, with_payload=False)
    assert [h.id for h in bare] == [h.id for h in full] == [pid("near"), pid("mid")]
    assert [h.score for h in bare] == pytest.approx([h.score for h in full], abs=1e-6)
    assert all(h.payload == {} for h in bare)
    query = terms(paris=1.0, trip=1.0)
    lexical = store.search_lexical("memories", query, alice, 10, with_payload=False)
    assert [h.id for h in lexical] == [pid("near"), pid("mid")]
    assert all(h.payload == {} for h in lexical)


def test_search_respects_the_limit_and_returns_normalised_vectors(store: VectorStore) -> None:
    store.upsert("memories", [point(f"p{i}", [1, i, 0, 0]) for i in range(5)])
    hits = store.search("memories", [1, 0, 0, 0], EVERYTHING, limit=2, with_vectors=True)
    assert names(hits) == ["p0", "p1"]
    assert hits[1].vector == pytest.approx([1 / math.sqrt(2), 1 / math.sqrt(2), 0, 0], abs=1e-6)
    assert store.search("memories", [1, 0, 0, 0], EVERYTHING, limit=0) == []


def test_must_not_any_of_and_is_null_filters(store: VectorStore) -> None:
    store.upsert(
        "memories",
        [
            point("work", [1, 0, 0, 0], category="work", superseded_by=None),
            point("health", [1, 0, 0, 0], category="health"),
            point("travel", [1, 0, 0, 0], category="travel", superseded_by=pid("work")),
            point("tagged", [1, 0, 0, 0], category=["work", "travel"], superseded_by=[]),
        ],
    )

    def matching(where: Filter) -> set[str]:
        return {r.payload["name"] for r in store.scroll("memories", where)}

    assert matching(Filter(must={"category": ["health", "travel"]})) == {
        "health",
        "travel",
        "tagged",
    }
    assert matching(Filter(must_not={"category": "work"})) == {"health", "travel"}
    assert matching(Filter(must_not={"category": ["work", "health"]})) == {"travel"}
    assert matching(Filter(is_null=("superseded_by",))) == {"work", "health", "tagged"}
    assert matching(Filter(must={"category": []})) == set()
    combined = Filter(must={"user_id": "alice"}, must_not={"category": "travel"}, is_null=("x",))
    assert matching(combined) == {"work", "health"}


def test_equality_is_type_strict_for_bools_and_ints(store: VectorStore) -> None:
    store.upsert(
        "memories",
        [
            point("pinned", [1, 0, 0, 0], pinned=True, rank=1),
            point("unpinned", [1, 0, 0, 0], pinned=False, rank=0),
            point("one", [1, 0, 0, 0], pinned=1),
        ],
    )
    assert store.count("memories", Filter(must={"pinned": True})) == 1
    assert store.count("memories", Filter(must={"pinned": False})) == 1
    assert store.count("memories", Filter(must={"pinned": 1})) == 1
    assert store.count("memories", Filter(must_not={"pinned": True})) == 2
    assert store.count("memories", Filter(must={"rank": 1})) == 1
    [record] = store.get("memories", [pid("pinned")])
    assert record.payload["pinned"] is True


def test_lexical_search_ranks_exact_term_matches_first_and_filters(store: VectorStore) -> None:
    store.upsert(
        "memories",
        [
            point("paris-trip", [1, 0, 0, 0], sparse=terms(paris=1.0, trip=1.0, the=0.5)),
            point("paris-only", [1, 0, 0, 0], sparse=terms(paris=0.6, the=0.5)),
            point("dentist", [1, 0, 0, 0], sparse=terms(dentist=1.0, the=0.5)),
            point("no-lexical", [1, 0, 0, 0]),
            point("bobs-paris-trip", [1, 0, 0, 0], "bob", terms(paris=1.0, trip=1.0)),
        ],
    )
    alice = Filter(must={"user_id": "alice"})
    hits = store.search_lexical("memories", terms(paris=1.0, trip=1.0), alice, limit=10)
    assert names(hits) == ["paris-trip", "paris-only"]
    assert hits[0].score > hits[1].score > 0
    assert store.search_lexical("memories", terms(budget=1.0), alice, limit=10) == []
    assert store.search_lexical("memories", SparseVector((), ()), alice, limit=10) == []
    top = store.search_lexical("memories", terms(the=1.0, dentist=1.0), EVERYTHING, limit=1)
    assert names(top) == ["dentist"]


def test_lexical_scores_use_qdrant_idf(store: VectorStore) -> None:
    # Given three documents with a lexical vector and one without (outside the corpus)
    store.upsert(
        "memories",
        [
            point("a", [1, 0, 0, 0], sparse=terms(paris=1.0, trip=0.5)),
            point("b", [1, 0, 0, 0], sparse=terms(paris=0.8)),
            point("c", [1, 0, 0, 0], sparse=terms(budget=1.2)),
            point("d", [1, 0, 0, 0]),
        ],
    )
    # When searching for two terms, one in 2 of 3 documents and one in 1 of 3
    hits = store.search_lexical("memories", terms(paris=1.0, budget=1.0), EVERYTHING, limit=10)

    # Then each score is the sum of idf * document weight, idf = ln(1 + (N - n + .5)/(n + .5))
    def idf(n: int, total: int = 3) -> float:
        return math.log(1 + (total - n + 0.5) / (n + 0.5))

    scores = {r.payload["name"]: r.score for r in hits}
    expected = {"a": idf(2) * 1.0, "b": idf(2) * 0.8, "c": idf(1) * 1.2}
    assert scores == pytest.approx(expected, rel=1e-4)


def test_get_returns_existing_points_in_the_order_asked(store: VectorStore) -> None:
    store.upsert("memories", [point("a", [1, 0, 0, 0]), point("b", [0, 1, 0, 0])])
    records = store.get("memories", [pid("b"), pid("missing"), pid("a"), pid("b")])
    assert names(records) == ["b", "a"]
    assert [r.id for r in records] == [pid("b"), pid("a")]
    assert records[0].vector is None and records[0].score == 0.0
    [with_vector] = store.get("memories", [pid("b")], with_vectors=True)
    assert with_vector.vector == pytest.approx([0, 1, 0, 0])
    assert store.get("memories", []) == []


def test_scroll_pages_through_every_matching_point_once(store: VectorStore) -> None:
    store.upsert(
        "memories",
        [point(f"p{i}", [1, i, 0, 0], user="bob" if i % 3 == 0 else "alice") for i in range(30)],
    )
    everything = list(store.scroll("memories", EVERYTHING))
    assert sorted(r.id for r in everything) == sorted(pid(f"p{i}") for i in range(30))
    assert [r.id for r in everything] == sorted(r.id for r in everything)
    bobs = list(store.scroll("memories", Filter(must={"user_id": "bob"}), with_vectors=True))
    assert sorted(names(bobs)) == sorted(f"p{i}" for i in range(0, 30, 3))
    assert all(r.vector is not None and len(r.vector) == 4 for r in bobs)


def test_count_and_delete_by_filter(store: VectorStore) -> None:
    store.upsert(
        "memories",
        [
            point("a1", [1, 0, 0, 0], category="work"),
            point("a2", [0, 1, 0, 0], category="travel"),
            point("b1", [1, 0, 0, 0], user="bob", category="work"),
        ],
    )
    assert store.count("memories", Filter(must={"category": "work"})) == 2
    store.delete("memories", Filter(must={"user_id": "alice", "category": "work"}))
    assert sorted(names(list(store.scroll("memories", EVERYTHING)))) == ["a2", "b1"]
    store.delete("memories", Filter(must={"user_id": "nobody"}))
    assert store.count("memories", EVERYTHING) == 2
    store.delete("memories", EVERYTHING)
    assert store.count("memories", EVERYTHING) == 0


def test_set_payload_merges_keys_and_skips_missing_ids(store: VectorStore) -> None:
    store.upsert("memories", [point("a", [1, 0, 0, 0], category="work", sparse=terms(paris=1.0))])
    store.set_payload("memories", [pid("a"), pid("gone")], {"category": "travel", "hits": 2})
    [record] = store.get("memories", [pid("a")], with_vectors=True)
    assert record.payload == {"user_id": "alice", "name": "a", "category": "travel", "hits": 2}
    assert record.vector == pytest.approx([1, 0, 0, 0])
    # The lexical vector survives a payload update too.
    assert names(store.search_lexical("memories", terms(paris=1.0), EVERYTHING, 5)) == ["a"]


def test_an_empty_collection_answers_every_read(store: VectorStore) -> None:
    assert store.search("memories", [1, 0, 0, 0], EVERYTHING, limit=5) == []
    assert store.search_lexical("memories", terms(paris=1.0), EVERYTHING, limit=5) == []
    assert store.get("memories", [pid("a")]) == []
    assert list(store.scroll("memories", EVERYTHING)) == []
    assert store.count("memories", Filter(must={"user_id": "alice"})) == 0
    store.delete("memories", EVERYTHING)
    store.set_payload("memories", [pid("a")], {"x": 1})
    store.flush()


def test_ensure_collection_is_idempotent_and_rejects_another_dim(store: VectorStore) -> None:
    store.upsert("memories", [point("a", [1, 0, 0, 0])])
    store.ensure_collection(MEMORIES)
    assert store.count("memories", EVERYTHING) == 1
    with pytest.raises(PermanentError, match="dim"):
        store.ensure_collection(CollectionSpec("memories", dim=8, lexical=True))


def test_vectors_of_the_wrong_dim_are_rejected(store: VectorStore) -> None:
    with pytest.raises(PermanentError, match="dim"):
        store.upsert("memories", [point("a", [1, 0, 0])])
    with pytest.raises(PermanentError, match="dim"):
        store.search("memories", [1, 0, 0, 0, 0], EVERYTHING, limit=3)
    assert store.count("memories", EVERYTHING) == 0


def test_bad_ids_and_unknown_collections_are_permanent_errors(store: VectorStore) -> None:
    with pytest.raises(PermanentError):
        store.upsert("memories", [VectorPoint("not-a-uuid", [1, 0, 0, 0], {})])
    with pytest.raises(PermanentError):
        store.count("nonexistent", EVERYTHING)
    with pytest.raises(PermanentError):
        list(store.scroll("nonexistent", EVERYTHING))


def test_a_collection_without_lexical_vector_still_takes_dense_points(store: VectorStore) -> None:
    store.ensure_collection(CollectionSpec("events", dim=2))
    store.upsert("events", [VectorPoint(pid("e"), [0.0, 1.0], {"kind": "note"})])
    assert [hit.id for hit in store.search("events", [0, 1], EVERYTHING, 1)] == [pid("e")]
    with pytest.raises(PermanentError):
        store.upsert("events", [VectorPoint(pid("f"), [1.0, 0.0], {}, terms(paris=1.0))])


def test_concurrent_writers_and_readers(store: VectorStore) -> None:
    # Given worker threads writing and reading at once
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(20):
                store.upsert("memories", [point(f"w{worker}-{i}", [1, i, worker, 0])])
                store.search("memories", [1, 0, 0, 0], Filter(must={"user_id": "alice"}), 5)
                store.count("memories", EVERYTHING)
        except BaseException as exc:  # collected, then asserted empty below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then nothing failed and every write landed
    assert errors == []
    assert store.count("memories", EVERYTHING) == 120


def test_closed_stores_refuse_calls(store: VectorStore) -> None:
    store.close()
    store.close()
    with pytest.raises(PermanentError):
        store.count("memories", EVERYTHING)


def test_unreachable_server_is_transient_and_never_shows_the_api_key() -> None:
    # Given a server URL nothing listens on (https, so the client doesn't warn about the key)
    server = QdrantServerStore(url="https://127.0.0.1:9", api_key="s3cret-key", timeout=1)
    # When a call is made, then it is retryable and the key is nowhere in the error
    with pytest.raises(TransientError) as caught:
        server.ensure_collection(MEMORIES)
    server.close()
    assert "s3cret-key" not in str(caught.value)
    assert caught.value.__cause__ is None or "s3cret-key" not in repr(caught.value.__cause__)
