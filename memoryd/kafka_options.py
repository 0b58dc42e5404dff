"""Kafka connection settings shared by the daemon and the agent client: security (SASL
PLAIN/SCRAM, TLS) as FastStream security objects and as aiokafka keyword arguments, and the
partition a user id keys to."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from aiokafka.partitioner import DefaultPartitioner
from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from memoryd.config import KafkaSettings

_SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}
_partitioner = DefaultPartitioner()


def kafka_security(settings: KafkaSettings) -> BaseSecurity | None:
    """The FastStream security object for the settings (None for plaintext)."""
    tls = settings.tls.context()
    use_ssl = settings.security_protocol.endswith("SSL")
    if settings.security_protocol.startswith("SASL"):
        assert settings.sasl_mechanism and settings.sasl_username and settings.sasl_password
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


def partition_for(user_id: str, partitions: Collection[int]) -> int:
    """The partition a producer keying by ``user_id`` writes to (murmur2, as Java's and
    aiokafka's default partitioners do)."""
    ordered = sorted(partitions)
    return int(_partitioner(user_id.encode(), ordered, ordered))
