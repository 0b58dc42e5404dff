"""Facts said on the way to something else: in a question, in a fronted "since…", around
the speaker's own home, in an appositive."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from memoryd.events import Event
from memoryd.memory.extract import OfflineExtractor
from memoryd.memory.fact_followup import Known, earlier_fact, later_facts, replaced_value
from memoryd.memory.facts import facts_of
from memoryd.memory.models import StatedFact

T0, T1 = datetime(2024, 1, 10, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC)


def texts(content: str, speaker: str = "Arjun") -> list[str]:
    event = Event(
        id="e", user_id="u", speaker=speaker, content=content, time=datetime(2024, 5, 1, tzinfo=UTC)
    )
    return [c.text for c in OfflineExtractor().extract([event])]


def facts(text: str) -> set[tuple[str, str, str]]:
    return {(f.subject, f.attribute, f.value) for f in facts_of(text) if not f.ends}


def test_a_question_says_which_device_the_speaker_has() -> None:
    assert texts("How do I back up WhatsApp chats on my OnePlus 9 before I reset it?") == [
        "Arjun's phone is a OnePlus 9."
    ]
    assert texts("Can my MacBook Air M2 run Final Cut smoothly?") == [
        "Arjun's laptop is a MacBook Air M2."
    ]
    # a change of device, two devices, or someone else's: nothing said in passing
    assert texts("Should I sell my iPhone 12 or keep it?") == []
    assert texts("How do I move photos from my iPhone 12 to my Pixel 8?") == []
    assert texts("Is my sister's iPhone 12 compatible with this case?") == []


def test_a_fronted_since_or_after_says_the_event() -> None:
    assert ("ana", "residence", "leeds") in facts(
        "Since the move to Leeds in April 2023, Ana's kitchen is tiny, just two burners."
    )
    assert ("hassan", "employer", "talabat") in facts(
        "Since joining Talabat in the summer Hassan's commute has changed."
    )
    assert ("tomasz", "relationship", "divorced") in facts(
        "After the divorce went through in June 2023, Tomasz is learning to cook for one."
    )
    assert ("kofi", "school", "university of edinburgh") in facts(
        "Starting Kofi's PhD at the University of Edinburgh has blown Kofi's budget."
    )
    # whose move it was, the rest does not say: a sister's loneliness
    assert facts("Since the move to Leeds, Ana's sister is lonely.") == set()
    assert facts("Since Tom's move to Leeds, Ana has been lonely.") == set()


def test_a_living_earned_and_a_phone_set_off_by_a_comma() -> None:
    assert ("giorgos", "occupation", "food photographer") in facts(
        "These days Giorgos earns his living as a food photographer rather than cooking."
    )
    assert ("minh", "phone", "iphone 15") in facts(
        "Minh got a new phone, an iPhone 15, so Minh is learning iOS from scratch."
    )
    assert ("minh", "laptop", "macbook air m2") in facts(
        "Minh finally got a new laptop, it's a MacBook Air M2."
    )
    assert ("minh's sister", "phone", "iphone 15") in facts(
        "Minh's sister got a new phone, it's an iPhone 15."
    )
    assert facts("Minh got a new phone, it's great.") == set()


def test_the_place_of_the_speakers_own_home_said_in_passing() -> None:
    said = earlier_fact(
        "Sunset in Cape Town from Isabel's balcony never gets old", "isabel", "residence", "berlin"
    )
    assert said is not None and said.value == "cape town"
    said = earlier_fact("Rent in Lisbon is insane, Ana's flat is tiny", "ana", "residence", "porto")
    assert said is not None and said.value == "lisbon"
    # another's balcony, or a home with no place: nothing
    assert (
        earlier_fact("Isabel's sister's balcony in Rome is huge.", "isabel", "residence", "berlin")
        is None
    )
    assert (
        earlier_fact("Isabel's balcony has a view of the park.", "isabel", "residence", "berlin")
        is None
    )


def test_work_said_through_a_coworker_or_a_hackathon() -> None:
    said = earlier_fact(
        "Maya needs a birthday gift idea for Maya's coworker at Shopify.",
        "maya",
        "employer",
        "stripe",
    )
    assert said is not None and said.value == "shopify"
    friend = "Maya needs a gift idea for her friend's coworker at Shopify."
    assert earlier_fact(friend, "maya", "employer", "stripe") is None


def test_a_school_by_its_campus_and_an_admission_taken_up() -> None:
    assert ("elif", "school", "middle east technical university") in facts(
        "Elif's transfer went through, so this semester she is finally on the Middle East "
        "Technical University campus in Ankara."
    )
    assert facts("Elif is on the Stanford campus for a conference this semester.") == set()
    assert ("liam", "school", "trinity college dublin") in facts(
        "Liam has been accepted into Trinity College Dublin as a transfer student and started "
        "classes there."
    )


def test_what_others_assume_a_stay_that_ends_and_a_value_still_held() -> None:
    assert (
        facts("People at the party kept assuming Felix is a doctor because of the scrubs.") == set()
    )
    assert (
        facts("Ngozi has rented a flat in Kilimani till the 20th, then it's home to Lagos.")
        == set()
    )
    said = earlier_fact(
        "Tariq can't believe how cheap the coffee is here in Istanbul.",
        "tariq",
        "residence",
        "berlin",
    )
    assert said is not None and said.value == "istanbul"
    assert (
        earlier_fact("Tariq is here in Rome for a conference.", "tariq", "residence", "berlin")
        is None
    )


def test_an_opening_of_whom_the_rest_names() -> None:
    assert ("aisha", "diet", "vegetarian") in facts(
        "As a vegetarian, barbecues are mostly Aisha eating grilled halloumi and corn."
    )
    assert facts("As a nurse, Aisha's mom worked nights.") == set()
    assert facts("As a kid, Aisha loved trains.") == set()
    assert ("mateus", "major", "architecture") in facts(
        "Majoring in architecture means Mateus hasn't slept properly since September."
    )
    assert facts("Working for Google is Mateus's dream.") == set()
    assert ("sven", "laptop", "macbook pro m3") in facts("Work finally gave Sven a MacBook Pro M3.")
    assert facts("Work gave Sven a bonus.") == set()
    assert facts("Coffee is Dev's daily driver now.") == set()
    assert ("isabella", "school", "universidad de los andes") in facts(
        "Isabella's first semester at Universidad de los Andes has been a blur."
    )


def test_look_alikes_built_on_this_rounds_readings() -> None:
    assert (
        facts("After the divorce went through in June, Sam's best friend Aisha seems happy again")
        == set()
    )
    assert facts("Sam's cousin's single now.") == {("sam's cousin", "relationship", "single")}
    assert facts("Having Sam's vegan friend over for dinner friday.") == set()
    assert (
        facts("Before Daniel, Sam reported to Olga at Sam's old job, she was way stricter") == set()
    )
    assert (
        facts("Work finally gave Sam a MacBook Pro M3, but only to test the app for a week")
        == set()
    )
    assert ("sam", "occupation", "emt") in facts(
        "Sam works as an EMT with the county ambulance service."
    )
    assert facts("Sam met the CEO today.") == set()


def test_a_role_for_one_evening_is_no_job() -> None:
    assert (
        texts("hired as sous chef!! for my sister's wedding dinner, I'm in charge of the risotto")
        == []
    )
    assert texts("Got promoted to team lead! For real this time.") == [
        "Arjun got promoted to team lead!"
    ]


def test_a_question_says_which_car_the_speaker_has() -> None:
    assert texts("How often should I rotate the tires on my Honda Civic?") == [
        "Arjun's car is a Honda Civic."
    ]
    assert texts("how often should i change the oil on my new subaru outback?") == [
        "Arjun's car is a Subaru Outback."
    ]
    assert texts("Which case fits my new Pixel 8?") == ["Arjun's phone is a Pixel 8."]
    assert texts("Can my Tesla make it from Paris to Lyon on one charge?") == [
        "Arjun's car is a Tesla."
    ]
    # a car on order, a job at a car maker, a sale, someone else's: no car of the speaker's
    assert texts("Is my Tesla order delayed?") == []
    assert texts("Can you help me prep for my Toyota interview?") == []
    assert texts("Should I sell my Honda Civic or keep it?") == []
    assert texts("Is my sister's Honda Civic safe in snow?") == []
    # a thing of that make, or a drug
    assert texts("How do I fix my Honda lawnmower?") == []
    assert texts("Can I take ibuprofen with my proton pump inhibitor?") == []
    assert texts("Does my Tesla Model 3 need winter tyres?") == ["Arjun's car is a Tesla Model 3."]
    # a tag typed without its comma leaves the statement
    assert texts("im 17 so i can't open the account myself yet right?") == [
        "Arjun is 17 so he can't open the account himself yet."
    ]


def test_a_change_said_as_the_time_since_which_something_holds() -> None:
    assert ("kwame", "major", "political science") in facts(
        "Since changing Kwame's major to political science, Kwame has to pick a thesis topic."
    )
    assert ("priya", "diet", "vegan") in facts("Since going vegan in March, Priya has more energy.")
    assert ("sam", "relationship", "engaged") in facts("Since getting engaged, Sam is busy.")
    # whose change it was, the rest does not say; a plan
    assert facts("Since joining Google Tom and Sam rarely meet.") == set()
    assert facts("Since leaving Deloitte Sam's wife is happier.") == {
        ("sam", "relationship", "married")  # (that, the wife says)
    }
    assert facts("After quitting Google, Sam would travel more.") == set()


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        (
            "Chloé's first big project as a UX researcher starts Monday.",
            ("chloé", "occupation", "ux researcher"),
        ),
        ("Amara's new iPhone 15 arrived.", ("amara", "phone", "iphone 15")),
        ("Tomasz's mailing address is in Wrocław now.", ("tomasz", "residence", "wrocław")),
        (
            "After the reorg Soo-ah's reporting line goes to Jiyeon.",
            ("soo-ah", "manager", "jiyeon"),
        ),
        (
            "The S21 is in a drawer and the iPhone 15 Pro is Wiremu's daily now.",
            ("wiremu", "phone", "iphone 15 pro"),
        ),
        (
            "Malik uses Malik's full name, Abdul-Malik, so please call him that.",
            ("malik", "name", "abdul-malik"),
        ),
        ("Mateo has a wife now.", ("mateo", "relationship", "married")),
        (
            "Rohan and Ananya made it official last weekend.",
            ("ananya", "relationship", "in a relationship"),
        ),
        ("Yuki's divorce papers were finalized in August.", ("yuki", "relationship", "divorced")),
        ("Priya is finally done unpacking in Austin!", ("priya", "residence", "austin")),
        (
            "Aarav just finished unpacking in their new apartment in Austin.",
            ("aarav", "residence", "austin"),
        ),
        ("Honestly tacos are Kenji's number one food now.", ("kenji", "favourite food", "tacos")),
        ("Katarzyna would actually prefer Kate from now on.", ("katarzyna", "name", "kate")),
    ],
)
def test_this_rounds_readings_of_everyday_updates(text: str, fact: tuple[str, str, str]) -> None:
    assert fact in facts(text)


@pytest.mark.parametrize(
    "text",
    [
        # a business made official, a sister's address, unpacking on a trip
        "Tom and Ananya made it official: the company is launched.",
        "Tomasz's sister's address is in Wrocław.",
        "Priya is done unpacking in Paris for the conference.",
        # someone's doctor is no job
        "Now that Björn is 45 Björn's doctor wants him to get a colonoscopy.",
        # a stay, someone else's things, a husband to come, someone else's goal or name
        "Sam is done unpacking at the hotel in Paris.",
        "Sam got his mum's stuff unpacked in Leeds.",
        "Tom and Ana made it official on Friday, they signed the company papers.",
        "Sam has a husband-to-be.",
        "Sam has switched Tom's training goal to a 5k.",
        "Sam changed Tom's email signature to 'Robert'.",
        "Sam uses Tom's full name, Thomas, at work.",
        "Sam changed his email signature to Warmly.",
        # a thing left somewhere, a role that is no job, a thing not had, a car's model
        "Sam left Slack open.",
        "Sam's first case as a juror starts Monday.",
        "Sam caved: a Tesla is way too pricey.",
        "Sam pulled the trigger: a Pixel 8 for Tom!",
        "According to Sam, next up is the 2024 budget.",
        "Katarzyna would prefer tea from now on.",
    ],
)
def test_this_rounds_look_alikes_state_nothing_of_the_speaker(text: str) -> None:
    assert not {f for f in facts(text) if f[1] != "age"}


def test_a_diet_quit_is_no_employer() -> None:
    assert [f.attribute for f in facts_of("Omar quit keto in November.")] == ["diet"]


def test_a_pair_owns_what_our_names() -> None:
    assert texts("Sofia and I said our vows in front of both families.", "Mateo") == [
        "Sofia and Mateo said their vows in front of both families."
    ]
    assert texts("Finally done unpacking in Austin! The heat is no joke.", "Priya")[0] == (
        "Priya is finally done unpacking in Austin!"
    )


def test_what_was_got_named_after_a_colon_and_an_opening_role_without_its_comma() -> None:
    assert ("bao", "laptop", "macbook air m2") in facts(
        "The XPS hinge snapped, and Bao's replacement arrived yesterday: a MacBook Air M2."
    )
    assert ("ngozi", "phone", "galaxy s23") in facts(
        "The screen cracked for the last time, so Ngozi bit the bullet: a Galaxy S23."
    )
    assert facts("Ngozi took the plunge: a flat in Leeds.") == set()
    assert ("kwame", "major", "econ") in facts("As an econ major Kwame should know better.")
    assert ("kwame", "diet", "vegan") in facts("As a vegan, Kwame never eats cheese.")
    # a kid is no role; a tourist is nobody's job, and Lisbon nobody
    assert facts("As a kid Kwame loved trains.") == set()
    assert facts("As a tourist Lisbon is cheap.") == set()
    assert texts("Set it up last night and moved everything across.", "Ngozi") == [
        "Ngozi set it up on 30 April 2024 and moved everything across."
    ]
    assert texts("Set a timer for ten minutes.") == []


def test_an_object_left_at_home_a_field_moved_to_and_a_gerund_after_an_adverb() -> None:
    # a phone left at home is no employer left (it closed the phone said before)
    assert (
        facts("Giulio is using Giulio's dad's iPhone because he left Giulio's at home today.")
        == set()
    )
    assert facts_of("Giulio left Google in March.")[0].ends
    assert facts_of("Oluwaseun officially resigned from Andela.")[0].ends
    # a store in lower case is still a workplace ("walmart" only ends like "art")
    assert facts("Dana got hired at walmart, starting Monday") == {("dana", "employer", "walmart")}
    # a field of study is no place
    assert facts(
        "Now that Fatima has officially moved over to computer science, Fatima's advisor "
        "wants her in discrete math next term."
    ) == {("fatima", "major", "computer science")}
    assert texts("Quarterly planning at Nubank is eating my entire week again.", "Mateus") == [
        "Quarterly planning at Nubank is eating Mateus's entire week again."
    ]


def test_a_working_life_said_in_passing_and_an_old_home_named_by_the_newer() -> None:
    said = earlier_fact(
        "Dmitri's hands are covered in burns from the line — that's life as a line cook.",
        "dmitri",
        "occupation",
        "food truck owner",
        100,
    )
    assert said is not None and said.value == "line cook"
    said = earlier_fact(
        "Twelve-hour shifts as a nurse are destroying Kwame's lower back.",
        "kwame",
        "occupation",
        "nursing teacher",
        100,
    )
    assert said is not None and said.value == "nurse"
    # someone else's shifts
    assert (
        earlier_fact("Tom's night shifts as a nurse are long.", "kwame", "occupation", "chef", 100)
        is None
    )
    assert (
        replaced_value(
            "The new apartment gets better light than Priya's old Denver place did.", "residence"
        )
        == "Denver"
    )
    assert replaced_value("Sam misses Sam's old Deloitte team.", "employer") == "Deloitte"
    assert replaced_value("Sam's old Denver place was bigger.", "employer") is None


def test_a_workplace_or_a_school_named_through_its_routine() -> None:
    def said(text: str, subject: str, attribute: str, newer: str) -> str | None:
        found = earlier_fact(text, subject, attribute, newer, 100)
        return found.value if found is not None else None

    assert said(
        "Quarterly planning at Nubank is eating Mateus's entire week again.",
        "mateus",
        "employer",
        "mercado libre",
    ) == ("nubank")
    assert (
        said(
            "Infosys is doing another round of appraisals, fingers crossed for Rahul.",
            "rahul",
            "employer",
            "zerodha",
        )
        == "infosys"
    )
    assert (
        said(
            "According to Hamza, the UCLA library closes at midnight during finals week.",
            "hamza",
            "school",
            "berkeley",
        )
        == "ucla"
    )
    assert (
        said("At Shopee Mei and others have a quarterly planning week.", "mei", "employer", "grab")
        == "shopee"
    )
    assert said("Deloitte has Aisha working till 9 again.", "aisha", "employer", "kpmg") == (
        "deloitte"
    )
    assert (
        said(
            "Aisha is writing a LinkedIn post about hitting 2 years at Flutterwave.",
            "aisha",
            "employer",
            "paystack",
        )
        == "flutterwave"
    )
    # a holiday, a place of study, a visit, an app, a workout, friends on a trip
    assert said("Sam and Ana celebrated 10 years at Lake Como.", "sam", "employer", "x") is None
    assert said("Sam walked past the Harvard campus on holiday.", "sam", "school", "x") is None
    assert said("Sam's Zoom standup ran long.", "sam", "employer", "google") is None
    assert said("Peloton has Sam working out every morning.", "sam", "employer", "x") is None
    assert said("At Costco, Sam and Ana bought hummus.", "sam", "employer", "google") is None
    assert said("Sam can't imagine life as a doctor.", "sam", "occupation", "teacher") is None
    assert said("At Christmas Sam and others eat turkey.", "sam", "employer", "google") is None
    assert said("At Harvard Sam and others have finals.", "sam", "employer", "google") is None
    # news, or someone else's school
    assert said("Rahul read that Infosys is doing layoffs.", "rahul", "employer", "zerodha") is None
    assert said("Hamza's sister says the UCLA library is great.", "hamza", "school", "x") is None


def test_where_the_speaker_is_said_in_passing_is_kept_and_an_old_home_named() -> None:
    assert texts(
        "The winters here in Sapporo are brutal. Any tips for keeping a flat warm?", "Hiroshi"
    ) == ["According to Hiroshi, the winters here in Sapporo are brutal."]
    assert texts("It's hot here.") == []
    said = "Update from Lukas: the Hamburg lease ended in June and he is now registered in Leipzig."
    assert replaced_value(said, "residence") == "Hamburg"
    assert (
        replaced_value("Rent here in Warsaw is way higher than it was back in Kraków.", "residence")
        == "Kraków"
    )


def test_a_name_signed_with_and_a_favourite_dethroned_for_someone() -> None:
    assert ("robert", "name", "robert") in facts(
        "Robert changed Robert's email signature to 'Robert' and the team started using it."
    )
    assert ("benjamin", "name", "ben") in facts("Benjamin's new email signature just says 'Ben'.")
    assert facts("Robert's signature says 'Best regards'.") == set()
    assert ("alejandro", "name", "ale") in facts("Actually please call Alejandro Ale from now on.")
    fact = StatedFact(subject="lucas", attribute="favourite food", value="sushi", display="sushi")
    known = [Known(fact, T0)]
    assert [
        (f.attribute, f.value)
        for f in later_facts("Ramen has completely dethroned sushi for Lucas.", "lucas", known, T1)
    ] == [("favourite food", "ramen")]
    assert later_facts("Ramen has completely dethroned sushi for Tom.", "lucas", known, T1) == []


def test_a_next_goal_with_the_speaker_left_out_and_no_employer_in_a_time() -> None:
    assert ("paloma", "training_goal", "half marathon under two hours") in facts(
        "According to Paloma, next up: a half marathon under two hours."
    )
    assert facts("According to Malik, next up is dinner.") == set()
    assert (
        facts("Ingrid's sous-chef quit in the week of 13 March, so Ingrid is covering shifts.")
        == set()
    )


def test_a_focus_shifted_to_a_feat_is_the_new_goal_and_to_anything_else_is_none() -> None:
    assert ("camila", "training_goal", "losing 8 kilos") in facts(
        "Camila has shifted Camila's focus from lifting heavy to losing 8 kilos before summer."
    )
    assert ("kofi", "training_goal", "running the accra half marathon") in facts(
        "Kofi has switched Kofi's training goal to running the Accra half marathon."
    )
    assert ("vikram", "training_goal", "cutting fat") in facts(
        "Vikram has shifted Vikram's focus to cutting fat and getting under 80 kg bodyweight."
    )
    assert facts("Kofi has shifted his focus to his kids.") == set()
    assert facts("Kofi has shifted his focus to work.") == set()


def test_a_few_months_now_at_a_place_is_a_workplace_held() -> None:
    fact = StatedFact(subject="sofia", attribute="employer", value="spotify", display="Spotify")
    known = [Known(fact, T0)]
    text = "Sofia left spotify in January, been at Klarna a couple months now and loving it."
    assert [(f.attribute, f.value) for f in later_facts(text, "sofia", known, T1)] == [
        ("employer", "klarna")
    ]
    # hours or weeks somewhere is a stay
    assert later_facts("Sofia has been at the beach a couple weeks now.", "sofia", known, T1) == []


def test_a_partner_met_by_name_is_whom_we_means() -> None:
    assert texts(
        "I've been seeing a guy named Tom for a couple of months and we made it official.",
        "Nadia",
    ) == [
        "Nadia has been seeing a guy named Tom for a couple of months and she and Tom made it "
        "official."
    ]
