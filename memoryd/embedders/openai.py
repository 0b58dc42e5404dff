"""Dense embeddings from any OpenAI-compatible ``POST {base_url}/embeddings`` endpoint.

Failures map onto the error tree: connection problems, timeouts, 429 and 5xx are
:class:`TransientError` (retry later), any other 4xx is :class:`PermanentError`. No
message ever contains the API key, even when the server echoes it back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import httpx
import numpy as np

from memoryd.errors import PermanentError, TransientError
from memoryd.memory.ports import Vector

logger = logging.getLogger(__name__)

_BODY_EXCERPT = 200
_DIM_PROBE = "dimension probe"


class OpenAIEmbedder:
    """An :class:`~memoryd.memory.ports.Embedder` over an OpenAI-compatible HTTP API.

    Texts are sent ``batch_size`` at a time; vectors come back float32 and L2-normalised
    in input order. When ``dim`` is not given it is learnt from the first response (reading
    :attr:`dim` before any :meth:`embed` makes one probe request). ``prompt_tokens`` adds
    up the ``usage`` the server reports.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None,
        dim: int | None = None,
        timeout: float = 30.0,
        batch_size: int = 128,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._url = base_url.rstrip("/") + "/embeddings"
        self._model = model
        self._api_key = api_key
        self._dim = dim
        self._batch_size = batch_size
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(headers=headers, timeout=timeout)
        self.prompt_tokens = 0

    @property
    def dim(self) -> int:
        """The vector size: as configured, or as the server's first answer showed it."""
        if self._dim is None:
            self.embed([_DIM_PROBE])
        if self._dim is None:  # embed() sets it or raises; this satisfies the type checker
            raise PermanentError("embedding dimension could not be determined")
        return self._dim

    def embed(self, texts: Sequence[str]) -> Vector:
        """Embed ``texts``; raises :class:`TransientError` or :class:`PermanentError`."""
        chunks = [
            self._embed_batch(list(texts[start : start + self._batch_size]))
            for start in range(0, len(texts), self._batch_size)
        ]
        if not chunks:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        out = np.concatenate(chunks) if len(chunks) > 1 else chunks[0]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        if not np.all(norms > 0):
            raise TransientError(f"{self._model} returned a zero vector")
        out /= norms
        return out

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()

    def __enter__(self) -> OpenAIEmbedder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _embed_batch(self, texts: list[str]) -> Vector:
        body = {"model": self._model, "input": texts, "encoding_format": "float"}
        try:
            response = self._client.post(self._url, json=body)
        except httpx.TimeoutException as exc:
            raise TransientError(f"embeddings request to {self._url} timed out") from exc
        except httpx.TransportError as exc:
            raise TransientError(
                f"embeddings request to {self._url} failed: {type(exc).__name__}"
            ) from exc
        self._raise_for_status(response)
        try:
            payload = response.json()
        except ValueError as exc:
            # The service misbehaves, not the input: worth retrying, not dead-lettering.
            raise TransientError(f"{self._url} returned a non-JSON body") from exc
        vectors = self._parse(payload, len(texts))
        self.prompt_tokens += _prompt_tokens(payload)
        return vectors

    def _raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        detail = f"{self._url} answered HTTP {status}: {self._redact(response.text)}"
        if status == 429 or status >= 500:
            retry_after = response.headers.get("Retry-After")
            if retry_after:
                detail += f" (Retry-After: {self._redact(retry_after)})"
            raise TransientError(detail)
        raise PermanentError(detail)

    def _parse(self, payload: Any, expected: int) -> Vector:
        try:
            rows = sorted(payload["data"], key=lambda row: int(row["index"]))
            vectors = np.asarray([row["embedding"] for row in rows], dtype=np.float32)
        except (KeyError, TypeError, ValueError) as exc:
            raise TransientError(f"{self._url} returned a malformed embeddings body") from exc
        if vectors.ndim != 2 or len(vectors) != expected:
            raise TransientError(
                f"{self._url} returned {len(vectors)} embeddings for {expected} inputs"
            )
        if self._dim is None:
            self._dim = int(vectors.shape[1])
            logger.info("embedding model %s has dim %d", self._model, self._dim)
        elif vectors.shape[1] != self._dim:
            # A different model behind the same name: every stored vector would be wrong.
            raise PermanentError(
                f"{self._model} returned dim {vectors.shape[1]}, expected {self._dim}"
            )
        return vectors

    def _redact(self, text: str) -> str:
        # Redact before cutting, or a key straddling the cut would leak its first half.
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return text[:_BODY_EXCERPT].strip()


def _prompt_tokens(payload: Any) -> int:
    usage = payload.get("usage") if isinstance(payload, dict) else None
    tokens = usage.get("prompt_tokens") if isinstance(usage, dict) else None
    return tokens if isinstance(tokens, int) else 0
