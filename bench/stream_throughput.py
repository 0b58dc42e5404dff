"""End-to-end streaming throughput: events published to the broker → memorised and acked by
an in-process daemon on the embedded default, beside the raw embedder measured in the same run.

    .venv/bin/python bench/stream_throughput.py [--events N] [--users 20]
        [--transport nats kafka]
        [--modes backlog live] [--batch-max-count 64] [--batch-max-wait-ms 50]
        [--concurrency 1] [--no-snapshots]

Events are LoCoMo dev turns copied to ``--users`` users and interleaved. ``backlog``
publishes them all first and times from when the started daemon consumes (after Kafka's
group join, ~5 s on tansu); ``live`` starts the daemon, waits the same way, and times from
the first publish. Both stop the clock when the pipeline has
memorised every event and the broker holds none unacked. The raw embedder rate is
``FastEmbedEmbedder().embed`` over the same turn texts (and over their sentences), in
batches of 64. The in-process baseline is ``MemoryEngine.memorize`` over the same events in
consecutive slices of ``--batch-max-count`` on Qdrant Edge with the daemon's store settings
(no broker, no snapshots): end to end ÷ in-process is what the daemon around the engine costs.

Other settings come from ``MEMORYD_*`` variables as for the daemon, e.g.
``MEMORYD_NATS__MAX_ACK_PENDING=4096`` or ``MEMORYD_NATS__FETCH_BATCH=1``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from retrieve_latency import memorize_rate

from memoryd.config import BatchSettings
from memoryd.embedders.fastembed import FastEmbedEmbedder
from memoryd.memory.extract import split_sentences

from locomo import load
from streaming import (
    TRANSPORTS,
    BenchTransport,
    LoopLag,
    bench_settings,
    histogram_summary,
    machine_busy,
    publish_all,
    quiet_logs,
    running_daemon,
    spread_over_users,
)

_POLL = 0.01
_STALL_SECONDS = 120.0


@dataclass
class Run:
    transport: str
    mode: str
    events: int
    seconds: float
    publish_seconds: float
    cpu_percent: float
    counts: dict[str, int]
    batches: int
    batch_mean: float
    batch_buckets: list[tuple[str, int]]
    memorize_busy: float
    snapshots: int
    loop_lag: str
    redelivered: int

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def embedder_rates(texts: list[str]) -> tuple[float, float, float]:
    """Raw embedder texts/s and sentences/s over ``texts``; sentences per text."""
    embedder = FastEmbedEmbedder()
    embedder.embed(texts[:64])  # warm-up: ONNX Runtime's first call allocates

    def rate(batch: list[str]) -> float:
        started = time.perf_counter()
        for i in range(0, len(batch), 64):
            embedder.embed(batch[i : i + 64])
        return len(batch) / (time.perf_counter() - started)

    sentences = [s for text in texts for s in split_sentences(text)]
    return rate(texts), rate(sentences), len(sentences) / len(texts)


async def _until_done(transport: BenchTransport, counts: dict[str, int], n: int) -> None:
    last, last_change = -1, time.monotonic()
    while True:
        done = counts["memorized"] + counts["dead_lettered"]
        if done >= n and await transport.unacked() == 0:
            return
        if done != last:
            last, last_change = done, time.monotonic()
        elif time.monotonic() - last_change > _STALL_SECONDS:
            raise RuntimeError(f"no progress for {_STALL_SECONDS:.0f}s at {done}/{n} events")
        await asyncio.sleep(_POLL)


async def run_once(
    name: str, mode: str, events: list[dict[str, Any]], overrides: dict[str, Any]
) -> Run:
    with tempfile.TemporaryDirectory(prefix="memoryd-bench-") as tmp:
        async with TRANSPORTS[name](Path(tmp)) as transport:
            settings = bench_settings(Path(tmp), transport, **overrides)
            async with running_daemon(settings, start=False) as daemon:
                publishing: asyncio.Task[None] | None = None
                lag = LoopLag()
                async with transport.publisher() as publisher:
                    if mode == "backlog":
                        await transport.declare()
                        started = time.perf_counter()
                        await publish_all(publisher, events)
                        publish_seconds = time.perf_counter() - started
                        await daemon.start()
                        # Timed from when it consumes: a Kafka group join (~5 s on tansu)
                        # is a start-up cost, not throughput.
                        await transport.ready(daemon)
                        cpu0, started = time.process_time(), time.perf_counter()
                        lag.start()
                    else:
                        await daemon.start()
                        await transport.ready(daemon)
                        cpu0, started = time.process_time(), time.perf_counter()
                        lag.start()
                        publishing = asyncio.create_task(publish_all(publisher, events))
                    await _until_done(transport, daemon.pipeline.counts, len(events))
                    seconds = time.perf_counter() - started
                    cpu = time.process_time() - cpu0
                    lag.stop()
                    if publishing is not None:
                        await publishing
                        publish_seconds = float("nan")  # overlaps the run; not separable
                batches, _, buckets = histogram_summary(daemon.metrics.batch_events)
                _, busy, _ = histogram_summary(daemon.metrics.memorize_batch_seconds)
                return Run(
                    transport=name,
                    mode=mode,
                    events=len(events),
                    seconds=seconds,
                    publish_seconds=publish_seconds,
                    cpu_percent=100 * cpu / seconds,
                    counts=dict(daemon.pipeline.counts),
                    batches=batches,
                    batch_mean=len(events) / batches if batches else 0.0,
                    batch_buckets=buckets,
                    memorize_busy=busy,
                    snapshots=daemon.snapshots.published,
                    loop_lag=lag.summary(),
                    redelivered=await transport.redeliveries(),
                )


def _print_runs(runs: list[Run], turns_s: float, sentences_s: float, memorize_s: float) -> None:
    print(
        f"\n{'transport':<9} {'mode':<8} {'events':>6} {'seconds':>8} {'events/s':>9} "
        f"{'÷memorize':>9} {'÷turns/s':>9} {'÷sent/s':>8} {'cpu%':>5} {'batches':>7} "
        f"{'ev/batch':>8} {'busy%':>6} {'snapshots':>9}"
    )
    for r in runs:
        print(
            f"{r.transport:<9} {r.mode:<8} {r.events:>6} {r.seconds:>8.2f} {r.rate:>9.0f} "
            f"{r.rate / memorize_s:>9.2f} "
            f"{r.rate / turns_s:>9.2f} {r.rate / sentences_s:>8.2f} {r.cpu_percent:>5.0f} "
            f"{r.batches:>7} {r.batch_mean:>8.1f} {100 * r.memorize_busy / r.seconds:>6.0f} "
            f"{r.snapshots:>9}"
        )
    for r in runs:
        shown = ", ".join(f"≤{le}: {n}" for le, n in r.batch_buckets if n)
        extra = (
            ""
            if r.publish_seconds != r.publish_seconds
            else (f"; publish alone {r.events / r.publish_seconds:.0f} events/s")
        )
        print(f"  {r.transport}/{r.mode} batch sizes {shown}{extra}")
        print(f"  {r.transport}/{r.mode} event loop lag (5 ms sleeper): {r.loop_lag}")
        bad = {k: v for k, v in r.counts.items() if k != "memorized" and v}
        if r.redelivered:
            bad["redelivered by the broker (each waited for ack_wait)"] = r.redelivered
        if bad:
            print(f"  {r.transport}/{r.mode} WARNING: {bad}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=None, help="default: one pass, all users")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument(
        "--transport", nargs="+", choices=sorted(TRANSPORTS), default=["nats", "kafka"]
    )
    modes = ["backlog", "live"]
    parser.add_argument("--modes", nargs="+", choices=modes, default=modes)
    parser.add_argument("--batch-max-count", type=int, default=64)
    parser.add_argument("--batch-max-wait-ms", type=int, default=50)
    parser.add_argument(
        "--concurrency", type=int, default=BatchSettings().concurrency, help="engine threads"
    )
    parser.add_argument("--no-snapshots", action="store_true", help="snapshot.enabled=false")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    quiet_logs(args.verbose)

    busy_before = machine_busy()
    turns, _ = load()
    events = spread_over_users(turns, args.users, args.events)
    texts = [str(e["content"]) for e in turns]
    turns_s, sentences_s, per_turn = embedder_rates(texts)
    memorize_s = memorize_rate(FastEmbedEmbedder(), events, args.batch_max_count)
    overrides: dict[str, Any] = {
        "batch": {
            "max_count": args.batch_max_count,
            "max_wait_ms": args.batch_max_wait_ms,
            "concurrency": args.concurrency,
        },
        "snapshot": {"enabled": not args.no_snapshots},
    }
    runs = [
        asyncio.run(run_once(name, mode, events, overrides))
        for name in args.transport
        for mode in args.modes
    ]
    print(
        f"{len(events)} events over {args.users} users (LoCoMo dev turns), "
        f"batch max_count={args.batch_max_count} max_wait_ms={args.batch_max_wait_ms} "
        f"concurrency={args.concurrency}, snapshots {'off' if args.no_snapshots else 'on'}, "
        f"{os.cpu_count()} CPUs, machine busy before the run {busy_before:.0f}%"
    )
    print(
        f"raw embedder (batches of 64): {turns_s:.0f} turns/s, {sentences_s:.0f} sentences/s "
        f"({per_turn:.2f} sentences per turn)"
    )
    print(
        f"in-process memorize (slices of {args.batch_max_count}, no broker): "
        f"{memorize_s:.0f} events/s"
    )
    _print_runs(runs, turns_s, sentences_s, memorize_s)
    print(
        "\nratios: events/s ÷ in-process memorize events/s, ÷ embedder turns/s and ÷ embedder "
        "sentences/s; busy% = time in memorize batches (summed over concurrent batches) ÷ "
        "wall time"
    )


if __name__ == "__main__":
    main()
