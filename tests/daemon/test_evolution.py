"""Self-evolution inside a running daemon on a real nats-server: a scheduled run (on a
clock moved by hand) pushes a fresh snapshot to subscribed agents."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from memoryd.daemon.embedded import EmbeddedNats
from memoryd.events import ContextSnapshot
from memoryd.schedulers.clock import ManualClock

from .brokers import NatsBroker, event, start_daemon

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_a_scheduled_resummarize_pushes_a_snapshot_with_a_new_version(
    nats_server: EmbeddedNats, tmp_path: Path
) -> None:
    broker = NatsBroker(nats_server.url)
    settings = broker.settings(
        tmp_path,
        memory={"summarize_on_ingest": False},  # summaries wait for the schedule
        evolution={
            "resummarize": {"cron": "0 3 * * *"},
            "consolidate": {"enabled": False},
            "decay": {"enabled": False},
            "discover": {"enabled": False},
            "dirty_items": 0,
            "idle_seconds": 0,
        },
    )
    clock = ManualClock(datetime(2031, 6, 1, 2, 30, tzinfo=UTC))
    daemon = await start_daemon(settings, clock=clock)
    received: list[ContextSnapshot] = []

    async def listen() -> None:
        async for snapshot in broker.subscribe(settings, "alice@example.com"):
            received.append(snapshot)
            if snapshot.trigger.kind == "evolution":
                return

    listener = asyncio.create_task(listen())
    try:
        await broker.publish(settings, event("e1", "I love painting sunsets on weekends."))
        await broker.publish(settings, event("e2", "My sister Anna works as a nurse."))
        while {"e1", "e2"} - {i for s in received for i in s.trigger.event_ids}:
            await asyncio.sleep(0.05)
        before = received[-1]
        assert before.categories == []  # no summary yet: every category is dirty
        assert all(c.dirty for c in daemon.engine.categories("alice@example.com"))

        clock.advance(1800)  # 03:00
        reports = await daemon.evolution.run_due()

        assert [(r.job, r.outcome) for r in reports] == [("resummarize", "changed")]
        await asyncio.wait_for(listener, 20)
        after = received[-1]
        assert after.trigger.kind == "evolution" and after.version > before.version
        assert after.categories and all(c.summary_version == 1 for c in after.categories)
        assert after == await daemon.latest_snapshot("alice@example.com")
    finally:
        listener.cancel()
        await daemon.stop()
