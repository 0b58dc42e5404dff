"""The resummarize job: rewrite the summaries of dirty categories (items changed since
the summary was written), including rewrites the rate limit held back at ingest."""

from __future__ import annotations

from memoryd.schedulers.jobs.base import JobChanges, JobContext


def resummarize(ctx: JobContext, user_id: str) -> JobChanges:
    categories = ctx.engine.categories(user_id)
    dirty = [c.name for c in categories if c.dirty]
    if not dirty:
        return JobChanges()
    before = {c.name: c.summary_version for c in categories}
    updated = ctx.engine.refresh_categories(user_id, dirty, force=True)
    rewritten = [c.name for c in updated if c.summary_version != before.get(c.name)]
    return JobChanges(summaries_rewritten=sorted(rewritten))
