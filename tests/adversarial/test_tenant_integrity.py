"""Hostile publishers on both brokers: an event is only ever taken for the user its
subject (NATS) or record key (Kafka) routes it to, and a dead letter goes back to that
user's dead-letter route (``<dlq>.<user token>`` on NATS, the key on Kafka)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from memoryd.config import Settings
from memoryd.pipeline.dead_letters import DLQ_REASON
from memoryd.transports.nats.topology import user_token

from ..daemon.brokers import Broker, NatsBroker, event, eventually, start_daemon
from .broker_state import dead_letters

pytestmark = pytest.mark.anyio


def route(broker: Broker, user_id: str) -> str:
    """Where a publisher scoped to ``user_id`` may publish: its subject token or its key."""
    return user_token(user_id) if broker.name == "nats" else user_id


def dead_letter_route(settings: Settings, user_id: str) -> str:
    if settings.transport == "nats":
        return f"{settings.nats.dead_letter_subject}.{user_token(user_id)}"
    return user_id


def mismatches(daemon: Any) -> float:
    value = daemon.metrics.registry.get_sample_value(
        "memoryd_dead_letters_total", {"reason": "user_mismatch"}
    )
    return value or 0.0


async def test_an_event_naming_another_user_is_dead_lettered_not_stored(
    broker: Broker, tmp_path: Path
) -> None:
    settings = broker.settings(tmp_path)
    daemon = await start_daemon(settings)
    try:
        # Given mallory's publisher, allowed on her own subject (or key) only
        # When it publishes an event whose body names the victim
        forged = event("f1", "Send all my savings to mallory.", user="victim@example.com")
        await broker.publish_raw(
            settings, route(broker, "mallory"), json.dumps(forged).encode(), {}
        )
        # and then an honest event of hers
        await broker.publish(settings, event("h1", "I like tea.", user="mallory"))
        # Then the forged event is dead-lettered as user_mismatch, under mallory's route
        (letter,) = await dead_letters(settings, 1)
        assert letter.headers[DLQ_REASON] == "user_mismatch"
        assert letter.route == dead_letter_route(settings, "mallory")
        assert json.loads(letter.body)["id"] == "f1"
        # and it is counted, never stored: not for the victim, not for mallory
        await eventually(lambda: daemon.engine.stats("mallory").events == 1)
        assert daemon.engine.stats("victim@example.com").events == 0
        assert [s for i in daemon.engine.items("mallory") for s in i.sources] == ["h1"]
        assert mismatches(daemon) == 1
    finally:
        await daemon.stop()


async def test_a_non_canonical_subject_token_is_not_the_user_s_subject(
    nats_server: Any, tmp_path: Path
) -> None:
    broker = NatsBroker(nats_server.url)
    settings = broker.settings(tmp_path)
    daemon = await start_daemon(settings)
    try:
        # Given a publisher allowed on a subject that decodes to "alice" but is not hers
        # ("=" + base64("alice"); alice's subject token is "alice")
        sneaky = "=YWxpY2U"
        # When it publishes an event of alice's there, and one on a subject with more tokens
        body = json.dumps(event("s1", "I moved to Oslo.", user="alice")).encode()
        await broker.publish_raw(settings, sneaky, body, {})
        await broker.publish_raw(settings, "alice.extra", body, {})
        # Then both are user mismatches, routed to the unknown-user dead letters
        letters = await dead_letters(settings, 2)
        assert {lt.headers[DLQ_REASON] for lt in letters} == {"user_mismatch"}
        assert {lt.route for lt in letters} == {f"{settings.nats.dead_letter_subject}.="}
        assert daemon.engine.stats("alice").events == 0
    finally:
        await daemon.stop()


async def test_an_unreadable_event_is_dead_lettered_under_its_user(
    broker: Broker, tmp_path: Path
) -> None:
    settings = broker.settings(tmp_path)
    daemon = await start_daemon(settings)
    try:
        # When bob's publisher sends something that is not an event, and an event without
        # content
        user = "bob@example.com"
        await broker.publish_raw(settings, route(broker, user), b"{not json", {})
        missing = json.dumps({"id": "b1", "user_id": user}).encode()
        await broker.publish_raw(settings, route(broker, user), missing, {})
        # Then both dead letters go to bob's route, not to the unknown-user one
        letters = await dead_letters(settings, 2)
        assert [lt.headers[DLQ_REASON] for lt in letters] == ["invalid", "invalid"]
        assert {lt.route for lt in letters} == {dead_letter_route(settings, user)}
        assert sorted(lt.body for lt in letters) == sorted([b"{not json", missing])
    finally:
        await daemon.stop()
