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
import signal
import tempfile
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.models import Job, JobStatus, job_result_path

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
    # A run longer than soft_time_limit seconds is stopped and the job fails saying so; the worker
    # kills a run that outlives time_limit (the watchdog then re-queues it).
    soft_time_limit: int = 0
    time_limit: int = 0
    # Runs that hit a transient error (database or broker connection lost) are retried this many
    # times, waiting RETRY_BACKOFF × 2^(n-1) seconds; any other error fails the job at once.
    retries: int = 0
    # Does this job's file carry personal data (a callable given the job)?  Then each download is
    # stamped with the downloading user and time and audited as an export (JobDownloadView).
    personal_data: Callable | None = None
    # Read by the user who started it alone (its row, progress and file), whatever the others hold:
    # a list export holds the rows its owner's permissions and area chose (portal/list_export.py).
    owner_only: bool = False

    @property
    def soft_minutes(self) -> int:
        return max(1, round(self.soft_time_limit / 60))

    def carries_personal_data(self, job) -> bool:
        return bool(self.personal_data and self.personal_data(job))


REGISTRY: dict[str, JobKind] = {}

RETRY_BACKOFF = 30  # seconds before the first retry of a transient error; doubled each time


def job_handler(kind: str, title: str, *, permissions: tuple[str, ...], soft_time_limit: int | None = None,
                time_limit: int | None = None, retries: int = 2, personal_data: Callable | None = None,
                owner_only: bool = False):
    """Register a job kind.  ``soft_time_limit`` / ``time_limit`` default to the settings
    JOB_SOFT_TIME_LIMIT / JOB_TIME_LIMIT; ``retries`` counts retries of transient errors only."""

    def register(func):
        soft = soft_time_limit or settings.JOB_SOFT_TIME_LIMIT
        REGISTRY[kind] = JobKind(kind=kind, title=title, handler=func, permissions=tuple(permissions),
                                 soft_time_limit=soft, time_limit=max(time_limit or settings.JOB_TIME_LIMIT, soft + 30),
                                 retries=retries, personal_data=personal_data, owner_only=owner_only)
        return func

    return register


class JobTimeLimit(Exception):
    """Raised in the running handler when its kind's soft time limit has passed."""


def _transient_errors() -> tuple[type[BaseException], ...]:
    from django.db import InterfaceError, OperationalError

    errors: list[type[BaseException]] = [OperationalError, InterfaceError, ConnectionError, TimeoutError]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        errors += [RedisConnectionError, RedisTimeoutError]
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


class _SoftLimit:
    """The kind's soft time limit in the worker's main thread (solo pool and prefork children alike):
    SIGALRM raises JobTimeLimit inside the handler.  Celery's own soft limit (prefork) is passed too."""

    def __init__(self, seconds: int):
        self.seconds = seconds
        self.armed = seconds > 0 and threading.current_thread() is threading.main_thread()

    def _expired(self, signum, frame):
        raise JobTimeLimit()

    def __enter__(self):
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, self._expired)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


def readable_kinds(user) -> list[str]:
    """The job kinds whose output ``user`` may read (``Job.objects.restrict`` uses it); an owner-only
    kind is not among them: ``owned_q`` adds the user's own jobs of those kinds."""
    return [kind for kind, spec in REGISTRY.items() if not spec.owner_only and user.has_perms(spec.permissions)]


def owner_only_kinds() -> list[str]:
    return [kind for kind, spec in REGISTRY.items() if spec.owner_only]


def owned_q(user) -> Q:
    """The user's own jobs of the owner-only kinds (a list export): theirs to read, nobody else's."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(kind__in=owner_only_kinds(), created_by=user)


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
            Job.objects.filter(pk=self.job.pk).update(done=self.job.done, total=max(self.job.total, self.job.done),
                                                      heartbeat_at=timezone.now())
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
    """Create the job row and queue it once the surrounding transaction commits.

    The row is the outbox: if the broker cannot be reached the job stays 排队中 with no ``sent_at``
    and ``jobs_watchdog`` (beat, every minute) sends it once the broker is back.
    """
    from portal.audit import record_change
    from portal.models import AuditAction

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
    transaction.on_commit(lambda: job_send(job))
    return job


BROKER_DOWN_MESSAGE = "后台任务暂不可用，恢复后自动执行"


def job_send(job: Job, *, countdown: float = 0) -> bool:
    """Put the job's message on the broker; False (and the row says why) when the broker is down.

    Sending twice is harmless: a run first claims the job (``job_execute``), so a second message
    for the same job finds it claimed or finished and does nothing.
    """
    from portal.tasks import run_job

    spec = REGISTRY.get(job.kind)
    limits = {"soft_time_limit": spec.soft_time_limit, "time_limit": spec.time_limit} if spec else {}
    try:
        run_job.apply_async((job.pk,), queue=settings.JOB_QUEUE, countdown=countdown or None, **limits,
                            retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2})
    except Exception as exc:  # kombu's OperationalError, redis' ConnectionError, a DNS failure …
        logger.warning("job %s not sent, broker unreachable: %s", job.pk, exc)
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(message=BROKER_DOWN_MESSAGE)
        job.message = BROKER_DOWN_MESSAGE
        return False
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(sent_at=now)
    Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED, message=BROKER_DOWN_MESSAGE).update(message="")
    job.sent_at = now
    return True


def _claim(job_id: int) -> int | None:
    """Take the job for this run: the new attempt number, or None when it is not ours to run.

    A job is runnable when it is queued, or running with a heartbeat older than the stale limit
    (its worker died and the watchdog has not seen it yet).  The conditional UPDATE makes two
    deliveries of one job's message run it once.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS)
    runnable = Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale,
                                              attempts__lt=settings.JOB_MAX_ATTEMPTS)
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(runnable, pk=job_id).first()
        if job is None:
            return None
        attempt = job.attempts + 1
        Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started=job.started or now,
                                             heartbeat_at=now, attempts=attempt)
    return attempt


class _Heartbeat(threading.Thread):
    """Writes heartbeat_at every JOB_HEARTBEAT_SECONDS while a handler runs (it dies with the worker)."""

    def __init__(self, job_id: int, attempt: int):
        super().__init__(name=f"job{job_id}-heartbeat", daemon=True)
        self.job_id, self.attempt = job_id, attempt
        self.stopped = threading.Event()

    def run(self):
        from django.db import connection

        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                Job.objects.filter(pk=self.job_id, attempts=self.attempt).update(heartbeat_at=timezone.now())
        except Exception:  # the database went away: the watchdog will see the silence
            logger.exception("heartbeat of job %s stopped", self.job_id)
        finally:
            connection.close()


def _remove_orphan_files(job: Job) -> None:
    """A run killed between storing its result and recording it leaves a file no row names: the next
    attempt removes it, so a job re-run after a lost worker ends with its one result file."""
    folder = job_result_path(job, "").rstrip("/")
    kept = {f.name for f in (job.result_file, job.input_file) if f}
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        path = f"{folder}/{name}"
        if path not in kept:
            default_storage.delete(path)
            logger.info("job %s: removed %s left by an earlier attempt", job.pk, path)


def job_execute(job_id: int) -> None:
    """Run one job (called by the Celery task).  Never raises for a handler error.

    Idempotent by job id: a message for a job that is finished, or running elsewhere with a live
    heartbeat, does nothing; only the latest claim may write the outcome.
    """
    attempt = _claim(job_id)
    if attempt is None:
        logger.info("job %s already claimed or finished: message ignored", job_id)
        return
    job = Job.objects.select_related("authority", "created_by").get(pk=job_id)
    job.message = ""  # a re-queued job's 「已重新排队」 note gives way to this run's outcome
    if attempt > 1:
        _remove_orphan_files(job)
    run = JobRun(job)
    spec = REGISTRY[job.kind]
    heartbeat = _Heartbeat(job.pk, attempt)
    heartbeat.start()
    retry_in = 0
    try:
        with _SoftLimit(spec.soft_time_limit):
            spec.handler(run)
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
    except (JobTimeLimit, SoftTimeLimitExceeded):
        job.status = JobStatus.FAILED
        job.message = TIME_LIMIT_MESSAGE.format(minutes=spec.soft_minutes)
    except _transient_errors() as exc:
        logger.warning("job %s (%s): transient error on attempt %s: %s", job.pk, job.kind, attempt, exc)
        if attempt <= spec.retries and attempt < settings.JOB_MAX_ATTEMPTS:
            retry_in = RETRY_BACKOFF * 2 ** (attempt - 1)
            job.status = JobStatus.QUEUED
            job.message = RETRY_MESSAGE.format(error=exc.__class__.__name__, seconds=retry_in, attempt=attempt + 1)
        else:
            job.status = JobStatus.FAILED
            job.message = f"任务运行出错（暂时性错误，已重试 {attempt - 1} 次）：{exc.__class__.__name__}: {exc}"
    except Exception as exc:  # a bug or a broken input: the job fails, the worker lives on
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        job.status = JobStatus.FAILED
        job.message = f"任务运行出错：{exc.__class__.__name__}: {exc}"
        job.errors.append({"row": None, "field": "", "message": traceback.format_exc(limit=3)[-2000:]})
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
        run.cleanup()
    job.heartbeat_at = timezone.now()
    job.finished = None if retry_in else job.heartbeat_at
    fields = ["status", "done", "total", "message", "errors", "result_file", "result_name", "finished",
              "heartbeat_at"]
    with transaction.atomic():
        # only the run holding the latest claim writes the outcome (a run the watchdog gave up on
        # and that came back to life does not overwrite the one that replaced it)
        if not Job.objects.select_for_update().filter(pk=job.pk, attempts=attempt,
                                                      status=JobStatus.RUNNING).exists():
            logger.warning("job %s: attempt %s lost its claim, outcome discarded", job.pk, attempt)
            if job.result_file:
                job.result_file.delete(save=False)
            return
        if retry_in:
            job.sent_at = None
            fields.append("sent_at")
        job.save(update_fields=fields)
        if retry_in:
            transaction.on_commit(lambda: job_send(job, countdown=retry_in))


TIME_LIMIT_MESSAGE = "任务超过时限（{minutes} 分钟）已停止，未生成文件；请缩小范围后重新发起"
RETRY_MESSAGE = "暂时性错误（{error}），{seconds} 秒后自动第 {attempt} 次运行"
REQUEUED_MESSAGE = "工作进程中断（第 {attempt} 次运行未完成），任务已重新排队"
GAVE_UP_MESSAGE = "工作进程已中断 {attempt} 次，任务终止；请检查数据后重新发起"


def jobs_watchdog(*, stale_after: float | None = None, unsent_after: float = 5) -> dict[str, int]:
    """Beat, every minute: re-queue (or, after JOB_MAX_ATTEMPTS, fail) running jobs whose worker
    stopped heartbeating, and send queued jobs whose message never reached the broker."""
    stale_after = settings.JOB_HEARTBEAT_STALE_SECONDS if stale_after is None else stale_after
    now = timezone.now()
    requeued = failed = sent = 0
    stale = Job.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=now - timedelta(seconds=stale_after)) | Q(heartbeat_at__isnull=True))
    for job_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            job = stale.select_for_update().filter(pk=job_id).first()
            if job is None:
                continue
            if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                job.status, job.finished = JobStatus.FAILED, now
                job.message = GAVE_UP_MESSAGE.format(attempt=job.attempts)
                job.save(update_fields=["status", "finished", "message"])
                failed += 1
                continue
            job.status, job.sent_at = JobStatus.QUEUED, None
            job.message = REQUEUED_MESSAGE.format(attempt=job.attempts)
            job.save(update_fields=["status", "sent_at", "message"])
            logger.warning("job %s: heartbeat stale since %s, re-queued", job.pk, job.heartbeat_at)
            requeued += 1
            transaction.on_commit(lambda job=job: job_send(job))
    unsent = Job.objects.filter(status=JobStatus.QUEUED, sent_at__isnull=True,
                                created__lt=now - timedelta(seconds=unsent_after))
    for job in unsent:
        sent += job_send(job)
    return {"requeued": requeued, "failed": failed, "sent": sent}


def latest_result(kind: str, authority, params_match: dict | None = None) -> Job | None:
    """The newest succeeded job of this kind for this authority: the file to offer for download."""
    qs = Job.objects.filter(kind=kind, authority=authority, status=JobStatus.SUCCEEDED).exclude(result_file="")
    for key, value in (params_match or {}).items():
        qs = qs.filter(**{f"params__{key}": value})
    return qs.order_by("-finished", "-id").first()
