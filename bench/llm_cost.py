"""LLM calls and tokens per 100 events: memoryd's LLM mode vs. mem0, side by side.

    .venv/bin/python bench/llm_cost.py [--events 300] [--batch 64] [--also 8 1]

The same LoCoMo dev turns (the conversations interleaved as from concurrent users, the
first ``--events`` of them) are replayed into

* memoryd, built as the daemon builds it (``build_engine``: Qdrant Edge in a temp dir,
  OpenAI-compatible embedder, inline LLM mode: per user batch one extraction request and,
  when categories changed, one summary-rewrite request), fed per-user micro-batches of up
  to ``--batch`` consecutive turns as the daemon's batcher cuts a backlog; also at the
  ``--also`` sizes, 8 and 1 by default. Batch 1 is what a live chat gets: a batch waits
  at most ``batch.max_wait_ms`` (50 ms), far less than the time between two turns;
* memoryd live (``llm_live.py``): the default two tiers, turn by turn on a simulated
  clock; one refinement request per conversation window, the category summaries revised
  in its answer (a separate summary request only for one the answer lacks: counted as
  ``fallback`` in the note, with ``folded``, ``held`` and ``extractive``);
* mem0 (``mem0ai`` 2.x, ``Memory.from_config``: LLM and embedder "openai" at the same
  server, local on-disk Qdrant in a temp dir, telemetry off), one ``add(messages,
  user_id=...)`` per turn as its docs recommend for chat.

Both talk to a fake OpenAI-compatible server (``llm_fake.RecordingServer``, a fresh one
per run). It answers each system's extraction prompt (and memoryd's refinement prompt)
with the same facts (one per turn holding a sentence of five words or more), memoryd's
summary prompt (and the summaries folded into its refinement answer) with the newest
memories up to the target length, and counts every request. Tokens are its word counts,
not a real tokenizer's: compare the systems, not the absolute numbers. Embeddings come
from the same server for both. Any connection off this machine is refused and reported.

memU v1.5.1 is not run; its calls follow its documented memorize pipeline, per call
``1 + segments x (1 + memory types) + touched categories``, with 5 memory types, one
memorize call per conversation session, a segment per ``--memu-segment-turns`` turns
(default 20) and ``--memu-touched`` categories updated per call (default 3).

mem0 2.x extracts in one call per ``add`` ("additive extraction", ADD only; the 1.x
fact-extraction + update-decision pair is gone). Without spaCy's ``en_core_web_sm`` model
(not on PyPI) its entity linking, one more embedding request per add, is skipped, and so
is its BM25 (``Qdrant/bm25`` comes from the Hugging Face hub): mem0's embedding requests
are a lower bound.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memoryd.bootstrap import build_engine
from memoryd.config import Settings
from memoryd.llm.prompts import EXTRACTION_VERSION
from memoryd.telemetry.llm_metrics import LlmMetrics

from llm_fake import (
    OutboundGuard,
    RecordingServer,
    Tally,
    mem0_extract,
    memoryd_extract,
    memoryd_refine,
    memoryd_summarize,
    offline,
)
from llm_live import LiveResult, p99, run_live
from locomo import load

DIM = 64
MEMU_MEMORY_TYPES = 5  # profile, event, knowledge, behavior, skill


@dataclass
class Row:
    system: str
    events: int
    calls: int
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    embedding_requests: int | None = None
    seconds: float | None = None
    note: str = ""


def replay_stream(limit: int) -> list[dict[str, Any]]:
    """The first ``limit`` turns of the conversations interleaved round-robin; each
    conversation (one user) keeps its order."""
    events, _ = load()
    conversations: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        conversations.setdefault(event["user_id"], []).append(event)
    longest = max(len(turns) for turns in conversations.values())
    stream = [
        turns[i] for i in range(longest) for turns in conversations.values() if i < len(turns)
    ]
    return stream[:limit]


def user_batches(stream: Sequence[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    """A backlog cut as the daemon's batcher cuts it: up to ``size`` turns of one user."""
    per_user: dict[str, list[dict[str, Any]]] = {}
    for event in stream:
        per_user.setdefault(event["user_id"], []).append(event)
    return [turns[i : i + size] for turns in per_user.values() for i in range(0, len(turns), size)]


def fake_server() -> RecordingServer:
    return RecordingServer(
        [memoryd_refine, memoryd_extract, memoryd_summarize, mem0_extract], dim=DIM
    )


def run_memoryd(stream: Sequence[dict[str, Any]], batch: int, workdir: Path) -> Row:
    metrics = LlmMetrics()
    with fake_server() as server, tempfile.TemporaryDirectory(dir=workdir) as data_dir:
        settings = Settings(
            data_dir=Path(data_dir),
            # dim given, so the embedder sends no dimension probe
            embedder={
                "kind": "openai",
                "base_url": server.base_url,
                "model_name": "bench-embed",
                "dim": DIM,
            },
            # A backlog cut into batches: the model extracts each batch (inline mode).
            llm={"base_url": server.base_url, "model": "bench-model", "mode": "inline"},
        )
        engine = build_engine(settings, llm_metrics=metrics)
        started = time.perf_counter()
        try:
            for events in user_batches(stream, batch):
                engine.memorize(events)
            items = sum(len(engine.items(u)) for u in {e["user_id"] for e in stream})
        finally:
            engine.close()
        seconds = time.perf_counter() - started
        tally = Tally.of(server)
    fallbacks = sum(
        s.value for m in metrics.fallbacks.collect() for s in m.samples if s.name.endswith("_total")
    )
    return _row(f"memoryd (batch {batch})", stream, tally, seconds, items, int(fallbacks))


def run_mem0(stream: Sequence[dict[str, Any]], workdir: Path) -> Row:
    # mem0 reads these when imported: telemetry (PostHog, remote notice config) off, its
    # home (~/.mem0) in the temp dir, and no variable that would send it elsewhere.
    os.environ["MEM0_TELEMETRY"] = "False"
    os.environ["MEM0_DIR"] = str(workdir / "mem0-home")
    for redirect in ("OPENROUTER_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE"):
        os.environ.pop(redirect, None)
    from mem0 import Memory
    from mem0.memory import telemetry

    if telemetry.MEM0_TELEMETRY:
        raise RuntimeError("mem0 was imported before its telemetry was turned off")

    with fake_server() as server:
        openai = {"api_key": "unused", "openai_base_url": server.base_url}
        memory = Memory.from_config(
            {
                "llm": {
                    "provider": "openai",
                    "config": {"model": "bench-model", "temperature": 0.0, **openai},
                },
                "embedder": {
                    "provider": "openai",
                    "config": {"model": "bench-embed", "embedding_dims": DIM, **openai},
                },
                "vector_store": {
                    "provider": "qdrant",
                    "config": {
                        "collection_name": "bench",
                        "path": str(workdir / "mem0-qdrant"),
                        "on_disk": True,
                        "embedding_model_dims": DIM,
                    },
                },
                "history_db_path": str(workdir / "mem0-history.db"),
            }
        )
        # Its BM25 model (fastembed "Qdrant/bm25") comes from the Hugging Face hub, which
        # is out of reach: skip the download that would fail after ~40 s of retries. It
        # costs no model or embedding request either way.
        memory.vector_store._bm25_encoder = False
        started = time.perf_counter()
        try:
            for event in stream:
                message = {"role": "user", "content": f"{event['speaker']}: {event['content']}"}
                memory.add([message], user_id=event["user_id"])
            users = {e["user_id"] for e in stream}
            items = sum(
                len(memory.get_all(filters={"user_id": u}, top_k=len(stream))["results"])
                for u in users
            )
        finally:
            memory.close()
        seconds = time.perf_counter() - started
        tally = Tally.of(server)
    version = importlib.metadata.version("mem0ai")
    return _row(f"mem0 {version} (add per turn)", stream, tally, seconds, items, 0)


def _row(
    name: str,
    stream: Sequence[dict[str, Any]],
    tally: Tally,
    seconds: float,
    items: int,
    fallbacks: int,
) -> Row:
    problems = [
        f"{n} {what}"
        for n, what in (
            (fallbacks, "offline fallbacks"),
            (tally.failed, "failed requests"),
            (tally.by_prompt["unrecognised"], "unrecognised prompts"),
        )
        if n
    ]
    prompts = ", ".join(f"{n} {name}" for name, n in sorted(tally.by_prompt.items()))
    note = f"{items} memories stored; calls: {prompts}" + "".join(f"; {p}!" for p in problems)
    return Row(
        name,
        len(stream),
        tally.chat_requests,
        tally.prompt_tokens,
        tally.completion_tokens,
        tally.embedding_requests,
        seconds,
        note,
    )


def memu_row(stream: Sequence[dict[str, Any]], segment_turns: int, touched: int) -> Row:
    """memU's calls by its pipeline: one memorize call per session of the stream."""
    sessions: dict[tuple[str, str], int] = {}
    for event in stream:
        key = (event["user_id"], event["session_id"])
        sessions[key] = sessions.get(key, 0) + 1
    calls = sum(
        1 + math.ceil(turns / segment_turns) * (1 + MEMU_MEMORY_TYPES) + touched
        for turns in sessions.values()
    )
    note = (
        f"computed: {len(sessions)} memorize calls (one per session), a segment per "
        f"{segment_turns} turns, {MEMU_MEMORY_TYPES} memory types, {touched} categories touched"
    )
    return Row("memU v1.5.1 (computed)", len(stream), calls, note=note)


def per_100(value: int | None, events: int) -> str:
    return "—" if value is None else f"{100 * value / events:,.1f}"


def print_table(rows: Sequence[Row]) -> None:
    header = (
        f"{'system':<26}{'events':>7}{'LLM calls':>10}{'calls/100':>10}"
        f"{'prompt tok/100':>16}{'compl. tok/100':>16}{'embed req/100':>15}{'wall s':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        wall = "—" if r.seconds is None else f"{r.seconds:.1f}"
        print(
            f"{r.system:<26}{r.events:>7}{r.calls:>10}{per_100(r.calls, r.events):>10}"
            f"{per_100(r.prompt_tokens, r.events):>16}"
            f"{per_100(r.completion_tokens, r.events):>16}"
            f"{per_100(r.embedding_requests, r.events):>15}{wall:>8}"
        )
    print()
    for r in rows:
        print(f"{r.system}: {r.note}")


def print_ratios(memoryd: Sequence[Row], mem0: Row) -> None:
    print()
    for r in memoryd:
        calls = r.calls / mem0.calls if mem0.calls else float("nan")
        tokens = _total(r) / _total(mem0) if _total(mem0) else float("nan")
        print(f"{r.system} ÷ mem0: LLM calls {calls:.3f}x, prompt+completion tokens {tokens:.3f}x")


def live_row(stream: Sequence[dict[str, Any]], live: LiveResult) -> Row:
    windows = ", ".join(f"{n} {reason}" for reason, n in sorted(live.windows.items()))
    summaries = ", ".join(f"{n} {source}" for source, n in sorted(live.summaries.items()))
    row = _row("memoryd (live)", stream, live.tally, 0.0, live.items, live.fallbacks)
    row.seconds = None
    row.note += f"; windows closed: {windows or 'none'}"
    row.note += f"; category summaries after refinement: {summaries or 'none'}"
    return row


def print_freshness(on: LiveResult, off: LiveResult) -> None:
    p50 = statistics.median
    ratio = p99(on.freshness) / p99(off.freshness)
    print(
        f"freshness (turn -> snapshot with its offline item), live replay: LLM mode on "
        f"p50 {1000 * p50(on.freshness):.1f} ms p99 {1000 * p99(on.freshness):.1f} ms; "
        f"offline p50 {1000 * p50(off.freshness):.1f} ms p99 {1000 * p99(off.freshness):.1f} "
        f"ms; p99 ratio {ratio:.2f}x"
    )


def _total(row: Row) -> int:
    return (row.prompt_tokens or 0) + (row.completion_tokens or 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300, help="turns to replay (788 = all)")
    parser.add_argument("--batch", type=int, default=64, help="memoryd turns per user batch")
    parser.add_argument(
        "--also", type=int, nargs="*", default=[8, 1], help="more memoryd batch sizes"
    )
    parser.add_argument("--skip-mem0", action="store_true", help="memoryd and memU only")
    parser.add_argument("--memu-segment-turns", type=int, default=20)
    parser.add_argument("--memu-touched", type=int, default=3)
    parser.add_argument(
        "--turn-seconds", type=float, default=5.0, help="live: simulated seconds between turns"
    )
    parser.add_argument(
        "--session-gap", type=float, default=3600.0, help="live: simulated seconds between sessions"
    )
    parser.add_argument(
        "--wall-gap-ms", type=float, default=20.0, help="live: real pause after each turn"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    stream = replay_stream(args.events)
    guard = OutboundGuard()
    print(
        f"LoCoMo dev: {len(stream)} turns of {len({e['user_id'] for e in stream})} "
        f"conversations; memoryd prompt {EXTRACTION_VERSION}; tokens = words\n"
    )
    with offline(guard), tempfile.TemporaryDirectory(prefix="llm-cost-") as tmp:
        workdir = Path(tmp)
        sizes = dict.fromkeys([args.batch, *args.also])
        memoryd = [run_memoryd(stream, size, workdir) for size in sizes]
        live_on, live_off = run_live(
            stream,
            workdir,
            fake_server,
            dim=DIM,
            turn_seconds=args.turn_seconds,
            session_gap=args.session_gap,
            wall_gap=args.wall_gap_ms / 1000,
        )
        memoryd.append(live_row(stream, live_on))
        mem0 = None if args.skip_mem0 else run_mem0(stream, workdir)
    memu = memu_row(stream, args.memu_segment_turns, args.memu_touched)
    if mem0 is None:
        # mem0 2.x makes one extraction call per add (one add per turn): its count, not
        # its tokens, follows from the stream.
        mem0 = Row("mem0 (computed: 1 call per add)", len(stream), len(stream))
    print_table([*memoryd, mem0, memu])
    print_ratios(memoryd, mem0)
    print_freshness(live_on, live_off)
    hosts = ", ".join(sorted(set(guard.blocked))) or "none"
    print(f"\noutbound connections refused: {len(guard.blocked)} ({hosts})")
    print(f"wall time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
