from __future__ import annotations

from datetime import date

from memoryd.events import parse_event
from memoryd.memory.extract import OfflineExtractor, memorability, third_person


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


def test_speaker_is_prefixed_when_sentence_does_not_name_them() -> None:
    assert third_person("The kids loved the beach trip", "Melanie").startswith("Melanie: ")


def test_caps_items_per_event() -> None:
    content = " ".join(f"I love hobby number {i} very much." for i in range(10))
    assert len(OfflineExtractor(max_items_per_event=3).extract([_event(content)])) == 3


def test_date_rewrite_keeps_words_ending_like_prepositions() -> None:
    (cand,) = OfflineExtractor().extract([_event("I moved to Lisbon last week for my job.")])
    assert cand.text == "Caroline moved to Lisbon in the week of 1 May 2023 for Caroline's job."
