"""One job's run for one user: its id, its report, and running it once (a trace span,
the metrics, and the record in the user's bookkeeping that makes a repeat a no-op)."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from opentelemetry import trace
from pydantic import BaseModel, Field

from memoryd.memory import ids
from memoryd.memory.engine import MemoryEngine
from memoryd.schedulers.jobs import Evolver, JobChanges, JobName
from memoryd.telemetry.metrics import Metrics

log = logging.getLogger(__name__)

Trigger = Literal["schedule", "dirty", "idle", "manual"]
Outcome = Literal["changed", "unchanged", "skipped", "failed"]


class RunReport(BaseModel):
    """One job's run for one user."""

    run_id: str
    job: JobName
    user_id: str
    trigger: Trigger
    scheduled_at: datetime
    outcome: Outcome
    seconds: float = 0.0
    changes: JobChanges = Field(default_factory=JobChanges)
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Run:
    """A job for a user at a scheduled time: the same run on every replica and restart."""

    job: JobName
    user_id: str
    scheduled: datetime
    trigger: Trigger

    @property
    def run_id(self) -> str:
        return ids.run_id(self.job, self.user_id, self.scheduled.isoformat())

    def report(self, outcome: Outcome, **fields: Any) -> RunReport:
        return RunReport(
            run_id=self.run_id,
            job=self.job,
            user_id=self.user_id,
            trigger=self.trigger,
            scheduled_at=self.scheduled,
            outcome=outcome,
            **fields,
        )


class JobRunner:
    """Runs one job for one user (the caller holds the user's lock), off the event loop."""

    def __init__(self, engine: MemoryEngine, evolver: Evolver, metrics: Metrics):
        self.engine = engine
        self.evolver = evolver
        self.metrics = metrics

    async def run(self, run: Run) -> RunReport:
        state = await asyncio.to_thread(self.engine.user_state, run.user_id)
        if not state:  # deleted (or never memorised): nothing to evolve, nothing to record
            return self.skipped(run, "no memory")
        evolution = dict(state.get("evolution", {}))
        if evolution.get(run.job, {}).get("run_id") == run.run_id:
            return self.skipped(run, "done before")
        started = time.perf_counter()
        with trace.get_tracer(__name__).start_as_current_span(
            "memoryd.evolve",
            attributes={
                "memoryd.job": run.job,
                "memoryd.user_id": run.user_id,
                "memoryd.run_id": run.run_id,
                "memoryd.trigger": run.trigger,
            },
        ) as span:
            try:
                changes = await asyncio.to_thread(self.evolver.run, run.job, run.user_id)
                evolution[run.job] = {
                    "run_id": run.run_id,
                    "revision": state.get("revision", 0),
                    "scheduled_at": run.scheduled.isoformat(),
                }
                await asyncio.to_thread(
                    self.engine.set_user_state, run.user_id, evolution=evolution
                )
            except Exception as exc:
                span.record_exception(exc)
                log.exception(
                    "evolution run failed", extra={"job": run.job, "user_id": run.user_id}
                )
                self.metrics.evolution_runs.labels(job=run.job, outcome="failed").inc()
                return run.report(
                    "failed",
                    seconds=time.perf_counter() - started,
                    detail=f"{type(exc).__name__}: {exc}",
                )
            seconds = time.perf_counter() - started
            counts = {name: len(value) for name, value in changes.model_dump().items()}
            for name, count in counts.items():
                span.set_attribute(f"memoryd.{name}", count)
        outcome: Outcome = "changed" if changes.changed else "unchanged"
        self._count(run.job, outcome, seconds, changes)
        if changes.changed:
            log.info(
                "evolution run changed memory",
                extra={"job": run.job, "user_id": run.user_id, "trigger": run.trigger}
                | {name: count for name, count in counts.items() if count},
            )
        return run.report(outcome, seconds=round(seconds, 6), changes=changes)

    def skipped(self, run: Run, why: str) -> RunReport:
        self.metrics.evolution_runs.labels(job=run.job, outcome="skipped").inc()
        return run.report("skipped", detail=why)

    def _count(self, job: str, outcome: str, seconds: float, changes: JobChanges) -> None:
        m = self.metrics
        m.evolution_runs.labels(job=job, outcome=outcome).inc()
        m.evolution_seconds.labels(job=job).observe(seconds)
        m.items_superseded.inc(len(changes.superseded))
        archived = {
            "merged": changes.merged,
            "superseded": changes.superseded,
            "decayed": changes.archived,
        }
        for reason, item_ids in archived.items():
            m.items_archived.labels(reason=reason).inc(len(item_ids))
        m.categories_created.inc(len(changes.categories_created))
