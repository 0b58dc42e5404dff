"""The self-evolution jobs for one user, one module each (consolidate, decay, discover,
resummarize), and :class:`Evolver`, which runs one by name. Synchronous, over the memory
engine's evolution methods; see :mod:`memoryd.schedulers.jobs.base` for the rules every
job keeps (idempotent writes, nothing deleted)."""

from __future__ import annotations

from memoryd.memory.category_naming import TermNamer
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.ports import CategoryNamer
from memoryd.schedulers.jobs.base import JOBS, Job, JobChanges, JobContext, JobName
from memoryd.schedulers.jobs.consolidate import consolidate
from memoryd.schedulers.jobs.decay import decay
from memoryd.schedulers.jobs.discover import discover
from memoryd.schedulers.jobs.resummarize import resummarize
from memoryd.schedulers.settings import EvolutionSettings

__all__ = ["JOBS", "Evolver", "JobChanges", "JobName"]

_JOBS: dict[JobName, Job] = {
    "consolidate": consolidate,
    "decay": decay,
    "discover": discover,
    "resummarize": resummarize,
}


class Evolver:
    """Runs the jobs for one user at a time (the caller holds the user's lock)."""

    def __init__(
        self,
        engine: MemoryEngine,
        settings: EvolutionSettings,
        namer: CategoryNamer | None = None,
    ):
        self.engine = engine
        self.settings = settings
        self.namer = namer or TermNamer()
        self._context = JobContext(engine, settings, self.namer)

    def run(self, job: JobName, user_id: str) -> JobChanges:
        """Run ``job`` for ``user_id``; its writes are flushed when it changed anything."""
        changes = _JOBS[job](self._context, user_id)
        if changes.changed:
            self.engine.flush()
        return changes
