"""How to reach Kafka, for the daemon and the agent client: security (SASL PLAIN/SCRAM,
TLS) as FastStream security objects and as aiokafka keyword arguments, and the agent
client's :class:`KafkaOptions`. (The NATS twin: :mod:`memoryd.transports.nats.options`.)"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from memoryd.config import KafkaSettings
from memoryd.errors import ConfigurationError

_SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}


def kafka_security(settings: KafkaSettings) -> BaseSecurity | None:
    """The FastStream security object for the settings (None for plaintext)."""
    tls = settings.tls.context()
    use_ssl = settings.security_protocol.endswith("SSL")
    if settings.security_protocol.startswith("SASL"):
        if not (settings.sasl_mechanism and settings.sasl_username and settings.sasl_password):
            raise ConfigurationError(
                f"kafka.security_protocol {settings.security_protocol} needs "
                "kafka.sasl_mechanism, kafka.sasl_username and kafka.sasl_password"
            )
        return _SASL[settings.sasl_mechanism](
            settings.sasl_username,
            settings.sasl_password.get_secret_value(),
            ssl_context=tls,
            use_ssl=use_ssl,
        )
    if use_ssl:
        return BaseSecurity(ssl_context=tls, use_ssl=True)
    return None


def connection_kwargs(settings: KafkaSettings) -> dict[str, Any]:
    """aiokafka keyword arguments for bootstrap, client id and security (secrets included:
    never log the result)."""
    return {
        "bootstrap_servers": settings.bootstrap_servers.split(","),
        "client_id": settings.client_id,
        **parse_security(kafka_security(settings)),
    }


@dataclass(frozen=True)
class KafkaOptions:
    """Where and how to reach memoryd's Kafka topics.

    ``connection`` holds further aiokafka keyword arguments (``security_protocol``,
    ``sasl_mechanism``, ``sasl_plain_username``, ``sasl_plain_password``,
    ``ssl_context``, ...); :meth:`from_settings` fills it from the daemon's settings.
    """

    bootstrap_servers: str
    events_topic: str = "memoryd.events"
    context_topic: str = "memoryd.context"
    client_id: str = "memoryd-client"
    enable_idempotence: bool = True
    connection: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_settings(cls, settings: KafkaSettings) -> KafkaOptions:
        kwargs = connection_kwargs(settings)
        del kwargs["bootstrap_servers"], kwargs["client_id"]
        return cls(
            bootstrap_servers=settings.bootstrap_servers,
            events_topic=settings.events_topic,
            context_topic=settings.context_topic,
            enable_idempotence=settings.enable_idempotence,
            connection=kwargs,
        )

    def kwargs(self) -> dict[str, Any]:
        return {
            "bootstrap_servers": self.bootstrap_servers.split(","),
            "client_id": self.client_id,
            **self.connection,
        }
