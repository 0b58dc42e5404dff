"""Compare a candidate int8 MiniLM with the bundled one: batch invariance, speed, quality.

Measured on 300 LoCoMo turns (``bench/locomo.py``; read here, never shipped), through
memoryd's ``FastEmbedEmbedder`` as the daemon uses it:

1. invariance: each text embedded alone vs inside shuffled batches of 8, 64 and 256;
   max |cos - 1| per text must stay below 1e-4;
2. speed: sentences/s, length-sorted batches of 64, both models interleaved a few times;
3. quality: mean cosine to the fp32 torch model (computed by ``--export-python``, a venv
   with the ``export`` extras, via ``export_minilm_onnx.py``) and recall@10 of
   ``bench/locomo_recall.py`` for "memoryd (dense + BM25)".

The candidate is a model directory, e.g. one written by ``export_minilm_onnx.py --static
DIR``; the checks above are its acceptance criteria. Run from the repository root::

    PYTHONPATH=$PWD .venv/bin/python scripts/check_minilm_int8.py DIR \\
        --export-python /path/to/export-venv/bin/python
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from memoryd.embedders.fastembed import FastEmbedEmbedder

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DIR = REPO_ROOT / "memoryd" / "embedders" / "models" / "all-MiniLM-L6-v2-int8"
SAMPLE = 300
INVARIANCE_BATCHES = (8, 64, 256)
MAX_DEVIATION = 1e-4
MIN_SPEED_RATIO = 0.9
MIN_MEAN_COSINE = 0.99
MAX_RECALL_DROP = 0.005


def sample_turns(count: int, seed: int = 1) -> list[str]:
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    from locomo import load

    events, _ = load()
    return [str(e["content"]) for e in random.Random(seed).sample(events, count)]


def embedder(model: Path, batch_size: int = 64) -> FastEmbedEmbedder:
    # Imported here: the --torch-reference mode runs in the export venv, without memoryd.
    from memoryd.embedders.fastembed import FastEmbedEmbedder

    return FastEmbedEmbedder(model_path=model, batch_size=batch_size)


def batch_deviation(model: Path, texts: list[str]) -> dict[int, float]:
    """Per batch size, max over texts of |cos(alone, in a shuffled batch) - 1|."""
    alone = np.concatenate([embedder(model, 1).embed([t]) for t in texts])
    result = {}
    for size in INVARIANCE_BATCHES:
        order = list(range(len(texts)))
        random.Random(size).shuffle(order)
        batched = np.empty_like(alone)
        emb = embedder(model, size)
        for i in range(0, len(order), size):
            chunk = order[i : i + size]
            batched[chunk] = emb.embed([texts[j] for j in chunk])
        result[size] = float(np.abs((alone * batched).sum(axis=1) - 1).max())
    return result


def speeds(models: dict[str, Path], texts: list[str], rounds: int) -> dict[str, list[float]]:
    """Sentences/s per round, the models taking turns (in alternating order) so that the
    noise of a shared machine hits both alike."""
    loaded = {name: embedder(path) for name, path in models.items()}
    for emb in loaded.values():
        emb.embed(texts[:64])  # warm-up: first runs pay for allocations
    result: dict[str, list[float]] = {name: [] for name in models}
    for i in range(rounds):
        for name, emb in list(loaded.items())[:: 1 if i % 2 else -1]:
            started = time.perf_counter()
            emb.embed(texts)
            result[name].append(len(texts) / (time.perf_counter() - started))
    return result


def torch_reference(export_python: str, texts: list[str], model: Path) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "texts.json", Path(tmp) / "ref.npy"
        src.write_text(json.dumps(texts), encoding="utf-8")
        cmd = [export_python, __file__, "--torch-reference", str(src), str(out), str(model)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        return np.load(out)


def write_torch_reference(src: Path, out: Path, model: Path) -> None:
    """In the export venv: fp32 torch sentence embeddings of the texts in ``src``."""
    import torch
    from tokenizers import Tokenizer

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import export_minilm_onnx as export

    encoder = export.load_encoder(export.locate_source())
    tokenizer = Tokenizer.from_file(str(model / "tokenizer.json"))
    texts = json.loads(src.read_text(encoding="utf-8"))
    rows = []
    for i in range(0, len(texts), 16):
        feeds = export.featurize(tokenizer, texts[i : i + 16])
        with torch.inference_mode():
            hidden = encoder(*(torch.from_numpy(feeds[n]) for n in export.INPUT_NAMES))
        rows.append(export.mean_pool(hidden.numpy(), feeds["attention_mask"]))
    np.save(out, np.concatenate(rows))


def locomo_recall_at_10(model: Path) -> float:
    cmd = [
        sys.executable,
        str(REPO_ROOT / "bench" / "locomo_recall.py"),
        "--model-path",
        str(model),
    ]
    output = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    match = re.search(r"^memoryd \(dense \+ BM25\)\s+\S+\s+(\S+)", output, re.MULTILINE)
    if match is None:
        raise SystemExit(f"no recall row in locomo_recall.py output:\n{output}")
    return float(match.group(1))


def report(ok: bool, line: str) -> bool:
    print(f"{'ok  ' if ok else 'FAIL'} {line}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("candidate", nargs="?", type=Path, help="model directory to check")
    parser.add_argument("--export-python", help="python of the export venv (required)")
    parser.add_argument("--rounds", type=int, default=10, help="speed rounds per model")
    parser.add_argument("--torch-reference", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_reference:
        write_torch_reference(*(Path(p) for p in args.torch_reference))
        return 0
    if not (args.candidate and args.export_python):
        parser.error("a candidate directory and --export-python are required")
    texts = sample_turns(SAMPLE)
    models = {"bundled": BUNDLED_DIR, "candidate": args.candidate.resolve()}
    ok = True
    for name, path in models.items():
        size = (path / "model.onnx").stat().st_size
        print(f"{name:<9} {path}/model.onnx: {size / 1e6:.1f} MB")

    print(f"\n1. alone vs shuffled batches, max |cos - 1| over {SAMPLE} turns")
    for name, path in models.items():
        dev = batch_deviation(path, texts)
        line = "  ".join(f"batch {b}: {d:.1e}" for b, d in dev.items())
        if name == "candidate":
            ok &= report(max(dev.values()) < MAX_DEVIATION, f"{name:<9} {line}")
        else:
            print(f"     {name:<9} {line}")

    speed_texts = sorted(texts * 4, key=len)  # 1200 texts; embed() length-sorts anyway
    print(f"\n2. sentences/s, fastembed batch 64, {len(speed_texts)} texts, {args.rounds} rounds")
    rates = speeds(models, speed_texts, args.rounds)
    for name, r in rates.items():
        print(f"     {name:<9} median {np.median(r):6.0f}  best {max(r):6.0f}  {np.round(r)}")
    # Rounds next to each other in time saw similar load: compare within a round.
    ratio = float(np.median(np.divide(rates["candidate"], rates["bundled"])))
    ok &= report(ratio >= MIN_SPEED_RATIO, f"candidate / bundled, median per round: {ratio:.2f}x")

    print("\n3. quality")
    reference = torch_reference(args.export_python, texts, models["candidate"])
    for name, path in models.items():
        cos = (embedder(path).embed(texts) * reference).sum(axis=1)
        line = f"{name:<9} cosine to fp32 torch: mean {cos.mean():.4f}, min {cos.min():.4f}"
        ok &= report(name == "bundled" or cos.mean() >= MIN_MEAN_COSINE, line)
    recall = {name: locomo_recall_at_10(path) for name, path in models.items()}
    for name, r in recall.items():
        print(f"     {name:<9} LoCoMo recall@10, memoryd (dense + BM25): {r:.3f}")
    drop = recall["bundled"] - recall["candidate"]
    ok &= report(drop <= MAX_RECALL_DROP, f"recall@10 drop {drop:+.3f}")
    print("\nall checks passed" if ok else "\nSOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
