"""Broker credentials come from settings and secret files, reach the broker, and are never
logged or echoed in errors."""

from __future__ import annotations

import gc
import logging
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from faststream.nats.security import parse_security
from pydantic import ValidationError

from memoryd.client import publish_event
from memoryd.config import KafkaSettings, Settings, load_settings
from memoryd.daemon.app import Daemon
from memoryd.daemon.embedded import EmbeddedNats
from memoryd.memory.engine import MemoryEngine
from memoryd.stores.edge import QdrantEdgeStore
from memoryd.testing.embedder import HashEmbedder
from memoryd.transports.kafka.options import connection_kwargs
from memoryd.transports.nats.options import nats_security

from .brokers import NatsBroker, event, eventually, start_daemon

pytestmark = pytest.mark.anyio
PASSWORD = "s3cret-Pa55"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def nats_with_auth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedNats]:
    directory = tmp_path_factory.mktemp("nats-auth")
    config = directory / "auth.conf"
    config.write_text(f'authorization {{ user: memoryd, password: "{PASSWORD}" }}\n')
    with EmbeddedNats(directory, port=0, config_file=config) as server:
        yield server


async def test_nats_password_from_a_secret_file_reaches_the_server_and_no_log(
    nats_with_auth: EmbeddedNats,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "nats__password").write_text(PASSWORD)
    monkeypatch.setenv("MEMORYD_SECRETS_DIR", str(secrets))
    caplog.set_level(logging.DEBUG)
    broker = NatsBroker(nats_with_auth.url)
    settings = broker.settings(tmp_path, nats={"user": "memoryd"})
    assert settings.nats.password is not None
    assert settings.nats.password.get_secret_value() == PASSWORD
    assert PASSWORD not in repr(settings)

    daemon = await start_daemon(settings)
    try:
        await publish_event(
            event("s1", "I moved to Lisbon last week."),
            nats_url=settings.nats.url,
            subject_prefix=settings.nats.events_subject,
            user="memoryd",
            password=PASSWORD,
        )
        await eventually(lambda: daemon.engine.stats("alice@example.com").events == 1)
    finally:
        await daemon.stop()
    assert PASSWORD not in caplog.text


# nats-py leaves the socket of a refused connect to the garbage collector: collect it here,
# where its ResourceWarning is expected, not in whichever test runs next.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_wrong_nats_password_fails_without_echoing_it(
    nats_with_auth: EmbeddedNats, tmp_path: Path
) -> None:
    wrong = "not-the-Pa55word"
    settings = NatsBroker(nats_with_auth.url).settings(
        tmp_path, nats={"user": "memoryd", "password": wrong}
    )
    engine = MemoryEngine(QdrantEdgeStore(settings.edge_path()), HashEmbedder())
    daemon = Daemon(settings, engine)
    try:
        with pytest.raises(Exception) as raised:  # nats-py's auth error, whatever its class
            await daemon.start()
    finally:
        await daemon.stop()
    assert "uthorization" in str(raised.value) or "uthorization" in repr(raised.value)
    assert wrong not in str(raised.value)
    del raised
    gc.collect()


def test_nats_takes_one_auth_method() -> None:
    with pytest.raises(ValidationError, match="set one of"):
        Settings(nats={"user": "a", "password": "b", "token": PASSWORD})


@pytest.mark.parametrize(
    "section",
    [
        {"nats": {"ulr": "nats://elsewhere:4222"}},
        {"memory": {"dedup_treshold": 0.5}},
        {"llm": {"modle": "m"}},
        {"evolution": {"decay": {"half_life": 3}}},
    ],
)
def test_a_misspelt_nested_setting_is_refused(
    section: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # From a config file as an operator writes it: a typo must not silently fall back
    # to a default (e.g. the NATS URL).
    config = tmp_path / "memoryd.yaml"
    config.write_text(yaml.safe_dump(section))
    monkeypatch.setenv("MEMORYD_CONFIG", str(config))
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        load_settings()


def test_kafka_sasl_scram_over_tls_maps_to_aiokafka_and_hides_the_password() -> None:
    kafka = KafkaSettings(
        bootstrap_servers="b1:9093,b2:9093",
        security_protocol="SASL_SSL",
        sasl_mechanism="SCRAM-SHA-512",
        sasl_username="memoryd",
        sasl_password=PASSWORD,  # type: ignore[arg-type]
    )
    kwargs = connection_kwargs(kafka)
    assert kwargs["bootstrap_servers"] == ["b1:9093", "b2:9093"]
    assert kwargs["security_protocol"] == "SASL_SSL"
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert kwargs["sasl_plain_username"] == "memoryd"
    assert kwargs["sasl_plain_password"] == PASSWORD
    assert isinstance(kwargs["ssl_context"], ssl.SSLContext), "SASL_SSL turns TLS on"
    assert PASSWORD not in repr(kafka)


def test_kafka_sasl_without_credentials_is_refused_without_echoing_input() -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(kafka={"security_protocol": "SASL_PLAINTEXT", "sasl_password": PASSWORD})
    assert "needs sasl_mechanism, sasl_username and sasl_password" in str(raised.value)
    assert PASSWORD not in str(raised.value)


def test_plaintext_kafka_has_no_security_arguments() -> None:
    kwargs = connection_kwargs(KafkaSettings())
    assert kwargs["security_protocol"] == "PLAINTEXT" if "security_protocol" in kwargs else True
    assert "sasl_plain_password" not in kwargs


def test_nats_token_and_tls_settings_map_to_the_client(tmp_path: Path) -> None:
    settings = Settings(
        nats={"token": PASSWORD, "tls": {"enabled": True, "check_hostname": False}}
    ).nats
    options = parse_security(nats_security(settings))
    assert options["token"] == PASSWORD
    assert isinstance(options["tls"], ssl.SSLContext)
    assert options["tls"].check_hostname is False
    assert PASSWORD not in repr(settings)
    seed = tmp_path / "memoryd.nk"
    seed.write_text("SUAMK2FG4MI6UE3ACF3FK3OIQBCEIEZV7NSWFFEW63UXMRLFM2XLAXK4GY\n")
    nkey = parse_security(nats_security(Settings(nats={"nkey_seed_file": seed}).nats))
    assert nkey["nkeys_seed"] == str(seed), "the seed file is read by nats-py at connect"
