"""Spans consume → extract → embed → store → publish, parented by the event's traceparent."""

from __future__ import annotations

import asyncio

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from memoryd.config import BatchSettings, SnapshotSettings
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.settings import MemorySettings
from memoryd.pipeline.ingest import IngestPipeline
from memoryd.publishers.coalescer import SnapshotCoalescer
from memoryd.publishers.snapshot import SnapshotBuilder
from memoryd.telemetry.metrics import Metrics
from memoryd.testing.delivery import FakeDelivery
from memoryd.testing.embedder import HashEmbedder
from memoryd.testing.memory_store import InMemoryStore
from memoryd.testing.transport import InMemorySnapshotSink, InMemoryTransport

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    # The global provider can be set once per process; the exporter is cleared per test.
    trace.set_tracer_provider(provider)
    return exporter


def test_batch_spans_continue_the_event_trace(spans: InMemorySpanExporter) -> None:
    spans.clear()
    engine = MemoryEngine(InMemoryStore(), HashEmbedder(), settings=MemorySettings(lexical=False))
    sink = InMemorySnapshotSink()
    coalescer = SnapshotCoalescer(
        SnapshotBuilder(engine, SnapshotSettings()), sink, SnapshotSettings(), Metrics()
    )

    async def memorized(user_id: str, batch: object, result: object) -> None:
        coalescer.notify(user_id, event_ids=["e1"], turns=["hiking"], traceparent=TRACEPARENT)

    pipeline = IngestPipeline(
        engine,
        BatchSettings(max_wait_ms=5),
        Metrics(),
        transport="test",
        dead_letters=InMemoryTransport(),
        on_memorized=memorized,
    )

    async def scenario() -> None:
        delivery = FakeDelivery.of(
            {"id": "e1", "user_id": "u", "content": "I love hiking in the Alps every summer."},
            headers={"traceparent": TRACEPARENT},
        )
        await pipeline.submit(delivery)
        await pipeline.drain()
        await coalescer.flush()

    asyncio.run(scenario())
    finished = {s.name: s for s in spans.get_finished_spans()}
    assert {
        "memoryd.consume",
        "memoryd.extract",
        "memoryd.embed",
        "memoryd.store",
        "memoryd.publish",
    } <= set(finished)
    for span in finished.values():
        assert span.context is not None
        assert format(span.context.trace_id, "032x") == TRACE_ID
    consume = finished["memoryd.consume"]
    assert consume.context is not None
    assert finished["memoryd.embed"].parent is not None
    assert finished["memoryd.embed"].parent.span_id == consume.context.span_id
    (snapshot,) = sink.published
    assert not pipeline.counts["dead_lettered"]
    assert snapshot.traceparent is not None and TRACE_ID in snapshot.traceparent
