"""memU's ten default categories and the memory-type descriptions used to classify items."""

from __future__ import annotations

from memoryd.memory.models import CategorySpec, MemoryType

DEFAULT_CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        name="personal_info",
        description="Personal information: name, age, identity, background, where someone "
        "lives or comes from, family status, health and appearance.",
    ),
    CategorySpec(
        name="preferences",
        description="Likes, dislikes and preferences: favourite foods, music, books, "
        "places, styles, things someone loves, enjoys or hates.",
    ),
    CategorySpec(
        name="relationships",
        description="Relationships with other people: family, partner, children, friends, "
        "colleagues, pets, and what those people do.",
    ),
    CategorySpec(
        name="activities",
        description="Activities and hobbies: sports, art, painting, music, games, trips, "
        "outings, events someone took part in.",
    ),
    CategorySpec(
        name="goals",
        description="Goals, plans and aspirations: what someone wants to achieve, is "
        "planning, saving for, or intends to do in the future.",
    ),
    CategorySpec(
        name="experiences",
        description="Experiences and life events: things that happened to someone, "
        "memories, challenges, milestones, travel and moves.",
    ),
    CategorySpec(
        name="knowledge",
        description="Knowledge and learning: facts someone knows, studies, courses, "
        "books read, skills learned, expertise.",
    ),
    CategorySpec(
        name="opinions",
        description="Opinions, beliefs and values: what someone thinks, feels or believes "
        "about topics, causes and ideas.",
    ),
    CategorySpec(
        name="habits",
        description="Habits and routines: what someone does regularly, usually, every day "
        "or every week.",
    ),
    CategorySpec(
        name="work_life",
        description="Work and career: job, employer, profession, business, projects, "
        "colleagues, school and education.",
    ),
)

MEMORY_TYPE_DESCRIPTIONS: dict[MemoryType, str] = {
    MemoryType.PROFILE: "A stable fact about who a person is: identity, background, where "
    "they live, their family, job, what they like.",
    MemoryType.EVENT: "Something that happened or will happen at a particular time: a trip, "
    "a visit, a meeting, a celebration, an accident.",
    MemoryType.KNOWLEDGE: "A fact or piece of information about the world, a topic, a book "
    "or a place.",
    MemoryType.BEHAVIOR: "A habit, routine or recurring behaviour: what someone usually, "
    "often or regularly does.",
    MemoryType.SKILL: "An ability or skill: something a person knows how to do or is "
    "learning to do.",
}
