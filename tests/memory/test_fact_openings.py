"""What a sentence's opening, a relative clause or a request's "now that" says of the
person it names, and what a newer message says of a team's new lead."""

from __future__ import annotations

from datetime import date

import pytest

from memoryd.memory.extract import _absolute_dates
from memoryd.memory.fact_followup import earlier_fact
from memoryd.memory.fact_openings import opening_clause
from memoryd.memory.facts import facts_of
from tests.memory.test_extract import texts
from tests.memory.test_fact_followup import later


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # a gerund as the subject: a state with a present verb, a change with a past one
        (
            "Being an accountant in tax season means Farid's weekends vanish.",
            ("farid", "occupation", "accountant"),
        ),
        ("Being single means Kofi's aunties ask questions.", ("kofi", "relationship", "single")),
        (
            "Joining Accenture in March 2024 was the best decision — Priya's hours are saner.",
            ("priya", "employer", "accenture"),
        ),
        (
            "Switching Rasmus's major to economics has cut the problem sets in half.",
            ("rasmus", "major", "economics"),
        ),
        (
            "Qualifying as a midwife meant Nkechi's shifts changed.",
            ("nkechi", "occupation", "midwife"),
        ),
        (
            "The best part of working for Telefónica is the canteen, so Lucia eats well.",
            ("lucia", "employer", "telefónica"),
        ),
        # a role, an age or a move before the subject, with a present main verb
        ("As a nurse on nights Svetlana often cannot sleep.", ("svetlana", "occupation", "nurse")),
        ("As a biology major Suki is drowning in orgo.", ("suki", "major", "biology")),
        ("At 44 Emeka is apparently the oldest player.", ("emeka", "age", "44")),
        (
            "Since the move to Bristol Amara has been hunting for a bakery.",
            ("amara", "residence", "bristol"),
        ),
        # a device or a car someone bought or switched to, in a relative clause
        (
            "The Pixel 8 Zofia switched to in October 2024 takes better shots.",
            ("zofia", "phone", "pixel 8"),
        ),
        (
            "With the ThinkPad X1 Carbon Uzma bought for the new year, tabs are no problem.",
            ("uzma", "laptop", "thinkpad x1 carbon"),
        ),
        # what friends call someone, a car commuted in, a major that means work
        ("Alejandra's friends call her Ale, and she loves it.", ("alejandra", "name", "ale")),
        ("Wen commutes in a 2014 Honda Fit.", ("wen", "vehicle", "honda fit")),
        ("Saoirse's history major means she reads a lot.", ("saoirse", "major", "history")),
    ],
)
def test_an_opening_or_a_relative_clause_states_a_fact(
    text: str, fact: tuple[str, str, str]
) -> None:
    assert fact in [(f.subject, f.attribute, f.value) for f in facts_of(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Living in Austin was great for Sam.",  # a past state
        "Moving to Berlin would be a big step for Sam.",  # a plan
        "Joining Stripe is a big step for Sam.",  # a change not yet made
        "Being a nurse means Priya's mom works nights.",  # the mom's
        "Being a nurse, Sam's mom works nights.",  # set off: the main subject's
        "As a nurse's daughter, Sam knows a lot.",
        "As a kid Sam lived in Rome.",
        "At 18, Sam moved to Berlin.",
    ],
)
def test_an_opening_of_a_past_a_plan_or_someone_else_says_nothing_of_now(text: str) -> None:
    assert opening_clause(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "The iPhone 15 Sam bought for his son is great.",
        "The Tesla Sam bought his wife is red.",
        "The Tesla Model 3 Sam wants is expensive.",
        "Sam's sister's friends call her Bee.",
    ],
)
def test_a_thing_bought_for_someone_else_or_wanted_is_not_had(text: str) -> None:
    assert [f for f in facts_of(text) if f.subject == "sam"] == []


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        (
            "Emre and Ayşe are not together anymore.",
            {("emre", "single"), ("ayşe", "single")},
        ),
        (
            "Elena and Yusuf hit three months together on Saturday, any gift ideas.",
            {("elena", "in a relationship"), ("yusuf", "in a relationship")},
        ),
    ],
)
def test_a_couple_together_or_not_is_both_of_them(text: str, facts: set[tuple[str, str]]) -> None:
    assert {(f.subject, f.value) for f in facts_of(text) if f.attribute == "relationship"} == facts


def _later(text: str, value: str) -> list[tuple[str, str]]:
    return _later_of("manager", value, text)


def test_a_team_taken_over_names_the_new_manager() -> None:
    said = "According to Sam, Mark retired in June and Priyanka took over the team."
    assert _later(said, "mark") == [("manager", "priyanka")]
    said = "According to Sam, Daniel, who took the team over from Karen, likes Slack."
    assert _later(said, "karen") == [("manager", "daniel")]
    assert _later("Since the reorg moved Sam under Mei Lin, meetings are gone.", "bob") == [
        ("manager", "mei lin")
    ]
    # another's team, or the known manager named again, is no change
    assert _later("Dana took over Bob's team last week.", "mark") == []
    assert _later("Mark took over the team again after the reorg.", "mark") == []


def test_chat_news_is_the_speakers_whatever_its_marks() -> None:
    assert texts("lmaooo guess who lives in chicago now") == ["Caroline lives in chicago now"]
    assert texts("Guess who's engaged!!") == ["Caroline is engaged!!"]
    # two marks of surprise after a statement of the speaker's: not a question
    assert texts("ok so i have a boyfriend now??") == ["Caroline has a boyfriend now!"]
    assert texts("I should move to Berlin??") == []
    # what a request takes as so, after "now that"
    assert texts("Help me draft a budget now that I'm a UX researcher — no more gigs.") == [
        "Caroline is a UX researcher."
    ]


def test_a_date_after_a_verbs_to_or_before_a_subject_keeps_its_preposition() -> None:
    anchor = date(2024, 11, 1)
    assert _absolute_dates("The Pixel 8 I switched to last month is great", anchor)[0] == (
        "The Pixel 8 I switched to in October 2024 is great"
    )
    assert _absolute_dates("Joining Accenture in March was the best decision", anchor)[0] == (
        "Joining Accenture in March 2024 was the best decision"
    )
    assert _absolute_dates("Last Friday was my final day", anchor)[0] == (
        "25 October 2024 was my final day"
    )
    assert _absolute_dates("The launch got pushed back to next week", anchor)[0] == (
        "The launch got pushed back to the week of 4 November 2024"
    )


def _later_of(attribute: str, known: str, text: str) -> list[tuple[str, str]]:
    """What a newer text of Sam's changes of the ``known`` value, as (attribute, value)."""
    return [(what, value) for what, value, _ in later(text, attribute, known)]


def test_another_model_at_hand_replaces_the_known_one() -> None:
    said = "Sam is still getting used to the back gesture on the Pixel 8."
    assert _later_of("phone", "iphone 11", said) == [("phone", "pixel 8")]
    said = "According to Sam, put Fedora on the Framework 13 last weekend."
    assert _later_of("laptop", "macbook pro", said) == [("laptop", "framework 13")]
    # "the" alone may be anyone's: a model said of no one is left alone
    said = "According to Sam, the Model 3 lost a ton of range in the cold."
    assert _later_of("vehicle", "honda civic", said) == []
    said = "Priscilla booked Sam's first 1:1 since she inherited the team from Raj."
    assert _later_of("manager", "raj", said) == [("manager", "priscilla")]


@pytest.mark.parametrize(
    ("attribute", "known", "text"),
    [
        ("vehicle", "volvo xc60", "Sam didn't buy the Tesla in the end, the lease was too much."),
        (
            "phone",
            "oneplus 11",
            "Sam is tempted by the new Galaxy Fold, but Sam's OnePlus works.",
        ),
        ("phone", "iphone 11", "Sam's sister loves the Pixel 8."),
        ("vehicle", "honda civic", "Sam test drove the Model 3 at the dealer."),
        ("vehicle", "honda civic", "Sam rented the Model 3 for the trip."),
        ("laptop", "dell xps 13", "Sam set up the MacBook Air for Sam's mom."),
        ("phone", "iphone 11", "The Pixel 8 arrives next week, Sam is excited."),
        ("phone", "galaxy s21", "Sam uses the Galaxy S21 for work and the Pixel 8 at home."),
        ("phone", "iphone 11", "Sam also carries this Pixel 8 as a second phone."),
        ("laptop", "dell xps 13", "Sam is getting used to the MacBook Air at the office."),
    ],
)
def test_a_model_wanted_lent_or_someone_elses_replaces_nothing(
    attribute: str, known: str, text: str
) -> None:
    assert _later_of(attribute, known, text) == []


@pytest.mark.parametrize(
    ("text", "attribute", "value"),
    [
        (
            "Vikram edits Vikram's videos on a Dell XPS 13, and rendering is slow.",
            "laptop",
            "dell xps 13",
        ),
        ("Vikram's 2017 MacBook Air struggles with ten tabs.", "laptop", "macbook air"),
        ("On Friday Vikram has a one-on-one with Vikram's boss Mark", "manager", "mark"),
    ],
)
def test_an_older_message_said_it_in_passing(text: str, attribute: str, value: str) -> None:
    fact = earlier_fact(text, "vikram", attribute, "something else")
    assert fact is not None and (fact.attribute, fact.value) == (attribute, value)


@pytest.mark.parametrize(
    "text",
    [
        "Vikram tested the app on a Dell XPS 13 at the store.",
        "Vikram's sister edits videos on a Dell XPS 13.",
        "Vikram fixed a bug on a Dell XPS 13 he borrowed.",
    ],
)
def test_a_device_tried_or_someone_elses_was_not_said_in_passing(text: str) -> None:
    assert earlier_fact(text, "vikram", "laptop", "macbook pro") is None


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # a time spent so far, and a divorce said as "the divorce"
        (
            "Three months pescatarian now and Björn doesn't miss beef.",
            ("björn", "diet", "pescatarian"),
        ),
        (
            "Three months without any meat now and Jun doesn't miss it.",
            ("jun", "diet", "vegetarian"),
        ),
        (
            "Three weeks in at Paystack now and Chioma misses the old crew.",
            ("chioma", "employer", "paystack"),
        ),
        (
            "The divorce was finalized in October, and Anders runs the house.",
            ("anders", "relationship", "divorced"),
        ),
        # a clause after "because" is asserted whatever the one before denies
        (
            "Mateo doesn't have a landlord anymore, because he bought a condo in Denver.",
            ("mateo", "residence", "denver"),
        ),
        # goals chased, a diet with its qualifier, a time lead before a pronoun
        (
            "Viktor got the deadlift done, so now he is chasing a 100 kg bench press.",
            ("viktor", "training_goal", "100 kg bench press"),
        ),
        (
            "Ilse quit pull-ups; these days she is aiming to get through a sprint triathlon.",
            ("ilse", "training_goal", "sprint triathlon"),
        ),
        (
            "Tariq added eggs back in — he is lacto-ovo vegetarian now.",
            ("tariq", "diet", "lacto-ovo vegetarian"),
        ),
    ],
)
def test_a_time_so_far_or_an_asserted_clause_states_a_fact(
    text: str, fact: tuple[str, str, str]
) -> None:
    assert fact in [(f.subject, f.attribute, f.value) for f in facts_of(text)]


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("Mateo is sad, because she moved to Berlin.", "residence"),  # she is someone else
        ("Two weeks vegan and Mateo's wife loves it.", "diet"),  # the wife's, or no one's
        ("The divorce was finalized, and Mateo's sister is relieved.", "relationship"),
        ("Mateo is chasing his dog.", "training_goal"),
    ],
)
def test_someone_elses_clause_or_a_chase_that_is_no_goal_states_nothing(
    text: str, attribute: str
) -> None:
    assert [f for f in facts_of(text) if f.attribute == attribute] == []


def test_a_favourite_overtaken_names_the_new_one_and_a_role_taken_over_the_new_lead() -> None:
    said = "Honestly The Remains of the Day has overtaken Pride and Prejudice as Sam's favourite."
    assert _later_of("favourite book", "pride and prejudice", said) == [
        ("favourite book", "remains of the day")
    ]
    said = "Sam's sister says Emma has overtaken Pride and Prejudice as her favourite."
    assert _later_of("favourite book", "pride and prejudice", said) == []
    said = "Sam met Priscilla since she took over Mr. Delgado's role, she wants check-ins."
    assert _later_of("manager", "mr. delgado", said) == [("manager", "priscilla")]
    said = "Sam finally retired the 12 — the camera on this iPhone 15 Pro is unreal."
    assert _later_of("phone", "iphone 12", said) == [("phone", "iphone 15 pro")]


def test_a_guess_answered_denied_or_wished_is_not_the_speakers_news() -> None:
    assert texts("guess who's engaged!! my sister!!") == ["Caroline's sister is engaged!!"]
    assert texts("Guess who got promoted? Tom!") == ["According to Caroline, Tom got promoted!"]
    assert texts("I'm not at Google anymore?? who told you that") == []
    assert [
        f for f in facts_of("At 40 Caroline wants to run a marathon.") if f.attribute == "age"
    ] == []
    assert [f.subject for f in facts_of("Dana's sister got a new job at Google.")] == [
        "dana's sister"
    ]


def test_a_question_says_in_passing_whom_it_names_and_how_old_the_speaker_is() -> None:
    assert texts(
        "Can you help me write a polite email to my boss, Francesca, asking for Friday off?"
    ) == ["Caroline's boss is Francesca."]
    assert texts("Can you help me plan a party for my wife Ana's birthday?") == [
        "Caroline's wife is Ana."
    ]
    assert texts("What should I get my husband for his birthday?") == []
    assert texts("At 44, is it realistic to start learning piano from zero?") == ["Caroline is 44."]
    assert texts("At 65, can I withdraw from my pension?") == []


def test_a_titles_own_question_mark_neither_ends_nor_is_rewritten() -> None:
    assert texts("I'm trying to learn 'Do I Wanna Know?' on guitar. What's the tuning?") == [
        "Caroline is trying to learn 'Do I Wanna Know?' on guitar."
    ]


def test_a_school_transferred_to_and_a_new_favourite_of_the_known_kind() -> None:
    assert ("lucas", "school", "trinity") in [
        (f.subject, f.attribute, f.value)
        for f in facts_of("Lucas transferred to Trinity this semester, the campus is huge.")
    ]
    # a transfer where nothing speaks of studying is no school
    assert [
        f for f in facts_of("Lucas transferred to the Chicago office.") if f.attribute == "school"
    ] == []
    said = "Sam finished The Remains of the Day and it's Sam's new all-time favourite."
    assert _later_of("favourite book", "dune", said) == [("favourite book", "remains of the day")]
    said = "Sam's sister finished Emma and it's her new favourite."
    assert _later_of("favourite book", "dune", said) == []


@pytest.mark.parametrize(
    "text",
    [
        # a dream, a plan or someone's say-so is no fact
        "Moving to Berlin has been Sam's dream for years.",
        "Working for Google is Sam's dream.",
        "Being a doctor is what Sam wants.",
        "Switching to Stripe has saved Sam's company thousands.",
        "Moving to Berlin was the plan, but Sam stayed in Paris.",
        "Being vegan is hard, Sam says.",
        # a clock time or a rule's age
        "At 10 Sam has a call with Tom.",
        "At 65 Sam gets a full pension.",
        # a thing ordered, got rid of, bought for others, rented or driven at a dealer
        "The Pixel 8 Sam ordered still hasn't shipped.",
        "The Model 3 Sam got rid of was a lemon.",
        "The MacBook Air Sam bought the twins is already scratched.",
        "The Toyota Corolla Sam picked up at the airport rental desk was tiny.",
        "The Model 3 Sam got to drive at the dealership was amazing.",
        # apart for a weekend, colleagues for years, a honeymoon to come
        "Sam and Dana aren't together this weekend, he's at a conference.",
        "Sam and Tom celebrated ten years together at Acme.",
        "Sam and Tom go on their honeymoon in June.",
        # a modifier is no major, kin call no one by a name, a lunch is held at a venue
        "Sam's intended major is biology.",
        "Sam's kids call him Dad.",
        "Sam's team lunch at Nobu was great.",
        "Sam's Lisbon flat is rented out to tourists.",
        "Sam's first year in London is over and she moves back to Leeds next week.",
        "Sam transferred to the London office and is taking an evening course in French.",
        "Sam ordered his first burger in years, a plant-based one.",
        # the one who moved is someone else
        "After her move to Bristol, Sam barely sees Amara.",
        "After moving to Leeds, Sam's sister found a job.",
        "Sam misses his dad, since he moved to Denver.",
        "Two weeks vegan and Sam cracked.",
    ],
)
def test_what_only_looks_like_a_fact_of_the_speaker_states_none(text: str) -> None:
    assert [f for f in facts_of(text) if f.subject == "sam"] == []


@pytest.mark.parametrize(
    ("attribute", "known", "text"),
    [
        ("phone", "iphone 11", "Sam watched a great video on the Pixel 9 camera."),
        ("phone", "iphone 11", "Sam is working on the Pixel 9 camera app."),
        ("phone", "iphone 11", "Sam snapped the sunset with the Pixel 8 Tom brought along."),
        ("laptop", "thinkpad x1", "Sam helped Tom with the MacBook Pro setup."),
        ("manager", "mark", "Priyanka took over Sam's role when Sam moved to sales."),
        ("manager", "mark", "Priyanka took over the job of organizing the holiday party."),
        ("manager", "mark", "Priyanka runs the team Sam plays football with on Sundays."),
        ("manager", "mark", "The reorg would have moved Sam under Mei Lin, but Mark fought it."),
        ("favourite book", "dune", "Nothing has overtaken Dune as Sam's favourite."),
        ("favourite book", "dune", "Emma almost overtook Dune as Sam's favourite."),
    ],
)
def test_a_newer_text_about_something_else_changes_nothing_known(
    attribute: str, known: str, text: str
) -> None:
    assert _later_of(attribute, known, text) == []


def test_guesses_and_questions_that_are_about_someone_else() -> None:
    assert texts("guess who's engaged!! not me lol") == []
    assert texts("guess who got fired. my boss lol") == ["Caroline's boss got fired."]
    assert texts("Should I tell my boss I'm pregnant?") == []
    assert texts("Do I tell my husband Christmas is cancelled this year?") == []
    assert texts("At 18, is it normal for kids to move out?") == []
    assert texts("At 59 and a half, is it possible to withdraw from a 401k?") == []


@pytest.mark.parametrize(
    ("said", "items"),
    [
        # the next sentence gives the news to someone else
        (
            "Just moved to Austin! Well, my sister did, last weekend.",
            ["Caroline's sister just moved to Austin!"],
        ),
        (
            "Just started at Google! (well, my husband did).",
            ["Caroline's husband just started at Google!"],
        ),
        (
            "New favourite movie: Barbie! My daughter's, she's seen it eleven times.",
            ["Caroline's daughter's new favourite movie: Barbie!"],
        ),
        # …or takes it back
        ("Just got married! In a dream last night, weirdly vivid.", []),
        ("Just got a Tesla Model 3! As a rental for the road trip.", []),
        ("Meet my new boss, Elena! Joking, she's my client.", []),
        # the same inside the sentence
        (
            "Turned 18 yesterday, my son, where did the time go.",
            ["Caroline's son turned 18 on 7 May 2023."],
        ),
        ("I have a girlfriend now, in the game I'm playing.", []),
        # what only describes the news stays the speaker's
        (
            "I moved to Lisbon, my favourite city, last spring.",
            ["Caroline moved to Lisbon, Caroline's favourite city, last spring."],
        ),
        (
            "I got promoted! My boss did it quietly.",
            ["Caroline got promoted!", "Caroline's boss did it quietly."],
        ),
    ],
)
def test_the_sentence_after_news_gives_it_away_or_takes_it_back(
    said: str, items: list[str]
) -> None:
    assert texts(said) == items
