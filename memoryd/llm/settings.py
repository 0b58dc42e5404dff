"""Settings of LLM mode. Off unless ``base_url`` and ``model`` are set."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr


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
        description="rewrite category summaries with the model (one request per batch that "
        "changed categories); false keeps the extractive ones and halves the requests",
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

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.model)
