"""In-memory fakes of memoryd's ports, for fast unit tests of the core: a vector store,
an embedder, a broker delivery, a transport and a snapshot sink."""

from memoryd.testing.memory_store import InMemoryStore
from memoryd.testing.transport import InMemorySnapshotSink, InMemoryTransport

__all__ = ["InMemorySnapshotSink", "InMemoryStore", "InMemoryTransport"]
