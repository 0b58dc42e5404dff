"""A real, scriptable OpenAI-compatible server for tests (stdlib only).

It listens on a free 127.0.0.1 port in a background thread and answers
``POST /v1/embeddings`` with deterministic, deliberately *unnormalised* vectors and a
``usage`` block, and ``POST /v1/chat/completions`` with what :attr:`chat` (a function of
the request body) returns as the assistant message, with ``usage`` counted in words.
Faults are scripted per request: queue replies with :meth:`enqueue`
(429 with ``Retry-After``, 500, 401, malformed bodies, slow answers) and they are served
in order before normal answers resume. With ``api_key`` set, a request with another key
gets a 401 whose message echoes the key it was sent, as some providers do.

    with OpenAIEmbeddingsServer(dim=8) as server:
        server.enqueue(ScriptedReply.rate_limited(retry_after=2))
        client = OpenAIEmbedder(server.base_url, "test-embed", api_key=None)
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

EMBEDDINGS_PATH = "/v1/embeddings"
CHAT_PATH = "/v1/chat/completions"
ChatResponder = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class ScriptedReply:
    """One canned answer. ``body`` is sent as JSON unless it is ``str`` (sent verbatim)."""

    status: int
    body: dict[str, Any] | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    @classmethod
    def error(cls, status: int, message: str, **headers: str) -> ScriptedReply:
        """An OpenAI-style error body with the given status."""
        return cls(status, {"error": {"message": message, "type": "scripted"}}, headers)

    @classmethod
    def rate_limited(cls, retry_after: int = 1) -> ScriptedReply:
        return cls.error(429, "Rate limit reached", **{"Retry-After": str(retry_after)})

    @classmethod
    def server_error(cls) -> ScriptedReply:
        return cls.error(500, "The server had an error while processing your request")


@dataclass(frozen=True)
class RecordedRequest:
    """What the server received (for assertions)."""

    path: str
    headers: dict[str, str]
    body: Any


class OpenAIEmbeddingsServer:
    """The server; a context manager that starts and stops it."""

    def __init__(self, dim: int = 8, api_key: str | None = None) -> None:
        self.dim = dim
        self.api_key = api_key
        self.requests: list[RecordedRequest] = []
        #: The assistant's answer to a chat request (the request body is passed in).
        self.chat: ChatResponder = lambda body: "{}"
        self._script: deque[ScriptedReply] = deque()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        # Handler threads may be asleep in a scripted delay; shutdown must not wait for them.
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The ``base_url`` a client should use, e.g. ``http://127.0.0.1:41234/v1``."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def enqueue(self, *replies: ScriptedReply) -> None:
        """Serve ``replies`` to the next requests, in order, before normal answers."""
        with self._lock:
            self._script.extend(replies)

    def reset(self) -> None:
        """Forget recorded requests and unserved scripted replies (between tests)."""
        with self._lock:
            self.requests.clear()
            self._script.clear()

    def start(self) -> OpenAIEmbeddingsServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def __enter__(self) -> OpenAIEmbeddingsServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def vector(self, text: str) -> list[float]:
        """The (unnormalised) vector a normal answer gives for ``text``."""
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
        scale = 1.0 + len(text) % 7  # varying norms prove the client normalises
        return [scale * float(x) for x in np.random.default_rng(seed).standard_normal(self.dim)]

    def reply_to(self, path: str, headers: dict[str, str], body: Any) -> ScriptedReply:
        """Record the request and decide the answer (called from handler threads)."""
        with self._lock:
            self.requests.append(RecordedRequest(path, headers, body))
            if self._script:
                return self._script.popleft()
        if path not in (EMBEDDINGS_PATH, CHAT_PATH):
            return ScriptedReply.error(404, f"no route for {path}")
        sent = headers.get("authorization", "").removeprefix("Bearer ")
        if self.api_key is not None and sent != self.api_key:
            return ScriptedReply.error(401, f"Incorrect API key provided: {sent}")
        if path == CHAT_PATH:
            return self.chat_completion(body, self.chat(body))
        return self._embeddings(body)

    def chat_requests(self) -> list[dict[str, Any]]:
        """The bodies of the chat requests received so far."""
        with self._lock:
            return [r.body for r in self.requests if r.path == CHAT_PATH]

    @staticmethod
    def chat_completion(body: Any, content: str) -> ScriptedReply:
        """A chat.completion answer carrying ``content``; tokens are counted as words."""
        messages = body.get("messages", []) if isinstance(body, dict) else []
        prompt = sum(len(str(m.get("content", "")).split()) for m in messages)
        completion = len(content.split())
        return ScriptedReply(
            200,
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model") if isinstance(body, dict) else None,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            },
        )

    def _embeddings(self, body: Any) -> ScriptedReply:
        texts = body.get("input") if isinstance(body, dict) else None
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            return ScriptedReply.error(400, "'input' must be a string or a list of strings")
        tokens = sum(len(t.split()) for t in texts)
        data = [
            {"object": "embedding", "index": i, "embedding": self.vector(t)}
            for i, t in enumerate(texts)
        ]
        # Out of order on purpose: clients must sort by "index".
        data.reverse()
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return ScriptedReply(
            200, {"object": "list", "data": data, "model": body.get("model"), "usage": usage}
        )


def _handler_for(server: OpenAIEmbeddingsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = None
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = server.reply_to(self.path, headers, body)
            if reply.delay:
                time.sleep(reply.delay)
            self._send(reply)

        def _send(self, reply: ScriptedReply) -> None:
            if isinstance(reply.body, str):
                payload, content_type = reply.body.encode(), "text/plain"
            else:
                payload, content_type = json.dumps(reply.body).encode(), "application/json"
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up (a timeout test); there is nobody left to answer.
                logger.debug("client went away before the reply to %s", self.path)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean; requests are recorded on the server instead

    return Handler
