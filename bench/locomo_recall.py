"""Evidence recall@k on the LoCoMo dev split: memoryd vs. dense and BM25 over raw turns.

Every turn is fed as an event (id = dia_id, time = session date, user = conversation) in
micro-batches, as the daemon would. For each question of categories 1–4 the engine's top-k
items are traced through their ``sources`` to turn ids; recall is the share of evidence
turns found, averaged over questions. The baselines rank the raw turns with the same
embedder (dense) and with BM25 (bm25s), in the same run.

    .venv/bin/python bench/locomo_recall.py [--batch 16]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import bm25s
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memoryd.embedders.fastembed import FastEmbedEmbedder
from memoryd.embedders.lexical import Bm25Encoder
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.settings import MemorySettings
from memoryd.stores.edge import QdrantEdgeStore

from locomo import Question, load

KS = (5, 10, 20)
Ranker = Callable[[Question, int], list[str]]


def recall(questions: Sequence[Question], rank: Ranker) -> dict[int, dict[int | str, float]]:
    """recall[k][category or 'all'] = mean share of evidence turns in the top-k."""
    sums: dict[int, dict[int | str, list[float]]] = {k: defaultdict(list) for k in KS}
    for q in questions:
        for k in KS:
            found = set(rank(q, k))
            share = len(found & q.evidence) / len(q.evidence)
            sums[k][q.category].append(share)
            sums[k]["all"].append(share)
    return {k: {c: float(np.mean(v)) for c, v in per.items()} for k, per in sums.items()}


def turn_baselines(
    events: list[dict[str, object]], embedder: FastEmbedEmbedder
) -> dict[str, Ranker]:
    by_user: dict[str, list[dict[str, object]]] = defaultdict(list)
    for e in events:
        by_user[str(e["user_id"])].append(e)
    dense: dict[str, np.ndarray] = {}
    lexical: dict[str, bm25s.BM25] = {}
    for user, turns in by_user.items():
        texts = [str(t["content"]) for t in turns]
        dense[user] = embedder.embed(texts)
        index = bm25s.BM25()
        index.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
        lexical[user] = index

    def rank_dense(q: Question, k: int) -> list[str]:
        scores = dense[q.user_id] @ embedder.embed([q.question])[0]
        return [str(by_user[q.user_id][i]["id"]) for i in np.argsort(-scores)[:k]]

    def rank_bm25(q: Question, k: int) -> list[str]:
        tokens = bm25s.tokenize([q.question], stopwords="en", show_progress=False)
        docs, _ = lexical[q.user_id].retrieve(tokens, k=k, show_progress=False)
        return [str(by_user[q.user_id][int(i)]["id"]) for i in docs[0]]

    return {"dense top-k turns": rank_dense, "BM25 top-k turns": rank_bm25}


def engine_ranker(engine: MemoryEngine) -> Ranker:
    def rank(q: Question, k: int) -> list[str]:
        items = engine.retrieve(q.user_id, q.question, top_k=k).items
        return [source for scored in items for source in scored.item.sources]

    return rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=16, help="events per memorize call")
    parser.add_argument("--model-path", help="a local ONNX model directory (default: bundled)")
    args = parser.parse_args()
    events, questions = load()
    embedder = FastEmbedEmbedder(model_path=args.model_path)
    with tempfile.TemporaryDirectory() as tmp:
        store = QdrantEdgeStore(tmp)
        hybrid = MemoryEngine(store, embedder, lexical=Bm25Encoder())
        started = time.perf_counter()
        for i in range(0, len(events), args.batch):
            hybrid.memorize(events[i : i + args.batch])
        elapsed = time.perf_counter() - started
        items = sum(hybrid.stats(u).items for u in {str(e["user_id"]) for e in events})
        dense_only = MemoryEngine(store, embedder, settings=MemorySettings(lexical=False))
        rankers: dict[str, Ranker] = {
            "memoryd (dense + BM25)": engine_ranker(hybrid),
            "memoryd (dense only)": engine_ranker(dense_only),
            **turn_baselines(events, embedder),
        }
        results = {name: recall(questions, rank) for name, rank in rankers.items()}
        store.close()
    print(
        f"LoCoMo dev: {len(events)} events → {items} items in {elapsed:.1f}s "
        f"({len(events) / elapsed:.0f} events/s); {len(questions)} questions (cat 1–4)\n"
    )
    header = f"{'method':<26}" + "".join(f"{f'R@{k}':>8}" for k in KS)
    header += "".join(f"{f'c{c}@10':>8}" for c in (1, 2, 3, 4))
    print(header)
    print("-" * len(header))
    for name, res in results.items():
        row = f"{name:<26}" + "".join(f"{res[k]['all']:>8.3f}" for k in KS)
        row += "".join(f"{res[10].get(c, float('nan')):>8.3f}" for c in (1, 2, 3, 4))
        print(row)
    ours = results["memoryd (dense + BM25)"][10]["all"]
    for base in ("dense top-k turns", "BM25 top-k turns"):
        print(f"\nrecall@10 memoryd / {base}: {ours / results[base][10]['all']:.2f}x", end="")
    print()


if __name__ == "__main__":
    main()
