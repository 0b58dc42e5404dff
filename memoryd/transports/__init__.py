"""Broker adapters, one package per transport, each of the same shape:

- ``consumer.py``: the :class:`~memoryd.pipeline.transport.Transport` (NATS: durable pull
  consumers and dead-letter subjects; Kafka: a consumer group and a dead-letter topic);
- ``sink.py``: the :class:`~memoryd.pipeline.transport.SnapshotSink` (NATS: KV bucket plus
  a live subject; Kafka: a log-compacted topic keyed by user);
- ``client.py``: the agent side, publish events and read snapshots (behind
  :mod:`memoryd.client`);
- ``options.py``: how to connect (auth, TLS, defaults; Kafka's ``KafkaOptions``);
- ``topology.py``: where things are (NATS: subjects, user tokens, stream shards; Kafka:
  topics, the partition a user keys to);
- ownership of part of the stream: ``nats/leases.py`` (KV leases with a TTL per shard),
  ``kafka/offsets.py`` (what may be committed per partition; the group assigns them).

A third transport is a copy of this shape, filled in. Transports import the pipeline's
ports, telemetry and the wire schemas; never publishers, schedulers or the daemon.
"""
