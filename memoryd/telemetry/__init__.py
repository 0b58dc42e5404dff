"""Telemetry: Prometheus metrics, OpenTelemetry tracing, and logs correlated with traces.

A leaf: every layer (pipeline, transports, publishers, schedulers, daemon) records
metrics and spans, so this package imports nothing of memoryd but ``config``. The
daemon builds one :class:`~memoryd.telemetry.metrics.Metrics` per replica and passes
it down; tracing is global (OpenTelemetry's provider), switched on once by ``main()``.
"""
