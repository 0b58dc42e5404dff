"""memoryd: long-term memory for LLM agents, built from their event streams."""

from memoryd.errors import InvalidEventError, MemorydError, PermanentError, TransientError

__all__ = ["InvalidEventError", "MemorydError", "PermanentError", "TransientError"]
__version__ = "0.1.0"
