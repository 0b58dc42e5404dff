"""The settings tree: the config file is an argument, never smuggled through os.environ."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from memoryd.config import load_settings
from memoryd.errors import ConfigurationError, MemorydError


def test_the_config_file_is_read_from_the_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a YAML file and no MEMORYD_CONFIG in the environment
    monkeypatch.delenv("MEMORYD_CONFIG", raising=False)
    path = tmp_path / "memoryd.yaml"
    path.write_text("log_level: DEBUG\nlog_format: json\n")
    # When the settings are loaded from it
    settings = load_settings(path)
    # Then they hold its values, and the environment was left alone
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
    assert "MEMORYD_CONFIG" not in os.environ
    assert load_settings().log_level == "INFO", "the file applies to that load only"


def test_a_missing_config_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not found"):
        load_settings(tmp_path / "absent.yaml")
    assert issubclass(ConfigurationError, MemorydError)
