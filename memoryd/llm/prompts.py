"""Prompts of LLM mode, versioned: a change of wording is a new version
(:data:`EXTRACTION_VERSION`, logged with every call), so outputs can be traced to it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from memoryd.events import Event
from memoryd.memory.models import Item
from memoryd.memory.summarize import SummaryRequest

EXTRACTION_VERSION = "extract-v1"

EXTRACTION_SYSTEM = """You maintain the long-term memory of an assistant about one user.
From the conversation turns given, extract the memories worth keeping: facts about the
user and the people they mention, preferences, events (with their date), habits and skills.
Rules:
- One self-contained statement per item, in the third person, naming the speaker
  ("Caroline moved to Lisbon", not "I moved to Lisbon"); no greetings, no questions.
- Resolve relative dates against the turn's time; put the day in happened_at (YYYY-MM-DD).
- sources: the ids of the turns the item comes from (only ids given below).
- memory_type: profile, event, knowledge, behavior or skill.
- category: one of the category names given.
- If an item updates or contradicts an existing memory listed below, list that memory's
  id in supersedes; if it only repeats one, leave it out.
Answer with a JSON object {"items": [...]} and nothing else."""


class ExtractedItem(BaseModel):
    # Lenient on purpose: one odd item must not cost the whole answer. The extractor
    # drops items without text or sources and ignores an unknown type or category.
    text: str
    memory_type: Literal["profile", "event", "knowledge", "behavior", "skill"] | str | None = None
    category: str | None = None
    happened_at: str | None = Field(None, description="YYYY-MM-DD")
    sources: list[str] = Field(default_factory=list)
    supersedes: list[str] = Field(default_factory=list)


class ExtractionAnswer(BaseModel):
    items: list[ExtractedItem]


def extraction_messages(
    events: Sequence[Event], categories: Sequence[str], related: Sequence[Item]
) -> list[dict[str, str]]:
    """One request for a user's whole micro-batch."""
    turns = [
        {
            "id": e.id,
            "time": e.at().isoformat(),
            "speaker": e.speaker or e.role,
            "content": e.content,
        }
        for e in events
    ]
    existing = [{"id": i.id, "text": i.text, "category": i.category} for i in related]
    user = (
        f"Categories: {json.dumps(list(categories))}\n"
        f"Existing memories: {json.dumps(existing, ensure_ascii=False)}\n"
        f"Turns: {json.dumps(turns, ensure_ascii=False)}"
    )
    return [{"role": "system", "content": EXTRACTION_SYSTEM}, {"role": "user", "content": user}]


SUMMARY_VERSION = "summary-v1"

SUMMARY_SYSTEM = """You keep category summaries of what an assistant knows about one user.
For each category given, rewrite its summary from the previous summary and the new or
changed memories: keep what still holds, fold in what is new, drop what a newer memory
contradicts. Plain sentences or short "- " bullet lines, about the target length in
characters, no preamble. item_ids: the ids of the memories the summary draws on (only ids
given). Answer with a JSON object {"categories": [{"name", "summary", "item_ids"}]} and
nothing else."""


class RewrittenSummary(BaseModel):
    name: str
    summary: str
    item_ids: list[str] = Field(default_factory=list)


class SummaryAnswer(BaseModel):
    categories: list[RewrittenSummary]


def summary_messages(requests: Sequence[SummaryRequest]) -> list[dict[str, str]]:
    """One request for every category a batch touched."""
    payload = [
        {
            "name": r.name,
            "description": r.description,
            "target_chars": r.target_chars,
            "previous_summary": r.previous,
            "memories_in_summary": [{"id": i.id, "text": i.text} for i in r.kept],
            "new_or_changed": [{"id": i.id, "text": i.text} for i in r.changed],
        }
        for r in requests
    ]
    return [
        {"role": "system", "content": SUMMARY_SYSTEM},
        {"role": "user", "content": json.dumps(payload, ensure_ascii=False)},
    ]


RANK_VERSION = "rank-v1"

RANK_SYSTEM = """You pick, from an assistant's memories about one user, those that help answer
the query. Rank them, most useful first; leave out the ones that do not help. Also name the
categories whose summaries help. Use only ids and names given. Answer with a JSON object
{"item_ids": [...], "categories": [...]} and nothing else."""

REWRITE_SYSTEM = """Rewrite the user's latest request into one standalone search query for their
memory, resolving references ("she", "that trip") from the conversation. Answer with a JSON
object {"query": "..."} and nothing else."""


class RankAnswer(BaseModel):
    item_ids: list[str]
    categories: list[str] = Field(default_factory=list)


class RewriteAnswer(BaseModel):
    query: str = Field(min_length=1, max_length=2000)


def rank_messages(
    query: str, items: Sequence[Item], categories: Sequence[tuple[str, str]]
) -> list[dict[str, str]]:
    payload = {
        "query": query,
        "categories": [{"name": n, "summary": s} for n, s in categories],
        "memories": [{"id": i.id, "text": i.text, "category": i.category} for i in items],
    }
    return [
        {"role": "system", "content": RANK_SYSTEM},
        {"role": "user", "content": json.dumps(payload, ensure_ascii=False)},
    ]


def rewrite_messages(query: str, context: Sequence[str]) -> list[dict[str, str]]:
    payload = {"conversation": list(context), "latest": query}
    return [
        {"role": "system", "content": REWRITE_SYSTEM},
        {"role": "user", "content": json.dumps(payload, ensure_ascii=False)},
    ]


DISCOVER_VERSION = "discover-v1"

DISCOVER_SYSTEM = """You organise an assistant's memories about one user into categories.
The memories given belong together but fit none of the existing categories. Name the
category they form: a short lowercase snake_case name (letters, digits and underscores,
at most 40 characters, not one of the existing names) and a one-sentence description of
what belongs in it. If they share no topic worth a category of its own, answer with an
empty name. Answer with a JSON object {"name": "...", "description": "..."} and nothing
else."""


class CategoryAnswer(BaseModel):
    name: str
    description: str = ""


def discover_messages(texts: Sequence[str], existing: Sequence[str]) -> list[dict[str, str]]:
    payload = {"existing_categories": list(existing), "memories": list(texts)[:40]}
    return [
        {"role": "system", "content": DISCOVER_SYSTEM},
        {"role": "user", "content": json.dumps(payload, ensure_ascii=False)},
    ]


REFINE_VERSION = "refine-v2"

REFINE_SYSTEM = """You maintain the long-term memory of an assistant about one user. A fast
offline extractor has already turned the conversation turns given into draft memories.
Review them against the turns: confirm the good ones, rewrite the clumsy ones, merge those
that say one thing, drop the ones not worth keeping, and add what the drafts missed.
Rules:
- One self-contained statement per item, in the third person, naming the speaker
  ("Caroline moved to Lisbon", not "I moved to Lisbon"); no greetings, no questions.
- Resolve relative dates against the turn's time; put the day in happened_at (YYYY-MM-DD).
- sources: the ids of the turns the item comes from (only ids given below).
- replaces: the ids of the drafts the item confirms, rewrites or merges (a draft that no
  item replaces is dropped).
- memory_type: profile, event, knowledge, behavior or skill.
- category: one of the category names given.
- If an item updates or contradicts an existing memory listed below, list that memory's
  id in supersedes; if it only repeats one, leave it out.
- summaries (only if Summaries are given below): the revised summary of every category
  your answer changes (one your items fall in, or one a draft you replaced or dropped was
  in); leave the others out. Start from the category's previous summary under Summaries (a
  category not listed has none yet): keep what still holds, fold in your items, drop what
  a newer memory contradicts. Plain sentences or short "- " bullet lines, about
  target_chars characters, no preamble. item_ids: the ids of the listed memories it draws
  on; new_items: the positions (0 = first) in your items of those it draws on.
Answer with a JSON object {"items": [...], "summaries": [{"name", "summary", "item_ids",
"new_items"}]} and nothing else."""


class RefinedItem(ExtractedItem):
    replaces: list[str] = Field(default_factory=list)


class FoldedSummary(BaseModel):
    """A category summary revised in the refinement answer itself (no request of its own)."""

    name: str
    summary: str
    item_ids: list[str] = Field(default_factory=list)
    new_items: list[int] = Field(default_factory=list)


class RefineAnswer(BaseModel):
    items: list[RefinedItem]
    summaries: list[FoldedSummary] = Field(default_factory=list)

    @field_validator("summaries", mode="before")
    @classmethod
    def _drop_malformed(cls, value: Any) -> list[FoldedSummary]:
        # Lenient: a malformed summary must not cost the refined items (a repair request,
        # then the drafts kept). It is left out; its category is asked for on its own.
        if not isinstance(value, list):
            return []
        kept = []
        for entry in value:
            try:
                kept.append(FoldedSummary.model_validate(entry))
            except ValidationError:
                continue
        return kept


@dataclass(frozen=True, slots=True)
class ShownSummary:
    """A category's current summary as the refinement request shows it, with the live
    memories it draws on (the window's drafts left out: they are being replaced)."""

    name: str
    summary: str
    memories: Sequence[Item]


def refine_messages(
    events: Sequence[Event],
    drafts: Sequence[Item],
    categories: Sequence[str],
    related: Sequence[Item],
    summaries: Sequence[ShownSummary] | None = None,
    target_chars: int = 800,
) -> list[dict[str, str]]:
    """One request for a conversation window: its turns, the offline drafts and, unless
    ``summaries`` is None, the category summaries the answer may revise."""
    turns = [
        {
            "id": e.id,
            "time": e.at().isoformat(),
            "speaker": e.speaker or e.role,
            "content": e.content,
        }
        for e in events
    ]
    shown = [
        {"id": i.id, "text": i.text, "category": i.category, "sources": i.sources} for i in drafts
    ]
    existing = [{"id": i.id, "text": i.text, "category": i.category} for i in related]
    lines = [
        f"Categories: {json.dumps(list(categories))}",
        f"Existing memories: {json.dumps(existing, ensure_ascii=False)}",
        f"Drafts: {json.dumps(shown, ensure_ascii=False)}",
    ]
    if summaries is not None:
        listed = {
            "target_chars": target_chars,
            "categories": [
                {
                    "name": s.name,
                    "previous_summary": s.summary,
                    "memories_in_summary": [{"id": i.id, "text": i.text} for i in s.memories],
                }
                for s in summaries
            ],
        }
        lines.append(f"Summaries: {json.dumps(listed, ensure_ascii=False)}")
    lines.append(f"Turns: {json.dumps(turns, ensure_ascii=False)}")
    user = "\n".join(lines)
    return [{"role": "system", "content": REFINE_SYSTEM}, {"role": "user", "content": user}]
