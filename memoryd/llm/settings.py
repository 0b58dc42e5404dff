"""Settings of LLM mode. Off unless ``base_url`` and ``model`` are set."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class WindowSettings(BaseModel):
    """When a user's unrefined turns form a conversation window (two-tier mode): the
    first condition met closes it."""

    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    max_turns: int = Field(20, ge=1, description="unrefined turns that close a window")
    max_tokens: int = Field(
        4000, ge=1, description="unrefined turns' tokens (about 4 characters each) that close it"
    )
    idle_seconds: float = Field(30.0, gt=0, description="no new turn for this long closes it")
    max_age_seconds: float = Field(
        300.0, gt=0, description="the oldest unrefined turn waiting this long closes it"
    )
    poll_seconds: float = Field(1.0, gt=0, description="how often the timers are checked")


class LlmSettings(BaseModel):
    """An OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp, LiteLLM…)."""

    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    base_url: str | None = Field(None, description="e.g. http://vllm:8000/v1; unset = offline")
    model: str | None = None
    api_key: SecretStr | None = None
    timeout: float = Field(30.0, gt=0, description="seconds per request")
    max_retries: int = Field(3, ge=0, description="retries of 429/5xx/timeouts per call")
    retry_base_seconds: float = Field(0.5, gt=0)
    retry_max_seconds: float = Field(20.0, gt=0, description="cap, also on Retry-After")
    concurrency: int = Field(4, ge=1, description="requests in flight at once")
    temperature: float | None = Field(0.0, ge=0, description="unset: not sent")
    max_output_tokens: int = Field(4096, ge=16)
    token_limit_param: Literal["max_tokens", "max_completion_tokens"] = Field(
        "max_tokens", description="newer OpenAI models take max_completion_tokens"
    )
    structured_output: Literal["auto", "json_schema", "off"] = Field(
        "auto",
        description="auto: JSON schema response_format, dropped for a server that refuses it",
    )
    tenant_tokens_per_hour: int | None = Field(
        None, ge=1, description="per user; past it batches use the offline extractor"
    )
    summaries: bool = Field(
        True,
        description="rewrite category summaries with the model (inline: one more request "
        "per batch that changed categories; two tiers: in the window's refinement request); "
        "false keeps the extractive ones",
    )
    summary_interval_seconds: float = Field(
        60.0,
        ge=0,
        description="a category's summary is rewritten at most this often; items that "
        "arrive meanwhile wait for the next rewrite (0: after every batch)",
    )
    related_items: int = Field(
        20, ge=0, description="existing items shown to the model so it updates, not repeats"
    )
    mode: Literal["two_tier", "inline"] = Field(
        "two_tier",
        description="two_tier: every batch is memorised offline at once and refined by the "
        "model once per conversation window; inline: the model extracts every batch",
    )
    window: WindowSettings = Field(default_factory=WindowSettings)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)
