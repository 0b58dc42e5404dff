"""Context snapshots: ``snapshot`` builds one for a user (category summaries plus the items
relevant to the ongoing conversation, within a token budget), ``coalescer`` decides when
(at most once per interval per user, versions monotonic across restarts and owners).
Where they go is a :class:`~memoryd.pipeline.transport.SnapshotSink`, which lives with its
transport (``transports/*/sink.py``): publishers never import a transport."""
