"""Self-evolution on the LoCoMo dev split: memory before and after one full run.

Every turn is memorised (micro-batches of 16, offline extraction), then every job runs
once for every conversation (consolidate → decay → discover → resummarize), as the
daemon's scheduler would. Printed side by side, before and after: evidence recall@10
(items traced to turn ids through ``sources``, as bench/locomo_recall.py), live items,
categories, the context snapshot's size in tokens (the default 1024-token budget, no
conversation) and all live memory in tokens (items + summaries, unbounded).

    .venv/bin/python bench/evolution.py [--batch 16]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from locomo_recall import engine_ranker, recall

from memoryd.config import SnapshotSettings
from memoryd.embedders.fastembed import FastEmbedEmbedder
from memoryd.embedders.lexical import Bm25Encoder
from memoryd.events import SnapshotTrigger
from memoryd.memory.engine import MemoryEngine
from memoryd.publishers.snapshot import SnapshotBuilder, estimate_tokens
from memoryd.schedulers.jobs import JOBS, Evolver
from memoryd.schedulers.settings import EvolutionSettings
from memoryd.stores.edge import QdrantEdgeStore

from locomo import load


def measure(engine: MemoryEngine, users: list[str], questions: list) -> dict[str, float]:  # type: ignore[type-arg]
    builder = SnapshotBuilder(engine, SnapshotSettings())
    snapshot_tokens = []
    memory_tokens = 0
    items = categories = 0
    for user in users:
        snapshot = builder.build(
            user, version=1, recent_turns=[], trigger=SnapshotTrigger(kind="bench")
        )
        snapshot_tokens.append(snapshot.token_estimate)
        live = engine.items(user)
        cats = engine.categories(user)
        items += len(live)
        categories += len(cats)
        memory_tokens += sum(estimate_tokens(i.text) for i in live)
        memory_tokens += sum(estimate_tokens(c.summary) for c in cats)
    r10 = recall(questions, engine_ranker(engine))[10]["all"]
    return {
        "recall@10": r10,
        "live items": items,
        "categories": categories,
        "snapshot tokens (mean/user)": statistics.mean(snapshot_tokens),
        "memory tokens (all live)": memory_tokens,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=16, help="events per memorize call")
    args = parser.parse_args()
    events, questions = load()
    users = sorted({str(e["user_id"]) for e in events})
    embedder = FastEmbedEmbedder()
    with tempfile.TemporaryDirectory() as tmp:
        engine = MemoryEngine(QdrantEdgeStore(tmp), embedder, lexical=Bm25Encoder())
        for i in range(0, len(events), args.batch):
            engine.memorize(events[i : i + args.batch])
        before = measure(engine, users, questions)
        evolver = Evolver(engine, EvolutionSettings())
        changed: Counter[str] = Counter()
        seconds: Counter[str] = Counter()
        for job in JOBS:
            for user in users:
                started = time.perf_counter()
                changes = evolver.run(job, user)
                seconds[job] += time.perf_counter() - started
                for name, value in changes.model_dump().items():
                    changed[name] += len(value)
        after = measure(engine, users, questions)
        engine.close()
    print(
        f"LoCoMo dev: {len(events)} events, {len(users)} users, {len(questions)} questions; "
        "default evolution settings\n"
    )
    print(f"{'':<30}{'before':>10}{'after':>10}{'after/before':>14}")
    for name, value in before.items():
        ratio = after[name] / value if value else float("nan")
        print(f"{name:<30}{value:>10.3f}{after[name]:>10.3f}{ratio:>13.2f}x")
    print("\nchanges: " + ", ".join(f"{name} {count}" for name, count in changed.items()))
    print("job seconds (all users): " + ", ".join(f"{j} {seconds[j]:.1f}" for j in JOBS))


if __name__ == "__main__":
    main()
