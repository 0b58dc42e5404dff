"""In-memory fakes of memoryd's ports, for fast unit tests of the core."""

from memoryd.testing.memory_store import InMemoryStore

__all__ = ["InMemoryStore"]
