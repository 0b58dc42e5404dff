"""NATS JetStream: consumer, snapshot sink (KV + subject), agent client, options, topology
(subjects, shards) and shard leases. See :mod:`memoryd.transports` for the shape."""
