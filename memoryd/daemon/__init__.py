"""The daemon: wiring, lifespan, HTTP API, metrics, tracing and the ``memoryd`` CLI."""
