"""Thin Celery tasks: they take ids, the work is in services (portal.jobs)."""

from celery import shared_task

from portal.jobs import job_execute


@shared_task(name="portal.tasks.run_job")
def run_job(job_id: int) -> None:
    job_execute(job_id)


@shared_task(name="portal.tasks.scheduled_job")
def scheduled_job(kind: str) -> None:
    """Beat entry point: a scheduled job runs as the ministry, with no user."""
    from portal.jobs import job_start
    from portal.models import Authority, AuthorityLevel

    ministry = Authority.objects.get(level=AuthorityLevel.MINISTRY)
    job_start(kind=kind, user=None, authority=ministry)


@shared_task(name="portal.tasks.disable_dormant_accounts")
def disable_dormant_accounts() -> int:
    """Beat, nightly: accounts unused for ACCOUNT_DORMANT_DAYS are disabled."""
    from portal.services import accounts_disable_dormant

    return len(accounts_disable_dormant())
