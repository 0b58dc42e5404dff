"""Memory over time: ingest a stream through NATS, then keep the daemon running (snapshots,
retrieval, evolution on its schedule) and print its RSS curve, and bytes per stored item.

    .venv/bin/python bench/soak.py [--events 10000] [--users 100] [--soak-seconds 300]
        [--sample-seconds 10] [--queries-per-second 5]

An in-process daemon on the embedded default consumes LoCoMo dev turns spread over
``--users`` users (published as a backlog). Once every event is memorised, ingestion stops
and the soak starts: retrieval runs at ``--queries-per-second`` through the engine while
RSS (this process: daemon, engine, Qdrant Edge, ONNX Runtime; nats-server is another
process) is sampled every ``--sample-seconds``. Bounded: the soak ends after
``--soak-seconds`` whatever happens. Flat means the last third of the samples grows by less
than 2% over the first third.

Bytes per stored item: the Qdrant Edge files on disk and the RSS growth during ingestion,
each divided by the points stored (items + resources).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memoryd.daemon.app import Daemon
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.ports import Filter
from memoryd.memory.schema import ITEMS, RESOURCES

from locomo import load
from streaming import (
    TRANSPORTS,
    BenchTransport,
    bench_settings,
    machine_busy,
    publish_all,
    quiet_logs,
    running_daemon,
    spread_over_users,
)

_POLL = 0.05
_INGEST_TIMEOUT = 1800.0
_MB = 1024 * 1024


def rss_bytes() -> int:
    """This process's resident set size, from /proc (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def disk_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


async def ingest(
    daemon: Daemon, transport: BenchTransport, events: list[dict[str, object]]
) -> float:
    """Publish ``events`` and wait until all are memorised; returns the seconds it took."""
    started = time.perf_counter()
    async with transport.publisher() as publisher:
        await publish_all(publisher, events)
    deadline = time.perf_counter() + _INGEST_TIMEOUT
    counts = daemon.pipeline.counts
    while counts["memorized"] + counts["dead_lettered"] < len(events):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"ingestion stalled at {counts}")
        await asyncio.sleep(_POLL)
    return time.perf_counter() - started


async def soak(
    engine: MemoryEngine, users: list[str], args: argparse.Namespace
) -> list[tuple[float, int]]:
    """Retrieval at a steady rate for ``args.soak_seconds``; RSS samples (seconds, bytes)."""
    rng = random.Random(7)
    turns, _ = load()
    queries = [str(t["content"]) for t in turns]
    samples: list[tuple[float, int]] = []
    started = time.perf_counter()
    next_sample = started
    interval = 1 / args.queries_per_second if args.queries_per_second > 0 else None
    while (now := time.perf_counter()) - started < args.soak_seconds:
        if now >= next_sample:
            samples.append((now - started, rss_bytes()))
            next_sample += args.sample_seconds
        if interval is None:
            await asyncio.sleep(min(args.sample_seconds, 1.0))
            continue
        user, query = rng.choice(users), rng.choice(queries)
        await asyncio.to_thread(engine.retrieve, user, query, 10)
        await asyncio.sleep(max(0.0, interval - (time.perf_counter() - now)))
    samples.append((time.perf_counter() - started, rss_bytes()))
    return samples


async def run(args: argparse.Namespace) -> None:
    turns, _ = load()
    events = spread_over_users(turns, args.users, args.events)
    users = sorted({str(e["user_id"]) for e in events})
    with tempfile.TemporaryDirectory(prefix="memoryd-soak-") as tmp:
        async with TRANSPORTS["nats"](Path(tmp)) as transport:
            settings = bench_settings(Path(tmp), transport)
            async with running_daemon(settings) as daemon:
                await transport.ready(daemon)
                engine = daemon.engine
                before = rss_bytes()
                seconds = await ingest(daemon, transport, events)
                await asyncio.to_thread(engine.flush)
                after = rss_bytes()
                items = engine.store.count(ITEMS, Filter())
                resources = engine.store.count(RESOURCES, Filter())
                on_disk = disk_bytes(settings.edge_path())
                samples = await soak(engine, users, args)
    points = items + resources
    print(
        f"nats: {len(events)} events over {args.users} users ingested in {seconds:.1f}s "
        f"({len(events) / seconds:.0f} events/s); {items} items + {resources} resources "
        f"stored; {os.cpu_count()} CPUs, machine busy before the run {args.busy_before:.0f}%"
    )
    print(
        f"bytes per stored point (items + resources): on disk {on_disk / points:,.0f}; "
        f"RSS growth during ingestion {(after - before) / points:,.0f} "
        f"(RSS {before / _MB:.0f} MB -> {after / _MB:.0f} MB)"
    )
    print(f"\nsoak: {args.soak_seconds:.0f}s, retrieval at {args.queries_per_second}/s")
    print(f"{'seconds':>8} {'RSS MB':>8}")
    for at, rss in samples:
        print(f"{at:>8.0f} {rss / _MB:>8.1f}")
    third = max(1, len(samples) // 3)
    first = sum(r for _, r in samples[:third]) / third
    last = sum(r for _, r in samples[-third:]) / third
    growth = (last - first) / first
    verdict = "flat" if growth < 0.02 else "GROWING"
    print(f"RSS last third ÷ first third: {last / first:.3f} ({verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--soak-seconds", type=float, default=300.0)
    parser.add_argument("--sample-seconds", type=float, default=10.0)
    parser.add_argument("--queries-per-second", type=float, default=5.0)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    args.busy_before = machine_busy()
    quiet_logs(args.verbose)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
