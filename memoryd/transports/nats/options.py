"""How to reach NATS, for the daemon and the agent client: the daemon's security object
(user/password, token, NKey, .creds, TLS) and the client's connection options and
defaults. (The Kafka twin: :mod:`memoryd.transports.kafka.options`.)"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable
from typing import TypedDict

from faststream.nats.security import (
    NatsCredentials,
    NatsNKey,
    NatsSecurity,
    NatsToken,
    NatsUserPassword,
)

from memoryd.config import NatsSettings

# The daemon's defaults (memoryd.config.NatsSettings).
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"
DEFAULT_EVENTS_PREFIX = "memoryd.events"
DEFAULT_BUCKET = "memoryd_context"


class ConnectOptions(TypedDict, total=False):
    """Keyword arguments passed through to ``nats.connect`` (see nats-py for the rest)."""

    user: str
    password: str
    token: str
    user_credentials: str  # path to a .creds file
    nkeys_seed: str  # path to an nkey seed file
    tls: ssl.SSLContext
    name: str
    connect_timeout: int
    allow_reconnect: bool
    max_reconnect_attempts: int  # nats-py retries the first connect this often too
    reconnect_time_wait: int
    error_cb: Callable[[Exception], Awaitable[None]]


def nats_security(settings: NatsSettings) -> NatsSecurity | None:
    """The FastStream security object for the settings' auth and TLS (None for neither)."""
    tls = settings.tls.context()
    if settings.creds_file:
        return NatsCredentials(str(settings.creds_file), ssl_context=tls)
    if settings.nkey_seed_file:
        return NatsNKey(settings.nkey_seed_file, ssl_context=tls)
    if settings.user:
        password = settings.password.get_secret_value() if settings.password else ""
        return NatsUserPassword(settings.user, password, ssl_context=tls)
    if settings.token:
        return NatsToken(settings.token.get_secret_value(), ssl_context=tls)
    if tls is not None:
        return NatsSecurity(ssl_context=tls)
    return None
