"""The settings tree: one typed object, built once in ``main()`` and passed down.

Sources, highest priority first: constructor arguments → ``MEMORYD_*`` environment
(nested with ``__``, e.g. ``MEMORYD_STORE__URL``) → YAML file (``MEMORYD_CONFIG``) →
secrets directory (one file per key, e.g. ``store__api_key``, as Kubernetes mounts them).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    NestedSecretsSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from memoryd.memory.settings import MemorySettings


class StoreSettings(BaseModel):
    """Where memory lives: embedded Qdrant Edge (default) or a Qdrant server."""

    kind: Literal["edge", "qdrant"] = "edge"
    path: Path | None = Field(None, description="Edge files; default <data_dir>/qdrant")
    flush_interval_seconds: float = Field(
        1.0,
        ge=0,
        description="Edge: writes are in the WAL at once (survive a process crash); shards "
        "are flushed to disk at most this often (for a machine crash). 0 = every batch",
    )
    url: str | None = Field(None, description="Qdrant server URL, e.g. http://qdrant:6333")
    api_key: SecretStr | None = None
    prefix: str = Field("memoryd_", description="Qdrant server collection name prefix")
    timeout: float = Field(10.0, gt=0)


class EmbedderSettings(BaseModel):
    """Dense embeddings: fastembed (bundled MiniLM by default) or an OpenAI-compatible API."""

    kind: Literal["fastembed", "openai"] = "fastembed"
    model_name: str | None = Field(None, description="fastembed model; default: bundled")
    model_path: Path | None = Field(None, description="local ONNX model directory")
    threads: int | None = None
    batch_size: int = Field(64, ge=1)
    base_url: str | None = Field(None, description="OpenAI-compatible endpoint (kind=openai)")
    api_key: SecretStr | None = None
    dim: int | None = Field(None, description="vector size, discovered when unset")
    timeout: float = Field(30.0, gt=0)


class NatsSettings(BaseModel):
    """The NATS JetStream transport: where events come from and snapshots go."""

    url: str = "nats://127.0.0.1:4222"
    stream: str = Field("MEMORYD_EVENTS", description="JetStream stream holding events")
    events_subject: str = Field("memoryd.events", description="events on <this>.<user>")
    durable: str = Field("memoryd", description="durable consumer name (shared by replicas)")
    dead_letter_subject: str = Field("memoryd.dlq", description="dead letters on <this>.<user>")
    dead_letter_stream: str = Field("MEMORYD_DLQ", description="stream retaining dead letters")
    context_subject: str = Field("memoryd.context", description="live snapshots on <this>.<user>")
    kv_bucket: str = Field("memoryd_context", description="KV bucket: latest snapshot per user")
    ack_wait: float = Field(
        30.0, gt=0, description="seconds before an unacked event is redelivered"
    )
    max_ack_pending: int = Field(
        4096, ge=1, description="unacked events held at once (bounds the drain on SIGTERM)"
    )
    fetch_batch: int = Field(256, ge=1, description="messages per pull request")
    fetch_timeout: float = Field(0.05, gt=0, description="seconds a pull waits to fill a batch")
    duplicate_window: float = Field(120.0, gt=0, description="Nats-Msg-Id dedup window, seconds")
    create_stream: bool = Field(True, description="declare the streams and KV bucket on start")


class BatchSettings(BaseModel):
    """Per-user micro-batching of consumed events."""

    max_count: int = Field(64, ge=1, description="events per batch")
    max_bytes: int = Field(1 << 20, ge=1, description="payload bytes per batch")
    max_wait_ms: int = Field(50, ge=0, description="how long a partial batch waits")
    max_event_bytes: int = Field(256 << 10, ge=1, description="larger events are dead-lettered")
    concurrency: int = Field(2, ge=1, description="user batches memorised at once")
    retry_base_seconds: float = Field(0.5, gt=0, description="first retry delay (transient)")
    retry_max_seconds: float = Field(30.0, gt=0, description="retry delay cap")


class SnapshotSettings(BaseModel):
    """Context snapshots pushed to agents after each memorised batch."""

    enabled: bool = True
    min_interval_ms: int = Field(
        100, ge=0, description="a user's snapshot is rebuilt at most this often"
    )
    token_budget: int = Field(1024, ge=64, description="approximate tokens per snapshot")
    max_items: int = Field(20, ge=0)
    recent_turns: int = Field(5, ge=1, description="recent turns the items are chosen for")


class HttpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = Field(8787, ge=0, le=65535)


class Settings(BaseSettings):
    """Everything memoryd can be told."""

    model_config = SettingsConfigDict(
        env_prefix="MEMORYD_",
        env_nested_delimiter="__",
        extra="forbid",
        nested_model_default_partial_update=True,
    )

    data_dir: Path = Field(Path(".memoryd"), description="embedded state (Qdrant Edge files)")
    store: StoreSettings = Field(default_factory=StoreSettings)
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    memory: MemorySettings = Field(default_factory=MemorySettings)
    transport: Literal["nats"] = "nats"
    nats: NatsSettings = Field(default_factory=NatsSettings)
    batch: BatchSettings = Field(default_factory=BatchSettings)
    snapshot: SnapshotSettings = Field(default_factory=SnapshotSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    api_token: SecretStr | None = Field(None, description="bearer token the HTTP API requires")
    shutdown_grace_seconds: float = Field(25.0, gt=0, description="drain budget on SIGTERM")
    otlp_endpoint: str | None = Field(None, description="OTLP/HTTP traces endpoint")
    service_name: str = "memoryd"
    log_level: str = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("MEMORYD_CONFIG")
        if config_file:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=config_file))
        secrets_dir = os.environ.get("MEMORYD_SECRETS_DIR")
        if secrets_dir:
            sources.append(
                NestedSecretsSettingsSource(
                    file_secret_settings,
                    secrets_dir=secrets_dir,
                    secrets_nested_delimiter="__",
                    secrets_prefix="",
                    env_prefix="",
                )
            )
        return tuple(sources)

    def edge_path(self) -> Path:
        return self.store.path or self.data_dir / "qdrant"


def load_settings(**overrides: Any) -> Settings:
    """Build the settings tree from every source; call once, in ``main()``."""
    return Settings(**overrides)
