"""The settings tree: one typed object, built once in ``main()`` and passed down.

Sources, highest priority first: constructor arguments → ``MEMORYD_*`` environment
(nested with ``__``, e.g. ``MEMORYD_STORE__URL``) → YAML file (``MEMORYD_CONFIG``) →
secrets directory (one file per key, e.g. ``store__api_key``, as Kubernetes mounts them).
"""

from __future__ import annotations

import os
import socket
import ssl
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    NestedSecretsSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from memoryd.errors import ConfigurationError
from memoryd.llm.settings import LlmSettings
from memoryd.memory.settings import MemorySettings
from memoryd.schedulers.settings import EvolutionSettings


class Section(BaseModel):
    """A settings section. Inputs are left out of validation errors: they may be secrets."""

    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")


class StoreSettings(Section):
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


class EmbedderSettings(Section):
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


class TlsSettings(Section):
    """TLS towards a broker. Files are PEM; the key password is a secret."""

    enabled: bool = False
    ca_file: Path | None = Field(None, description="CA bundle; default: the system's")
    cert_file: Path | None = Field(None, description="client certificate (mutual TLS)")
    key_file: Path | None = Field(None, description="client key (mutual TLS)")
    key_password: SecretStr | None = None
    check_hostname: bool = True

    def context(self) -> ssl.SSLContext | None:
        """The client-side SSL context, or None when TLS is off."""
        if not self.enabled:
            return None
        context = ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)
        context.check_hostname = self.check_hostname
        if self.cert_file:
            password = self.key_password.get_secret_value() if self.key_password else None
            context.load_cert_chain(
                str(self.cert_file), str(self.key_file) if self.key_file else None, password
            )
        return context


def default_replica_id() -> str:
    """This process's name among replicas: the host (a pod's name) and the pid."""
    return f"{socket.gethostname()}-{os.getpid()}"


class NatsSettings(Section):
    """The NATS JetStream transport: where events come from and snapshots go."""

    url: str = "nats://127.0.0.1:4222"
    user: str | None = None
    password: SecretStr | None = None
    token: SecretStr | None = None
    creds_file: Path | None = Field(None, description="NATS .creds file (JWT + NKey seed)")
    nkey_seed_file: Path | None = Field(None, description="NKey seed file")
    tls: TlsSettings = Field(default_factory=TlsSettings)
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
        4096, ge=1, description="unacked events at once per consumer, across all replicas"
    )
    max_pending: int = Field(
        1024,
        ge=1,
        description="events one replica holds unacked at once (bounds what a shutdown or "
        "a shard handover has to finish or hand back)",
    )
    fetch_batch: int = Field(256, ge=1, description="messages per pull request")
    fetch_timeout: float = Field(0.05, gt=0, description="seconds a pull waits to fill a batch")
    duplicate_window: float = Field(120.0, gt=0, description="Nats-Msg-Id dedup window, seconds")
    create_stream: bool = Field(True, description="declare the streams and KV bucket on start")
    shards: int = Field(
        1,
        ge=1,
        le=1024,
        description="user shards; each is consumed by one replica at a time (fixed per stream)",
    )
    lease_bucket: str = Field("memoryd_leases", description="KV bucket of shard leases")
    lease_ttl: float = Field(
        10.0, ge=1.0, description="seconds a replica that stopped renewing keeps its shards"
    )

    @model_validator(mode="after")
    def _one_auth(self) -> NatsSettings:
        given = [self.user, self.token, self.creds_file, self.nkey_seed_file]
        if sum(x is not None for x in given) > 1:
            raise ValueError("NATS auth: set one of user, token, creds_file, nkey_seed_file")
        return self


class KafkaSettings(Section):
    """The Kafka transport: events topic (key = user id), dead letters, compacted snapshots."""

    bootstrap_servers: str = Field("127.0.0.1:9092", description="comma-separated host:port")
    client_id: str = "memoryd"
    events_topic: str = "memoryd.events"
    dead_letter_topic: str = "memoryd.events.dlq"
    context_topic: str = Field("memoryd.context", description="log-compacted, key = user id")
    group_id: str = Field("memoryd", description="consumer group shared by replicas")
    group_instance_id: str | None = Field(
        None, description="static membership (e.g. the pod name): restarts skip a rebalance"
    )
    create_topics: bool = Field(True, description="create missing topics on start")
    partitions: int = Field(12, ge=1, description="partitions of topics memoryd creates")
    replication_factor: int = Field(1, ge=1, description="replicas of topics memoryd creates")
    enable_idempotence: bool = Field(
        True, description="idempotent producer (acks=all is always used)"
    )
    session_timeout_ms: int = Field(10_000, ge=1000)
    heartbeat_interval_ms: int = Field(3_000, ge=100)
    max_poll_interval_ms: int = Field(300_000, ge=1000)
    max_poll_records: int = Field(500, ge=1)
    fetch_max_wait_ms: int = Field(100, ge=0)
    max_pending: int = Field(
        1024,
        ge=1,
        description="records one replica holds uncommitted at once (bounds what a shutdown "
        "or a rebalance has to finish or hand back)",
    )
    commit_interval_ms: int = Field(200, gt=0, description="how often stored offsets commit")
    security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = "PLAINTEXT"
    sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    tls: TlsSettings = Field(default_factory=TlsSettings)

    @model_validator(mode="after")
    def _check_security(self) -> KafkaSettings:
        sasl = self.security_protocol.startswith("SASL")
        if sasl and not (self.sasl_mechanism and self.sasl_username and self.sasl_password):
            raise ValueError(
                f"security_protocol {self.security_protocol} needs sasl_mechanism, "
                "sasl_username and sasl_password"
            )
        if self.security_protocol.endswith("SSL") and not self.tls.enabled:
            self.tls = self.tls.model_copy(update={"enabled": True})
        if self.tls.enabled and not self.security_protocol.endswith("SSL"):
            raise ValueError(
                f"kafka.tls is enabled but security_protocol is {self.security_protocol}: "
                "use SSL or SASL_SSL"
            )
        return self


class BatchSettings(Section):
    """Per-user micro-batching of consumed events."""

    max_count: int = Field(64, ge=1, description="events per batch")
    max_bytes: int = Field(1 << 20, ge=1, description="payload bytes per batch")
    max_wait_ms: int = Field(50, ge=0, description="how long a partial batch waits")
    max_event_bytes: int = Field(256 << 10, ge=1, description="larger events are dead-lettered")
    concurrency: int = Field(
        1,
        ge=1,
        description="engine threads: batches (and snapshot builds) worked on at once; more "
        "only pays when the engine mostly waits (a remote embedder; unset in inline LLM "
        "mode: llm.concurrency)",
    )
    retry_base_seconds: float = Field(0.5, gt=0, description="first retry delay (transient)")
    retry_max_seconds: float = Field(30.0, gt=0, description="retry delay cap")
    keepalive_seconds: float = Field(
        10.0, gt=0, description="how often held events are reported in progress (NATS +WIP)"
    )


class SnapshotSettings(Section):
    """Context snapshots pushed to agents after each memorised batch."""

    enabled: bool = True
    min_interval_ms: int = Field(
        100, ge=0, description="a user's snapshot is rebuilt at most this often"
    )
    token_budget: int = Field(1024, ge=64, description="approximate tokens per snapshot")
    max_items: int = Field(20, ge=0)
    recent_turns: int = Field(5, ge=1, description="recent turns the items are chosen for")


class HttpSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(8787, ge=0, le=65535)
    max_body_bytes: int = Field(
        8 << 20, ge=1, description="larger request bodies get 413, before they are parsed"
    )
    mcp: bool = Field(True, description="serve MCP (streamable HTTP) at /mcp")
    sse_keepalive_seconds: float = Field(
        15.0, gt=0, description="comment lines on idle SSE context streams, every N seconds"
    )


class ScopedApiToken(Section):
    """A bearer token for an agent: only the ``users`` listed and those whose id starts
    with ``user_prefix``; never the admin-only routes."""

    name: str = Field(min_length=1, description="names the token in logs (never the token)")
    token: SecretStr
    users: list[str] = Field(default_factory=list)
    user_prefix: str | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _some_scope(self) -> ScopedApiToken:
        if not self.users and self.user_prefix is None:
            raise ValueError(f"scoped token {self.name!r}: give users, user_prefix or both")
        return self


class Settings(BaseSettings):
    """Everything memoryd can be told."""

    model_config = SettingsConfigDict(
        env_prefix="MEMORYD_",
        env_nested_delimiter="__",
        extra="forbid",
        nested_model_default_partial_update=True,
        hide_input_in_errors=True,
    )

    data_dir: Path = Field(Path(".memoryd"), description="embedded state (Qdrant Edge files)")
    store: StoreSettings = Field(default_factory=StoreSettings)
    embedder: EmbedderSettings = Field(default_factory=EmbedderSettings)
    memory: MemorySettings = Field(default_factory=MemorySettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    transport: Literal["nats", "kafka"] = "nats"
    replica_id: str = Field(
        default_factory=default_replica_id, description="this replica's name (leases, logs)"
    )
    nats: NatsSettings = Field(default_factory=NatsSettings)
    kafka: KafkaSettings = Field(default_factory=KafkaSettings)
    batch: BatchSettings = Field(default_factory=BatchSettings)
    snapshot: SnapshotSettings = Field(default_factory=SnapshotSettings)
    evolution: EvolutionSettings = Field(default_factory=EvolutionSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    api_token: SecretStr | None = Field(None, description="bearer token the HTTP API requires")
    # Marked as a secret (format: password) so that the chart keeps it out of the ConfigMap:
    # it comes from the secrets dir (file `scoped_api_tokens`, JSON) or the environment.
    scoped_api_tokens: list[ScopedApiToken] = Field(
        default_factory=list,
        description="tokens limited to some users, for agents (JSON list)",
        json_schema_extra={"format": "password", "writeOnly": True},
    )
    shutdown_grace_seconds: float = Field(25.0, gt=0, description="drain budget on SIGTERM")
    otlp_endpoint: str | None = Field(None, description="OTLP/HTTP traces endpoint")
    service_name: str = "memoryd"
    log_level: str = "INFO"
    log_format: Literal["line", "json"] = Field(
        "line", description="line: time level logger: message key=value; json: one object a line"
    )

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
        config_file = _CONFIG_FILE.get() or os.environ.get("MEMORYD_CONFIG")
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

    @model_validator(mode="after")
    def _distinct_tokens(self) -> Settings:
        tokens = [t.token.get_secret_value() for t in self.scoped_api_tokens]
        if self.api_token is not None:
            tokens.append(self.api_token.get_secret_value())
        if len(set(tokens)) != len(tokens):
            raise ValueError("api_token and every scoped_api_tokens token must be different")
        return self

    def edge_path(self) -> Path:
        return self.store.path or self.data_dir / "qdrant"


#: The YAML file :func:`load_settings` was given, while it builds the tree: the sources
#: hook is a classmethod pydantic-settings calls, so it cannot be handed an argument.
_CONFIG_FILE: ContextVar[Path | None] = ContextVar("memoryd_config_file", default=None)


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings tree from every source; call once, in ``main()``. ``config_file``
    (the CLI's ``--config``) takes the place of ``MEMORYD_CONFIG``."""
    if config_file is not None and not config_file.is_file():
        raise ConfigurationError(f"config file not found: {config_file}")
    token = _CONFIG_FILE.set(config_file)
    try:
        return Settings(**overrides)
    finally:
        _CONFIG_FILE.reset(token)
