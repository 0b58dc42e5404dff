"""The daemon's snapshot source: what :func:`memoryd.client.subscribe_context` reads, from
the daemon's own settings (the KV bucket over NATS, the compacted topic over Kafka)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from memoryd.agents.watch import SnapshotSource
from memoryd.client import ConnectOptions, KafkaOptions, subscribe_context
from memoryd.config import NatsSettings, Settings
from memoryd.events import ContextSnapshot


def snapshot_source(settings: Settings) -> SnapshotSource:
    """Follow users' snapshots as an agent would, with the daemon's broker credentials."""
    if settings.transport == "kafka":
        kafka = KafkaOptions.from_settings(settings.kafka)

        def follow_kafka(user_id: str) -> AsyncGenerator[ContextSnapshot, None]:
            return subscribe_context(user_id, kafka=kafka)

        return follow_kafka
    nats = settings.nats
    connect = nats_connect_options(nats)

    def follow_nats(user_id: str) -> AsyncGenerator[ContextSnapshot, None]:
        return subscribe_context(user_id, nats_url=nats.url, bucket=nats.kv_bucket, **connect)

    return follow_nats


def nats_connect_options(settings: NatsSettings) -> ConnectOptions:
    """``nats.connect`` keyword arguments for the settings' auth and TLS (never logged)."""
    options: ConnectOptions = {"name": "memoryd-agents", "max_reconnect_attempts": -1}
    if settings.creds_file:
        options["user_credentials"] = str(settings.creds_file)
    elif settings.nkey_seed_file:
        options["nkeys_seed"] = str(settings.nkey_seed_file)
    elif settings.user:
        options["user"] = settings.user
        options["password"] = settings.password.get_secret_value() if settings.password else ""
    elif settings.token:
        options["token"] = settings.token.get_secret_value()
    tls = settings.tls.context()
    if tls is not None:
        options["tls"] = tls
    return options
