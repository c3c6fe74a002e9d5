"""Background jobs: a ``Job`` row created by ``job_start`` and run by one thin Celery task.

A job kind is a function registered with ``@job_handler("kind")``; it receives a ``JobRun`` to
report progress and errors and to hand over its result file.  The result is written to a temporary
file and attached only when the handler returns, so a failed run leaves the last good result of the
same kind and authority in place (``latest_result``).

A kind names the permissions its output needs (``permissions=``): a job, its progress and its file
are seen only by users of the job's authority's area who hold them (``Job.objects.restrict``).
"""

from __future__ import annotations

import logging
import os
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from portal.models import Job, JobStatus

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobKind:
    kind: str
    title: str
    handler: Callable
    # What a reader of the job (its row, progress, result file) must hold: the permissions that
    # reading the data it is built from needs.  Administrators hold none of the data permissions,
    # so they cannot read personal data through a job (三权分立).
    permissions: tuple[str, ...]
    # Does this job's file carry personal data (a callable given the job)?  Then each download is
    # stamped with the downloading user and time and audited as an export (JobDownloadView).
    personal_data: Callable | None = None

    def carries_personal_data(self, job) -> bool:
        return bool(self.personal_data and self.personal_data(job))


REGISTRY: dict[str, JobKind] = {}


def job_handler(kind: str, title: str, *, permissions: tuple[str, ...], personal_data: Callable | None = None):
    def register(func):
        REGISTRY[kind] = JobKind(kind=kind, title=title, handler=func, permissions=tuple(permissions),
                                 personal_data=personal_data)
        return func

    return register


def readable_kinds(user) -> list[str]:
    """The job kinds whose output ``user`` may read (``Job.objects.restrict`` uses it)."""
    return [kind for kind, spec in REGISTRY.items() if user.has_perms(spec.permissions)]


class JobFailed(Exception):
    """Raised by a handler to fail its job with a message the user reads (in Chinese)."""


class JobRun:
    """What a handler sees: the job, progress reporting, and a place to write its result."""

    PROGRESS_EVERY = 0.5  # seconds between progress writes

    def __init__(self, job: Job):
        self.job = job
        self._last_write = 0.0
        self._tmpdir = tempfile.TemporaryDirectory(prefix=f"job{job.pk}-")
        self.result_path: str | None = None
        self.result_name: str = ""

    def set_total(self, total: int) -> None:
        self.job.total = total
        Job.objects.filter(pk=self.job.pk).update(total=total)

    def progress(self, done: int, *, force: bool = False) -> None:
        import time

        self.job.done = min(done, self.job.total) if self.job.total else done
        now = time.monotonic()
        if force or now - self._last_write >= self.PROGRESS_EVERY:
            Job.objects.filter(pk=self.job.pk).update(done=self.job.done, total=max(self.job.total, self.job.done))
            self._last_write = now

    def add_error(self, *, row=None, field: str = "", message: str) -> None:
        self.job.errors.append({"row": row, "field": field, "message": message})

    def result_file(self, name: str) -> str:
        """A temporary path to write the result to; attached to the job when the handler returns."""
        self.result_name = name
        self.result_path = os.path.join(self._tmpdir.name, "result" + os.path.splitext(name)[1])
        return self.result_path

    def cleanup(self):
        self._tmpdir.cleanup()


def job_start(*, kind: str, user, authority, params: dict | None = None, title: str = "") -> Job:
    """Create the job row and queue it once the surrounding transaction commits."""
    from portal.audit import record_change
    from portal.models import AuditAction
    from portal.tasks import run_job

    if kind not in REGISTRY:
        raise KeyError(f"未知的任务类型：{kind}")
    job = Job.objects.create(
        kind=kind,
        title=title or REGISTRY[kind].title,
        params=params or {},
        created_by=user if user is not None and user.is_authenticated else None,
        authority=authority,
    )
    record_change(actor=user, action=AuditAction.CREATE, obj=job, note=f"发起后台任务：{job.title}")
    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def job_execute(job_id: int) -> None:
    """Run one job (called by the Celery task).  Never raises for a handler error."""
    job = Job.objects.select_related("authority", "created_by").get(pk=job_id)
    if job.is_finished:
        return  # a redelivered message for a finished job
    job.status = JobStatus.RUNNING
    job.started = timezone.now()
    job.save(update_fields=["status", "started"])
    run = JobRun(job)
    try:
        REGISTRY[job.kind].handler(run)
        if run.result_path:
            with open(run.result_path, "rb") as fh:
                job.result_file.save(run.result_name, File(fh), save=False)
            job.result_name = run.result_name
        job.status = JobStatus.SUCCEEDED
        job.done = job.total
        if not job.message:
            job.message = "已完成"
    except JobFailed as exc:
        job.status = JobStatus.FAILED
        job.message = str(exc)
    except Exception as exc:  # a bug or a broken input: the job fails, the worker lives on
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status = JobStatus.FAILED
        job.message = f"任务运行出错：{exc.__class__.__name__}: {exc}"
        job.errors.append({"row": None, "field": "", "message": traceback.format_exc(limit=3)[-2000:]})
    finally:
        run.cleanup()
    job.finished = timezone.now()
    job.save()


def latest_result(kind: str, authority, params_match: dict | None = None) -> Job | None:
    """The newest succeeded job of this kind for this authority: the file to offer for download."""
    qs = Job.objects.filter(kind=kind, authority=authority, status=JobStatus.SUCCEEDED).exclude(result_file="")
    for key, value in (params_match or {}).items():
        qs = qs.filter(**{f"params__{key}": value})
    return qs.order_by("-finished", "-id").first()
