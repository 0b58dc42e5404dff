"""Snapshots over NATS: the latest per user in a JetStream KV bucket (an agent that starts
late reads it at once) and every update on ``<context_subject>.<user token>``."""

from __future__ import annotations

import logging
from collections.abc import Callable

from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.errors import BucketNotFoundError, KeyDeletedError, KeyNotFoundError
from nats.js.kv import KeyValue

from memoryd.config import NatsSettings
from memoryd.events import ContextSnapshot, deleted_snapshot
from memoryd.transports.nats.topology import context_subject, user_token

log = logging.getLogger(__name__)


class NatsSnapshotSink:
    """Publishes snapshots to the KV bucket and the live subject."""

    def __init__(
        self,
        settings: NatsSettings,
        jetstream: Callable[[], JetStreamContext],
        client: Callable[[], Client],
    ):
        self.settings = settings
        self._jetstream = jetstream
        self._client = client
        self._kv: KeyValue | None = None

    async def start(self) -> None:
        """Bind the bucket, creating it (one value per key) when allowed."""
        js = self._jetstream()
        try:
            self._kv = await js.key_value(self.settings.kv_bucket)
        except BucketNotFoundError:
            if not self.settings.create_stream:
                raise
            self._kv = await js.create_key_value(bucket=self.settings.kv_bucket, history=1)

    async def publish(self, snapshot: ContextSnapshot) -> None:
        data = snapshot.model_dump_json().encode()
        await self._bucket().put(user_token(snapshot.user_id), data)
        headers = {"traceparent": snapshot.traceparent} if snapshot.traceparent else None
        subject = context_subject(self.settings.context_subject, snapshot.user_id)
        await self._client().publish(subject, data, headers=headers)

    async def latest(self, user_id: str) -> ContextSnapshot | None:
        try:
            entry = await self._bucket().get(user_token(user_id))
        except (KeyNotFoundError, KeyDeletedError):
            return None
        if not entry.value:
            return None
        return ContextSnapshot.model_validate_json(entry.value)

    async def clear(self, user_id: str) -> None:
        """Publish the empty snapshot (kind ``deleted``) so live subscribers and KV watchers
        learn of the deletion, then purge the user's key: no revision of their memory
        stays in the bucket (a purge marker without data does)."""
        await self.publish(deleted_snapshot(user_id, await self.latest(user_id)))
        await self._bucket().purge(user_token(user_id))

    async def close(self) -> None:
        """Nothing of its own to close: the transport owns the connection."""

    def _bucket(self) -> KeyValue:
        if self._kv is None:
            raise RuntimeError("NatsSnapshotSink.start() was not awaited")
        return self._kv
