"""OpenTelemetry: spans consume → extract → embed → store → publish, exported over
OTLP/HTTP when ``otlp_endpoint`` is set. Without it the API's no-op tracer is used and
tracing costs nothing.

W3C ``traceparent`` from an event's headers becomes the parent of its batch's span, and
is carried into the snapshot, so a trace runs from the app's publish to the agent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from opentelemetry import context, trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from memoryd.config import Settings

log = logging.getLogger(__name__)
_PROPAGATOR = TraceContextTextMapPropagator()


def configure_tracing(settings: Settings) -> Callable[[], None]:
    """Install an OTLP exporting tracer provider; call once, from ``main()``. Returns what
    flushes and stops it: call it after the daemon stopped, or the spans of the last
    batches (exported in the background, in batches) are lost."""
    if not settings.otlp_endpoint:
        return _nothing
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
    endpoint = settings.otlp_endpoint.rstrip("/")
    if not endpoint.endswith("/v1/traces"):
        endpoint += "/v1/traces"
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    log.info("tracing to OTLP", extra={"endpoint": endpoint})
    return provider.shutdown


def _nothing() -> None:
    """Tracing is off: nothing to flush."""


def parent_context(headers: Mapping[str, str] | None) -> context.Context | None:
    """The remote parent a ``traceparent`` header names, if any."""
    if not headers or "traceparent" not in headers:
        return None
    return _PROPAGATOR.extract(carrier={"traceparent": headers["traceparent"]})


def current_traceparent() -> str | None:
    """The W3C header for the current span, to carry on what we publish."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier)
    return carrier.get("traceparent")
