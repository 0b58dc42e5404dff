from __future__ import annotations

import random

import pytest

from memoryd.errors import compute_backoff


def test_backoff_grows_exponentially_and_is_capped() -> None:
    rng = random.Random(1)
    delays = [compute_backoff(n, base=0.5, cap=8.0, rng=rng) for n in range(1, 10)]
    for attempt, delay in enumerate(delays, start=1):
        ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert max(delays) <= 8.0


def test_backoff_is_jittered() -> None:
    rng = random.Random(2)
    assert len({compute_backoff(4, base=1, cap=60, rng=rng) for _ in range(20)}) > 1


def test_attempt_is_one_based() -> None:
    with pytest.raises(ValueError):
        compute_backoff(0, base=1, cap=2)
