"""Generic English chat sentences for calibrating the static int8 quantisation of MiniLM.

Written for this project (no third-party text), so they ship and regenerate with it. The
templates cover what a memory daemon mostly embeds: people, jobs, places, hobbies, plans,
dates, feelings, questions and short replies. ``calibration_sentences()`` expands them
deterministically (a fixed seed), mixing in multi-sentence messages so that the activation
ranges seen in calibration span short replies up to long paragraphs.
"""

from __future__ import annotations

import random

# Word lists, packed densely: one item a line would make them ten times longer.
# fmt: off
NAMES = ("Anna", "Ben", "Carlos", "Dana", "Emeka", "Fatima", "Grace", "Hiro", "Ines", "Jonas",
         "Kavya", "Liam", "Mei", "Noah", "Olga", "Priya", "Quentin", "Rosa", "Sam", "Tomás")
RELATIONS = ("my sister", "my brother", "my mum", "my dad", "my best friend", "my boss",
             "my neighbour", "my grandmother", "my partner", "my roommate", "our daughter",
             "our son", "a colleague", "my cousin", "my old teacher")
JOBS = ("nurse", "software engineer", "teacher", "chef", "accountant", "electrician",
        "graphic designer", "lawyer", "barista", "pharmacist", "data analyst", "carpenter",
        "journalist", "physiotherapist", "bus driver", "architect", "social worker", "pilot")
PLACES = ("Lisbon", "Toronto", "Nairobi", "Osaka", "Melbourne", "Chicago", "Berlin",
          "Mexico City", "Edinburgh", "Seoul", "Cape Town", "a small town near the coast",
          "the countryside", "a flat downtown", "the suburbs", "Vancouver", "Madrid", "Delhi")
HOBBIES = ("painting", "rock climbing", "baking sourdough", "playing the guitar", "running",
           "gardening", "photography", "knitting", "chess", "birdwatching", "yoga", "surfing",
           "writing poetry", "playing video games", "pottery", "hiking", "salsa dancing",
           "reading science fiction", "cycling", "learning Japanese")
FOODS = ("spicy ramen", "lasagne", "fresh sushi", "vegan curry", "pancakes", "tacos",
         "grilled fish", "dark chocolate", "lentil soup", "pizza with olives")
PETS = ("a dog named Biscuit", "two cats", "a parrot", "a hamster", "an old tortoise",
        "a golden retriever", "a rescue greyhound")
WHENS = ("yesterday", "last weekend", "last Tuesday", "this morning", "two weeks ago",
         "in March", "last summer", "on my birthday", "over the holidays", "in 2019",
         "a few days ago", "on 14 February", "last year")
FUTURES = ("tomorrow", "next week", "this Friday", "next month", "in June", "after Easter",
           "on the 3rd of May", "at the end of the year", "this weekend", "in the spring")
FEELINGS = ("excited", "nervous", "exhausted", "proud", "relieved", "a bit lonely", "stressed",
            "really happy", "frustrated", "grateful", "anxious", "calm")
EVENTS = ("a job interview", "a wedding", "a dentist appointment", "a concert",
          "a marathon", "a family dinner", "a road trip", "a school play", "an exam",
          "a housewarming party", "a charity run", "a conference talk", "a doctor's visit")

TEMPLATES = (
    "I work as a {job} in {place}.",
    "{name} just started a new job as a {job}.",
    "I moved to {place} {when}.",
    "{rel} lives in {place} now.",
    "My favourite hobby is {hobby}.",
    "I've been {hobby} every weekend since {when}.",
    "{name} got into {hobby} {when} and loves it.",
    "We have {pet} at home.",
    "I really love {food}.",
    "{name} can't stand {food}.",
    "I have {event} {future}.",
    "{rel} has {event} {future}, so I'll be busy.",
    "I felt {feeling} after {event} {when}.",
    "Honestly I'm {feeling} about {event} {future}.",
    "Can you remind me about {event} {future}?",
    "What was the name of the {job} I met in {place}?",
    "Did I tell you that {rel} is a {job}?",
    "{name} and I went to {place} {when}.",
    "We're planning a trip to {place} {future}.",
    "{rel} taught me {hobby} {when}.",
    "My birthday is {future} and I want {food}.",
    "{name} adopted {pet} {when}.",
    "I quit my job as a {job} {when}.",
    "When is {event}?",
    "I'm thinking of becoming a {job}, what do you think?",
    "{name} says {place} is beautiful in the spring.",
    "I met {name} at {event} {when}.",
    "Thanks for listening, I feel {feeling} now.",
)
SHORT_REPLIES = (
    "ok", "Thanks!", "yes", "no, not really", "haha that's so funny", "Sounds good to me.",
    "Sure, why not?", "I don't know.", "Good morning!", "See you later 👋", "wow 😮",
    "lol", "Congrats!!", "That's awful, I'm sorry.", "hmm, maybe", "Great idea 👍",
    "Call me at 7:30.", "It's 2024-05-14 today.", "My number is 555-0142.",
    "Order #A-1093 arrived late.",
)
# fmt: on


def calibration_sentences(count: int = 400, seed: int = 0) -> list[str]:
    """``count`` deterministic sentences: filled templates, short replies and paragraphs."""
    rng = random.Random(seed)
    slots = {
        "name": NAMES,
        "rel": RELATIONS,
        "job": JOBS,
        "place": PLACES,
        "hobby": HOBBIES,
        "food": FOODS,
        "pet": PETS,
        "when": WHENS,
        "future": FUTURES,
        "feeling": FEELINGS,
        "event": EVENTS,
    }

    def sentence() -> str:
        text = rng.choice(TEMPLATES).format(**{k: rng.choice(v) for k, v in slots.items()})
        return text[0].upper() + text[1:]

    out = list(SHORT_REPLIES)
    while len(out) < count:
        roll = rng.random()
        if roll < 0.6:
            out.append(sentence())
        elif roll < 0.9:
            out.append(" ".join(sentence() for _ in range(rng.randint(2, 5))))
        else:
            # Long messages: the activation ranges of a 200-token input should be covered.
            out.append(" ".join(sentence() for _ in range(rng.randint(10, 25))))
    return out[:count]
