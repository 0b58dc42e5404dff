"""Consuming events from a transport: validation, dead letters, per-user micro-batches."""
