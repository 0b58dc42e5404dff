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
