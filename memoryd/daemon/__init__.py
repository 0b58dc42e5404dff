"""The daemon, the top layer: wiring (``app``), the HTTP API and auth, the embedded
nats-server and the ``memoryd`` CLI. Nothing outside this package imports it; metrics,
tracing and logging live in :mod:`memoryd.telemetry`."""
