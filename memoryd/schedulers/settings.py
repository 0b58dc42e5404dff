"""Tunables of self-evolution (the ``evolution`` section of the settings tree)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from memoryd.memory.models import MemoryType


class JobSchedule(BaseModel):
    """When a job runs: every ``interval_seconds``, or on a ``cron`` expression (UTC,
    crontab's five fields) when one is given."""

    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    enabled: bool = True
    interval_seconds: float = Field(3600.0, gt=0)
    cron: str | None = Field(None, description='crontab fields in UTC, e.g. "30 3 * * *"')

    @model_validator(mode="after")
    def _valid_cron(self) -> JobSchedule:
        if self.cron is not None:
            from apscheduler.triggers.cron import CronTrigger

            try:
                CronTrigger.from_crontab(self.cron, timezone="UTC")
            except ValueError as exc:
                raise ValueError(f"invalid cron {self.cron!r}: {exc}") from None
        return self


class ResummarizeJob(JobSchedule):
    """Rewrite dirty category summaries (touched since their last summary)."""

    interval_seconds: float = Field(300.0, gt=0)


class ConsolidateJob(JobSchedule):
    """Merge near-duplicate items; close the validity of facts a newer item replaces."""

    interval_seconds: float = Field(1800.0, gt=0)
    merge_threshold: float = Field(
        0.85, gt=0.0, le=1.0, description="cosine similarity at which two items are one memory"
    )


class DecayJob(JobSchedule):
    """Archive items whose salience (reinforcement × recency) fell below a floor."""

    interval_seconds: float = Field(86400.0, gt=0)
    half_life_days: float = Field(180.0, gt=0, description="recency half-life of salience")
    floor: float = Field(0.1, ge=0.0, description="items below this salience are archived")
    min_age_days: float = Field(90.0, ge=0.0, description="younger items are never archived")
    keep_types: list[MemoryType] = Field(
        default_factory=lambda: [MemoryType.PROFILE],
        description="memory types never archived by decay (who the user is)",
    )


class DiscoverJob(JobSchedule):
    """Propose new categories from clusters of items that fit no category well."""

    interval_seconds: float = Field(86400.0, gt=0)
    fit_threshold: float = Field(
        0.15, ge=-1.0, le=1.0, description="items assigned with a lower similarity fit poorly"
    )
    cluster_similarity: float = Field(
        0.55, gt=0.0, le=1.0, description="cosine similarity to a cluster's first item to join it"
    )
    join_similarity: float = Field(
        0.65,
        gt=0.0,
        le=1.0,
        description="cosine similarity to a discovered category's vector (the centroid of "
        "its summary's items, so higher than cluster_similarity) for a poorly fitting item "
        "to join it",
    )
    min_cluster_size: int = Field(5, ge=2, description="items a cluster needs to become one")
    max_categories: int = Field(
        10, ge=0, description="discovered categories a user may have at most"
    )


class EvolutionSettings(BaseModel):
    """Self-evolution: which jobs run, when, and how hard."""

    model_config = ConfigDict(hide_input_in_errors=True, extra="forbid")

    enabled: bool = True
    resummarize: ResummarizeJob = Field(default_factory=ResummarizeJob)
    consolidate: ConsolidateJob = Field(default_factory=ConsolidateJob)
    decay: DecayJob = Field(default_factory=DecayJob)
    discover: DiscoverJob = Field(default_factory=DiscoverJob)
    dirty_items: int = Field(
        200,
        ge=0,
        description="a user with this many items written since their last run gets one now "
        "(0 = off)",
    )
    idle_seconds: float = Field(
        600.0,
        ge=0,
        description="a user quiet this long after activity gets a run (0 = off)",
    )
    trigger_poll_seconds: float = Field(5.0, gt=0, description="how often idle users are sought")
    concurrency: int = Field(1, ge=1, description="users evolved at once")
    yield_seconds: float = Field(
        2.0,
        ge=0,
        description="how long a run waits for the consumer to have nothing buffered first",
    )
