"""A newer value set against the known one ("at Klarna these days, not Spotify"), and
the facts said in passing that such messages come with: a job by "works as" or a first
week in it, an age fronted, a device by its owner's possessive, a student's school by its
initials. Each has the look-alikes beside it that must state nothing."""

from __future__ import annotations

import pytest

from memoryd.memory.facts import facts_of
from tests.memory.test_extract import texts
from tests.memory.test_fact_followup import later


def facts(text: str) -> set[tuple[str, str, str]]:
    return {(f.subject, f.attribute, f.value) for f in facts_of(text) if not f.ends}


@pytest.mark.parametrize(
    ("text", "attribute", "old", "new"),
    [
        (
            "Small correction: Sam is at Klarna these days, not Spotify.",
            "employer",
            "Spotify",
            "klarna",
        ),
        ("Sam is not in Leeds any more, it's York now.", "residence", "Leeds", "york"),
        ("Sam is no longer at Spotify, now at Klarna.", "employer", "Spotify", "klarna"),
        ("Sam is vegetarian now, not vegan.", "diet", "vegan", "vegetarian"),
        (
            "Sam is doing computer science now instead of econ.",
            "major",
            "economics",
            "computer science",
        ),
        (
            "Things Fall Apart used to be Sam's favourite book, but now it's The Famished Road.",
            "favourite book",
            "Things Fall Apart",
            "famished road",
        ),
        (
            "Actually it's National Tsing Hua University now, Sam switched schools.",
            "school",
            "National Taiwan University",
            "national tsing hua university",
        ),
        (
            "Sam switched majors: computer science.",
            "major",
            "mechanical engineering",
            "computer science",
        ),
    ],
)
def test_a_value_set_against_the_known_one_replaces_it(
    text: str, attribute: str, old: str, new: str
) -> None:
    assert (attribute, new, False) in later(text, attribute, old)


@pytest.mark.parametrize(
    ("text", "attribute", "old"),
    [
        ("Sam's sister is at Klarna, not Spotify.", "employer", "Spotify"),
        ("Sam's brother is not at Spotify anymore, it's Klarna now.", "employer", "Spotify"),
        ("If Sam were in York, not Leeds, life would be easier.", "residence", "Leeds"),
        ("Sam is not at Spotify anymore, but Google is hiring.", "employer", "Spotify"),
        ("Sam is at the Klarna office today, not Spotify's, for a meeting.", "employer", "Spotify"),
        ("Sam is no longer at Spotify, now Google is hiring like crazy.", "employer", "Spotify"),
        ("Sam's interview is at Klarna now, not Spotify.", "employer", "Spotify"),
        ("Dune used to be Tom's favourite book, but now it's Hyperion.", "favourite book", "Dune"),
        ("Sam almost switched jobs to Klarna last year, it's Klarna now.", "employer", "Spotify"),
        ("Sam used to be at Spotify, but now it's Friday.", "employer", "Spotify"),
        ("Sam is doing physics now, not complaining.", "major", "computer science"),
    ],
)
def test_a_contrast_about_someone_else_or_a_supposition_replaces_nothing(
    text: str, attribute: str, old: str
) -> None:
    assert [f for f in later(text, attribute, old) if not f[2]] == []


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        (
            "Tomasz works as a software tester these days.",
            ("tomasz", "occupation", "software tester"),
        ),
        ("Tomasz was hired as a content moderator.", ("tomasz", "occupation", "content moderator")),
        (
            "Tomasz left teaching and works as a proofreader now.",
            ("tomasz", "occupation", "proofreader"),
        ),
        (
            "Aiko's first week as a UX researcher was all interviews.",
            ("aiko", "occupation", "ux researcher"),
        ),
        ("Dorothy is a driving instructor.", ("dorothy", "occupation", "driving instructor")),
        ("Chloé lectures in anatomy full time.", ("chloé", "occupation", "lecturer")),
        ("At 44 Kenji's knees are starting to complain.", ("kenji", "age", "44")),
        ("At 30, Kenji still feels young.", ("kenji", "age", "30")),
        ("Ngozi's Tecno Camon 19 keeps freezing.", ("ngozi", "phone", "tecno camon 19")),
        (
            "Rafael's ThinkPad X1 Carbon runs hot on calls.",
            ("rafael", "laptop", "thinkpad x1 carbon"),
        ),
        ("Kofi has been carrying a Xiaomi 13T since March.", ("kofi", "phone", "xiaomi 13t")),
        ("Zanele is a first year at UCT.", ("zanele", "school", "uct")),
        # a title or a make that opens with "everything" or "nothing" is still one
        (
            "Sam's favourite film is Everything Everywhere All at Once.",
            ("sam", "favourite film", "everything everywhere all at once"),
        ),
        ("Sam has a nothing phone 2.", ("sam", "phone", "nothing phone 2")),
        (
            "Arjun's mechanical engineering major is brutal.",
            ("arjun", "major", "mechanical engineering"),
        ),
    ],
)
def test_facts_said_in_passing(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(text)


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("Tomasz works as a team on weekends.", "occupation"),
        ("Dorothy is dating a chef.", "occupation"),
        ("At 18 Kenji moved out.", "age"),
        ("At 5 Kenji leaves work.", "age"),
        ("At 44 Kenji's dad is retiring.", "age"),
        ("Ngozi's old iPhone 8 is slow.", "phone"),
        ("Haruto's iPhone 12 got stolen on the train.", "phone"),
        ("Emeka's favourite food is whatever someone else is paying for.", "favourite food"),
    ],
)
def test_look_alikes_of_facts_said_in_passing(text: str, attribute: str) -> None:
    assert [f for f in facts(text) if f[1] == attribute] == []


def test_a_device_retired_or_sold_is_over() -> None:
    said = "Work gave Sam a Dell XPS 15 and he has retired the old ThinkPad."
    assert ("laptop", "thinkpad x1 carbon", True) in later(said, "laptop", "ThinkPad X1 Carbon")
    assert later("Sam's sister sold her old ThinkPad.", "laptop", "ThinkPad X1 Carbon") == []


@pytest.mark.parametrize(
    ("content", "said"),
    [
        # a question the speaker answers with a name
        (
            "Favourite movie of all time? Blade Runner, no contest.",
            ["Caroline's favourite movie of all time is Blade Runner, no contest."],
        ),
        ("Favourite movie? Tough one, what's yours?", []),
        # where the speaker works, said in passing in a request
        (
            "I need help writing a quarterly update for my colleagues at Siemens.",
            ["Caroline works at Siemens."],
        ),
        # a self-introduction: "but" goes on about something else, and "about me:" is her
        (
            "My name's Caroline, but colleagues shorten it to Caro.",
            ["Caroline's name is Caroline, but colleagues shorten it to Caro."],
        ),
        (
            "A bit about me: 34, software tester, live in Accra.",
            ["Caroline is 34, software tester, lives in Accra."],
        ),
        # "I'm" left out before a description, not before a sentence's own subject
        (
            "Officially 30 as of last Saturday and my knees already know it.",
            ["Caroline is officially 30 as of 6 May 2023 and Caroline's knees already know it."],
        ),
        (
            "A recruiter from Klarna messaged me about a role.",
            ["A recruiter from Klarna messaged Caroline about a role."],
        ),
        # a time from which it holds gets its comma
        (
            "As of last week my manager is Paula Jiménez.",
            ["As of the week of 1 May 2023, Caroline's manager is Paula Jiménez."],
        ),
    ],
)
def test_how_a_turn_is_said_as_items(content: str, said: list[str]) -> None:
    assert texts(content) == said


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        (
            "Ana is teaching at the community college now as a nursing instructor.",
            ("ana", "occupation", "nursing instructor"),
        ),
        (
            "Please call Katherine Katherine in your replies, not Kate.",
            ("katherine", "name", "katherine"),
        ),
        ("Living in Accra has spoiled Ama for jollof.", ("ama", "residence", "accra")),
        (
            "Studying for midterms at Seoul National University is killing Ji-woo.",
            ("ji-woo", "school", "seoul national university"),
        ),
        (
            "Ana's classes at Universidad de Chile start at 8am.",
            ("ana", "school", "universidad de chile"),
        ),
        (
            "Nora is training to run Nora's first half marathon.",
            ("nora", "training_goal", "half marathon"),
        ),
    ],
)
def test_more_facts_said_in_passing(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(text)


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("Ana works at the shelter as a volunteer on weekends.", "occupation"),
        ("Ana studies hard at the library.", "school"),
        ("Dana is a senior at Deloitte.", "school"),
        ("Dana's iPhone 8 is for sale if anyone wants it.", "phone"),
        ("At 65 Dana's pension is due.", "age"),
        ("Dana's first week as a vegetarian was hard!", "occupation"),
        ("Living in Paris is tempting Dana.", "residence"),
        ("Call Ana when you land.", "name"),
        ("Please call Ana Dr Smith.", "name"),
        ("Living in Leeds was great for Ana.", "residence"),
        ("At 44 Kenji's little sister is retiring.", "age"),
        ("Nora is a nurse at Nora's local hospital.", "employer"),
    ],
)
def test_more_look_alikes_of_facts_said_in_passing(text: str, attribute: str) -> None:
    assert [f for f in facts(text) if f[1] == attribute] == []


def test_hostile_look_alikes_of_these_shapes_change_nothing() -> None:
    # an opinion is no answer, and a gerund with a verb of its own is the subject
    assert texts(
        "Favourite movie of all time? Most critics would say Citizen Kane, but not me."
    ) == ["Most critics would say Citizen Kane, but not Caroline."]
    for said in (
        "Living in Paris would spoil me, I'm sure of it.",
        "Living in Accra for those two years back in college spoiled me.",
    ):
        assert not any(t.startswith("Caroline is living") for t in texts(said))
    # a game, said at the end; a contrast inside someone else's quoted words
    assert facts("Sam is officially 40 as of Saturday in the board game.") == set()
    quoted = (
        "\"Dune used to be Sam's favourite book, but now it's Hyperion\" is what Sam's friend said."
    )
    assert later(quoted, "favourite book", "Dune") == []


def test_an_answer_in_plain_words_is_a_dish_not_a_name() -> None:
    assert texts("Favourite food? Pad thai, always.") == [
        "Caroline's favourite food is pad thai, always."
    ]
    assert texts("Favourite book? The Lord of the Rings!") == [
        "Caroline's favourite book is The Lord of the Rings!"
    ]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            "Favourite band: Soda Stereo, always.",
            ["Caroline's favourite band is Soda Stereo, always."],
        ),
        (
            "New goal: the full Berlin Marathon, so my mileage is going up.",
            ["Caroline's new goal is the full Berlin Marathon, so Caroline's mileage is going up."],
        ),
        (
            "I need advice on asking my boss, Mr. Herrera, for a raise.",
            ["Caroline's boss is Mr. Herrera."],
        ),
        ("Should I tell my boss Mr about it?", []),
    ],
)
def test_a_label_or_a_titled_name_is_said_as_a_statement(content: str, said: list[str]) -> None:
    assert texts(content) == said


def test_a_place_named_and_then_said_to_be_the_new_school_or_employer() -> None:
    assert ("sam", "school", "u of t") in facts(
        "Sam finished orientation at U of T, Sam's new school."
    )
    assert ("sam", "employer", "zoho") in facts("Sam had a first day at Zoho, Sam's new employer.")
    assert facts("Sam visited Oxford, Sam's sister's new school.") == set()


def test_general_hostile_look_alikes_state_nothing() -> None:
    # what others assume, an age one feels, a place at a school turned down
    assert facts("People keep assuming Sam is a lawyer because Sam wears suits.") == set()
    assert [f for f in facts("Sam feels like Sam is 60 after that hike.") if f[1] == "age"] == []
    assert facts("Sam got into Columbia's summer program but decided not to go.") == set()
    assert facts("Sam got into Columbia but turned it down.") == set()
    assert ("sam", "school", "columbia") in facts("Sam got into Columbia.")


def test_engaged_to_someone_is_engaged_and_a_pair_keeps_its_plural() -> None:
    assert ("sam", "relationship", "engaged") in facts("Sam is engaged to Tom.")
    assert ("sam", "relationship", "married") in facts("Sam got married to Tom.")
    assert texts("My grandma forgets Tom and I are already engaged.") == [
        "Caroline's grandma forgets Tom and Caroline are already engaged."
    ]
