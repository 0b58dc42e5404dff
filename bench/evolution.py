"""Self-evolution on the LoCoMo dev split: memory before and after one full run.

Every turn is memorised (micro-batches of 16, offline extraction), then every job runs
once for every conversation (consolidate → decay → discover → resummarize), as the
daemon's scheduler would: once with the default settings and once, on a copy of the same
memory, with a compacting profile (merge at 0.8; decay with a 30-day half-life, floor 0.3,
minimum age 30 days). Printed side by side, before and after: evidence recall@10
(items traced to turn ids through ``sources``, as bench/locomo_recall.py; also with
``include_history``, which searches archived items too), live items,
categories, the context snapshot's size in tokens (the default 1024-token budget, no
conversation) and all live memory in tokens (items + summaries, unbounded).

    .venv/bin/python bench/evolution.py [--batch 16]
"""

from __future__ import annotations

import argparse
import shutil
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

from locomo import Question, load


def measure(engine: MemoryEngine, users: list[str], questions: list[Question]) -> dict[str, float]:
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

    def with_history(q: Question, k: int) -> list[str]:
        found = engine.retrieve(q.user_id, q.question, top_k=k, include_history=True).items
        return [source for scored in found for source in scored.item.sources]

    return {
        "recall@10": r10,
        "recall@10, include_history": recall(questions, with_history)[10]["all"],
        "live items": items,
        "categories": categories,
        "snapshot tokens (mean/user)": statistics.mean(snapshot_tokens),
        "memory tokens (all live)": memory_tokens,
    }


PROFILES: dict[str, EvolutionSettings] = {
    "default": EvolutionSettings(),
    "compacting": EvolutionSettings.model_validate(
        {
            "consolidate": {"merge_threshold": 0.8},
            "decay": {"half_life_days": 30, "floor": 0.3, "min_age_days": 30},
        }
    ),
}


def evolve(engine: MemoryEngine, users: list[str], settings: EvolutionSettings) -> str:
    evolver = Evolver(engine, settings)
    changed: Counter[str] = Counter()
    seconds = 0.0
    for job in JOBS:
        for user in users:
            started = time.perf_counter()
            changes = evolver.run(job, user)
            seconds += time.perf_counter() - started
            for name, value in changes.model_dump().items():
                changed[name] += len(value)
    return ", ".join(f"{name} {count}" for name, count in changed.items()) + (
        f"; {seconds:.1f}s for all jobs and users"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=16, help="events per memorize call")
    args = parser.parse_args()
    events, questions = load()
    users = sorted({str(e["user_id"]) for e in events})
    embedder = FastEmbedEmbedder()
    results: dict[str, dict[str, float]] = {}
    notes: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        engine = MemoryEngine(QdrantEdgeStore(base), embedder, lexical=Bm25Encoder())
        for i in range(0, len(events), args.batch):
            engine.memorize(events[i : i + args.batch])
        results["before"] = measure(engine, users, questions)
        engine.close()
        for name, settings in PROFILES.items():
            copy = Path(tmp) / name
            shutil.copytree(base, copy)
            engine = MemoryEngine(QdrantEdgeStore(copy), embedder, lexical=Bm25Encoder())
            notes[name] = evolve(engine, users, settings)
            results[name] = measure(engine, users, questions)
            engine.close()
    print(f"LoCoMo dev: {len(events)} events, {len(users)} users, {len(questions)} questions\n")
    header = f"{'':<30}{'before':>10}" + "".join(
        f"{name:>12}{'÷ before':>10}" for name in PROFILES
    )
    print(header)
    print("-" * len(header))
    for metric, value in results["before"].items():
        row = f"{metric:<30}{value:>10.3f}"
        for name in PROFILES:
            after = results[name][metric]
            row += f"{after:>12.3f}{after / value if value else float('nan'):>9.2f}x"
        print(row)
    for name, note in notes.items():
        print(f"\n{name}: {note}")


if __name__ == "__main__":
    main()
