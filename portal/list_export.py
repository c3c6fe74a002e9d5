"""导出 Excel of every list (issue 12 point 2): exactly the filtered rows, the table's columns, audited.

A list of at most ``LIST_EXPORT_JOB_ROWS`` rows is written at once in the request; a longer one runs as
a ``list_export`` job on the worker with progress, and the user is sent to the job page.  The job
rebuilds the same view from the list's path and query string as the user who asked for it (the
same filterset, sort, scope and permissions, checked again when it runs), so the workbook holds
the rows that user's list shows and no other.  Its row, progress and file are the owner's alone
(``owner_only``): the rows were chosen by that user's permissions and area.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.encoding import force_str

EXPORT_PARAM = "export"
EXPORT_JOB_KIND = "list_export"
PROGRESS_EVERY_ROWS = 500


def job_threshold() -> int:
    """Above this many filtered rows the export runs as a job (setting ``LIST_EXPORT_JOB_ROWS``)."""
    return int(getattr(settings, "LIST_EXPORT_JOB_ROWS", 2000))


def max_rows() -> int:
    """More than this many rows: the user is asked to narrow the filter (``LIST_EXPORT_MAX_ROWS``)."""
    return int(getattr(settings, "LIST_EXPORT_MAX_ROWS", 200000))


def export_columns(table) -> list:
    """The columns an export writes, in order: those ``Table.as_values`` writes."""
    return [column for column in table.columns.iterall() if not column.column.exclude_from_export]


def export_values(table, *, on_row=None):
    """The header row, then one row of cell values per record, as ``Table.as_values`` gives them;
    a queryset is read in chunks (``iterator``), so a long list is not held in memory whole."""
    from django_tables2.data import TableQuerysetData
    from django_tables2.rows import BoundRow

    columns = export_columns(table)
    yield [force_str(column.header, strings_only=True) for column in columns]
    data = table.data
    records = data.data if isinstance(data, TableQuerysetData) else data
    if isinstance(records, QuerySet):
        records = records.iterator(chunk_size=2000)
    for done, record in enumerate(records, start=1):
        row = BoundRow(record, table=table)
        yield [force_str(row.get_cell_value(column.name), strings_only=True) for column in columns]
        if on_row is not None:
            on_row(done)


def conditions_text(filterset) -> str:
    """The filter as the audit row says it: 「名称=华夏，状态=pending」, or 无."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", None) or {}
    return "，".join(f"{form.fields[k].label}={v}" for k, v in cleaned.items()
                    if k in form.fields and v not in (None, "", [])) or "无"


def export_note(title: str, count: int, filterset, *, job=None) -> str:
    note = f"导出“{title}” {count} 条（筛选条件：{conditions_text(filterset)}）"
    if job is not None:
        note += f"，后台任务 #{job.pk}"
    return note[:2000]


def query_without_export(query: QueryDict) -> str:
    query = query.copy()
    query.pop(EXPORT_PARAM, None)
    query.pop("page", None)
    return query.urlencode()


class ExportRefused(Exception):
    """The list cannot be exported as asked (a wrong filter, the permission gone): the Chinese reason."""


def rebuild_list_view(path: str, query: str, user):
    """The list view at ``path`` set up for ``user`` with the query string ``query``, as the request
    that asked for the export had it (on the worker: no request of its own)."""
    from django.urls import Resolver404, resolve

    from portal.views.generic import ScopedListView

    try:
        match = resolve(path)
    except Resolver404:
        raise ExportRefused("该列表已不存在，无法导出。") from None
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, ScopedListView):
        raise ExportRefused("该页面不是可导出的列表。")
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "QUERY_STRING": query,
                    "REQUEST_METHOD": "GET"}
    request.user = user
    request.htmx = False
    view = view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    if not (user.is_active and view.has_permission()) or not view.exportable:
        raise ExportRefused("发起人已无查看该列表的权限，未生成文件。")
    return view


def write_workbook(title: str, table, target, *, on_row=None) -> None:
    """The export workbook (``portal.excel.write_table_xlsx``'s form) written to ``target``."""
    from portal.excel import write_table_xlsx

    buffer = write_table_xlsx(title, export_values(table, on_row=on_row))
    with open(target, "wb") as fh:
        fh.write(buffer.getbuffer())


def export_filename(title: str) -> str:
    from django.utils import timezone

    return f"{title}-{timezone.localdate():%Y%m%d}.xlsx"


def list_export_start(*, actor, path: str, query: QueryDict, title: str, count: int, filterset):
    """Start the export of a long list as a job, audited as an export now (who asked, from where, how
    many rows and which filter), as the immediate export is."""
    from django.db import transaction

    from portal.audit import record_change
    from portal.crypto import encrypt
    from portal.jobs import job_start
    from portal.models import AuditAction

    with transaction.atomic():
        job = job_start(kind=EXPORT_JOB_KIND, user=actor, authority=actor.authority,
                        # the filter may name a person (举报人电话): kept encrypted like the personal data it finds
                        params={"path": path, "query": encrypt(query.urlencode()), "title": title, "count": count},
                        title=f"导出“{title}”")
        record_change(actor=actor, action=AuditAction.EXPORT, obj=job,
                      note=export_note(title, count, filterset, job=job))
    return job


def list_export_run(run) -> None:
    """The ``list_export`` job: the list rebuilt as its owner sees it, written row by row with progress."""
    from portal.crypto import DecryptionFailed, decrypt
    from portal.jobs import JobFailed

    job = run.job
    user = job.created_by
    if user is None:
        raise JobFailed("发起人账号已不存在，未生成文件。")
    try:
        query = decrypt(job.params.get("query", ""))
    except DecryptionFailed:
        raise JobFailed("筛选条件无法解密（密钥已更换），请重新导出。") from None
    try:
        view = rebuild_list_view(job.params.get("path", ""), query, user)
        _filterset, table = view.export_table()
    except ExportRefused as exc:
        raise JobFailed(str(exc)) from None
    total = len(table.data)
    run.set_total(total)
    title = job.params.get("title") or view.get_title()
    written = 0

    def on_row(done):
        nonlocal written
        written = done
        if done % PROGRESS_EVERY_ROWS == 0:
            run.progress(done)

    write_workbook(title, table, run.result_file(export_filename(title)), on_row=on_row)
    job.message = f"已导出 {written} 条"
