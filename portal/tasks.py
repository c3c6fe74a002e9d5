"""Thin Celery tasks: they take ids, the work is in services (portal.jobs)."""

from celery import shared_task

from portal.jobs import job_execute


@shared_task(name="portal.tasks.run_job")
def run_job(job_id: int) -> None:
    job_execute(job_id)


@shared_task(name="portal.tasks.jobs_watchdog")
def jobs_watchdog(stale_after: float | None = None, unsent_after: float = 5) -> dict:
    """Beat, every minute: re-queue or fail jobs whose worker died; send jobs the broker missed."""
    from portal.jobs import jobs_watchdog as watchdog

    return watchdog(stale_after=stale_after, unsent_after=unsent_after)


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


@shared_task(name="portal.tasks.verify_audit_chain")
def verify_audit_chain() -> bool:
    """Beat, nightly: walk the audit log's hash chain; the result is itself an audit row."""
    from portal.audit import audit_chain_check

    return audit_chain_check().ok


@shared_task(name="portal.tasks.prune_page_notes")
def prune_page_notes() -> int:
    """Beat, every ten minutes: the write notes older than an hour that no kept page can need any more
    (portal/page_cache.py)."""
    from portal.page_cache import prune_notes

    return prune_notes()


@shared_task(name="portal.tasks.purge_audit_log")
def purge_audit_log() -> int:
    """Beat, nightly: rows older than AUDIT_RETENTION_DAYS (≥ 183) are deleted, and that is audited."""
    from portal.audit import audit_purge

    return audit_purge()
