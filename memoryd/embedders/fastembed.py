"""Dense embeddings from fastembed (ONNX Runtime), by default the bundled int8 MiniLM.

The bundled model ships inside the wheel (``models/all-MiniLM-L6-v2-int8``, made by
``scripts/export_minilm_onnx.py --static``), so the default needs no network and no model
cache. It is quantised with calibrated, fixed activation scales: a text's vector does not
depend on which texts share its batch.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from memoryd.errors import PermanentError
from memoryd.memory.ports import Vector

if TYPE_CHECKING:
    from fastembed import TextEmbedding

logger = logging.getLogger(__name__)

BUNDLED_MODEL_DIR = Path(__file__).resolve().parent / "models" / "all-MiniLM-L6-v2-int8"
#: The name the bundled model is registered under in fastembed's custom-model registry.
BUNDLED_MODEL_NAME = "memoryd/all-MiniLM-L6-v2-int8"
_MODEL_FILE = "model.onnx"


class FastEmbedEmbedder:
    """An :class:`~memoryd.memory.ports.Embedder` over ``fastembed.TextEmbedding``.

    - neither ``model_name`` nor ``model_path``: the bundled MiniLM, loaded from the package.
    - ``model_path`` only: a local mean-pooled ONNX model directory laid out like the bundled
      one (``model.onnx``, tokenizer files, ``config.json`` with ``hidden_size``).
    - ``model_name``: a model from fastembed's registry, downloaded into fastembed's cache
      (or read from ``model_path`` when given). Without network this fails at construction.

    ``threads`` caps ONNX Runtime's threads (default: its own choice, one per core);
    ``batch_size`` caps the texts of one model run; runs group texts of similar length
    unless ``group_by_length`` is off (then: consecutive slices of the length-sorted texts).
    ``spin``: let ONNX Runtime's threads spin between runs (off by default, see
    :func:`_without_spinning`).
    """

    def __init__(
        self,
        model_name: str | None = None,
        model_path: str | Path | None = None,
        threads: int | None = None,
        batch_size: int = 64,
        group_by_length: bool = True,
        spin: bool = False,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._batch_size = batch_size
        self._group_by_length = group_by_length
        self._model, self._dim = _load(model_name, model_path, threads)
        if not spin:
            _without_spinning(self._model)

    @property
    def dim(self) -> int:
        """The size of every vector :meth:`embed` returns."""
        return self._dim

    @property
    def model_name(self) -> str:
        """The fastembed model name (the registry name for local models)."""
        name: str = self._model.model_name
        return name

    def embed(self, texts: Sequence[str]) -> Vector:
        """Embed ``texts``: float32, L2-normalised rows in input order."""
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        out = np.empty((len(texts), self._dim), dtype=np.float32)
        spread = _LENGTH_SPREAD if self._group_by_length else float("inf")
        for group in _length_groups(texts, self._batch_size, spread):
            rows = self._model.embed([texts[i] for i in group], batch_size=len(group))
            out[group] = np.asarray(list(rows), dtype=np.float32)
        # Registry models are not all normalised by fastembed; a no-op for the bundled one.
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out


#: A model run's texts are at most this much longer than its shortest (plus a few chars).
_LENGTH_SPREAD = 1.3
_LENGTH_SLACK = 10


def _length_groups(
    texts: Sequence[str], most: int, spread: float = _LENGTH_SPREAD
) -> list[list[int]]:
    """Positions of ``texts`` in model runs of at most ``most`` texts of similar length.

    A run pads every text to its longest, so the padding is wasted work: texts are sorted
    by length and a run ends where the next text is much longer than the run's first. On
    LoCoMo turns this beat every fixed batch size, both for a memorize batch's ~50 texts
    and for thousands of sentences. The bundled model's vectors do not depend on their
    batch-mates, so how texts are grouped changes only the speed.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    groups: list[list[int]] = []
    group: list[int] = []
    for i in order:
        if group and (
            len(group) >= most or len(texts[i]) > spread * len(texts[group[0]]) + _LENGTH_SLACK
        ):
            groups.append(group)
            group = []
        group.append(i)
    if group:
        groups.append(group)
    return groups


def _load(
    model_name: str | None, model_path: str | Path | None, threads: int | None
) -> tuple[TextEmbedding, int]:
    # Imported here: fastembed pulls in onnxruntime and huggingface_hub (~0.4 s), which
    # only processes that actually embed should pay for.
    from fastembed import TextEmbedding

    path = Path(model_path) if model_path is not None else None
    if model_name is None:
        path = path or BUNDLED_MODEL_DIR
        name = _register_local(path)
    elif not _is_registered(model_name):
        raise PermanentError(f"{model_name!r} is not a fastembed model (see fastembed's list)")
    else:
        name = model_name
    where = f"from {path}" if path is not None else "(download needs network on first use)"
    try:
        model = TextEmbedding(
            name, threads=threads, specific_model_path=str(path) if path is not None else None
        )
    except (ValueError, OSError) as exc:
        raise PermanentError(f"cannot load fastembed model {name!r} {where}: {exc}") from exc
    dim = int(model.embedding_size)
    logger.info("loaded fastembed model %s (dim %d)", name, dim)
    return model, dim


def _without_spinning(model: TextEmbedding) -> None:
    """Rebuild the model's ONNX Runtime session with its worker threads told not to spin.

    By default the workers busy-wait for a while after every run, expecting the next one.
    In the daemon the next run is seldom right behind: the spinning threads held both
    cores while the memorise worker, the snapshot builds and the event loop waited for
    them, and the freshness p99 at 100 events/s was about twice what it is without. Bulk
    embedding measured the same either way (``bench/retrieve_latency.py``). fastembed does
    not expose the option, so the session it made is replaced by one with the same model,
    providers and options plus these two entries."""
    import onnxruntime as ort

    inner = getattr(model, "model", None)
    session = getattr(inner, "model", None)
    path = getattr(session, "_model_path", None)
    if inner is None or not isinstance(session, ort.InferenceSession) or not isinstance(path, str):
        logger.warning("fastembed's ONNX session not found; its threads keep spinning")
        return
    options = session.get_session_options()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    inner.model = ort.InferenceSession(
        path, sess_options=options, providers=session.get_providers()
    )


def _register_local(path: Path) -> str:
    """Register a local mean-pooled model directory with fastembed; return its name."""
    from fastembed import TextEmbedding
    from fastembed.common.model_description import ModelSource, PoolingType

    path = path.resolve()
    name = BUNDLED_MODEL_NAME if path == BUNDLED_MODEL_DIR else f"memoryd-local/{path}"
    # fastembed's registry is process-wide and refuses a second registration of a name.
    if _is_registered(name):
        return name
    if not (path / _MODEL_FILE).is_file():
        raise PermanentError(f"no {_MODEL_FILE} in model directory {path}")
    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        dim = int(config["hidden_size"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PermanentError(f"no usable config.json (hidden_size) in {path}: {exc}") from exc
    TextEmbedding.add_custom_model(
        name,
        pooling=PoolingType.MEAN,
        normalization=True,
        # Never consulted: specific_model_path short-circuits every download.
        sources=ModelSource(hf=name),
        dim=dim,
        model_file=_MODEL_FILE,
        description=f"local mean-pooled ONNX model at {path}",
    )
    return name


def _is_registered(name: str) -> bool:
    from fastembed import TextEmbedding

    # Case-insensitive, as fastembed's own lookup is.
    return any(m["model"].lower() == name.lower() for m in TextEmbedding.list_supported_models())
