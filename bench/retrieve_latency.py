"""Retrieve latency at 10k and 100k items in the embedded store, and memorize throughput
beside the raw embedder's sentences/s measured in the same run.

    .venv/bin/python bench/retrieve_latency.py [--sizes 10000 100000] [--queries 200]

Latency is end to end through ``MemoryEngine.retrieve`` (query embedding, category, dense
and BM25 item search, resource search) on Qdrant Edge, filtered to one of 100 users. Beside
it, interleaved query by query, the floor: one query embedding and one raw Edge search of
the user's items (top 10), which retrieval cannot beat.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memoryd.config import StoreSettings
from memoryd.embedders.fastembed import FastEmbedEmbedder
from memoryd.embedders.lexical import Bm25Encoder
from memoryd.memory import facts, ids
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.extract import split_sentences
from memoryd.memory.models import Item, MemoryType, Resource
from memoryd.memory.ports import Vector, VectorPoint
from memoryd.memory.schema import ITEMS, RESOURCES, live_items, to_payload
from memoryd.stores.edge import QdrantEdgeStore

from locomo import load

USERS = 100
WORDS = (
    "lisbon berlin painting hiking nurse sister music jazz bakery dog cat garden "
    "running marathon camping beach guitar novel pottery yoga coffee tea football "
    "school teacher doctor startup wedding birthday trip mountains ocean"
).split()


def populate(
    engine: MemoryEngine, lexical: Bm25Encoder, size: int, rng: np.random.Generator
) -> None:
    t0 = datetime(2023, 1, 1, tzinfo=UTC)
    for start in range(0, size, 2000):
        n = min(2000, size - start)
        vectors = rng.standard_normal((n, engine.embedder.dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        items, resources = [], []
        for j in range(n):
            k = start + j
            user = f"user-{k % USERS}"
            text = "Sam " + " ".join(rng.choice(WORDS, size=8))
            when = t0 + timedelta(minutes=k)
            item = Item(
                id=ids.item_id(user, f"e{k}", text),
                user_id=user,
                text=text,
                memory_type=MemoryType.PROFILE,
                category=f"c{k % 10}",
                sources=[f"e{k}"],
                created_at=when,
                updated_at=when,
                valid_from=when,
            )
            items.append(
                VectorPoint(
                    item.id, vectors[j].tolist(), to_payload(item), lexical.encode_document(text)
                )
            )
            if k % 2 == 0:
                res = Resource(
                    id=ids.resource_id(user, f"e{k}"),
                    event_id=f"e{k}",
                    user_id=user,
                    content=text,
                    time=when,
                )
                resources.append(VectorPoint(res.id, vectors[j].tolist(), to_payload(res)))
        engine.store.upsert(ITEMS, items)
        engine.store.upsert(RESOURCES, resources)
    engine.store.flush()


def latency(
    engine: MemoryEngine, queries: int, rng: np.random.Generator
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(p50, p95) in ms of ``retrieve`` and of the floor, measured alternately."""
    samples: list[float] = []
    floor: list[float] = []
    for i in range(queries):
        query = " ".join(rng.choice(WORDS, size=4))
        user = f"user-{i % USERS}"
        started = time.perf_counter()
        engine.retrieve(user, query, top_k=10)
        samples.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        vector = engine.embedder.embed([query])[0]
        engine.store.search(ITEMS, vector, live_items(user), 10)
        floor.append((time.perf_counter() - started) * 1000)
    cuts, floor_cuts = statistics.quantiles(samples, n=100), statistics.quantiles(floor, n=100)
    return (cuts[49], cuts[94]), (floor_cuts[49], floor_cuts[94])


def best_embedder_rate(texts: list[str], sizes: list[int]) -> tuple[float, int]:
    """The raw embedder at its best: length-sorted texts, ONNX Runtime on every core, and
    the batch size (of ``sizes``), grouping (runs of similar length, or fixed slices) and
    thread spinning (on or off) that measure fastest here. Returns (texts/s, size)."""
    ordered = sorted(texts, key=len)
    best = (0.0, 0)
    for size in sizes:
        for grouped, spin in itertools.product((True, False), (False, True)):
            embedder = FastEmbedEmbedder(batch_size=size, group_by_length=grouped, spin=spin)
            embedder.embed(ordered[:size])  # warm up (first-call allocations)
            started = time.perf_counter()
            embedder.embed(ordered)
            best = max(best, (len(ordered) / (time.perf_counter() - started), size))
    return best


class _Recording:
    """The embedder, keeping the batches of texts memorize asks it for."""

    def __init__(self, embedder: FastEmbedEmbedder) -> None:
        self.embedder = embedder
        self.batches: list[list[str]] = []

    @property
    def dim(self) -> int:
        return self.embedder.dim

    def embed(self, texts: Sequence[str]) -> Vector:
        self.batches.append(list(texts))
        return self.embedder.embed(texts)


def memorize_rate(
    embedder: FastEmbedEmbedder, events: list[dict[str, object]], batch: int
) -> tuple[float, float]:
    """Events/s through ``MemoryEngine.memorize`` on Qdrant Edge with the daemon's default
    store settings, after a warm-up batch into a throwaway store (lazy loads excluded);
    and the ceiling: events/s of the embedder alone on the very texts memorize embedded,
    in the same batches (the best of three runs)."""
    flush_interval = StoreSettings().flush_interval_seconds
    facts.load_parser()  # as the daemon does before it consumes
    with tempfile.TemporaryDirectory() as tmp:
        warm = MemoryEngine(QdrantEdgeStore(tmp), embedder, lexical=Bm25Encoder())
        warm.memorize(events[:batch])
        warm.close()
    recording = _Recording(embedder)
    with tempfile.TemporaryDirectory() as tmp:
        store = QdrantEdgeStore(tmp, flush_interval=flush_interval)
        engine = MemoryEngine(store, recording, lexical=Bm25Encoder())
        started = time.perf_counter()
        for i in range(0, len(events), batch):
            engine.memorize(events[i : i + batch])
        elapsed = time.perf_counter() - started
        engine.close()
    alone = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for texts in recording.batches:
            embedder.embed(texts)
        alone = min(alone, time.perf_counter() - started)
    return len(events) / elapsed, len(events) / alone


def throughput(
    embedder: FastEmbedEmbedder, batch: int, sizes: list[int]
) -> tuple[tuple[float, float], tuple[float, int], tuple[float, int], float]:
    events, _ = load()
    turns = [str(e["content"]) for e in events]
    sentences = [s for turn in turns for s in split_sentences(turn)]
    sentence_rate = best_embedder_rate(sentences, sizes)
    rates = memorize_rate(embedder, events, batch)
    turn_rate = best_embedder_rate(turns, sizes)
    return rates, sentence_rate, turn_rate, len(sentences) / len(turns)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--embed-batches", type=int, nargs="+", default=[16, 32, 64, 128, 256])
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    embedder = FastEmbedEmbedder()
    lexical = Bm25Encoder()
    print(
        f"{'items':>8} {'p50 ms':>8} {'p95 ms':>8} {'floor p50':>10} {'floor p95':>10} "
        f"{'p95 ÷ floor p95':>16}  (retrieve top-10, {USERS} users)"
    )
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            engine = MemoryEngine(QdrantEdgeStore(tmp), embedder, lexical=lexical)
            populate(engine, lexical, size, rng)
            latency(engine, 20, rng)  # warm up
            (p50, p95), (f50, f95) = latency(engine, args.queries, rng)
            print(f"{size:>8} {p50:>8.2f} {p95:>8.2f} {f50:>10.2f} {f95:>10.2f} {p95 / f95:>16.2f}")
            engine.close()
    (events_s, ceiling_s), (sentences_s, s_size), (turns_s, t_size), per_event = throughput(
        embedder, args.batch, args.embed_batches
    )
    print(f"\nmemorize: {events_s:.0f} events/s (batches of {args.batch}, LoCoMo dev turns)")
    print(
        f"raw embedder at its best (length-sorted, best of batch sizes {args.embed_batches}, "
        "groupings and thread spinning): "
        f"{sentences_s:.0f} sentences/s at batch {s_size} ({per_event:.2f} sentences per turn), "
        f"{turns_s:.0f} whole turns/s at batch {t_size}"
    )
    print(f"ratio memorize events/s ÷ embedder sentences/s: {events_s / sentences_s:.2f}")
    print(f"ratio memorize events/s ÷ embedder whole turns/s: {events_s / turns_s:.2f}")
    # In the same unit on both sides: the sentences memorize gets through per second.
    print(
        "ratio memorize sentences/s (events/s × sentences per turn) ÷ embedder sentences/s: "
        f"{events_s * per_event / sentences_s:.2f}"
    )
    # What the first ratio can reach: memorize embeds at least the texts it stores.
    print(
        f"embedder alone on the texts memorize embedded, in its batches: {ceiling_s:.0f} "
        f"events/s; memorize ÷ that: {events_s / ceiling_s:.2f}; that ÷ embedder "
        f"sentences/s (the first ratio's ceiling): {ceiling_s / sentences_s:.2f}"
    )


if __name__ == "__main__":
    main()
