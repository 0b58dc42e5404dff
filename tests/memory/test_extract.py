from __future__ import annotations

from datetime import date

import pytest

from memoryd.events import parse_event
from memoryd.memory.extract import OfflineExtractor, memorability, said_as_here, third_person
from memoryd.memory.sentences import drop_discourse_markers, split_sentences


def _event(content: str, speaker: str | None = "Caroline"):  # type: ignore[no-untyped-def]
    return parse_event(
        {
            "id": "e1",
            "user_id": "u",
            "speaker": speaker,
            "content": content,
            "time": "2023-05-08T13:56:00Z",
        }
    )


def test_picks_memorable_sentences_and_keeps_the_speaker() -> None:
    event = _event(
        "Hey Mel! Thanks! I went to an LGBTQ support group yesterday and it was "
        "so powerful. My mom loves painting sunsets. What about you?"
    )
    texts = [c.text for c in OfflineExtractor().extract([event])]
    assert texts == [
        "Caroline went to an LGBTQ support group on 7 May 2023 and it was so powerful.",
        "Caroline's mom loves painting sunsets.",
    ]


def test_relative_date_becomes_happened_at() -> None:
    (cand,) = OfflineExtractor().extract([_event("I adopted a puppy last week with my kids.")])
    assert cand.happened_at == date(2023, 5, 1)
    assert "in the week of 1 May 2023" in cand.text


def test_phatic_and_questions_are_not_memories() -> None:
    assert memorability("Thanks so much!") == 0.0
    assert memorability("Wow, that's great!") == 0.0
    assert memorability("Do you like hiking in the mountains?") < 1.0


def test_third_person_conjugates_only_known_base_verbs() -> None:
    assert third_person("I love hiking", "Jon") == "Jon loves hiking"
    assert third_person("I went home", "Jon") == "Jon went home"
    assert third_person("I'm a dancer", "Gina") == "Gina is a dancer"
    assert third_person("My studio opened", "Jon") == "Jon's studio opened"


def test_a_sentence_about_something_else_is_reported_not_prefixed() -> None:
    assert third_person("The kids loved the beach trip", "Melanie") == (
        "According to Melanie, the kids loved the beach trip"
    )


def test_caps_items_per_event() -> None:
    content = " ".join(f"I love hobby number {i} very much." for i in range(10))
    assert len(OfflineExtractor(max_items_per_event=3).extract([_event(content)])) == 3


def test_date_rewrite_keeps_words_ending_like_prepositions() -> None:
    (cand,) = OfflineExtractor().extract([_event("I moved to Lisbon last week for my job.")])
    assert cand.text == "Caroline moved to Lisbon in the week of 1 May 2023 for Caroline's job."


def _texts(content: str, speaker: str) -> list[str]:
    return [c.text for c in OfflineExtractor().extract([_event(content, speaker)])]


def test_abbreviations_do_not_end_sentences() -> None:
    # Given a turn with abbreviations inside its sentences
    content = "I'm a nurse at St. Mary's hospital. Dr. Lee says I work too much, e.g. nights."
    # When it is memorised, Then no item is cut at an abbreviation
    assert _texts(content, "Omar") == [
        "Omar is a nurse at St. Mary's hospital.",
        "Dr. Lee says Omar works too much, e.g. nights.",
    ]


def test_every_verb_of_the_speaker_agrees() -> None:
    assert third_person("I'm 29 years old and still feel like a student", "Ben") == (
        "Ben is 29 years old and still feels like a student"
    )
    assert third_person("I'm vegetarian, have been for five years", "Noah") == (
        "Noah is vegetarian, has been for five years"
    )
    assert third_person("I play guitar and sing in a band", "Omar") == (
        "Omar plays guitar and sings in a band"
    )
    # ... but not an infinitive, a gerund list, or a noun that starts its own clause.
    assert (
        third_person("I like to cook and bake bread", "Ana") == "Ana likes to cook and bake bread"
    )
    assert third_person("I love cooking and travel", "Ana") == "Ana loves cooking and travel"
    assert third_person("I'm pescatarian, fish is fine", "Ana").endswith(", fish is fine")
    # ", and" before the verb, and base forms ending in -ss
    assert third_person("I eat fish but no meat, and have done for years", "Agatha") == (
        "Agatha eats fish but no meat, and has done for years"
    )
    assert third_person("I confess that I kiss my cat", "Ana") == (
        "Ana confesses that she kisses Ana's cat"
    )


def test_we_and_our_are_attributed() -> None:
    assert (
        third_person("We live in a small town", "Lucas")
        == "Lucas and his family live in a small town"
    )
    assert third_person("Our team lead is Maria", "Chen") == "Chen's team lead is Maria"
    assert (
        third_person("We got married in June!", "Aiko")
        == "Aiko and her partner got married in June!"
    )


def test_later_mentions_use_a_pronoun_or_their() -> None:
    # A possessive keeps the name: questions name the person, and lexical search
    # matches it (make bench-recall measured the difference).
    assert third_person("I love my job and I think my boss likes me", "Omar") == (
        "Omar loves Omar's job and he thinks Omar's boss likes him"
    )
    # A name that does not tell: "they"/"them", never a guessed "he" or "she".
    assert (
        third_person("I told Ana and she called me", "Kwame")
        == "Kwame told Ana and she called them"
    )


def test_discourse_markers_and_dropped_subjects() -> None:
    assert _texts("Big news: I moved to Austin last weekend!", "Priya") == [
        "Priya moved to Austin on 6 May 2023!"
    ]
    assert _texts("New job! Just started at Stripe this week.", "Priya") == [
        "Priya just started at Stripe in the week of 8 May 2023."
    ]
    assert _texts("Haha, I turned 30 yesterday.", "Chen") == ["Chen turned 30 on 7 May 2023."]


def test_control_characters_never_reach_item_text() -> None:
    (text,) = _texts("I moved to\x00 Lisbon\x07 last week with my kids.", "Ana")
    assert "\x00" not in text and "\x07" not in text
    assert text.startswith("Ana moved to Lisbon")


def test_lower_case_sentences_are_cut_but_not_at_initials_or_ellipses() -> None:
    from memoryd.memory.sentences import split_sentences

    assert split_sentences("welp. it happened. officially 30 lol") == [
        "welp.",
        "it happened.",
        "officially 30 lol",
    ]
    assert split_sentences("I was like... whatever. We saw a T. rex today!") == [
        "I was like... whatever.",
        "We saw a T. rex today!",
    ]


def texts(content: str) -> list[str]:
    """The item texts the offline extractor writes for one turn of Caroline's."""
    return [c.text for c in OfflineExtractor().extract([_event(content)])]


def test_requests_to_the_listener_are_not_memories() -> None:
    event = _event(
        "I'm a paramedic in Dublin. Can you help me study for the recert? "
        "how do i get better sleep on nights. Any tips for meal prep?"
    )
    texts = [c.text for c in OfflineExtractor().extract([event])]
    assert texts == ["Caroline is a paramedic in Dublin."]
    # A statement with a question tagged on keeps the statement.
    tagged = _event("I quit my job at Google, crazy right? Have you been to Paris, or London?")
    assert [c.text for c in OfflineExtractor().extract([tagged])] == [
        "Caroline quit Caroline's job at Google."
    ]


def test_a_leading_pronoun_names_the_person_the_turn_just_named() -> None:
    event = _event(
        "My husband Omar switched jobs! He's at Bosch now, closer to home. "
        "His old boss called twice."
    )
    texts = [c.text for c in OfflineExtractor().extract([event])]
    assert texts[1:] == [
        "According to Caroline, Omar is at Bosch now, closer to home.",
        "According to Caroline, Omar's old boss called twice.",
    ]
    # A pronoun whose gender does not fit the name stays as it was.
    (other,) = OfflineExtractor().extract([_event("I met Anna today. He was late again.")])[1:]
    assert "Anna" not in other.text


def test_a_self_introduction_states_the_name() -> None:
    assert third_person("Hi, I'm Samantha!", "Samantha") == "Samantha's name is Samantha!"
    # Not a name: a nationality, a state.
    assert third_person("I'm Canadian, born in Toronto.", "Sam") == (
        "Sam is Canadian, born in Toronto."
    )


def test_verbs_agree_past_dropped_subjects_and_clause_pairs() -> None:
    # A verb outside any list still agrees right after "I"; a past form does not change.
    assert third_person("sometimes I daydream about quitting", "Oliver") == (
        "sometimes Oliver daydreams about quitting"
    )
    assert third_person("I went home and I cried.", "Ben") == "Ben went home and he cried."
    # A turn that opens with a verb has dropped the speaker; a request has not.
    assert third_person("Did a fun 5k on Saturday.", "Noura") == "Noura did a fun 5k on Saturday."
    assert third_person("Hit me up when you're free.", "Noura") == "Hit Noura up when you're free."
    assert third_person("Thinking about law school after I graduate.", "Aaliyah") == (
        "Aaliyah is thinking about law school after she graduates."
    )
    # "Montreal and I'm" is two clauses, not a pair of subjects.
    assert third_person("I live in Montreal and I'm learning French.", "Leila") == (
        "Leila lives in Montreal and she is learning French."
    )


def test_a_date_after_a_preposition_of_the_sentence_keeps_it() -> None:
    (cand,) = OfflineExtractor().extract(
        [_event("I'm a student at Howard University, class of next year.")]
    )
    assert cand.text == "Caroline is a student at Howard University, class of 2024."


def test_the_speakers_own_home_and_life_events_and_a_capital_to_start() -> None:
    assert _texts("Home is a small flat in Leeds.", "Kofi") == [
        "Kofi's home is a small flat in Leeds."
    ]
    assert _texts("The divorce was finalized in April.", "Maria")[0].startswith(
        "Maria's divorce was finalized"
    )
    # A saying is not the speaker's home.
    assert not any("Sam's home" in t for t in _texts("Home is where the heart is, right.", "Sam"))
    # Markers in a row sharing one comma go; a lower-case sentence gets its capital.
    assert _texts(
        "ok so big news, the movers came tuesday and i'm an Austin resident now", "Priya"
    )[0].startswith("The movers came tuesday and Priya is")
    assert _texts("ken got poached by Lockheed, he starts monday", "Grace")[0].startswith(
        "According to Grace, Ken got poached"
    )


def test_what_a_reader_of_chat_transcripts_would_leave_out_or_fix() -> None:
    # The name the speaker addresses is the listener, not whom a later "She" means.
    necklace = _texts(
        "Thanks, Melanie! This necklace is from my grandma. She gave it to me when I was young.",
        "Caroline",
    )
    assert not any("Melanie" in t for t in necklace)
    # A stage direction is not speech; advice to the listener is not a memory.
    assert _texts("I opened my studio! [shares a photo of a dance studio]", "Jon") == [
        "Jon opened Jon's studio!"
    ]
    assert _texts("Believe in yourself, Jon! Keep going and never give up!", "Gina") == []
    # "Been a long road" dropped "It", not the speaker; a role after "been" is the speaker.
    assert third_person("Been a long road, but I'm proud of how far I've come.", "Caroline") == (
        "It has been a long road, but Caroline is proud of how far she has come."
    )
    assert third_person("Been a nurse for ten years.", "Caroline") == (
        "Caroline has been a nurse for ten years."
    )
    # "We" is the household only where the sentence is about one.
    assert third_person("We went biking with the gang.", "Caroline").startswith(
        "Caroline and others went biking"
    )
    assert third_person("We moved to Austin last month.", "Caroline").startswith(
        "Caroline and her family moved to Austin"
    )


def test_the_listeners_name_and_a_left_out_im() -> None:
    assert _texts("Yeah, Jon, I'll watch your routine!", "Gina") == [
        "Gina will watch your routine!"
    ]
    assert _texts("I've had some tough times with my business, Jon.", "Gina") == [
        "Gina has had some tough times with Gina's business."
    ]
    # Not a listener: an apposition, a place.
    assert (
        third_person("I went with my friend, Sara.", "Gina")
        == "Gina went with Gina's friend, Sara."
    )
    assert (
        "Paris, the city of light"
        in _texts("Paris, the city of light, was lovely for me.", "Gina")[0]
    )
    assert third_person("So proud of you!", "Gina") == "Gina is so proud of you!"
    assert not third_person("Happy birthday!", "Gina").startswith("Gina is")


def test_an_ing_phrase_that_is_the_subject_keeps_its_verb() -> None:
    assert third_person("Moving day went fine, we're in Seattle now.", "Sam").startswith(
        "Moving day went fine, Sam"
    )
    assert third_person("Working on my business and rehearsing hard.", "Jon") == (
        "Jon is working on Jon's business and rehearsing hard."
    )


def test_chat_markers_without_punctuation_are_dropped_before_the_speaker() -> None:
    said = "Tbh I've gone vegan. Ngl my new boss is great. Welp we moved to Leeds."
    texts = [c.text for c in OfflineExtractor().extract([_event(said)])]
    assert texts == [
        "Caroline has gone vegan.",
        "Caroline's new boss is great.",
        "Caroline and her family moved to Leeds.",
    ]
    # an answer keeps its yes or no; a marker before anything but the speaker stays
    assert drop_discourse_markers("No I didn't move") == "No I didn't move"
    assert drop_discourse_markers("So Leeds it is") == "So Leeds it is"


def test_a_date_put_first_reads_as_a_sentence() -> None:
    (cand,) = OfflineExtractor().extract([_event("Yesterday I started at a bakery in Leeds.")])
    assert cand.text == "On 7 May 2023, Caroline started at a bakery in Leeds."


def test_an_age_said_alone_gets_its_speaker_and_keeps_as_of() -> None:
    (cand,) = OfflineExtractor().extract(
        [_event("42 as of yesterday. the knees have not improved")]
    )
    assert cand.text == "Caroline is 42 as of 7 May 2023."


def test_a_word_ending_in_a_capital_is_no_initial() -> None:
    from memoryd.memory.sentences import split_sentences

    assert split_sentences("Traded it for a Rivian R1S. yes I know") == [
        "Traded it for a Rivian R1S.",
        "yes I know",
    ]
    assert split_sentences("I met J. Smith at the T. rex exhibit.") == [
        "I met J. Smith at the T. rex exhibit."
    ]


def test_a_named_partner_and_i_is_a_plural_subject() -> None:
    (cand,) = OfflineExtractor().extract(
        [_event("My boyfriend Andrés and I are planning a trip to Lisbon in the spring.")]
    )
    assert (
        cand.text
        == "Caroline's boyfriend Andrés and Caroline are planning a trip to Lisbon in the spring."
    )


def test_a_reported_sentence_keeps_no_capital_on_a_function_word() -> None:
    from memoryd.memory.person import third_person as reported

    assert reported("Not decided yet", "Nadia") == "According to Nadia, not decided yet"
    assert (
        reported("Living in Oslo is pricey.", "Nadia")
        == "According to Nadia, living in Oslo is pricey."
    )
    assert reported("Boston is great.", "Nadia") == "According to Nadia, Boston is great."
    assert reported("NASA is hiring.", "Nadia") == "According to Nadia, NASA is hiring."


@pytest.mark.parametrize(
    ("said", "reads"),
    [
        (
            "software engineer here, mostly backend Go.",
            "I'm a software engineer, mostly backend Go.",
        ),
        ("Freelance graphic designer here.", "I'm a freelance graphic designer."),
        (
            "econ major here, is linear algebra worth it?",
            "I'm an econ major, is linear algebra worth it?",
        ),
        ("Same here.", "Same here."),
        ("Nobody here knows.", "Nobody here knows."),
    ],
)
def test_a_title_said_before_here_is_who_the_speaker_is(said: str, reads: str) -> None:
    assert said_as_here(said) == reads


def test_what_the_writer_typed_in_lower_case_and_dates_and_numbers_in_a_sentence() -> None:
    extract = OfflineExtractor().extract
    # typed without a capital, a reported sentence's first word is no name
    *_, cand = extract([_event("dropped my phone in a lake. replacement is an iPhone 15 lol")])
    assert cand.text == "According to Caroline, replacement is an iPhone 15"
    # a date that is the subject of its sentence takes no preposition
    (cand,) = extract([_event("Last Friday was my final day at Siemens.")])
    assert cand.text == "5 May 2023 was Caroline's final day at Siemens."
    # a comma between digits separates no question from its statement
    (cand,) = extract(
        [_event("Trying to lose 10 kg before my wedding, is 1,500 kcal a day too little?")]
    )
    assert cand.text == "Caroline is trying to lose 10 kg before Caroline's wedding."
    # a change is worth remembering, said with its subject left out
    (cand,) = extract([_event("Transferred to UC Berkeley this fall, the campus is gorgeous.")])
    assert cand.text.startswith("Caroline transferred to UC Berkeley")
    # a first week somewhere is the speaker's
    (cand,) = extract([_event("Week one at Canva done!")])
    assert cand.text == "Caroline's week one at Canva done!"


def test_a_speaker_who_introduces_themselves_is_described() -> None:
    from memoryd.memory.facts import facts_of

    extract = OfflineExtractor().extract
    said = "Hi! I'm Tomás, 31, a civil engineer at Arup in Madrid."
    (cand,) = extract([_event(said, speaker="Tomás")])
    assert cand.text == "Tomás is 31, a civil engineer at Arup in Madrid."
    assert {(f.attribute, f.value) for f in facts_of(cand.text)} == {
        ("age", "31"),
        ("employer", "arup"),
        ("occupation", "civil engineer"),
    }
    (cand,) = extract([_event("Hi, I'm Tomás, nice to meet you.", speaker="Tomás")])
    assert cand.text == "Tomás's name is Tomás, nice to meet you."
    (cand,) = extract([_event("Divorce was finalised on Tuesday.", speaker="Rachel")])
    assert cand.text == "Rachel's divorce was finalised on Tuesday."


@pytest.mark.parametrize(
    ("speaker", "said", "reads"),
    [
        (
            "Aiko",
            "hello! i'm aiko, 24, studying architecture.",
            "Aiko is 24, studying architecture.",
        ),
        (
            "Sofía",
            "Hola! Sofía here — 27, nurse at Hospital Clínic in Barcelona.",
            "Sofía is 27, nurse at Hospital Clínic in Barcelona.",
        ),
        (
            "Layla",
            "Hello! Layla, 22, nursing student in Amman.",
            "Layla is 22, nursing student in Amman.",
        ),
        (
            "Priya",
            "34, senior accountant at Deloitte in Pune.",
            "Priya is 34, senior accountant at Deloitte in Pune.",
        ),
        (
            "Ingrid",
            "Married, three kids, I drive a Volkswagen e-Golf.",
            "Ingrid is married, three kids, she drives a Volkswagen e-Golf.",
        ),
        ("Amara", "Engaged to my partner Tobi.", "Amara is engaged to Amara's partner Tobi."),
        (
            "Jonas",
            "I'm in my last year at Gymnasium Eppendorf.",
            "Jonas is in Jonas's last year at Gymnasium Eppendorf.",
        ),
        ("Aiko", "guess who turned 25 today", "Aiko turned 25 on 8 May 2023"),
    ],
)
def test_how_people_describe_themselves_reads_as_a_description(
    speaker: str, said: str, reads: str
) -> None:
    (cand,) = OfflineExtractor().extract([_event(said, speaker=speaker)])
    assert cand.text == reads


def test_a_married_event_stays_an_event() -> None:
    (cand,) = OfflineExtractor().extract([_event("Married my college sweetheart in June.", "Tom")])
    assert cand.text.startswith("Tom married")


def test_a_request_after_what_a_sentence_says_is_cut_off() -> None:
    # after a dash, a comma or an emoji, and without a question mark
    assert texts("I'm a sophomore at Ohio State — help me make a study schedule for finals.") == [
        "Caroline is a sophomore at Ohio State."
    ]
    assert texts("work gave me a MacBook Pro M3, how do i get right click working 😅") == [
        "Work gave Caroline a MacBook Pro M3."
    ]
    assert texts("i've changed to architecture this semester 🏛️ need tips for my critique") == [
        "Caroline has changed to architecture this semester."
    ]
    assert texts("anyway can u help me make a budget on one income") == []


def test_typed_without_apostrophes_and_a_title_that_opens_a_sentence() -> None:
    assert third_person("and i cant find anywhere quiet", "Chloe") == (
        "and Chloe can't find anywhere quiet"
    )
    # "rent" before "here is" is a noun, not a verb of the speaker's
    assert third_person("i moved to Lima and rent here is insane.", "Chloe") == (
        "Chloe moved to Lima and rent here is insane."
    )
    # a title opening on a past form is the subject, not a dropped "I"
    assert third_person("Spirited Away is my favourite movie.", "Wei") == (
        "Spirited Away is Wei's favourite movie."
    )


def test_an_emoji_ends_a_sentence_and_a_phrase_before_a_question_says_who() -> None:
    # an emoji typed in place of the end mark, before a capital or a question
    assert texts(
        "I've been seeing Marco for three months and we've made it official 😊 "
        "How do I introduce him to my friends?"
    ) == [
        "Caroline has been seeing Marco for three months and she and Marco have made it official."
    ]
    assert texts("We're engaged 💍 where do I even start with planning??") == [
        "Caroline and her partner are engaged."
    ]
    # an emoji before anything else ends nothing: "🙄 Whatever" still reads as sarcasm
    assert texts("I'm 25 again 🙄 Whatever.") == ["Caroline is 25 again 🙄 Whatever."]
    assert split_sentences("I ❤️ Lisbon so much.") == ["I ❤️ Lisbon so much."]
    # a phrase that opens a question says who the speaker is, or nothing
    assert texts("As a nurse on nights, what should I eat at 3am?") == [
        "Caroline is a nurse on nights."
    ]
    # not a role asked to play, nor an age that may be one to come
    assert texts("As a nurse, what would you recommend?") == []
    assert texts("At 65, can I withdraw from my pension?") == []
    assert texts("At Google, how do I file expenses?") == []


def test_telling_asides_and_a_statement_after_a_request() -> None:
    # a verb of telling before what the speaker says of themselves
    assert texts("I wanted to let you know that I have relocated to Bergen.") == [
        "Caroline has relocated to Bergen."
    ]
    # …and not before someone else's news
    assert texts("I wanted to tell you she moved to Oslo.") == [
        "Caroline wanted to tell you she moved to Oslo."
    ]
    # a question as an aside keeps the sentence; a statement after a request is kept
    assert texts("My sister, can you believe it, moved to Oslo.") == [
        "Caroline's sister, can you believe it, moved to Oslo."
    ]
    assert texts("pls review my resume, I'm a nurse") == ["Caroline is a nurse."]


def test_an_age_in_words_as_a_fragment_is_the_speakers() -> None:
    texts = [c.text for c in OfflineExtractor().extract([_event("Thirty as of yesterday!")])]
    assert texts == ["Caroline is thirty as of 7 May 2023!"]
    # "hit" before a number reports an age reached; before anything else it may be a request
    for said, text in (
        ("Hit 35 today.", "Caroline hit 35 on 8 May 2023."),
        ("Just hit 40!", "Caroline just hit 40!"),
    ):
        assert [c.text for c in OfflineExtractor().extract([_event(said)])] == [text]
    assert OfflineExtractor().extract([_event("Hit the gym at 6.")]) == []


def test_shouted_sentences_and_diet_fragments_read_as_typed() -> None:
    assert texts("WE'RE ENGAGED!!! ok now please help me plan") == [
        "Caroline and her partner are engaged!!!"
    ]
    assert texts("vegan for 5 years now, need a dairy-free birthday cake") == [
        "Caroline is vegan for 5 years now, needs a dairy-free birthday cake"
    ]


def test_questions_typed_without_their_mark_are_not_memories() -> None:
    assert texts("what settings should i change first") == []
    assert texts("hows the best way to migrate everything") == []
    assert texts("my gf leila wants a picnic for our anniversary, what food travels well") == [
        "Caroline's girlfriend leila wants a picnic for Caroline's anniversary."
    ]
    # a relative clause or an exclamation after the comma stays with its statement
    assert texts("We moved to Lisbon, which is lovely") == [
        "Caroline and her family moved to Lisbon, which is lovely"
    ]
    assert texts("I work at Google, have been for 5 years") == [
        "Caroline works at Google, has been for 5 years"
    ]


def test_a_sentence_ending_on_an_abbreviation_and_a_fronted_clause() -> None:
    said = "I left teaching and started as a sales rep. Can you explain commission tiers?"
    assert texts(said) == ["Caroline left teaching and started as a sales rep."]
    assert texts("I met Rep. Ito at the town hall today.") == [
        "Caroline met Rep. Ito at the town hall on 8 May 2023."
    ]
    assert texts("Since relocating to Bilbao I've realized I need real rain gear.") == [
        "Since relocating to Bilbao, Caroline has realized she needs real rain gear."
    ]
    assert texts("Now that I'm at KPMG my commute is shorter.") == [
        "Now that Caroline is at KPMG, Caroline's commute is shorter."
    ]


def test_chat_interjections_and_unmarked_requests_leave_the_statement() -> None:
    assert texts("omg paolo is on vacation for 2 weeks and chen is covering") == [
        "According to Caroline, Paolo is on vacation for 2 weeks and chen is covering"
    ]
    assert texts("ok im 35 as of tuesday lol, still lifting tho") == [
        "Caroline is 35 as of Tuesday, still lifting though"
    ]
    # "help" and "whats a good…" after the comma ask; they are not the speaker's doing
    assert texts("my laptop keeps freezing when i plug in a monitor, help") == [
        "Caroline's laptop keeps freezing when she plugs in a monitor."
    ]
    assert texts("been vegan 3 yrs now, whats a good b12 supplement") == [
        "Caroline has been vegan 3 years now."
    ]
    assert texts("anyway whats a good song so i can argue properly") == []
    # a pseudo-cleft is a statement; so is a clause whose subject comes after commas
    assert texts("What I drive is a Tesla Model 3") == ["What Caroline drives is a Tesla Model 3"]
    assert texts("My boss, Karen, is leaving Google") == [
        "Caroline's boss, Karen, is leaving Google"
    ]


def test_the_clause_a_request_leans_on_is_said_as_a_sentence() -> None:
    assert texts("Now that I've traded the Volvo in for a Tesla, could you estimate charging?") == [
        "Caroline has traded the Volvo in for a Tesla."
    ]
    assert texts("I'm in Vancouver for two weeks — what should I pack, given all the rain?") == [
        "Caroline is in Vancouver for two weeks."
    ]
    assert texts("I just read about a pianist who started at 60 — if I were 60, would you?") == [
        "Caroline just read about a pianist who started at 60."
    ]
    # every verb the speaker governs agrees, past a preposition's "to"
    assert texts("I've changed my major from biology to psychology and need new electives.") == [
        "Caroline has changed Caroline's major from biology to psychology and needs new electives."
    ]


def test_a_pair_with_the_speaker_and_a_request_put_as_an_order() -> None:
    assert texts("Emre and me, we are not together anymore.") == [
        "Emre and Caroline are not together anymore."
    ]
    assert texts("me and Jun broke up, it was mutual") == [
        "Jun and Caroline broke up, it was mutual"
    ]
    assert texts("Give me easy salmon recipes please.") == []
