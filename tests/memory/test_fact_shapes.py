"""Facts said in the shapes people use when the fact is on the way to something else: a
deed after "ended up" or "caved and", a job named by its work, a passive, a pronoun for
the one person named, a possessive typed in lower case; and the look-alikes beside them
(a diet kept for an occasion, a business partner, a name someone else calls you)."""

from __future__ import annotations

from typing import Any

import pytest

from memoryd.memory.asking import statement_of
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.fact_followup import earlier_fact
from memoryd.memory.facts import facts_of
from memoryd.memory.person import third_person
from tests.memory.test_extract import texts
from tests.memory.test_fact_followup import later
from tests.memory.test_truth import all_items, event, one


def facts(text: str) -> set[tuple[str, str, str]]:
    return {(f.subject, f.attribute, f.value) for f in facts_of(text) if not f.ends}


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # the deed a chain of words comes to
        (
            "Annika ended up buying a Kia Niro after the insurance paid out.",
            ("annika", "vehicle", "kia niro"),
        ),
        ("Dana ended up taking a job at Google.", ("dana", "employer", "google")),
        ("Dana caved and got an iPhone 15.", ("dana", "phone", "iphone 15")),
        (
            "Emeka ditched the f150 for a tesla model 3 and no regrets.",
            ("emeka", "vehicle", "tesla model 3"),
        ),
        ("Emeka is in a Kia Sportage these days.", ("emeka", "vehicle", "kia sportage")),
        (
            "These days Chiamaka works from a Surface Laptop 5.",
            ("chiamaka", "laptop", "surface laptop 5"),
        ),
        # a job named by its team, its pay, its work or what it is
        ("Mateo is on the data team at Spotify.", ("mateo", "employer", "spotify")),
        (
            "Mateo has been at Stripe about a month now since leaving Spotify.",
            ("mateo", "employer", "stripe"),
        ),
        ("Mei's employer, Shopee, gives them a learning budget.", ("mei", "employer", "shopee")),
        (
            "These days Mei's paycheck comes from Grab rather than Shopee.",
            ("mei", "employer", "grab"),
        ),
        (
            "Björn swapped the classroom for a lab tech job at a pharma company.",
            ("björn", "occupation", "lab tech"),
        ),
        ("Björn took a nursing job in Leeds.", ("björn", "occupation", "nurse")),
        (
            "In March Freya quit paralegal work, and now she illustrates full-time.",
            ("freya", "occupation", "illustrator"),
        ),
        (
            "Cooking isn't Hiroshi's job anymore — he drives for a delivery company now.",
            ("hiroshi", "occupation", "driver"),
        ),
        (
            "As a pharmacist Oluwaseun is on his feet all day.",
            ("oluwaseun", "occupation", "pharmacist"),
        ),
        (
            "As a nurse doing night shifts Leilani's sleep is a mess.",
            ("leilani", "occupation", "nurse"),
        ),
        # school, major, favourite, goal, diet
        ("Amara is at Georgia Tech for undergrad.", ("amara", "school", "georgia tech")),
        (
            "Ngozi is now enrolled at the University of Ibadan.",
            ("ngozi", "school", "university of ibadan"),
        ),
        (
            "Philosophy is Arjun's major now and CS is just the minor.",
            ("arjun", "major", "philosophy"),
        ),
        (
            "Callum's major was changed to computer science at the start of term.",
            ("callum", "major", "computer science"),
        ),
        (
            "Connor's favorite book of all time is The Hobbit.",
            ("connor", "favourite book", "hobbit"),
        ),
        (
            "Ines has a new favourite band and its Big Thief.",
            ("ines", "favourite band", "big thief"),
        ),
        (
            "Half marathon done and now Olga is going for a full marathon.",
            ("olga", "training_goal", "full marathon"),
        ),
        (
            "Since Ramadan Farida eats eggs again, so she would call herself vegetarian.",
            ("farida", "diet", "vegetarian"),
        ),
        ("Dana has been vegan for two weeks, feeling great.", ("dana", "diet", "vegan")),
        # whom "they" or "he" means
        (
            "Aiyana and her family sold the condo and they are renting a place in Portland now.",
            ("aiyana", "residence", "portland"),
        ),
        (
            "You've got Tomasz down as in Kraków, but he has been living in Gdańsk since May.",
            ("tomasz", "residence", "gdańsk"),
        ),
    ],
)
def test_a_fact_said_on_the_way_to_something_else(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(text)


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("Dana is going fully halal for the dinner she is hosting Saturday.", "dana"),
        ("Dana is doing keto for a month before the wedding.", "dana"),
        ("Dana is vegan for Lent this year.", "dana"),
        ("Farida would call herself vegan if she could give up cheese.", "farida"),
        ("Emeka is in a Ford Focus club.", "emeka"),
        ("Olga is going for a swim.", "olga"),
        ("As a nurse, Leilani's mom works nights.", "leilani"),
        ("As a nurse's daughter, Tom is used to night shifts.", "tom"),
        ("Anna said hi — he drives for a delivery company now.", "anna"),
        ("Anna said hi — he works at Google now.", "anna"),
    ],
)
def test_an_occasion_a_club_or_someone_else_states_nothing_of_the_speaker(
    text: str, subject: str
) -> None:
    assert {f for f in facts(text) if f[0] == subject} == set()


def test_the_one_named_is_no_month() -> None:
    said = facts("The course ended in May — she is a paralegal now.")
    assert [f for f in said if f[0] == "may"] == []


def test_who_we_are_said_after_we_is_said_once() -> None:
    text = third_person(
        "We're officially separated now, me and my business partner, we split the company.",
        "Dana",
    )
    assert (
        text
        == "Dana and her business partner are officially separated now, they split the company."
    )
    assert [f for f in facts_of(text) if f.attribute == "relationship"] == []
    apart = third_person("We're officially separated now, me and Tom.", "Dana")
    assert apart == "Dana and Tom are officially separated now."
    assert ("dana", "relationship", "separated") in facts(apart)


def test_a_statement_before_any_fixes_and_an_opening_verb_in_ing() -> None:
    said = statement_of("using a pixel 6a at the moment and the sensor is sooo slow, any fixes?")
    assert said == "Using a pixel 6a at the moment and the sensor is sooo slow."
    assert texts("Using a Pixel 6a at the moment and the sensor is so slow. Any fixes?") == [
        "Caroline is using a Pixel 6a at the moment and the sensor is so slow."
    ]
    assert texts("Running a shop is hard.") != ["Caroline is running a shop is hard."]


@pytest.mark.parametrize(
    ("text", "attribute", "newer", "value"),
    [
        (
            "Sienna's macbook air m1 gets really hot when she edits.",
            "laptop",
            "macbook pro m3",
            "macbook air m1",
        ),
        ("Aisling's pixel 6a fingerprint sensor is slow.", "phone", "iphone 14", "pixel 6a"),
        (
            "Aiyana is planning a garden on her balcony here in phoenix.",
            "residence",
            "portland",
            "phoenix",
        ),
    ],
)
def test_an_older_message_typed_in_lower_case_said_it_in_passing(
    text: str, attribute: str, newer: str, value: str
) -> None:
    said = earlier_fact(text, text.split("'")[0].split()[0].casefold(), attribute, newer)
    assert said is not None and said.value == value


def test_a_known_model_replaced_and_a_name_someone_else_calls_you() -> None:
    assert later(
        "The Galaxy S21 was replaced by an iPhone 15 Pro at work.", "phone", "galaxy s21"
    ) == [("phone", "iphone 15 pro", False)]
    assert (
        later("My sister's Galaxy S21 was replaced by an iPhone 15.", "phone", "galaxy s21") == []
    )
    assert (
        later("The Galaxy S21 will be replaced by an iPhone 16 soon.", "phone", "galaxy s21") == []
    )
    assert later("A new hire kept calling Sam Samantha all week lol.", "name", "sam") == []
    assert later("Sam Nguyen now!", "name", "sam carter") == [("name", "sam nguyen", False)]


def test_through_the_engine_an_occasion_and_a_partner_in_business_close_nothing(
    edge_engine: MemoryEngine,
) -> None:
    said: list[dict[str, Any]] = [
        event("a1", "I'm pescatarian.", 0, user="u-a"),
        event(
            "a2",
            "Going fully halal for the dinner I'm hosting Saturday. Where do I find lamb?",
            90,
            user="u-a",
        ),
        event("b1", "I'm engaged, the wedding's next June.", 0, user="u-b"),
        event(
            "b2",
            "We're officially separated now, me and my business partner, we split the company.",
            90,
            user="u-b",
        ),
        event(
            "c1",
            "my macbook air m1 gets really hot when I edit videos, is that normal?",
            0,
            user="u-c",
        ),
        event(
            "c2",
            "upgraded to a MacBook Pro M3 for the video stuff and it stays cool now.",
            90,
            user="u-c",
        ),
    ]
    for e in said:
        edge_engine.memorize([e])
    assert not one(all_items(edge_engine, "u-a"), "pescatarian").archived
    assert not one(all_items(edge_engine, "u-b"), "engaged").archived
    older = one(all_items(edge_engine, "u-c"), "air m1")
    assert older.archived and older.archived_reason == "superseded"


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        # formal and non-native registers
        (
            "Wilhelmina has tendered her resignation at Lloyds and accepted a position with "
            "the Nationwide Building Society, commencing Monday last.",
            ("wilhelmina", "employer", "nationwide building society"),
        ),
        (
            "Wilhelmina has been in the employ of Lloyds Bank for some twenty-two years now.",
            ("wilhelmina", "employer", "lloyds bank"),
        ),
        (
            "Rajesh is working in Infosys since 2019 in the testing team.",
            ("rajesh", "employer", "infosys"),
        ),
        (
            "Mehmet is taxi driver in Istanbul fifteen years already.",
            ("mehmet", "occupation", "taxi driver"),
        ),
        (
            "Mehmet doesn't drive the taxi anymore, now he has his own small bakery.",
            ("mehmet", "occupation", "bakery owner"),
        ),
        ("Giuseppe has 58 years and his doctor says he must walk more.", ("giuseppe", "age", "58")),
        ("On 5 March 2023, Giuseppe has made 59 years.", ("giuseppe", "age", "59")),
        (
            "Being seventy-four years of age, Edna finds the small print hard to read.",
            ("edna", "age", "74"),
        ),
        (
            "Now Wojciech is in the computer science since the winter semester.",
            ("wojciech", "major", "computer science"),
        ),
        (
            "Priya has shifted her major to psychology from this semester itself.",
            ("priya", "major", "psychology"),
        ),
        (
            "On her physician's advice Agatha has resumed eating meat.",
            ("agatha", "diet", "eats meat"),
        ),
        ("Agatha follows the pescatarian way of eating.", ("agatha", "diet", "pescatarian")),
        ("Reginald's motorcar is a 2008 Rover 75.", ("reginald", "vehicle", "rover 75")),
        (
            "Wei has bought a new phone, Samsung Galaxy S23, the Huawei was too slow.",
            ("wei", "phone", "galaxy s23"),
        ),
        ("Katarzyna's boss, Mr. Nowak, he is very strict.", ("katarzyna", "manager", "mr. nowak")),
        (
            "Now Katarzyna's team leader is a woman, Mrs. Zielińska, she is more relaxed.",
            ("katarzyna", "manager", "mrs. zielińska"),
        ),
        (
            "Mr. Pemberton has been transferred and Archibald now reports to a Miss Okafor.",
            ("archibald", "manager", "miss okafor"),
        ),
        ("Theodora is known to her friends as Teddy.", ("theodora", "name", "teddy")),
        (
            "Theodora should prefer henceforth to be addressed as Theodora.",
            ("theodora", "name", "theodora"),
        ),
        ("Xiaoling goes by her Chinese name Xiaoling now.", ("xiaoling", "name", "xiaoling")),
        (
            "Mariam's new aim is to do a muscle-up before the summer.",
            ("mariam", "training_goal", "muscle-up"),
        ),
        (
            "Geoffrey and Margaret were married on the fourteenth of May.",
            ("margaret", "relationship", "married"),
        ),
        # consequences that name the new value
        ("Kwame's first Shopify paycheck came through.", ("kwame", "employer", "shopify")),
        ("Arjun's McGill student card finally came in the mail.", ("arjun", "school", "mcgill")),
        (
            "Chiara is happy since Chiara's switch to economics went through.",
            ("chiara", "major", "economics"),
        ),
        (
            "Mei-Ling's new lease in Melbourne says no nails.",
            ("mei-ling", "residence", "melbourne"),
        ),
        (
            "Nora swapped long runs for barbells since Nora's goal now is a 100 kg deadlift.",
            ("nora", "training_goal", "100 kg deadlift"),
        ),
        (
            "Ivan's training goal in 2023 is to lose 10 kg.",
            ("ivan", "training_goal", "to lose 10 kg"),
        ),
        ("Kwame is officially a Bristolian now!", ("kwame", "residence", "bristol")),
        ("Kwame is now a proud Mancunian.", ("kwame", "residence", "manchester")),
        ("Hamid hits the big 4-0 today, send cake.", ("hamid", "age", "40")),
        (
            "Lars signed with H&M last month after the raise talk went badly.",
            ("lars", "employer", "h&m"),
        ),
        (
            "Ingrid swapped nursing for teaching at a primary school.",
            ("ingrid", "occupation", "teacher"),
        ),
        ("Rafael is in austin now.", ("rafael", "residence", "austin")),
        (
            "Yandex is past for Dmitri — in the week of 5 February 2024 he has joined JetBrains.",
            ("dmitri", "employer", "jetbrains"),
        ),
        ("Since the new job everyone calls Alexandra Sasha.", ("alexandra", "name", "sasha")),
        (
            "Dana works at a small design agency called Pixel & Pine.",
            ("dana", "employer", "pixel & pine"),
        ),
    ],
)
def test_a_fact_said_formally_plainly_foreign_or_by_its_consequence(
    text: str, fact: tuple[str, str, str]
) -> None:
    assert fact in facts(text)


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("A coworker named Guillermo goes by Willy.", "guillermo"),
        ("In the office they call Aleksandr Alex, it sounds less like a girl's name.", "aleksandr"),
        ("Kwame is now a designer.", "kwame-residence"),
        ("Kwame is now a librarian.", "kwame-residence"),
        ("Kwame is now an Arsenal fan.", "kwame-residence"),
        ("Tom works in London since 2019.", "tom"),
        ("Rafael is in love now.", "rafael"),
        ("Giuseppe has 3 years left on his visa.", "giuseppe"),
        ("Farida would call herself vegan if she could give up cheese.", "farida"),
        ("Being vegan is hard, Sam says.", "sam"),
        ("Sam's team got reorganized and she now reports to Sarah Kim.", "sarah"),
    ],
)
def test_a_namesake_a_trade_a_place_of_work_or_a_say_so_is_no_such_fact(
    text: str, subject: str
) -> None:
    who, _, attribute = subject.partition("-")
    assert [f for f in facts(text) if f[0] == who and (not attribute or f[1] == attribute)] == []


def test_a_formal_or_reported_lead_in_is_dropped_before_the_speakers_news() -> None:
    assert texts(
        "I wish to inform you that I have tendered my resignation at Lloyds. Kindly help me."
    ) == ["Caroline has tendered Caroline's resignation at Lloyds."]
    assert texts(
        "You may be amused to hear that at sixty-one I have qualified as an instructor."
    ) == ["At sixty-one Caroline has qualified as an instructor."]
    assert texts(
        "I am pleased to report that Geoffrey and I were married on the fourteenth of May."
    ) == ["Geoffrey and Caroline were married on the fourteenth of May."]


def test_a_known_thing_called_the_old_one_and_another_at_hand() -> None:
    assert later(
        "The keyboard on Sam's Framework 13 is even nicer than the old ThinkPad's was.",
        "laptop",
        "thinkpad t480",
    ) == [("laptop", "framework 13", False)]
    assert later(
        "Sam's grandson persuaded Sam to replace the old Nokia with one of these iPhones.",
        "phone",
        "nokia",
    ) == [("phone", "iphone", False)]
    assert (
        later("Sam's brother wants Sam to replace the old Nokia with an iPhone.", "phone", "nokia")
        == []
    )
    assert (
        later("Sam is the only English major left in the flat.", "major", "english literature")
        == []
    )


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        # someone else's quoted words, a game before "IRL", a world that is not this one
        ("Dana's neighbor keeps saying \"you traded in for a BMW?\" — no, that's his BMW.", "dana"),
        ('Rumor in the office is Dana "switched to a Razer Blade". lol no.', "dana"),
        ("In Gran Turismo Dana just switched to a Porsche 911 — IRL still in the Outback.", "dana"),
        ("In Dana's tabletop game she goes by Thorn the Ranger.", "dana"),
        ("Dana went vegan for one meal at that new place downtown.", "dana"),
        # a name set off after a possessive is whom the next clause is about
        ("Dana's dog sitter, Marco, just relocated to Milwaukee.", "dana"),
    ],
)
def test_what_is_quoted_played_or_someone_elses_is_not_the_speakers(
    text: str, subject: str
) -> None:
    assert [f for f in facts(text) if f[0] == subject and f[1] != "residence"] == []
    assert ("dana", "residence", "milwaukee") not in facts(text)


def test_a_state_said_two_ways_and_a_field_said_for_short_are_one_value() -> None:
    assert later("Sam is not seeing anyone, just wondering.", "relationship", "widowed") == []
    assert later("As a bio major Sam is clueless about code.", "major", "biology") == []
    assert ("marco", "residence", "milwaukee") in facts(
        "Dana's dog sitter, Marco, just relocated to Milwaukee."
    )
    assert (
        later(
            "Sam's dog sitter, Marco, just relocated to Milwaukee, so Sam needs someone new.",
            "residence",
            "chicago",
        )
        == []
    )


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("Dana is officially a Christian now.", "residence"),
        ("Dana is now a Manchester United fan!", "residence"),
        ("Dana is finally a Manager.", "residence"),
        ("Dana is now a Peruvian citizen.", "residence"),
        ("Dana has completed 25 years as a teacher.", "age"),
        ("Dana has 30 years on the mortgage.", "age"),
        ("Dana is turning the big 3-0 next week.", "age"),
        ("Dana finally has her own studio apartment now.", "occupation"),
        ("Dana got a consulting job offer but turned it down.", "occupation"),
        ("Dana quit her job for nursing school.", "occupation"),
        ("Dana acts professionally at work.", "occupation"),
        ("Dana is now in health tech.", "occupation"),
        ("Dana is seeing a therapist now, it helps.", "occupation"),
        ("Dana moved her course to Thursday.", "major"),
        ("Physics is Dana's major pain right now.", "major"),
        ("Dana is in a book group at Waterstones.", "employer"),
        ("Dana is at Costco a few times a week, her job is boring.", "employer"),
        ("Dana has been with Hinge 3 months, met a guy from work.", "employer"),
        ("Dana is going for a marathon watch party tonight.", "training_goal"),
        ("Dana's next up is the laundry.", "training_goal"),
        ("Dana follows the vegan influencer on Instagram.", "diet"),
        ("Dana is in London for uni.", "school"),
        ("Dana is at Starbucks doing her masters coursework.", "school"),
        ("Dana is driving a Tesla today, the Civic is in the shop.", "vehicle"),
        ("Dana is renting a cottage in Cornwall for the holidays.", "residence"),
        ("Dana and Jo visited Jo's parents, they drive a Tesla.", "vehicle"),
        ("Dana and Marco met the neighbours, they work at Google.", "employer"),
    ],
)
def test_what_reads_like_a_new_fact_of_the_speaker_but_is_not(text: str, attribute: str) -> None:
    assert [f for f in facts(text) if f[0] == "dana" and f[1] == attribute] == []


def test_a_diet_kept_for_a_while_is_only_that_one_and_a_change_of_two_is_both() -> None:
    said = "Dana has been vegan since 2019, and her brother tried vegan for a month."
    assert ("dana", "diet", "vegan") in facts(said)
    assert later("Sam and Tom moved to Leeds.", "residence", "boston") == [
        ("residence", "leeds", False)
    ]
    assert later("In her D&D game Sam moved to Waterdeep.", "residence", "leeds") == []
    assert later("Tom's Galaxy S21 was replaced by an iPhone 15 Pro.", "phone", "galaxy s21") == []
    assert (
        later("Toyota replaced the Corolla with a Prius in the fleet.", "vehicle", "corolla") == []
    )
    assert later("Sam is in recovery now.", "residence", "boston") == []
    assert texts("I report my hours to Tom every Friday.") != ["My hours to Tom every Friday."]
    assert texts("I moved to Leeds. Said my goodbyes to everyone at the old office.")[0] == (
        "Caroline moved to Leeds."
    )


@pytest.mark.parametrize(
    ("text", "attribute"),
    [
        ("People keep guessing Dana is 30, ha.", "age"),
        ("Dana acts like she is 12 around her brother.", "age"),
        ("Dana feels like she is 80 today.", "age"),
        ("For this sprint Dana is reporting to Kai on the side project.", "manager"),
        ("Dana's interim manager while Luis is on leave is Ahmed.", "manager"),
    ],
)
def test_a_likeness_a_guess_or_a_stand_in_is_no_fact(text: str, attribute: str) -> None:
    assert [f for f in facts(text) if f[0] == "dana" and f[1] == attribute] == []


def test_ones_own_hedge_still_says_it() -> None:
    assert later(
        "Cut out fish entirely so Sam guesses Sam is a regular vegetarian now haha.",
        "diet",
        "pescatarian",
    ) == [("diet", "regular vegetarian", False)]


def test_a_manager_of_another_rank_is_not_the_known_ones_successor() -> None:
    assert later("Sam's skip-level manager is Grace now.", "manager", "luis") == []
    assert later("Sam's new manager is Kai, Luis moved teams.", "manager", "luis") == [
        ("manager", "kai", False)
    ]
