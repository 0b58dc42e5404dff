"""Reading a message with what is known of its speaker: a change said in other words once
the older value is known, and a value said in passing once a newer one is stated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from memoryd.memory.engine import MemoryEngine
from memoryd.memory.fact_followup import (
    Known,
    earlier_fact,
    later_facts,
    mentions,
    replaced_value,
)
from memoryd.memory.models import Item, StatedFact
from memoryd.memory.ports import Filter
from memoryd.memory.schema import ITEMS, item_from

T0 = datetime(2024, 1, 10, 9, 0, tzinfo=UTC)


def known(attribute: str, value: str, subject: str = "sam") -> list[Known]:
    fact = StatedFact(subject=subject, attribute=attribute, value=value.casefold(), display=value)
    return [Known(fact, T0)]


def later(text: str, attribute: str, value: str, days: int = 200) -> list[tuple[str, str, bool]]:
    found = later_facts(text, "sam", known(attribute, value), T0 + timedelta(days=days))
    return [(f.attribute, f.value, f.ends) for f in found]


@pytest.mark.parametrize(
    ("text", "attribute", "old", "fact"),
    [
        ("Birthday today, 34 and feeling great.", "age", "33", ("age", "34", False)),
        (
            "Sam had a first legal pint at Sam's 18th on Saturday.",
            "age",
            "17",
            ("age", "18", False),
        ),
        (
            "Sam turned the big 5-0 last weekend, he means 46, haha.",
            "age",
            "45",
            ("age", "46", False),
        ),
        (
            "Henrik retired and his replacement is Malin.",
            "manager",
            "Henrik",
            ("manager", "henrik", True),
        ),
        (
            "Sam sold the MT-07 to a colleague.",
            "vehicle",
            "Yamaha MT-07",
            ("vehicle", "yamaha mt-07", True),
        ),
        ("Sam is not at Maersk anymore.", "employer", "Maersk", ("employer", "maersk", True)),
        (
            "Now that Sam is in aerospace engineering instead of mech, the math is harder.",
            "major",
            "mechanical engineering",
            ("major", "aerospace engineering", False),
        ),
        ("Sam is 34 now and feels it.", "age", "33", ("age", "34", False)),
        (
            "Since the divorce was finalized Sam has been busy.",
            "relationship",
            "married",
            ("relationship", "divorced", False),
        ),
        (
            "Sam just got Sam's badge for Vodafone, orientation is tomorrow.",
            "employer",
            "Telefónica",
            ("employer", "vodafone", False),
        ),
        (
            "Finally unpacked the last box in Sam's Gdańsk flat.",
            "residence",
            "Wrocław",
            ("residence", "gdańsk", False),
        ),
        (
            "Sam's next target is a 200kg deadlift by December.",
            "training_goal",
            "100kg bench",
            ("training_goal", "200 kg deadlift", False),
        ),
        (
            "Ok new favorite food alert: khao soi.",
            "favourite food",
            "poke",
            ("favourite food", "khao soi", False),
        ),
        (
            "Officially Mrs now haha, the wedding was perfect.",
            "relationship",
            "engaged",
            ("relationship", "married", False),
        ),
        (
            "Austin is sooo much warmer than Sam expected, loving the new apartment.",
            "residence",
            "Boston",
            ("residence", "austin", False),
        ),
        (
            "Sam got Sam's new license back — Sam Nguyen now!",
            "name",
            "Sam Carter",
            ("name", "sam nguyen", False),
        ),
        (
            "Sam and his husband are renovating now.",
            "relationship",
            "engaged",
            ("relationship", "married", False),
        ),
        (
            "Sam's new role as a UX researcher involves lots of interviews.",
            "occupation",
            "graphic designer",
            ("occupation", "ux researcher", False),
        ),
        (
            "Sam's new employer, Klarna, offers a pension match.",
            "employer",
            "Spotify",
            ("employer", "klarna", False),
        ),
        (
            "Sam officially left teaching and is now working as a pharmaceutical sales rep.",
            "occupation",
            "chemistry teacher",
            ("occupation", "pharmaceutical sales rep", False),
        ),
        (
            "Controversial but ramen has officially replaced tacos as Sam's #1 food lol.",
            "favourite food",
            "tacos al pastor",
            ("favourite food", "ramen", False),
        ),
        (
            "Sam crossed the half finish line, so naturally Sam signed up for a full marathon.",
            "training_goal",
            "half marathon",
            ("training_goal", "full marathon", False),
        ),
        (
            "Sam is at Sainsbury's now, has been since Jan.",
            "employer",
            "Tesco",
            ("employer", "sainsbury", False),
        ),
        (
            "Lol it was Sam's bday last week, 20 now!",
            "age",
            "19",
            ("age", "20", False),
        ),
    ],
)
def test_a_change_in_other_words_is_read_once_the_old_value_is_known(
    text: str, attribute: str, old: str, fact: tuple[str, str, bool]
) -> None:
    assert later(text, attribute, old) == [fact]


@pytest.mark.parametrize(
    ("text", "attribute", "old"),
    [
        ("Sam's son turned 34 today.", "age", "33"),
        ("Sam turned 40 today.", "age", "33"),  # further on than half a year allows
        ("In ten years, when Sam is 34, he would like to own a place.", "age", "33"),
        ("Greg's manager quit yesterday.", "manager", "Greg"),
        ("Sam ran 20 miles today for marathon training.", "training_goal", "marathon"),
        ("Sam's parents just moved to Bergen.", "residence", "Oslo"),
        ("Sam is working on a new project with the Madrid office.", "employer", "Deloitte"),
        ("Sam's colleague just joined Google.", "employer", "Deloitte"),
        ("Sam might quit Deloitte next year.", "employer", "Deloitte"),
        (
            "Sam's sister has a new favorite band and it's Khruangbin.",
            "favourite band",
            "Radiohead",
        ),
        ("Sam worked as a cashier during college, now a distant memory.", "occupation", "nurse"),
        ("Sam is 34 minutes late.", "age", "33"),
        ("It's 34 degrees in Austin today, Sam is melting now.", "age", "33"),
        ("Sam's car is 34 years old now.", "age", "33"),
        ("Sam left his seat and moved closer to the stage.", "residence", "Seattle"),
        ("Sam finally left London at 6am for the conference.", "residence", "London"),
        ("Sam left Acme at 5pm today, the new project is exhausting.", "employer", "Acme"),
        ("Henrik left for a conference, so the new sprint starts Monday.", "manager", "Henrik"),
        ("Sam's Civic went in for a new clutch.", "vehicle", "Civic"),
        ("Sam quit the keto subreddit, too much drama now.", "diet", "keto"),
        ("Sam sold a lot of Civic parts online, finally.", "vehicle", "Civic"),
        ("Sam's first year at Google is going great now.", "school", "MIT"),
        ("Sam is now working at Google for a two-day workshop.", "employer", "Acme"),
        ("Sam is consulting for Nike on the side, fun new gig.", "employer", "Acme"),
        ("Sam's new favourite band is probably not going to last.", "favourite band", "Muse"),
        ("Sam's sister is officially Mrs now haha.", "relationship", "engaged"),
        ("Sam's sister's divorce was finalized.", "relationship", "married"),
        ("Sam's brother's next target is a 200kg deadlift.", "training_goal", "100kg bench"),
        ("Sam's sister loves her new apartment in Austin.", "residence", "Boston"),
        (
            "People keep asking if Sam moved to Hyderabad, Sam is there so often.",
            "residence",
            "Bangalore",
        ),
        ("Sam's sister is 34 now.", "age", "33"),
        ("Sam's sister and her husband are renovating now.", "relationship", "single"),
        ("Sam's ex-husband is remarried now.", "relationship", "single"),
        # a gift for someone else, however the parse reads it
        ("Sam is buying Sam's dad an iPhone 15 for his birthday.", "phone", "Galaxy S23"),
        ("Sam bought my mom a Pixel 7, now Sam has to teach her.", "phone", "iPhone 13"),
        # a stop on the way, and a move only wished for after a trip
        ("Sam is at Heathrow now, the flight is delayed.", "employer", "Tesco"),
        (
            "Sam just got back from a week in Porto, honestly could move there tomorrow.",
            "residence",
            "Lisbon",
        ),
    ],
)
def test_look_alikes_change_nothing_known(text: str, attribute: str, old: str) -> None:
    assert later(text, attribute, old) == []


@pytest.mark.parametrize(
    ("text", "attribute", "value"),
    [
        ("Sam stays in a studio in Manila.", "residence", "Manila"),
        ("Sam is with Accenture.", "employer", "Accenture"),
        (
            "Work's been busy at Mercado Libre, Sam and others are launching a flow.",
            "employer",
            "Mercado Libre",
        ),
        ("Sam's car's a Ford F-150, mostly for hauling gear for work.", "vehicle", "Ford F-150"),
        ("Sam's team lead Yael is super supportive about Sam's growth plan.", "manager", "Yael"),
        ("Sam's supervisor Mr. Delgado is retiring in 2025.", "manager", "Mr. Delgado"),
        ("Sam's Mazda3's check-engine light came on this morning.", "vehicle", "Mazda3"),
        (
            "The fan on Sam's ThinkPad X1 Carbon screams when Sam compiles.",
            "laptop",
            "ThinkPad X1 Carbon",
        ),
        ("Keto has Sam craving bread constantly lol.", "diet", "Keto"),
        ("Biochem majors like Sam get crushed by organic chem.", "major", "Biochem"),
        ("Helmut (Sam's boss) wants a 40-slide deck by Friday.", "manager", "Helmut"),
        ("Sam's landlord in Lagos just hiked the rent again.", "residence", "Lagos"),
        ("Sam's Honolulu kitchen is basically a sauna year-round.", "residence", "Honolulu"),
        ("Sam is a sophomore at UC Davis and needs a study schedule.", "school", "UC Davis"),
        ("Sam and others took their Subaru Outback up to Hokkaido.", "vehicle", "Subaru Outback"),
        ("Nothing beats poke, it's Sam's favorite food forever.", "favourite food", "poke"),
    ],
)
def test_a_value_said_in_passing_is_read_once_a_newer_one_is_stated(
    text: str, attribute: str, value: str
) -> None:
    fact = earlier_fact(text, "sam", attribute, "something else")
    assert fact is not None and (fact.attribute, fact.display) == (attribute, value)


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("Sam's sister's car is a Honda Civic.", "vehicle"),
        ("Sam rented a Honda Civic for the trip.", "vehicle"),
        ("Sam's brother lives in Manila.", "residence"),
        ("Sam spent a week in a hotel in Manila for a conference.", "residence"),
        ("Sam's dad's Civic got keyed.", "vehicle"),
        ("Sam's sister is vegan.", "diet"),
        ("Sam's mom's Honolulu kitchen is a sauna.", "residence"),
        ("Sam's kitchen in Lisbon is tiny, it's a holiday rental.", "residence"),
        ("Sam is staying in Lisbon with his parents for the summer.", "residence"),
        ("Sam has a weekend shift at Starbucks.", "employer"),
        ("Sam's house is 33 years old.", "age"),
        ("Sam is 33.", "age"),  # a newer value that is no age
    ],
)
def test_nothing_of_the_speaker_is_read_in_another_persons_phrase(
    text: str, attribute: str
) -> None:
    assert earlier_fact(text, "sam", attribute, "something else") is None


def test_an_age_said_in_passing_is_the_one_the_time_between_allows() -> None:
    said = earlier_fact(
        "Sam's GP said that at 44 he should get a check-up.", "sam", "age", "45", 200
    )
    assert said is not None and said.value == "44"
    assert earlier_fact("As a 41-year-old, Sam feels it.", "sam", "age", "45", 200) is None
    assert earlier_fact("Sam's son is a 44-year-old.", "sam", "age", "45", 200) is None


@pytest.mark.parametrize(
    ("text", "attribute", "named"),
    [
        ("Now that Sam is studying philosophy instead of econ.", "major", "econ"),
        ("Sam traded the Mazda in for a Subaru Outback before winter.", "vehicle", "Mazda"),
        (
            "Piranesi has replaced Middlemarch as Sam's favourite novel.",
            "favourite novel",
            "Middlemarch",
        ),
        ("Sam handed in Sam's notice at Deloitte and started at KPMG.", "employer", "Deloitte"),
        ("Sam dropped keto a while ago.", "diet", "keto"),
        ("Sam is not at Maersk any more.", "employer", "Maersk"),
        # of another attribute's kind, or no value at all
        ("Sam quit coffee and started at Google this week!", "employer", None),
        ("Sam left Apple last month.", "residence", None),
        ("Sam left the party early.", "employer", None),
        ("Sam left home at 7 to beat the traffic.", "residence", None),
        ("Sam moved to Lisbon last week.", "residence", None),
    ],
)
def test_what_a_newer_message_names_as_replaced(
    text: str, attribute: str, named: str | None
) -> None:
    assert replaced_value(text, attribute) == named


def test_a_named_value_is_the_speakers_own_not_someone_elses() -> None:
    assert mentions("Being at Deloitte means Sam basically lives in Excel.", "Deloitte", "sam")
    assert mentions("Sam's Mazda3's check-engine light came on.", "Mazda", "sam")
    assert not mentions("Sam had lunch with a friend from Deloitte.", "Deloitte", "sam")
    assert not mentions("Being at Deloitte is hard.", "Deloitte", "sam")  # whose?
    assert not mentions("Samantha loves Deloitte.", "Deloitte", "sam")
    assert not mentions("Sam baked an apple pie.", "Apple", "sam")
    assert not mentions("Sam lives in Seattle.", "seat", "sam")


@pytest.fixture
def engine(edge_engine: MemoryEngine) -> MemoryEngine:
    return edge_engine


def event(eid: str, content: str, day: int) -> dict[str, Any]:
    time = (T0 + timedelta(days=day)).isoformat()
    return {"id": eid, "user_id": "u-1", "speaker": "Dana", "content": content, "time": time}


def items(engine: MemoryEngine) -> list[Item]:
    return [item_from(r) for r in engine.store.scroll(ITEMS, Filter(must={"user_id": "u-1"}))]


def test_a_home_said_in_passing_is_closed_by_the_move(engine: MemoryEngine) -> None:
    # Given Dana mentioned her studio in Manila without stating where she lives
    engine.memorize([event("e1", "I stay in a studio in Manila, the rent is fine.", 0)])
    # When she moves
    result = engine.memorize(
        [event("e2", "Update: I moved back to Cebu to be closer to family.", 90)]
    )
    # Then the Manila item is closed by the Cebu one, and the change names both
    (manila,) = [i for i in items(engine) if "Manila" in i.text]
    (cebu,) = [i for i in items(engine) if "Cebu" in i.text]
    assert manila.archived_reason == "superseded" and manila.replaced_by == cebu.id
    assert [(c.attribute, c.from_, c.to) for c in result.changes] == [
        ("residence", "Manila", "Cebu")
    ]
    # And memorising the same events again changes nothing
    before = {i.id: i for i in items(engine)}
    again = engine.memorize([event("e1", "I stay in a studio in Manila, the rent is fine.", 0)])
    assert again.changes == [] and {i.id: i for i in items(engine)} == before


def test_a_value_the_newer_message_names_as_replaced_is_closed(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "Being at Deloitte means I basically live in Excel.", 0)])
    result = engine.memorize(
        [event("e2", "I handed in my notice at Deloitte and started at KPMG on Monday.", 120)]
    )
    assert [(c.attribute, c.from_, c.to) for c in result.changes] == [
        ("employer", "Deloitte", "KPMG")
    ]


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("I baked an apple pie for the party.", "I left Apple last month."),
        ("I love oat milk in my coffee.", "I quit coffee and started at Google this week!"),
        ("I got a new puppy, she is so cute.", "I moved from New York to Boston."),
        ("My house is 33 years old and creaky.", "I'm 34."),
        ("I live in Seattle.", "I left my seat and moved closer to the stage."),
        (
            "Had lunch with a friend from Deloitte today.",
            "I handed in my notice at Deloitte and started at KPMG.",
        ),
    ],
)
def test_an_item_about_something_else_is_not_closed(
    engine: MemoryEngine, older: str, newer: str
) -> None:
    engine.memorize([event("e1", older, 0)])
    result = engine.memorize([event("e2", newer, 100)])
    assert result.changes == []
    assert not any(i.archived for i in items(engine))


def test_an_age_a_year_on_closes_the_known_age(engine: MemoryEngine) -> None:
    engine.memorize([event("e1", "I'm 33.", 0)])
    result = engine.memorize([event("e2", "Birthday today, 34 and feeling great!", 200)])
    assert [(c.attribute, c.from_, c.to) for c in result.changes] == [("age", "33", "34")]
    # and a child's birthday closes nothing
    result = engine.memorize([event("e3", "My son turned 35 today, how time flies.", 400)])
    assert result.changes == []


def test_a_favourite_put_in_the_known_ones_place_ends_it() -> None:
    overtaken = (
        "The Remains of the Day has overtaken Pride and Prejudice as Sam's all-time favourite."
    )
    # the one put in its place is the new favourite of the same kind
    assert later(overtaken, "favourite book", "Pride and Prejudice") == [
        ("favourite book", "remains of the day", False)
    ]
    # someone else's favourite, and one that only might be
    sister = "Sam's sister says Dune has overtaken Pride and Prejudice as her favourite."
    assert later(sister, "favourite book", "Pride and Prejudice") == []
    maybe = "Dune might overtake Pride and Prejudice as Sam's favourite."
    assert later(maybe, "favourite book", "Pride and Prejudice") == []


def test_a_birthday_without_a_number_is_one_year_on_within_a_year() -> None:
    # T0 + 200 days is 28 July 2024
    assert later("Its Sam's birthday on 28 July 2024 so Sam can open it.", "age", "17") == [
        ("age", "18", False)
    ]
    assert later("Sam celebrated Sam's birthday with pizza.", "age", "17") == [("age", "18", False)]
    # one to come, someone else's, or more than a year on (how many birthdays is not said)
    assert later("It's Sam's birthday on 2 August 2024.", "age", "17") == []
    assert later("It's Sam's birthday on Friday.", "age", "17") == []
    assert later("It's Sam's birthday tomorrow.", "age", "17") == []
    assert later("It's Sam's mom's birthday today.", "age", "17") == []
    assert later("Sam celebrated Sam's birthday with pizza.", "age", "17", days=500) == []
