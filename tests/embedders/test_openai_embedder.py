"""The OpenAI-compatible embedder against a real local HTTP server."""

from __future__ import annotations

import socket
import traceback
from collections.abc import Iterator

import numpy as np
import pytest

from memoryd.embedders.openai import OpenAIEmbedder
from memoryd.errors import MemorydError, PermanentError, TransientError
from memoryd.memory.ports import Embedder
from memoryd.testing.openai_server import OpenAIEmbeddingsServer, ScriptedReply

API_KEY = "sk-test-6f1c2a9e0b7d4e3f"
DIM = 8
TEXTS = ["I moved to Lisbon last week.", "My favourite food is ramen.", "ok", "The cat sat."]


@pytest.fixture(scope="module")
def server() -> Iterator[OpenAIEmbeddingsServer]:
    with OpenAIEmbeddingsServer(dim=DIM, api_key=API_KEY) as running:
        yield running


@pytest.fixture
def embedder(server: OpenAIEmbeddingsServer) -> Iterator[OpenAIEmbedder]:
    server.reset()
    with OpenAIEmbedder(server.base_url, "test-embed", api_key=API_KEY, timeout=2.0) as client:
        yield client


def expected(server: OpenAIEmbeddingsServer, texts: list[str]) -> np.ndarray:
    raw = np.array([server.vector(t) for t in texts], dtype=np.float32)
    return raw / np.linalg.norm(raw, axis=1, keepdims=True)


def assert_key_hidden(error: MemorydError) -> None:
    assert API_KEY not in str(error)
    assert API_KEY not in "".join(traceback.format_exception(error))


def test_is_an_embedder(embedder: OpenAIEmbedder) -> None:
    assert isinstance(embedder, Embedder)


def test_vectors_are_normalised_float32_in_input_order(
    embedder: OpenAIEmbedder, server: OpenAIEmbeddingsServer
) -> None:
    vectors = embedder.embed(TEXTS)

    assert vectors.dtype == np.float32
    assert vectors.shape == (len(TEXTS), DIM)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(vectors, expected(server, TEXTS), atol=1e-6)


def test_sends_model_inputs_and_bearer_key(
    embedder: OpenAIEmbedder, server: OpenAIEmbeddingsServer
) -> None:
    embedder.embed(TEXTS)

    (request,) = server.requests
    assert request.path == "/v1/embeddings"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.body["model"] == "test-embed"
    assert request.body["input"] == TEXTS


def test_large_inputs_are_sent_in_batches(server: OpenAIEmbeddingsServer) -> None:
    server.reset()
    texts = [f"memory number {i}" for i in range(7)]

    with OpenAIEmbedder(server.base_url, "m", api_key=API_KEY, batch_size=3) as client:
        vectors = client.embed(texts)

    assert [len(r.body["input"]) for r in server.requests] == [3, 3, 1]
    np.testing.assert_allclose(vectors, expected(server, texts), atol=1e-6)
    assert client.prompt_tokens == 3 * 7


def test_dim_is_discovered_from_the_first_answer(embedder: OpenAIEmbedder) -> None:
    assert embedder.dim == DIM


def test_dim_can_be_configured_and_a_mismatch_is_permanent(
    server: OpenAIEmbeddingsServer,
) -> None:
    with OpenAIEmbedder(server.base_url, "m", api_key=API_KEY, dim=DIM + 1) as client:
        assert client.dim == DIM + 1
        with pytest.raises(PermanentError, match="dim"):
            client.embed(TEXTS)


def test_empty_input_makes_no_request(
    embedder: OpenAIEmbedder, server: OpenAIEmbeddingsServer
) -> None:
    assert embedder.embed([]).shape[0] == 0
    assert server.requests == []


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (ScriptedReply.rate_limited(retry_after=7), TransientError),
        (ScriptedReply.server_error(), TransientError),
        (ScriptedReply.error(503, "overloaded"), TransientError),
        (ScriptedReply(200, "<html>proxy error</html>"), TransientError),
        (ScriptedReply(200, {"data": [{"index": 0}]}), TransientError),
        (ScriptedReply.error(401, f"Incorrect API key provided: {API_KEY}"), PermanentError),
        (ScriptedReply.error(400, "input too long"), PermanentError),
        (ScriptedReply.error(404, "model not found"), PermanentError),
    ],
)
def test_failures_map_onto_the_error_tree(
    embedder: OpenAIEmbedder,
    server: OpenAIEmbeddingsServer,
    reply: ScriptedReply,
    error: type[MemorydError],
) -> None:
    server.enqueue(reply)

    with pytest.raises(error) as raised:
        embedder.embed(TEXTS)

    assert type(raised.value) is error
    assert_key_hidden(raised.value)


def test_rate_limit_reports_retry_after(
    embedder: OpenAIEmbedder, server: OpenAIEmbeddingsServer
) -> None:
    server.enqueue(ScriptedReply.rate_limited(retry_after=7))

    with pytest.raises(TransientError, match=r"429.*Retry-After: 7"):
        embedder.embed(TEXTS)


def test_recovers_after_a_transient_failure(
    embedder: OpenAIEmbedder, server: OpenAIEmbeddingsServer
) -> None:
    server.enqueue(ScriptedReply.server_error())
    with pytest.raises(TransientError):
        embedder.embed(TEXTS)

    np.testing.assert_allclose(embedder.embed(TEXTS), expected(server, TEXTS), atol=1e-6)


def test_a_wrong_key_is_permanent_and_never_echoed(server: OpenAIEmbeddingsServer) -> None:
    server.reset()
    wrong = "sk-wrong-0123456789abcdef"

    with OpenAIEmbedder(server.base_url, "m", api_key=wrong) as client:
        with pytest.raises(PermanentError, match="401") as raised:
            client.embed(TEXTS)

    # The server echoes the key it was sent, as some providers do.
    assert wrong not in str(raised.value)
    assert wrong not in "".join(traceback.format_exception(raised.value))


def test_a_slow_server_is_a_transient_timeout(server: OpenAIEmbeddingsServer) -> None:
    server.reset()
    server.enqueue(ScriptedReply(200, {"data": []}, delay=1.0))

    with OpenAIEmbedder(server.base_url, "m", api_key=API_KEY, timeout=0.2) as client:
        with pytest.raises(TransientError, match="timed out") as raised:
            client.embed(TEXTS)

    assert_key_hidden(raised.value)


def test_an_unreachable_server_is_transient() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more: the connection is refused.

    with OpenAIEmbedder(f"http://127.0.0.1:{port}/v1", "m", api_key=API_KEY) as client:
        with pytest.raises(TransientError, match="ConnectError") as raised:
            client.embed(TEXTS)

    assert_key_hidden(raised.value)
