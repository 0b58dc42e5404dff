"""Deletion that sticks, over both transports: after ``DELETE /v1/users/{id}`` the user's
old events can come back every way they can (re-sent over HTTP, waiting or not,
republished on the broker, replayed by a consumer reading from the start) and nothing
of them is memorised again; an event timed after the deletion is."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from memoryd.config import Settings
from memoryd.daemon.app import Daemon
from memoryd.transports.nats.topology import user_token

from ..daemon.brokers import Broker, eventually, start_daemon
from .broker_state import dead_letters, kafka_records, nats_kv_value, nats_last_message

pytestmark = pytest.mark.anyio

USER = "dana@example.com"
OLD = [
    {"id": f"d{i}", "user_id": USER, "content": text, "time": f"2024-03-01T09:0{i}:00Z"}
    for i, text in enumerate(
        ["I moved to Porto last spring.", "My brother Tiago is a chef.", "I hate cilantro."]
    )
]


def dropped(daemon: Daemon, transport: str) -> float:
    value = daemon.metrics.registry.get_sample_value(
        "memoryd_events_consumed_total", {"transport": transport, "outcome": "deleted"}
    )
    return value or 0.0


async def republish(broker: Broker, settings: Settings, events: list[dict[str, Any]]) -> None:
    """As a replaying producer would: the same bodies, no NATS dedup id."""
    route = user_token(USER) if broker.name == "nats" else USER
    for e in events:
        await broker.publish_raw(settings, route, json.dumps(e).encode(), {})


async def assert_erased_on_the_broker(broker: Broker, settings: Settings) -> None:
    if settings.transport == "nats":
        s = settings.nats
        token = user_token(USER)
        assert await nats_last_message(settings, s.stream, f"{s.events_subject}.{token}") is None
        dlq = f"{s.dead_letter_subject}.{token}"
        assert await nats_last_message(settings, s.dead_letter_stream, dlq) is None
        assert await nats_kv_value(settings, token) is None
        return
    # The compacted context topic ends with a tombstone for the user's key.
    records = await kafka_records(settings, settings.kafka.context_topic)
    assert [value for key, value, _ in records if key == USER.encode()][-1] is None


async def test_a_deleted_user_stays_deleted_through_every_replay(
    broker: Broker, tmp_path: Path
) -> None:
    # A short dedup window, so that NATS does not drop the re-sends at publish: the
    # tombstone has to.
    settings = broker.settings(tmp_path, nats={"duplicate_window": 1.0})
    daemon = await start_daemon(settings)
    try:
        # Given a user with memory, a snapshot and a dead letter
        for e in OLD:
            await broker.publish(settings, e)
        route = user_token(USER) if broker.name == "nats" else USER
        await broker.publish_raw(settings, route, b"{broken", {})
        await eventually(lambda: daemon.engine.stats(USER).events == len(OLD))
        await eventually(lambda: daemon.latest_snapshot(USER))
        await dead_letters(settings, 1)
        async with httpx.AsyncClient(base_url=daemon.http.url) as api:
            # When the user is deleted
            deleted = await api.delete(f"/v1/users/{quote(USER, safe='')}")
            assert deleted.status_code == 200
            assert deleted.json()["deleted"]["events"] == len(OLD)
            # Then memory, latest snapshot, stream subject, dead letters and KV key are gone
            # (on Kafka: a tombstone on the compacted context topic)
            assert daemon.engine.stats(USER).events == 0
            assert USER not in daemon.engine.user_ids()
            assert await daemon.latest_snapshot(USER) is None
            await assert_erased_on_the_broker(broker, settings)
            await asyncio.sleep(1.1)  # past the NATS dedup window
            # When the old events come back: re-sent over HTTP, waiting and not
            assert (await api.post("/v1/events", json=OLD)).status_code == 200
            assert (await api.post("/v1/events?wait=false", json=OLD)).status_code == 202
            # and republished on the broker
            await republish(broker, settings, OLD)
            # Then every one of them is dropped and counted, nothing comes back
            await eventually(lambda: dropped(daemon, broker.name) == 2 * len(OLD))
            assert dropped(daemon, "http") == len(OLD)
            assert daemon.engine.stats(USER).events == 0
            assert daemon.engine.items(USER) == []
            assert await daemon.latest_snapshot(USER) is None
            # When a new event, timed after the deletion, arrives
            new = {**OLD[0], "id": "d-new", "time": datetime.now(UTC).isoformat()}
            await broker.publish(settings, {**new, "content": "I adopted a cat named Miso."})
            # Then it is memorised as usual
            await eventually(lambda: daemon.engine.stats(USER).events == 1)
            assert {s for i in daemon.engine.items(USER) for s in i.sources} == {"d-new"}
    finally:
        await daemon.stop()
    # When a consumer replays the stream from its start (a new consumer group / durable)
    replay = _fresh_consumer(settings)
    daemon = await start_daemon(replay)
    try:
        # Then the old events still in the stream are dropped again (on NATS the original
        # ones were purged: only the re-sends after the deletion are left)
        replayed = 2 * len(OLD) + (len(OLD) if broker.name == "kafka" else 0)
        await eventually(lambda: daemon.pipeline.counts["deleted"] == replayed, timeout=30)
        assert daemon.engine.stats(USER).events == 1
        assert {s for i in daemon.engine.items(USER) for s in i.sources} == {"d-new"}
    finally:
        await daemon.stop()


def _fresh_consumer(settings: Settings) -> Settings:
    if settings.transport == "nats":
        nats_settings = settings.nats.model_copy(update={"durable": settings.nats.durable + "r"})
        return settings.model_copy(update={"nats": nats_settings})
    kafka = settings.kafka.model_copy(update={"group_id": settings.kafka.group_id + "r"})
    return settings.model_copy(update={"kafka": kafka})
