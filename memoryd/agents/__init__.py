"""Pushed context for agent hosts: an MCP server (the official ``mcp`` SDK) and SSE.

Both serve one :class:`~memoryd.agents.ports.AgentBackend`: inside the daemon the
daemon itself (:mod:`memoryd.agents.local`), in ``memoryd mcp`` a running daemon's HTTP
API (:mod:`memoryd.agents.remote`). New snapshots reach MCP subscribers and SSE streams
through one :class:`~memoryd.agents.watch.SnapshotWatch` per process, fed by the same KV
watch (NATS) or compacted topic (Kafka) that :mod:`memoryd.client` reads.
"""
