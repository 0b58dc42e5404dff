"""One JSON-answering chat call, with what a team paying for tokens expects around it:
bounded concurrency, timeouts, retries of 429/5xx/timeouts with capped jittered backoff
that honours ``Retry-After``, token accounting per call and per tenant, an hourly
per-tenant budget, and a tolerant parser with one repair request.

The ``openai`` client is used with its own retries off, so that every attempt is counted
and the backoff is ours. It is synchronous: the memory core runs in worker threads.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import openai
from pydantic import BaseModel, ValidationError

from memoryd.errors import compute_backoff
from memoryd.llm.settings import LlmSettings
from memoryd.telemetry.llm_metrics import LlmMetrics

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)
Message = dict[str, str]
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)
_HOUR = 3600.0


class LlmFailure(Exception):
    """No usable answer; ``reason`` labels the fallback metric."""

    reason = "unavailable"


class LlmUnavailable(LlmFailure):
    """The endpoint failed (after retries) or refused the request."""


class LlmMalformed(LlmFailure):
    """The answer was not the JSON asked for, even after the repair request."""

    reason = "malformed"


class BudgetExceeded(LlmFailure):
    """The tenant used its tokens for this hour."""

    reason = "budget"


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.requests += other.requests


class TokenBudget:
    """Tokens per tenant over the last hour (a sliding window)."""

    def __init__(self, per_hour: int | None, clock: Any = time.monotonic):
        self.per_hour = per_hour
        self._clock = clock
        self._spent: defaultdict[str, deque[tuple[float, int]]] = defaultdict(deque)
        self._lock = threading.Lock()

    def used(self, tenant: str) -> int:
        with self._lock:
            window = self._spent[tenant]
            horizon = self._clock() - _HOUR
            while window and window[0][0] < horizon:
                window.popleft()
            return sum(tokens for _, tokens in window)

    def allows(self, tenant: str) -> bool:
        return self.per_hour is None or self.used(tenant) < self.per_hour

    def charge(self, tenant: str, tokens: int) -> None:
        if self.per_hour is None:
            return  # nothing to enforce: keep nothing
        with self._lock:
            window = self._spent[tenant]
            window.append((self._clock(), tokens))
            horizon = self._clock() - _HOUR
            while window and window[0][0] < horizon:
                window.popleft()


class ChatClient:
    """JSON answers from an OpenAI-compatible chat endpoint."""

    def __init__(self, settings: LlmSettings, metrics: LlmMetrics | None = None):
        if not settings.enabled:
            raise ValueError("LLM mode needs llm.base_url and llm.model")
        self.settings = settings
        self.metrics = metrics or LlmMetrics()
        self.budget = TokenBudget(settings.tenant_tokens_per_hour)
        self._client = openai.OpenAI(
            base_url=settings.base_url,
            # Servers without auth (vLLM, Ollama) still need a non-empty value here.
            api_key=settings.api_key.get_secret_value() if settings.api_key else "unused",
            timeout=settings.timeout,
            max_retries=0,
        )
        self._slots = threading.Semaphore(settings.concurrency)
        self._schema_supported = settings.structured_output != "off"

    def close(self) -> None:
        self._client.close()

    def ask(
        self,
        operation: str,
        tenant: str,
        messages: Sequence[Message],
        answer: type[T],
    ) -> tuple[T, Usage]:
        """The model's answer parsed as ``answer``; one repair request if it is not.

        Raises :class:`BudgetExceeded` before calling when the tenant has no tokens left,
        :class:`LlmUnavailable` when the endpoint keeps failing, :class:`LlmMalformed`
        when even the repaired answer does not parse.
        """
        if not self.budget.allows(tenant):
            raise BudgetExceeded(tenant)
        usage = Usage()
        conversation = list(messages)
        content = self._complete(operation, tenant, conversation, answer, usage)
        try:
            return _parse(content, answer), usage
        except (ValueError, ValidationError) as exc:
            problem = _problem(exc)
        self.metrics.requests.labels(operation, "malformed").inc()
        log.info("malformed LLM answer; asking once to repair it", extra={"operation": operation})
        conversation += [
            {"role": "assistant", "content": content[:4000]},
            {
                "role": "user",
                "content": f"That was not valid: {problem}. Answer again with only the JSON "
                "object, following the schema exactly.",
            },
        ]
        content = self._complete(operation, tenant, conversation, answer, usage)
        try:
            return _parse(content, answer), usage
        except (ValueError, ValidationError) as exc:
            self.metrics.requests.labels(operation, "malformed").inc()
            raise LlmMalformed(_problem(exc)) from None

    def _complete(
        self,
        operation: str,
        tenant: str,
        messages: list[Message],
        answer: type[BaseModel],
        usage: Usage,
    ) -> str:
        s = self.settings
        attempt = 0
        while True:
            attempt += 1
            schema = self._schema_supported  # what this request sends, whatever others do
            try:
                with self._slots:
                    started = time.perf_counter()
                    response = self._client.chat.completions.create(
                        **self._request(messages, answer, schema)
                    )
            except openai.BadRequestError as exc:
                refused = "response_format" in str(exc).lower()
                if refused and schema and self.settings.structured_output == "auto":
                    # A server without structured output: ask in the prompt alone.
                    log.warning("endpoint refuses response_format; using prompt-only JSON")
                    self._schema_supported = False
                    continue
                self.metrics.requests.labels(operation, "failed").inc()
                raise LlmUnavailable(f"request refused: {exc.status_code}") from None
            except (
                openai.RateLimitError,
                openai.InternalServerError,
                openai.APITimeoutError,
                openai.APIConnectionError,
            ) as exc:
                self.metrics.seconds.labels(operation).observe(time.perf_counter() - started)
                if attempt > s.max_retries:
                    self.metrics.requests.labels(operation, "failed").inc()
                    raise LlmUnavailable(type(exc).__name__) from None
                self.metrics.requests.labels(operation, "retried").inc()
                delay = _retry_after(exc) or compute_backoff(
                    attempt, base=s.retry_base_seconds, cap=s.retry_max_seconds
                )
                delay = min(delay, s.retry_max_seconds)
                log.info(
                    "LLM request failed; retrying",
                    extra={"operation": operation, "error": type(exc).__name__, "delay": delay},
                )
                time.sleep(delay)
                continue
            except openai.APIStatusError as exc:  # 401, 403, 404…: retrying will not help
                self.metrics.requests.labels(operation, "failed").inc()
                raise LlmUnavailable(f"status {exc.status_code}") from None
            except openai.OpenAIError as exc:  # e.g. an answer that is not the API's JSON
                self.metrics.requests.labels(operation, "failed").inc()
                raise LlmUnavailable(type(exc).__name__) from None
            self.metrics.seconds.labels(operation).observe(time.perf_counter() - started)
            try:
                content = response.choices[0].message.content
            except (AttributeError, IndexError, TypeError):
                # A proxy's HTML page, a base_url without /v1…: not a chat completion.
                self.metrics.requests.labels(operation, "failed").inc()
                raise LlmUnavailable("the answer is not a chat completion") from None
            self.metrics.requests.labels(operation, "ok").inc()
            self._account(operation, tenant, response, usage)
            return content if isinstance(content, str) else ""

    def _request(
        self, messages: list[Message], answer: type[BaseModel], schema: bool
    ) -> dict[str, Any]:
        s = self.settings
        request: dict[str, Any] = {
            "model": s.model,
            "messages": messages,
            s.token_limit_param: s.max_output_tokens,
        }
        if s.temperature is not None:  # some reasoning models refuse any temperature
            request["temperature"] = s.temperature
        if schema:
            request["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": answer.__name__, "schema": answer.model_json_schema()},
            }
        return request

    def _account(self, operation: str, tenant: str, response: Any, usage: Usage) -> None:
        used = getattr(response, "usage", None)
        prompt = int(getattr(used, "prompt_tokens", 0) or 0)
        completion = int(getattr(used, "completion_tokens", 0) or 0)
        self.metrics.tokens.labels(operation, "prompt").inc(prompt)
        self.metrics.tokens.labels(operation, "completion").inc(completion)
        call = Usage(prompt, completion, 1)
        usage.add(call)
        self.budget.charge(tenant, prompt + completion)


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return max(float(value), 0.0) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _parse(content: str, answer: type[T]) -> T:
    """Tolerant: code fences and text around the JSON object are ignored."""
    text = _FENCE.sub("", content.strip())
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the answer")
    return answer.model_validate(json.loads(text[start : end + 1]))


def _problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(exc)[:200]
