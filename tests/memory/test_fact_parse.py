"""Facts read from the dependency parse (``memory/fact_parse.py``): changes said in words
the frames were not written for, and the look-alikes that must state nothing."""

from __future__ import annotations

import pytest

from memoryd.memory import fact_parse
from memoryd.memory.facts import facts_of


def _said(text: str) -> set[tuple[str, str, str]]:
    return {(f.subject, f.attribute, f.value) for f in facts_of(text)}


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("Priya finally signed the lease on a place in Denver.", ("priya", "residence", "denver")),
        ("Anneke traded the vespa in for a cargo bike.", ("anneke", "vehicle", "cargo bike")),
        (
            "Honestly ramen has overtaken biryani as Ahmed's favourite food.",
            ("ahmed", "favourite food", "ramen"),
        ),
        (
            "Connor finished Piranesi and it's officially Connor's favourite book now.",
            ("connor", "favourite book", "piranesi"),
        ),
        ("Now Linh reports to a guy named Steve.", ("linh", "manager", "steve")),
        ("Katarzyna is going by Kate now, at work too.", ("katarzyna", "name", "kate")),
        ("Haruka is 42 now.", ("haruka", "age", "42")),
        ("Owen is officially a computer science major now.", ("owen", "major", "computer science")),
        (
            "Megan crossed the finish line and she signed up for a full marathon.",
            ("megan", "training_goal", "full marathon"),
        ),
        ("Tom loves the new apartment, Denver is so sunny.", ("tom", "residence", "denver")),
        ("Tom loves his new car, the Rivian R1S is so quiet.", ("tom", "vehicle", "rivian")),
        ("Lucas started Lucas's master's at Unicamp.", ("lucas", "school", "unicamp")),
        ("Anneke gets around Utrecht on an old Vespa.", ("anneke", "vehicle", "vespa")),
        ("Dana rides a Ducati Monster to work.", ("dana", "vehicle", "ducati monster")),
        ("Dana's ride is a Subaru Outback now.", ("dana", "vehicle", "subaru outback")),
        ("As a 41-year-old Haruka feels Haruka's knees.", ("haruka", "age", "41")),
        ("Paris is home now, Kofi moved here in the spring.", ("kofi", "residence", "paris")),
        ("Kofi's move to New York City went smoothly.", ("kofi", "residence", "new york city")),
        (
            "Sakura's little Honda Fit is perfect for city parking.",
            ("sakura", "vehicle", "honda fit"),
        ),
        (
            "Paulo is still unpacking boxes in Paulo's Florianópolis apartment.",
            ("paulo", "residence", "florianópolis"),
        ),
        (
            "Lucía's boyfriend Andrés and Lucía are planning a trip.",
            ("lucía", "relationship", "in a relationship"),
        ),
        (
            "Lucas studies at Universidade de São Paulo.",
            ("lucas", "school", "universidade de são paulo"),
        ),
    ],
)
def test_a_change_in_other_words_is_read(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in _said(text)


@pytest.mark.parametrize(
    "text",
    [
        "Priya is thinking of moving to Lisbon next year.",
        "Priya is moving to Denver next month.",
        "Priya used to live in Paris.",
        "Priya wants to buy a Honda Civic.",
        "Priya test drove a Tesla Model Y.",
        "Kaitlyn got a rental Tesla Model 3 for the Vegas trip.",
        "Ravi is applying to transfer to Berkeley.",
        "Nilufar was vegan for a year in Nilufar's twenties.",
        "Priya visited her sister's new apartment in Denver.",
        "Priya's sister loves her new job at Google.",
        "If Priya got the job at Stripe, Priya would move.",
        "Ben lives with Ben's brother and he works at Google.",
        "Priya's old car was a Subaru.",
        "Paris is home now, Priya's sister says.",
        "Priya's move to Paris is next month.",
        "Paris was home for ten years, Priya says.",
        "Priya's partner in crime is Jo.",
        "Priya is in Lisbon this week.",
        "Priya is in Tokyo for work.",
        "Priya is in Denver visiting family.",
        "As a parent, Priya worries.",
        "Priya moved over in September 2022.",
        "Priya's late husband loved jazz.",
        "Priya's old Civic was great.",
        "Priya borrowed Tom's Honda Civic.",
        "Priya's sister's car is a Subaru.",
    ],
)
def test_a_look_alike_states_nothing_of_the_speaker(text: str) -> None:
    assert not {f for f in _said(text) if f[0] in ("priya", "kaitlyn", "ravi", "nilufar", "ben")}


def test_only_a_text_with_a_cue_and_a_possible_value_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []
    real = fact_parse.parse

    def counting(text: str) -> object:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(fact_parse, "parse", counting)
    assert fact_parse.parsed_facts("Caroline went to the park with Melanie.") == []
    assert fact_parse.parsed_facts("Caroline got a new haircut.") == []
    # a date's numbers are no age; a sentence the rewrite reports is about something else
    assert fact_parse.parsed_facts("On 15 July 2023, Caroline joined a book club.") == []
    assert fact_parse.parsed_facts("According to Caroline, Change is possible at Google.") == []
    assert parsed == []
    assert fact_parse.parsed_facts("Caroline got a job at Deloitte.") != []
    assert parsed == ["Caroline got a job at Deloitte."]


def test_a_possessive_tail_is_not_a_job_title() -> None:
    assert _said("Dana is Nadia's new manager") == {("nadia", "manager", "dana")}


def test_an_age_as_of_a_date_is_an_age() -> None:
    assert _said("Zoe is officially 30 as of 21 April 2024.") == {("zoe", "age", "30")}
    assert _said("Zoe is 30 pounds lighter.") == set()


def test_parses_from_several_threads_at_once_read_the_same() -> None:
    from concurrent.futures import ThreadPoolExecutor

    names = ["Priya", "Omar", "Lucía", "Kenji", "Amara", "Sven", "Noura", "Tom"] * 5
    places = ["Denver", "Leeds", "Porto", "Osaka", "Lagos"] * 8
    texts = [
        f"{n} finally signed the lease on a place in {p}."
        for n, p in zip(names, places, strict=True)
    ]
    alone = [fact_parse.parsed_facts(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(fact_parse.parsed_facts, texts))
    assert together == alone
    assert all(facts for facts in alone)
