"""Offset tracking: a partition commits only up to its first record not yet stored."""

from __future__ import annotations

from memoryd.transports.kafka.offsets import OffsetTracker
from memoryd.transports.kafka.topology import partition_for


def test_commits_up_to_the_first_record_not_done() -> None:
    tracker = OffsetTracker()
    for offset in (10, 11, 12, 13):
        assert tracker.add(offset)
    assert tracker.committable() == 10
    tracker.done(11)
    tracker.done(13)
    assert tracker.committable() == 10, "11 and 13 are stored, but 10 is not"
    tracker.done(10)
    assert tracker.committable() == 12
    tracker.done(12)
    assert tracker.committable() == 14, "all done: the offset after the last record"
    assert tracker.outstanding == 0


def test_a_refetched_record_is_not_tracked_twice() -> None:
    tracker = OffsetTracker()
    assert tracker.add(5) and tracker.add(6)
    assert not tracker.add(5), "a re-fetch after a seek must not be handed over again"
    tracker.done(5)
    tracker.done(6)
    assert tracker.committable() == 7


def test_nothing_to_commit_before_the_first_record() -> None:
    assert OffsetTracker().committable() is None


def test_compacted_gaps_in_offsets_do_not_block() -> None:
    tracker = OffsetTracker()
    for offset in (3, 7, 8):
        tracker.add(offset)
    tracker.done(3)
    tracker.done(7)
    assert tracker.committable() == 8


def test_partition_for_matches_the_java_default_partitioner() -> None:
    # Kafka's Java client test vectors for murmur2 (UtilsTest), as signed 32-bit ints;
    # its default partitioner takes toPositive(murmur2(key)) % partitions.
    for key, java in (("21", -973932308), ("foobar", -790332482)):
        expected = (java & 0x7FFFFFFF) % 7
        assert partition_for(key, range(7)) == expected
    partitions = range(12)
    assert partition_for("u-42", partitions) == partition_for("u-42", list(reversed(partitions)))
    spread = {partition_for(f"user-{i}", partitions) for i in range(200)}
    assert spread == set(partitions)
