"""The bulk import's two slow steps as jobs on the worker (issue 10, point 5): reading a file into its
preview, and committing a checked preview (all or nothing, ``services.import_commit``).

A small file is still read and committed in the request (``REGISTRY_IMPORT_INLINE_BYTES`` /
``REGISTRY_IMPORT_INLINE_ROWS``); a larger one is handed to these jobs and the import page polls.

Who reads the job: the import's own rule — users of the import's authority's area who may import
(``permissions=``), the ministry included; another province sees neither the import nor its job (404).
"""

from __future__ import annotations

import threading
import time

from portal.jobs import JobFailed, JobRun, job_handler
from portal.models import Job
from portal.services import ApplicationError
from registry.choices import ImportStatus
from registry.models import OrganizationImport

PREVIEW_KIND = "registry_import_preview"
COMMIT_KIND = "registry_import_commit"
IMPORT_PERMISSIONS = ("registry.add_organizationimport", "registry.add_organization")


def import_job(run: OrganizationImport) -> Job | None:
    """The newest preview or commit job of an import (what its page shows the progress of)."""
    return Job.objects.filter(kind__in=(PREVIEW_KIND, COMMIT_KIND), params__import=run.pk).order_by("-id").first()


class OutsideProgress:
    """Progress written on a connection of its own: the commit runs in one transaction, so ``JobRun.progress``
    (written on the handler's connection) would stay invisible, and hold the job row locked, until it ends."""

    EVERY = 0.5  # seconds

    def __init__(self, job: Job):
        self.job = job
        self._last = 0.0

    def _write(self, done: int, total: int) -> None:
        from django.db import connection
        from django.utils import timezone

        try:
            Job.objects.filter(pk=self.job.pk).update(done=done, total=total, heartbeat_at=timezone.now())
        finally:
            connection.close()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < self.EVERY:
            return
        self._last = now
        self.job.done, self.job.total = done, total
        writer = threading.Thread(target=self._write, args=(done, total), name=f"job{self.job.pk}-progress")
        writer.start()
        writer.join()


def _run_of(run: JobRun) -> OrganizationImport:
    job = run.job
    imp = OrganizationImport.objects.filter(pk=job.params.get("import")).first()
    if imp is None or job.created_by is None:
        raise JobFailed("该导入不存在。")
    return imp


@job_handler(PREVIEW_KIND, "检查导入文件", permissions=IMPORT_PERMISSIONS)
def import_preview_job(run: JobRun) -> None:
    from registry import services

    imp = _run_of(run)
    try:
        imp = services.import_parse(actor=run.job.created_by, run=imp, progress=OutsideProgress(run.job))
    except ApplicationError as exc:
        raise JobFailed(exc.message) from None
    run.job.message = f"检查完毕：{imp.row_count} 行，错误 {imp.error_count} 处。"


@job_handler(COMMIT_KIND, "导入社会组织", permissions=IMPORT_PERMISSIONS)
def import_commit_job(run: JobRun) -> None:
    """One transaction: any failure (a row that no longer passes, a bug, the worker's time limit) rolls the
    whole file back and the import is 待确认 again."""
    from registry import services

    imp = _run_of(run)
    try:
        added = services.import_commit(actor=run.job.created_by, run=imp, progress=OutsideProgress(run.job),
                                       statuses=(ImportStatus.COMMITTING, ImportStatus.PREVIEW))
    except BaseException as exc:
        OrganizationImport.objects.filter(pk=imp.pk, status=ImportStatus.COMMITTING).update(
            status=ImportStatus.PREVIEW)
        if isinstance(exc, ApplicationError):
            raise JobFailed(exc.message) from None
        raise
    unit = "个社会组织" if imp.kind == "organization" else "条记录"
    run.job.message = f"已导入 {added} {unit}。"
