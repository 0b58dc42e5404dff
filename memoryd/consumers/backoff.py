"""Capped, jittered exponential backoff for transient failures."""

from __future__ import annotations

import random


def compute_backoff(
    attempt: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Delay before retry number ``attempt`` (1-based): exponential, capped, "equal jitter".

    Half of the capped delay is kept so a retry never comes back immediately; the other
    half is random so replicas that failed together do not retry together.
    """
    if attempt < 1:
        raise ValueError("attempt is 1-based")
    ceiling = float(min(cap, base * 2 ** min(attempt - 1, 32)))
    jitter: float = (rng or random).uniform(0, ceiling / 2)
    return ceiling / 2 + jitter
