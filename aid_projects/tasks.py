"""Thin Celery tasks of the aid_projects app: they take ids, the work is in ``aid_projects.jobs``."""

from celery import shared_task


@shared_task(name="aid_projects.tasks.rebuild_summaries")
def rebuild_summaries(list_id: int, at: str) -> None:
    """Rebuild the summaries a submission or decision changed, if no later one came meanwhile."""
    from aid_projects.jobs import rebuild_after

    rebuild_after(list_id, at)
