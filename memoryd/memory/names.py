"""Given names and the pronouns they take, as gender-guesser's list of first names tells."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import gender_guesser.detector as gender_detector


@dataclass(frozen=True, slots=True)
class Pronouns:
    subject: str
    object: str
    possessive: str
    reflexive: str


_HE = Pronouns("he", "him", "his", "himself")
_SHE = Pronouns("she", "her", "her", "herself")


@lru_cache(maxsize=1)
def _detector() -> gender_detector.Detector:
    return gender_detector.Detector(case_sensitive=False)


def gender_of(name: str) -> str:
    """gender-guesser's answer for a first name: male, female, mostly_…, andy, unknown."""
    return str(_detector().get_gender(name))


@lru_cache(maxsize=4096)
def pronouns_for(name: str) -> Pronouns | None:
    """He or she when the first name clearly tells; otherwise None, and the name is used."""
    first = name.split()[0] if name.split() else ""
    guess = str(_detector().get_gender(first)) if first.isalpha() else "unknown"
    return {"male": _HE, "female": _SHE}.get(guess)


def is_first_name(word: str) -> bool:
    """Whether ``word`` is known as a given name ("Samantha", not "Canadian")."""
    return str(_detector().get_gender(word)) != "unknown" if word.isalpha() else False
