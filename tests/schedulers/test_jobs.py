"""The self-evolution jobs over a real Qdrant Edge store and the bundled embedder."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from memoryd.embedders.fastembed import FastEmbedEmbedder
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.models import Item, MemoryType
from memoryd.memory.schema import ITEMS, item_from
from memoryd.schedulers.jobs import Evolver
from memoryd.schedulers.settings import DecayJob, DiscoverJob, EvolutionSettings

from .conftest import T0, put_item


def event(eid: str, content: str, day: int, user: str = "u-1") -> dict[str, Any]:
    time = (T0 + timedelta(days=day)).isoformat()
    return {"id": eid, "user_id": user, "speaker": "Caroline", "content": content, "time": time}


def stored(engine: MemoryEngine, item_id: str) -> Item:
    (record,) = engine.store.get(ITEMS, [item_id])
    return item_from(record)


def test_consolidate_closes_the_facts_ingest_missed_and_retrieval_prefers_the_new_one(
    edge_engine: MemoryEngine, embedder: FastEmbedEmbedder
) -> None:
    # Given items stored without their facts (as before facts were recorded at ingest)
    berlin = put_item(edge_engine, embedder, "Caroline lives in Berlin with her cat.", days=0)
    put_item(edge_engine, embedder, "Caroline loves painting sunsets on weekends.", days=20)
    lisbon = put_item(edge_engine, embedder, "Caroline moved to Lisbon in May 2023!", days=120)

    # When the consolidate sweep runs
    changes = Evolver(edge_engine, EvolutionSettings()).run("consolidate", "u-1")

    assert changes.superseded == [berlin.id]
    old = stored(edge_engine, berlin.id)
    assert old.archived and old.archived_reason == "superseded"
    assert old.valid_to == lisbon.valid_from and old.replaced_by == lisbon.id
    assert not stored(edge_engine, lisbon.id).archived
    current = edge_engine.retrieve("u-1", "Where does Caroline live?", top_k=3)
    assert current.items[0].item.id == lisbon.id
    assert berlin.id not in {s.item.id for s in current.items}
    # History stays answerable: asked for, the old city comes back, after the new one.
    history = edge_engine.retrieve("u-1", "Where does Caroline live?", include_history=True)
    ranked = [s.item.id for s in history.items]
    assert ranked.index(lisbon.id) < ranked.index(berlin.id)
    assert history.items[ranked.index(berlin.id)].item.valid_to == lisbon.valid_from
    # Unrelated facts are left alone.
    assert len(edge_engine.items("u-1")) == 2


def test_near_duplicates_merge_into_the_oldest_keeping_every_source(
    edge_engine: MemoryEngine, embedder: FastEmbedEmbedder
) -> None:
    first = put_item(edge_engine, embedder, "Caroline loves hiking in the mountains.", days=1)
    again = put_item(
        edge_engine, embedder, "Caroline really loves hiking in the mountains!", days=9
    )
    twice = put_item(
        edge_engine,
        embedder,
        "Caroline loves hiking up in the mountains.",
        days=30,
        sources=["ev-a", "ev-b"],
    )
    # The same kind of event on two different days is two memories, not one.
    trip1 = put_item(edge_engine, embedder, "Caroline went camping.", days=3)
    trip2 = put_item(edge_engine, embedder, "Caroline went camping!", days=40)
    trip1_dated = trip1.model_copy(update={"happened_at": (T0 + timedelta(days=3)).date()})
    trip2_dated = trip2.model_copy(update={"happened_at": (T0 + timedelta(days=40)).date()})
    for item in (trip1_dated, trip2_dated):
        edge_engine.store.set_payload(ITEMS, [item.id], item.model_dump(mode="json"))

    changes = Evolver(edge_engine, EvolutionSettings()).run("consolidate", "u-1")

    assert sorted(changes.merged) == sorted([again.id, twice.id])
    survivor = stored(edge_engine, first.id)
    assert survivor.sources == [*first.sources, *again.sources, "ev-a", "ev-b"]
    assert survivor.reinforcement == 4
    assert survivor.updated_at == twice.updated_at
    for gone in (again.id, twice.id):
        merged = stored(edge_engine, gone)
        assert merged.archived and merged.archived_reason == "merged"
        assert merged.replaced_by == first.id and merged.valid_to is None
    live = {i.id for i in edge_engine.items("u-1")}
    assert live == {first.id, trip1.id, trip2.id}
    # A second run finds nothing more to do.
    assert not Evolver(edge_engine, EvolutionSettings()).run("consolidate", "u-1").changed


def test_decay_archives_what_it_should_and_nothing_else(
    edge_engine: MemoryEngine, embedder: FastEmbedEmbedder
) -> None:
    settings = EvolutionSettings(
        decay=DecayJob(half_life_days=30, floor=0.2, min_age_days=10)
    )
    # Salience = (1 + ln reinforcement) × 0.5^(age / 30 days), age up to day 100.
    stale = put_item(edge_engine, embedder, "Caroline tried a new bakery downtown.", days=10)
    said_often = put_item(
        edge_engine,
        embedder,
        "Caroline volunteers at the animal shelter.",
        days=10,
        sources=["s1", "s2", "s3"],  # 2.10 × 0.125 = 0.26
    )
    recent = put_item(edge_engine, embedder, "Caroline bought a blue bicycle.", days=95)
    who = put_item(
        edge_engine,
        embedder,
        "Caroline is a transgender woman.",
        days=0,
        memory_type=MemoryType.PROFILE,
    )
    other_user = put_item(
        edge_engine, embedder, "Melanie tried a new bakery downtown.", days=10, user="u-2"
    )
    edge_engine.set_user_state("u-1", last_event_time=(T0 + timedelta(days=100)).isoformat())
    edge_engine.set_user_state("u-2", last_event_time=(T0 + timedelta(days=100)).isoformat())

    changes = Evolver(edge_engine, settings).run("decay", "u-1")

    assert changes.archived == [stale.id]
    assert stored(edge_engine, stale.id).archived_reason == "decayed"
    for kept in (said_often, recent, who, other_user):
        assert not stored(edge_engine, kept.id).archived
    assert {i.id for i in edge_engine.items("u-1")} == {said_often.id, recent.id, who.id}


def test_decay_measures_age_in_the_users_own_time(
    edge_engine: MemoryEngine, embedder: FastEmbedEmbedder
) -> None:
    # However long ago by the wall clock, a user with no newer events loses nothing.
    put_item(edge_engine, embedder, "Caroline tried a new bakery downtown.", days=10)
    edge_engine.set_user_state("u-1", last_event_time=(T0 + timedelta(days=12)).isoformat())
    assert not Evolver(edge_engine, EvolutionSettings()).run("decay", "u-1").changed


BEES = [
    "Caroline keeps three beehives in her backyard.",
    "Caroline harvested twenty jars of honey from her beehives.",
    "Caroline's beehives swarmed in June and she caught the swarm.",
    "Caroline checks her beehives for mites every month.",
    "Caroline sells honey from her beehives at the market.",
]
SCATTERED = [
    "Caroline's car needs new tires.",
    "Caroline read a book about the Roman empire.",
    "Caroline's phone screen cracked.",
]


def test_discover_creates_a_category_from_a_planted_cluster(
    edge_engine: MemoryEngine, embedder: FastEmbedEmbedder
) -> None:
    bees = [
        put_item(edge_engine, embedder, text, days=i, category_score=0.05)
        for i, text in enumerate(BEES)
    ]
    for i, text in enumerate(SCATTERED):
        put_item(edge_engine, embedder, text, days=10 + i, category_score=0.05)
    fitting = put_item(
        edge_engine,
        embedder,
        "Caroline keeps a jar of honey in the kitchen.",
        days=20,
        category="preferences",
        category_score=0.6,  # fits its category: never moved
    )
    settings = EvolutionSettings(discover=DiscoverJob(min_cluster_size=4))

    changes = Evolver(edge_engine, settings).run("discover", "u-1")

    (name,) = changes.categories_created
    assert "beehives" in name
    category = next(c for c in edge_engine.categories("u-1") if c.name == name)
    assert category.discovered and category.item_count == len(BEES)
    assert "beehives" in category.description and category.summary
    assert {i.id for i in edge_engine.items("u-1", category=name)} == {b.id for b in bees}
    assert stored(edge_engine, fitting.id).category == "preferences"
    # Memory that arrives later and fits poorly joins the discovered category.
    late = put_item(
        edge_engine,
        embedder,
        "Caroline bought a new smoker for her beehives.",
        days=30,
        category_score=0.05,
    )
    again = Evolver(edge_engine, settings).run("discover", "u-1")
    assert again.categories_created == [] and again.refiled == [late.id]
    assert stored(edge_engine, late.id).category == name


def test_discover_leaves_clusters_below_the_size_threshold(
    edge_engine: MemoryEngine, embedder: FastEmbedEmbedder
) -> None:
    for i, text in enumerate(BEES[:3] + SCATTERED):
        put_item(edge_engine, embedder, text, days=i, category_score=0.05)
    settings = EvolutionSettings(discover=DiscoverJob(min_cluster_size=4))
    assert not Evolver(edge_engine, settings).run("discover", "u-1").changed
    assert all(not c.discovered for c in edge_engine.categories("u-1"))
