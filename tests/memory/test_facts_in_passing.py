"""Facts said in passing, typed casually or in a learner's English, and what a newer
message names as the thing it replaces ("my IKEA days", "my old Panda")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from memoryd.events import parse_event
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.extract import OfflineExtractor
from memoryd.memory.fact_followup import earlier_fact, replaced_value
from memoryd.memory.facts import facts_of
from memoryd.memory.ports import Filter
from memoryd.memory.schema import ITEMS, item_from

T0 = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # a model typed in lower case keeps its model words
        ("Sam is on a thinkpad x1 carbon now.", ("laptop", "thinkpad x1 carbon")),
        ("Sam finally upgraded to a macbook air m3.", ("laptop", "macbook air m3")),
        # a clause with no verb of its own, after the one that drops the old device
        ("Sam ditched the oneplus, on a galaxy s24 now.", ("phone", "galaxy s24")),
        ("Sam changed to iPhone 14 finally.", ("phone", "iphone 14")),
        # the comma or colon sets off what the new thing is
        ("Sam bought new phone, a OnePlus 11, the old one was slow.", ("phone", "oneplus 11")),
        ("Sam got a new car, a Mazda 3.", ("vehicle", "mazda 3")),
        # the perfect read as the past: no "has" of the Volvo
        ("Sam has traded the Volvo in for a Tesla Model 3.", ("vehicle", "tesla model 3")),
        # English without its articles
        (
            "Now Sam is pharmaceutical sales representative.",
            ("occupation", "pharmaceutical sales representative"),
        ),
        ("Sam is employee of Nubank since April.", ("employer", "nubank")),
        ("Sam is 29 years and wants to start running.", ("age", "29")),
        # a name taken, casually or set off by a comma
        ("Sam has decided to go by beth now, feels more grown up.", ("name", "beth")),
        ("Sam started going by Sam's full name, Samuel, at work.", ("name", "samuel")),
        # a diet said of the kind of person one is; a goal said right now
        ("Sam is a guy on keto.", ("diet", "keto")),
        ("Sam is now going for a full marathon in the spring.", ("training_goal", "full marathon")),
        ("Sam's goal rn is a 100kg deadlift.", ("training_goal", "100kg deadlift")),
        (
            "Sam started Sam's masters at ku leuven in sept lol, the forms are endless.",
            ("school", "ku leuven"),
        ),
        # a sentence adverb before the clause's subject
        (
            "Dinner is at a BBQ place — luckily Sam started eating meat again.",
            ("diet", "eats meat"),
        ),
    ],
)
def test_a_fact_said_casually_or_without_articles(text: str, fact: tuple[str, str]) -> None:
    assert [(f.attribute, f.value) for f in facts_of(text)] == [fact]


@pytest.mark.parametrize(
    "text",
    [
        "People always think Sam is 40, ha!",
        "Everyone assumes Sam works at Google.",
        "Sam is now going for a walk.",
        "Sam is on a team now.",
        "Sam wrote the thesis, on a borrowed ThinkPad.",
        "Sam is fan of jazz.",
        "Sam is happy at work.",
        # what only looks like a new device, goal, age, diet, role, employer or name
        "Sam is selling his Pixel 6, on an iPhone 15 next month.",
        "Sam tested the app on a Pixel 7, on an iPhone 14 too.",
        "Sam got a new phone, his old Pixel 6 went to Mia.",
        "Sam is now going for 2 weeks to Lisbon.",
        "Sam is trying to get 8 hours of sleep.",
        "Sam just hit 10 years, still going strong.",
        "Sam is an expert on keto.",
        "Sam is captain of the football team.",
        "Sam is employee of the month!",
        "Sam decided to go by train, way cheaper.",
        "Sam started going by Mia's rules.",
    ],
)
def test_what_others_think_and_what_only_looks_like_a_value_state_nothing(text: str) -> None:
    assert facts_of(text) == []


@pytest.mark.parametrize(
    ("text", "attribute", "value"),
    [
        # a partner named with a title, and the title of a name typed in lower case
        ("Sam's boyfriend Jun's birthday is coming up.", "relationship", "in a relationship"),
        ("Sam's fiancée Ana and Sam are picking a venue.", "relationship", "engaged"),
        ("Sam's gf leila wants a picnic for the anniversary.", "relationship", "in a relationship"),
        ("Sam's team lead raj is great but super busy lol.", "manager", "raj"),
    ],
)
def test_a_partner_or_a_boss_said_in_passing(text: str, attribute: str, value: str) -> None:
    fact = earlier_fact(text, "sam", attribute, "something else")
    assert fact is not None and (fact.attribute, fact.value) == (attribute, value)


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("Sam's business partner Leila wants a picnic.", "relationship"),
        ("Sam's partner organization hosts the picnic.", "relationship"),
        ("Sam's sister's boyfriend Jun is visiting.", "relationship"),
        ("Sam's sister's manager Karen keeps booking meetings.", "manager"),
        ("Sam's new partner at the firm is great to work with.", "relationship"),
        ("Sam is from Lyon and his parents still live there.", "residence"),
        ("Sam is from Lyon and would love to live there again.", "residence"),
    ],
)
def test_someone_elses_partner_or_boss_is_not_the_speakers(text: str, attribute: str) -> None:
    assert earlier_fact(text, "sam", attribute, "something else") is None


@pytest.mark.parametrize(
    ("text", "attribute", "named"),
    [
        ("Since Sam joined Spotify, costs are up compared to Sam's IKEA days.", "employer", "IKEA"),
        ("The Jeep has more room than Sam's old Fiat Panda did.", "vehicle", "Fiat Panda"),
        ("Sam gave up on the dell, now on a thinkpad and its flawless tbh.", "laptop", "dell"),
        ("Sam is a nurse now, left teaching.", "occupation", "teaching"),
        # a common word, someone else's thing or a thing of another kind is none
        ("Sam quit the company lol, at accenture now and the hours are worse.", "employer", None),
        ("Sam loves it more than Sam's old job.", "employer", None),
        (
            "Radiohead is Sam's favourite band now, Sam's old friend hates them.",
            "favourite band",
            None,
        ),
        ("Sam lives in oslo now, Sam's old neighbors say hi.", "residence", None),
        ("Sam quit smoking too, at accenture now.", "employer", None),
        ("Sam misses Sam's party days.", "school", None),
        ("Sam's old boss was way nicer.", "manager", None),
    ],
)
def test_what_a_newer_message_names_as_past(text: str, attribute: str, named: str | None) -> None:
    assert replaced_value(text, attribute) == named


def _event(eid: str, content: str, day: int) -> dict[str, Any]:
    time = (T0 + timedelta(days=day)).isoformat()
    return {"id": eid, "user_id": "u-1", "speaker": "Greta", "content": content, "time": time}


def _live(engine: MemoryEngine) -> list[str]:
    found = [item_from(r) for r in engine.store.scroll(ITEMS, Filter(must={"user_id": "u-1"}))]
    return [i.text for i in found if not i.archived]


def test_the_old_employer_said_in_passing_is_closed_by_my_old_days(
    edge_engine: MemoryEngine,
) -> None:
    # Given Greta spoke of her employer only through what it gives her
    edge_engine.memorize([_event("e1", "IKEA gives us a wellness allowance, ideas?", 0)])
    # When she names it as her past while stating her new one
    edge_engine.memorize(
        [_event("e2", "Since I joined Spotify my commute is long compared to my IKEA days.", 120)]
    )
    # Then the older item is no longer current
    assert not any("wellness allowance" in text for text in _live(edge_engine))


def test_a_sentence_typed_without_its_i_is_kept_as_the_speakers() -> None:
    def extracted(content: str) -> list[str]:
        event = parse_event(
            {"id": "e", "user_id": "u", "speaker": "Arjun", "content": content, "time": T0}
        )
        return [c.text for c in OfflineExtractor().extract([event])]

    assert extracted("finally ditched the oneplus, on a galaxy s24 now. what should i set up")[
        0
    ].startswith("Arjun finally ditched the oneplus")
    assert extracted("hung up the scrubs for good!!") == ["Arjun hung up the scrubs for good!!"]
    # a role the speaker has, asked about; a role the listener is asked to play
    assert extracted("As a guy on keto, what can I bring to a potluck?") == [
        "Arjun is a guy on keto."
    ]
    assert extracted("As a nurse, what would you recommend for night shifts?") == []
