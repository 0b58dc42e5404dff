"""Kafka: consumer group, snapshot sink (compacted topic), agent client, options, topology
(topics, partitions) and offsets. See :mod:`memoryd.transports` for the shape."""
