"""The self-evolution service inside the daemon: APScheduler fires each job on its
schedule; dirty and idle users get a run in between. Runs are per user, only where the
user is owned, with bounded concurrency, under the user's lock, and out of the
consumer's way.

A run's id is job + user + scheduled time. It is recorded in the user's bookkeeping when
the job finishes, so a run that already finished is skipped, and one a crash interrupted
is run again (its writes are idempotent, see :mod:`memoryd.schedulers.jobs`). A scheduled
tick skips users with no new events since the job's last run.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from memoryd.errors import NotOwnedError
from memoryd.memory.engine import MemoryEngine
from memoryd.memory.ports import CategoryNamer
from memoryd.schedulers.clock import Clock, SystemClock
from memoryd.schedulers.jobs import JOBS, Evolver, JobName
from memoryd.schedulers.runs import JobRunner, Run, RunReport, Trigger
from memoryd.schedulers.settings import EvolutionSettings, JobSchedule
from memoryd.telemetry.metrics import Metrics

log = logging.getLogger(__name__)

#: Interval schedules count from this instant, so every replica has the same fire times.
ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)
_YIELD_POLL_SECONDS = 0.05


def job_trigger(schedule: JobSchedule) -> BaseTrigger:
    if schedule.cron:
        return CronTrigger.from_crontab(schedule.cron, timezone="UTC")
    return IntervalTrigger(seconds=schedule.interval_seconds, start_date=ANCHOR, timezone=UTC)


class EvolutionService:
    """Schedules and runs self-evolution for the users this replica owns."""

    def __init__(
        self,
        engine: MemoryEngine,
        settings: EvolutionSettings,
        metrics: Metrics,
        *,
        owns: Callable[[str], bool] = lambda user_id: True,
        lock: Callable[[str], AbstractAsyncContextManager[Any]] | None = None,
        busy: Callable[[], bool] = lambda: False,
        on_changed: Callable[[str, Sequence[RunReport]], Awaitable[None] | None] | None = None,
        clock: Clock | None = None,
        namer: CategoryNamer | None = None,
    ):
        self.engine = engine
        self.settings = settings
        self.metrics = metrics
        self.evolver = Evolver(engine, settings, namer)
        self.runner = JobRunner(engine, self.evolver, metrics)
        self.clock = clock or SystemClock()
        self._owns = owns
        self._lock = lock or (lambda user_id: nullcontext())
        self._busy = busy
        self._on_changed = on_changed
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._triggers = {
            job: job_trigger(getattr(settings, job))
            for job in JOBS
            if getattr(settings, job).enabled
        }
        now = self.clock.now()
        self._next = {job: t.get_next_fire_time(None, now) for job, t in self._triggers.items()}
        self._ticking: set[str] = set()
        self._activity: dict[str, datetime] = {}
        self._dirty: dict[str, int] = {}
        self._running: dict[str, asyncio.Event] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._aps: AsyncIOScheduler | None = None
        self._closing = False

    # --- schedule ----------------------------------------------------------------------

    def next_fire_times(self) -> dict[JobName, datetime | None]:
        return dict(self._next)

    def start(self) -> None:
        """Arm every enabled job and the trigger poll on APScheduler (call in the loop)."""
        if not self.settings.enabled:
            return
        self._aps = AsyncIOScheduler(timezone=UTC)
        for job in self._triggers:
            self._arm(job)
        if self.settings.dirty_items or self.settings.idle_seconds:
            self._aps.add_job(
                self.poll_triggers,
                IntervalTrigger(seconds=self.settings.trigger_poll_seconds),
                id="memoryd-evolution-triggers",
                max_instances=1,
                coalesce=True,
            )
        self._aps.start()

    def _arm(self, job: JobName) -> None:
        when = self._next.get(job)
        if self._aps is None or when is None:
            return
        # One date job per fire time, with the scheduled time as its argument: the run id
        # is the time the schedule said, however late the loop got to it.
        self._aps.add_job(
            self._fire,
            DateTrigger(run_date=when),
            args=[job, when],
            id=f"memoryd-evolution-{job}",
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def _fire(self, job: JobName, scheduled: datetime) -> None:
        # Arm the next fire time, then return: the tick runs as a task of ours. Were
        # APScheduler to wait for it, a tick outlasting the interval would make it skip
        # (and drop) the one-off job of the next fire time, and the schedule would stop.
        self._next[job] = self._following(job, scheduled)
        self._arm(job)
        self._track(self.tick(job, scheduled))

    def _following(self, job: JobName, scheduled: datetime) -> datetime | None:
        """The job's next fire time after ``scheduled``; missed ones are coalesced."""
        trigger = self._triggers[job]
        # The next fire time from now, not from `scheduled`: after a stall (a laptop
        # asleep) the fire times that went by are one run, not one each.
        now = max(self.clock.now(), scheduled + timedelta(microseconds=1))
        fire: datetime | None = trigger.get_next_fire_time(None, now)
        return fire

    async def run_due(self) -> list[RunReport]:
        """Run every job whose fire time has come by the clock (once, however many fire
        times were missed), then the triggers. What APScheduler does, for a clock that is
        moved by hand."""
        reports: list[RunReport] = []
        now = self.clock.now()
        for job in self._triggers:
            scheduled = self._next[job]
            if scheduled is None or scheduled > now:
                continue
            while True:  # coalesce: the latest fire time that has come
                following = self._triggers[job].get_next_fire_time(
                    scheduled, scheduled + timedelta(microseconds=1)
                )
                if following is None or following > now:
                    break
                scheduled = following
            self._next[job] = self._following(job, scheduled)
            reports += await self.tick(job, scheduled)
        await self.poll_triggers()
        await self.wait_triggered()
        return reports

    async def tick(self, job: JobName, scheduled: datetime) -> list[RunReport]:
        """One scheduled run of ``job``: every owned user with new events since its last
        run of the job. A tick still running when the next comes makes that one skip."""
        if job in self._ticking:
            log.warning("evolution tick skipped: the previous one still runs", extra={"job": job})
            return []
        self._ticking.add(job)
        try:
            users = await asyncio.to_thread(self._due_users, job)
            return await self._run_many(users, [job], scheduled, "schedule")
        finally:
            self._ticking.discard(job)

    def _due_users(self, job: str) -> list[str]:
        due = []
        for user_id in self.engine.user_ids():
            if not self._owns(user_id):
                continue
            state = self.engine.user_state(user_id)
            last = state.get("evolution", {}).get(job, {})
            if last.get("revision") != state.get("revision", 0):
                due.append(user_id)
        return due

    # --- triggers ----------------------------------------------------------------------

    def on_memorized(self, user_id: str, items_written: int) -> None:
        """A batch of the user's was memorised here: count it towards the triggers."""
        if not self.settings.enabled or self._closing:
            return
        now = self.clock.now()
        if self.settings.idle_seconds:
            self._activity[user_id] = now
        count = self._dirty.get(user_id, 0) + items_written
        threshold = self.settings.dirty_items
        if threshold and count >= threshold and user_id not in self._running:
            self._dirty.pop(user_id, None)
            self._kick(user_id, "dirty", now)
        else:
            self._dirty[user_id] = count

    async def poll_triggers(self) -> None:
        """Give a run to every user idle for ``idle_seconds`` since their last activity."""
        idle = self.settings.idle_seconds
        if not idle or self._closing:
            return
        now = self.clock.now()
        for user_id, last in list(self._activity.items()):
            if (now - last).total_seconds() >= idle and user_id not in self._running:
                del self._activity[user_id]
                self._dirty.pop(user_id, None)
                self._kick(user_id, "idle", last + timedelta(seconds=idle))

    def _kick(self, user_id: str, trigger: Trigger, scheduled: datetime) -> None:
        jobs = [job for job in JOBS if job in self._triggers]
        self._track(self._run_many([user_id], jobs, scheduled, trigger))

    def _track(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_triggered(self) -> None:
        """Wait for the ticks and runs the schedule and triggers started."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- runs --------------------------------------------------------------------------

    async def evolve(
        self, user_id: str | None = None, jobs: Sequence[JobName] | None = None
    ) -> list[RunReport]:
        """Run jobs now for one user (raises :class:`NotOwnedError` if another replica
        owns them) or for every user owned here. ``jobs``: default every enabled job."""
        chosen = list(jobs) if jobs else [j for j in JOBS if getattr(self.settings, j).enabled]
        if user_id is not None:
            if not self._owns(user_id):
                raise NotOwnedError(f"user {user_id!r} is owned by another replica")
            users = [user_id]
        else:
            users = [u for u in await asyncio.to_thread(self.engine.user_ids) if self._owns(u)]
        return await self._run_many(users, chosen, self.clock.now(), "manual")

    async def _run_many(
        self, users: Iterable[str], jobs: Sequence[JobName], scheduled: datetime, trigger: Trigger
    ) -> list[RunReport]:
        queue = deque(users)
        reports: list[RunReport] = []

        async def worker() -> None:
            while queue and not self._closing:
                reports.extend(await self.run_user(queue.popleft(), jobs, scheduled, trigger))

        await asyncio.gather(*(worker() for _ in range(self.settings.concurrency)))
        return reports

    async def run_user(
        self, user_id: str, jobs: Sequence[JobName], scheduled: datetime, trigger: Trigger
    ) -> list[RunReport]:
        """Run ``jobs`` for one user, in the canonical order, each recorded when done."""
        ordered = [job for job in JOBS if job in jobs]
        async with self._slots:
            await self._yield_to_consumer()
            runs = [Run(job, user_id, scheduled, trigger) for job in ordered]
            if not self._owns(user_id):
                return [self.runner.skipped(run, "not owned") for run in runs]
            async with self._lock(user_id):
                self._dirty.pop(user_id, None)  # counts items written since the last run
                done = self._running[user_id] = asyncio.Event()
                try:
                    reports: list[RunReport] = []
                    for run in runs:
                        why = (
                            "not owned"
                            if not self._owns(user_id)
                            else "shutting down"
                            if self._closing
                            else "an earlier job failed"
                            if any(r.outcome == "failed" for r in reports)
                            else None
                        )
                        if why is not None:
                            # Jobs run in order: after a failure the rest wait for the
                            # retry, which starts again at the failed one.
                            reports.append(self.runner.skipped(run, why))
                            continue
                        reports.append(await self.runner.run(run))
                finally:
                    del self._running[user_id]
                    done.set()
        if any(r.outcome == "changed" for r in reports) and self._on_changed is not None:
            result = self._on_changed(user_id, reports)
            if result is not None:
                await result
        return reports

    async def _yield_to_consumer(self) -> None:
        """Let buffered events be memorised first (bounded: evolution is never starved)."""
        deadline = time.monotonic() + self.settings.yield_seconds
        while self._busy() and time.monotonic() < deadline:
            await asyncio.sleep(_YIELD_POLL_SECONDS)

    # --- ownership and shutdown --------------------------------------------------------

    def forget(self, user_id: str) -> None:
        """The user's memory was deleted: drop their trigger state."""
        self._activity.pop(user_id, None)
        self._dirty.pop(user_id, None)

    async def release(self, gone: Callable[[str], bool], *, timeout: float) -> None:
        """Users are moving to another replica: forget their triggers and wait (up to
        ``timeout``) for their runs in progress, so two replicas never evolve a user at
        once. Runs check ownership before each job, so a run stops at the next job."""
        for user_id in [u for u in self._activity if gone(u)]:
            self._activity.pop(user_id, None)
            self._dirty.pop(user_id, None)
        running = [done.wait() for user_id, done in self._running.items() if gone(user_id)]
        if running:
            try:
                async with asyncio.timeout(timeout):
                    await asyncio.gather(*running)
            except TimeoutError:
                log.warning("evolution runs outlived the handover budget")

    async def stop(self, timeout: float) -> None:
        """Start no new job; wait for the jobs in progress. Each finishes its current job
        (one job for one user), and is never cancelled: its thread would go on writing
        with the user's lock released, and into a store about to be closed. Past
        ``timeout`` this logs and keeps waiting."""
        self._closing = True
        if self._aps is not None:
            self._aps.shutdown(wait=False)  # nothing of ours runs inside APScheduler
            self._aps = None

        async def settled() -> None:
            await self.wait_triggered()
            while self._running:  # manual runs (HTTP) too
                await asyncio.gather(*(d.wait() for d in list(self._running.values())))

        waiting = asyncio.ensure_future(settled())
        done, _ = await asyncio.wait([waiting], timeout=timeout)
        if not done:
            log.warning(
                "evolution jobs still in progress at shutdown; waiting for them to finish",
                extra={"users": sorted(self._running)},
            )
            await waiting
