"""How the three layers are laid out in the vector store, and their payload codecs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from memoryd.memory.models import Category, Item, Resource
from memoryd.memory.ports import CollectionSpec, Filter, Record

RESOURCES = "resources"
ITEMS = "items"
CATEGORIES = "categories"
USERS = "users"
#: The users collection holds bookkeeping only; its vector is a constant placeholder.
USER_VECTOR = (1.0,)


def collection_specs(dim: int) -> list[CollectionSpec]:
    return [
        CollectionSpec(RESOURCES, dim, ("user_id", "agent_id", "event_id"), lexical=True),
        CollectionSpec(
            ITEMS,
            dim,
            ("user_id", "agent_id", "category", "sources", "memory_type", "fact_keys"),
            lexical=True,
        ),
        CollectionSpec(CATEGORIES, dim, ("user_id", "name")),
        CollectionSpec(USERS, len(USER_VECTOR), ("user_id",)),
    ]


def to_payload(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json")


def resource_from(record: Record) -> Resource:
    return Resource.model_validate(record.payload)


def item_from(record: Record) -> Item:
    return Item.model_validate(record.payload)


def category_from(record: Record) -> Category:
    return Category.model_validate(record.payload)


def user_scope(user_id: str, agent_id: str | None = None) -> Filter:
    must: dict[str, str] = {"user_id": user_id}
    if agent_id is not None:
        must["agent_id"] = agent_id
    return Filter(must=must)


def live_items(user_id: str, agent_id: str | None = None, **must: str) -> Filter:
    """Items a reader should see by default: the user's, not archived."""
    scope = user_scope(user_id, agent_id)
    return Filter(must={**scope.must, **must}, must_not={"archived": True})
