"""Which records of a partition may be committed: the pipeline finishes batches out of
order across users, so a partition's offset only moves past records that are done."""

from __future__ import annotations

from collections import deque


class OffsetTracker:
    """The records of one partition handed to the pipeline, in order, and which are done.

    The committable offset is the first record not done yet — or, when all are, the one
    after the last record seen.
    """

    def __init__(self) -> None:
        self._order: deque[int] = deque()
        self._done: set[int] = set()
        self._next: int | None = None

    def add(self, offset: int) -> bool:
        """Track a fetched record; False if it was seen already (a re-fetch)."""
        if self._next is not None and offset < self._next:
            return False
        self._order.append(offset)
        self._next = offset + 1
        return True

    def done(self, offset: int) -> None:
        self._done.add(offset)

    @property
    def outstanding(self) -> int:
        return len(self._order) - len(self._done)

    def committable(self) -> int | None:
        while self._order and self._order[0] in self._done:
            self._done.discard(self._order.popleft())
        return self._order[0] if self._order else self._next
