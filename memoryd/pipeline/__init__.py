"""The transport-neutral path from a received message to durable memory.

``delivery`` (a received message and its ack verbs) → ``batcher`` (per-user micro-batches,
grouped when due) → ``ingest`` (validate, memorise each group in one engine call, ack,
hand every user its own result) with ``dead_letters`` (the policy). How long a
transient failure waits is :func:`memoryd.errors.compute_backoff`, next to the error
tree, because ``llm/`` (below this package) retries too. ``transport`` holds the ports a
broker adapter fills.

Layering: imports telemetry, memory and the adapters' ports; never a transport, a
publisher or the daemon (transports import this package, not the other way round).
"""
