"""The fastembed adapter with the real bundled int8 MiniLM, loaded offline."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from memoryd.embedders.fastembed import (
    BUNDLED_MODEL_DIR,
    BUNDLED_MODEL_NAME,
    FastEmbedEmbedder,
    _length_groups,
)
from memoryd.errors import PermanentError
from memoryd.memory.ports import Embedder

SENTENCES = [
    "I moved to Lisbon last week.",
    "We relocated to Portugal's capital a few days ago.",
    "My favourite food is spicy ramen.",
    "The quarterly report is due on Friday.",
    "Can you remind me to call my mother tomorrow?",
    "Our flight to Tokyo was delayed by three hours because of a storm over the Pacific.",
    "I am allergic to peanuts.",
]


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_HUB_OFFLINE", "1")
        yield


@pytest.fixture(scope="module")
def embedder(offline: None) -> FastEmbedEmbedder:
    return FastEmbedEmbedder()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_bundled_model_ships_with_license_and_notice() -> None:
    files = {p.name for p in BUNDLED_MODEL_DIR.iterdir()}
    assert {"model.onnx", "tokenizer.json", "tokenizer_config.json", "LICENSE", "NOTICE"} <= files
    assert 15e6 < (BUNDLED_MODEL_DIR / "model.onnx").stat().st_size < 30e6
    assert "Apache License" in (BUNDLED_MODEL_DIR / "LICENSE").read_text()


def test_bundled_model_loads_offline_as_an_embedder(embedder: FastEmbedEmbedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.dim == 384
    assert embedder.model_name == BUNDLED_MODEL_NAME


def test_vectors_are_float32_and_normalised(embedder: FastEmbedEmbedder) -> None:
    vectors = embedder.embed(SENTENCES)

    assert vectors.dtype == np.float32
    assert vectors.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_paraphrases_are_closer_than_unrelated_sentences(embedder: FastEmbedEmbedder) -> None:
    moved, relocated, ramen, report = embedder.embed(SENTENCES[:4])

    paraphrase = cosine(moved, relocated)

    assert paraphrase > 0.5
    assert paraphrase > cosine(moved, ramen) + 0.3
    assert paraphrase > cosine(moved, report) + 0.3


def test_batch_matches_one_by_one(embedder: FastEmbedEmbedder) -> None:
    batched = embedder.embed(SENTENCES)
    single = np.vstack([embedder.embed([text]) for text in SENTENCES])

    # Activation scales are calibrated once (static int8), not taken from each batch, so
    # a text's vector does not depend on its batch-mates: what is memorised does not
    # depend on how the stream was cut into batches.
    assert min(cosine(a, b) for a, b in zip(batched, single, strict=True)) > 1 - 1e-4


def test_rows_follow_input_order(embedder: FastEmbedEmbedder) -> None:
    forward = embedder.embed(SENTENCES)
    backward = embedder.embed(SENTENCES[::-1])[::-1]

    np.testing.assert_allclose(forward, backward, atol=1e-6)


def test_batches_smaller_than_the_input_cover_every_text(offline: None) -> None:
    small_batches = FastEmbedEmbedder(batch_size=2)

    vectors = small_batches.embed(SENTENCES)

    assert vectors.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def _spin_setting(embedder: FastEmbedEmbedder) -> str | None:
    options = embedder._model.model.model.get_session_options()
    try:
        return str(options.get_session_config_entry("session.intra_op.allow_spinning"))
    except RuntimeError:  # never set: ONNX Runtime's default, which spins
        return None


def test_threads_do_not_spin_between_runs_unless_asked(
    embedder: FastEmbedEmbedder, offline: None
) -> None:
    spinning = FastEmbedEmbedder(spin=True)

    assert _spin_setting(embedder) == "0"
    assert _spin_setting(spinning) is None
    # The rebuilt session is the same model: same vectors as the spinning one.
    np.testing.assert_allclose(embedder.embed(SENTENCES), spinning.embed(SENTENCES), atol=1e-6)


def test_empty_input_gives_an_empty_matrix(embedder: FastEmbedEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_empty_text_still_gets_a_unit_vector(embedder: FastEmbedEmbedder) -> None:
    (vector,) = embedder.embed([""])

    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_a_copied_model_directory_loads_like_the_bundled_one(
    embedder: FastEmbedEmbedder, tmp_path: Path
) -> None:
    copy = tmp_path / "minilm"
    shutil.copytree(BUNDLED_MODEL_DIR, copy)

    local = FastEmbedEmbedder(model_path=copy)

    assert local.dim == 384
    assert local.model_name != BUNDLED_MODEL_NAME
    np.testing.assert_allclose(local.embed(SENTENCES), embedder.embed(SENTENCES), atol=1e-5)


def test_a_directory_without_a_model_is_a_clear_error(offline: None, tmp_path: Path) -> None:
    with pytest.raises(PermanentError, match="no model.onnx"):
        FastEmbedEmbedder(model_path=tmp_path)


def test_an_unknown_registry_model_is_a_clear_error(offline: None) -> None:
    with pytest.raises(PermanentError, match="not a fastembed model"):
        FastEmbedEmbedder(model_name="no-such/model")


def test_a_registry_model_that_cannot_be_downloaded_is_a_clear_error(
    offline: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An empty cache and HF_HUB_OFFLINE: fastembed gives up at once instead of retrying.
    monkeypatch.setenv("FASTEMBED_CACHE_PATH", str(tmp_path))

    with pytest.raises(PermanentError, match="BAAI/bge-small-en-v1.5"):
        FastEmbedEmbedder(model_name="BAAI/bge-small-en-v1.5")


def test_a_directory_without_config_is_a_clear_error(offline: None, tmp_path: Path) -> None:
    shutil.copyfile(BUNDLED_MODEL_DIR / "model.onnx", tmp_path / "model.onnx")

    with pytest.raises(PermanentError, match="config.json"):
        FastEmbedEmbedder(model_path=tmp_path)


def test_model_runs_group_texts_of_similar_length() -> None:
    # Given texts of very different lengths, in no order
    texts = ["a" * n for n in (200, 5, 40, 6, 210, 7, 45, 5)]
    # When they are grouped into model runs of at most three
    groups = _length_groups(texts, 3)
    # Then every text is in exactly one run, no run is longer than three, and a run never
    # pads a short text to a much longer one
    assert sorted(i for g in groups for i in g) == list(range(len(texts)))
    assert all(len(g) <= 3 for g in groups)
    for group in groups:
        lengths = [len(texts[i]) for i in group]
        assert max(lengths) <= 1.3 * min(lengths) + 10
