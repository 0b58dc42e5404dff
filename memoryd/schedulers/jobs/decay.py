"""The decay job: archive live items whose salience fell below the floor. Age is measured
in the user's own time (to their newest event), so a user who is away loses nothing."""

from __future__ import annotations

from datetime import datetime

from memoryd.memory.summarize import salience
from memoryd.schedulers.jobs.base import JobChanges, JobContext, refresh_all


def decay(ctx: JobContext, user_id: str) -> JobChanges:
    settings = ctx.settings.decay
    last = ctx.engine.user_state(user_id).get("last_event_time")
    if last is None:
        return JobChanges()
    now = datetime.fromisoformat(str(last))
    changes = JobChanges()
    touched: set[str] = set()
    for item in ctx.engine.items(user_id):
        age_days = (now - item.updated_at).total_seconds() / 86400.0
        if (
            item.memory_type in settings.keep_types
            or age_days < settings.min_age_days
            or salience(item, now, settings.half_life_days) >= settings.floor
        ):
            continue
        ctx.engine.archive_item(item, "decayed")
        changes.archived.append(item.id)
        touched.add(item.category)
    refresh_all(ctx.engine, user_id, touched)
    changes.archived.sort()
    return changes
