"""Tunables of the memory core (a section of the daemon's settings tree)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from memoryd.memory.category_defaults import DEFAULT_CATEGORIES
from memoryd.memory.models import CategorySpec


class MemorySettings(BaseModel):
    """How events become items and categories, and how retrieval ranks them."""

    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    categories: list[CategorySpec] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES))
    dedup_threshold: float = Field(0.9, gt=0.0, le=1.0)
    extractor_min_score: float = 1.0
    max_items_per_event: int = Field(4, ge=1)
    summary_target_chars: int = Field(800, ge=50)
    summary_half_life_days: float = Field(30.0, gt=0.0)
    summary_diversity: float = Field(0.3, ge=0.0, le=1.0)
    summarize_on_ingest: bool = Field(
        True,
        description="rewrite touched summaries with every batch; false leaves them to the "
        "scheduled resummarize job (the categories stay dirty until it runs)",
    )
    summary_history: int = Field(
        5, ge=0, description="previous summary versions kept per category for rollback"
    )
    lexical: bool = True
    lexical_weight: float = Field(0.5, ge=0.0)
    retrieve_candidates: int = Field(60, ge=1)
    category_top_k: int = Field(3, ge=0)
