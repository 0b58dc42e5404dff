"""Terse and dictated turns: shorthand spelled out, fragments read as the speaker's, and
the frames that such turns tempt kept to what they say."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from memoryd.events import Event
from memoryd.memory.extract import OfflineExtractor
from memoryd.memory.facts import facts_of
from memoryd.memory.shorthand import spelled_out


@pytest.mark.parametrize(
    ("typed", "spelled"),
    [
        (
            "moved to Porto last wk!! new apt, way cheaper",
            "moved to Porto last week!! new apartment, way cheaper",
        ),
        ("left Deloitte, joined KPMG last mon", "left Deloitte, joined KPMG last Monday"),
        ("fav band = Arctic Monkeys", "favourite band is Arctic Monkeys"),
        ("bf Jake & I doing takeout", "boyfriend Jake and I doing takeout"),
        ("switched majors → linguistics", "switched majors to linguistics"),
        ("now training for a half in oct", "now training for a half in October"),
        ("it's Robert btw, not Bob", "it's Robert, not Bob"),
        ("lectures r packed, pls help", "lectures are packed, please help"),
        ("prob moving in june, no prob", "probably moving in June, no prob"),
        ("28yo and my sis moved", "28 years old and my sister moved"),
        ("the move is done um I'm in dublin now", "the move is done, I'm in dublin now"),
        ("I work at, um, Google", "I work at Google"),
        ("I use an iphone eleven", "I use an iphone 11"),
        ("galaxy s twenty four ultra", "galaxy S24 ultra"),
    ],
)
def test_shorthand_is_spelled_out(typed: str, spelled: str) -> None:
    assert spelled_out(typed) == spelled


@pytest.mark.parametrize(
    "typed",
    [
        "I sat down in the sun",  # "sat" is a day only after a word of time
        "I code in R and use u-boot",
        "model one of many",
        "x=5 in the config",
        "I love the umbrella",
        "May I ask in March?",
    ],
)
def test_words_that_only_look_like_shorthand_stay(typed: str) -> None:
    assert spelled_out(typed) == typed


def texts(content: str, speaker: str = "Tariq") -> list[str]:
    event = Event(
        id="e", user_id="u", speaker=speaker, content=content, time=datetime(2024, 5, 1, tzinfo=UTC)
    )
    return [c.text for c in OfflineExtractor().extract([event])]


def test_terse_fragments_are_the_speakers() -> None:
    assert texts("line cook, off at 11pm most nights") == [
        "Tariq is a line cook, off at 11pm most nights"
    ]
    assert texts("quit nursing. paramedic now, first shift done") == [
        "Tariq quit nursing.",
        "Tariq is a paramedic now, first shift done",
    ]
    assert texts("history major, reading 300 pgs/week") == [
        "Tariq is a history major, reading 300 pages/week"
    ]
    assert texts("28 and still can't cook rice") == ["Tariq is 28 and still can't cook rice"]
    assert texts("single & fine w/ it") == ["Tariq is single & fine with it"]
    assert texts("officially Mrs now haha, the wedding was perfect") == [
        "Tariq is officially Mrs now, the wedding was perfect"
    ]
    assert texts("not vegan anymore. omnivore now") == [
        "Tariq is not vegan anymore.",
        "Tariq is an omnivore now",
    ]
    assert texts("hired as sous chef!! started tues") == [
        "Tariq was hired as sous chef!!",
        "Tariq started Tuesday",
    ]
    assert texts("goal rn: bench 100kg by summer 💪") == [
        "Tariq's goal right now is bench 100kg by summer 💪"
    ]
    assert texts("fav movie ever = Spirited Away") == [
        "Tariq's favourite movie ever is Spirited Away"
    ]
    assert texts("new MacBook Air M2 arrived today") == [
        "Tariq's new MacBook Air M2 arrived on 1 May 2024"
    ]


def test_what_a_terse_fragment_is_not() -> None:
    assert texts("Nurse, can you help me?") == []  # said to someone
    assert texts("Teacher, please help me grade this.") == []
    # a bare kin word before its news: the relative's, not the speaker's
    assert texts("bf got a job at Google!!") == ["Tariq's boyfriend got a job at Google!!"]
    assert texts("sis moved to Leeds") == ["Tariq's sister moved to Leeds"]
    assert texts("Doctor said I need rest.") == ["Doctor said Tariq needs rest."]
    assert texts("Hired a nanny for the kids.") == [
        "Tariq hired a nanny for the kids."
    ]  # an object
    assert texts("New iPhone 16 is out today.") == []  # news of a product


def test_a_question_asked_of_oneself_keeps_its_grammar() -> None:
    assert texts("I'm on an iPhone 15 now and how do I set up Face ID properly, I wonder") == [
        "Tariq is on an iPhone 15 now and how does he set up Face ID properly, he wonders"
    ]


def facts(text: str) -> set[tuple[str, str]]:
    return {(f.attribute, f.value) for f in facts_of(text) if not f.ends}


def test_switching_to_a_thing_is_no_new_employer() -> None:
    for thing in ("decaf", "oat milk last month", "Linux", "Verizon", "biochem"):
        assert not {a for a, _ in facts(f"Kwame switched to {thing}.")} & {"employer"}
    assert ("employer", "stripe") in facts("Kwame switched to Stripe, the new team is great.")


def test_an_offer_taken_and_a_school_moved_to() -> None:
    assert ("employer", "sony") in facts("Kenji took the Sony offer, first day was today.")
    assert facts("Kenji took the Black Friday offer on a TV.") == set()
    assert facts("Mohammed moved to ETH Zurich for the PhD.") == {("school", "eth zurich")}
    assert ("school", "uba") in facts("Camila's first week at UBA done, lectures are packed")
    assert ("employer", "google") in facts("Camila's first week at Google done!")
    assert ("laptop", "framework 13") in facts("Framework 13 is Dev's daily driver now")


@pytest.mark.parametrize(
    "text",
    [
        "Kwame moved to the back of the bus.",
        "Kwame joined the call late.",
        "Kwame is married to his job lol.",
        "Kwame started with Duolingo this week.",
        "Kwame moved over to Notion for notes.",
        "Kwame joined Strava last month.",
    ],
)
def test_everyday_lines_that_only_look_like_a_fact(text: str) -> None:
    assert facts(text) == set()


def test_an_app_is_an_employer_only_where_work_is_said() -> None:
    assert ("employer", "strava") in facts("Kwame joined Strava as a backend engineer.")
    assert ("relationship", "married") in facts("Kwame is married to Tom's brother Ben.")


@pytest.mark.parametrize(
    "content",
    [
        "Dentist again tomorrow, ugh",
        "Officer, I swear it wasn't me",
        "Electrician.",
        "New Pixel 9 reviews are brutal",
        "50 and still no offer, job hunting sucks",
        "Is it bad to leave my iPhone 100% charged overnight?",
        "Goal: finish the quarterly report by Friday",
        "Switched to Verizon, didn't notice any difference",
        "As a vegan, dinners at Tom's place are tricky",
    ],
)
def test_a_reviewers_counter_examples_state_nothing(content: str) -> None:
    assert [facts(text) for text in texts(content)] in ([], [set()])


def test_initialisms_names_and_news_around_the_new_readings_stay() -> None:
    assert spelled_out("Moved to BC last year, the ATM ate my card") == (
        "Moved to BC last year, the ATM ate my card"
    )
    assert spelled_out("Got flowers from Jan today, transferred to UH") == (
        "Got flowers from Jan today, transferred to UH"
    )
    assert spelled_out("my 3 yo son, had my iphone three years") == (
        "my 3-year-old son, had my iphone three years"
    )
    assert texts("At 7 am I leave for work") == ["At 7 am Tariq leaves for work"]
    moved = "Finally moved to Austin. For our first weekend here we just unpacked boxes."
    assert ("residence", "austin") in facts(texts(moved)[0])
    assert ("residence", "lisbon") in facts(texts("Before Christmas I moved to Lisbon")[0])
