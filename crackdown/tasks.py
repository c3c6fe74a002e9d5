"""Thin Celery tasks of the crackdown app (the work is in services)."""

from celery import shared_task


@shared_task(name="crackdown.tasks.clear_report_ips")
def clear_report_ips() -> int:
    """Beat, nightly: named reports' submitting address is kept REPORT_IP_RETENTION_DAYS, then cleared."""
    from crackdown.services import report_ips_clear

    return report_ips_clear()
