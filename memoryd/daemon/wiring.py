"""How a replica's parts are chosen from the settings: its transport and snapshot sink,
and the API's tokens."""

from __future__ import annotations

import asyncio
import logging

from memoryd.config import Settings
from memoryd.daemon.auth import ApiToken, TokenScope
from memoryd.pipeline.transport import SnapshotSink, Transport
from memoryd.transports.kafka.consumer import KafkaTransport
from memoryd.transports.kafka.sink import KafkaSnapshotSink
from memoryd.transports.nats.consumer import NatsTransport
from memoryd.transports.nats.sink import NatsSnapshotSink

log = logging.getLogger(__name__)

#: How long a replica that takes users over waits to read their last snapshots.
_CATCH_UP_SECONDS = 30.0

def build_transport(settings: Settings) -> tuple[Transport, SnapshotSink]:
    graceful = min(5.0, settings.shutdown_grace_seconds)
    if settings.transport == "kafka":
        sink: KafkaSnapshotSink | None = None

        async def caught_up() -> None:
            # A replica taking users over continues their snapshot versions: first read
            # what the previous owner published. Bounded: a context topic that cannot be
            # read must not hold up consuming (subscribers skip a repeated version).
            if sink is None:
                return
            try:
                async with asyncio.timeout(_CATCH_UP_SECONDS):
                    await sink.catch_up()
            except TimeoutError:
                log.warning("context topic not caught up; snapshot versions may repeat")

        kafka = KafkaTransport(settings.kafka, graceful_timeout=graceful, on_assigned=caught_up)
        sink = KafkaSnapshotSink(settings.kafka, kafka.broker)
        return kafka, sink
    nats = NatsTransport(settings.nats, replica_id=settings.replica_id, graceful_timeout=graceful)
    return nats, NatsSnapshotSink(settings.nats, lambda: nats.js, lambda: nats.client)


def api_secret(settings: Settings) -> str | None:
    # An empty token is passed on, not treated as "no auth": the API refuses to start with
    # it, because an empty secret file means a misconfiguration, not an open API.
    return None if settings.api_token is None else settings.api_token.get_secret_value()


def scoped_tokens(settings: Settings) -> list[ApiToken]:
    return [
        ApiToken(
            t.token.get_secret_value(),
            TokenScope(t.name, users=frozenset(t.users), user_prefix=t.user_prefix),
        )
        for t in settings.scoped_api_tokens
    ]


