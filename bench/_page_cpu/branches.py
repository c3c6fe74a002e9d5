# ruff: noqa  (a measurement helper of issue 17, kept as it was run; see docs/BENCHMARKS.md)
"""Rows in bench_load for the table cells' branches the demo data lacks (branch i17p): pairings edited in the
browser (by a user, by one since deleted), HTML and quotes in a source note and an area label, a list
submitted late, jobs with a percentage.  Run once before both page dumps:

    .venv/bin/python bench/_page_cpu/branches.py ENVFILE
"""
import datetime
import json
import os
import sys
from pathlib import Path

env = json.load(open(sys.argv[1]))
for key, value in env.items():
    if key not in ("PATH", "HOME"):
        os.environ[key] = value
os.environ.pop("TEST_DB_NAME", None)
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import django

django.setup()
from django.utils import timezone

from aid_projects.models import AidList, Pairing
from portal.models import Job, JobStatus, User

ministry = User.objects.get(username="bu_staff")
first = list(Pairing.objects.order_by("program", "recipient_province__code", "aiding_authority__code", "id")[:4])
first[0].edited_by, first[0].edited_at = ministry, timezone.now()
first[1].edited_by, first[1].edited_at = None, datetime.datetime(2026, 3, 1, 17, 30, tzinfo=datetime.UTC)
first[2].source_note = '<script>alert("x")</script> & \'引号\''
first[3].recipient_area, first[3].recipient_area_label = None, '阿里<地区>"'
for pairing in first:
    pairing.save()
late = AidList.objects.filter(status="submitted").order_by("pk").first()
late.submitted_at = late.due + datetime.timedelta(days=5)  # after its deadline: 逾期
late.submitted_at = datetime.datetime.combine(late.submitted_at, datetime.time(11), tzinfo=datetime.UTC)
late.save(update_fields=["submitted_at"])
owner = User.objects.get(username="xz_staff")
for n, (status, total, done) in enumerate([(JobStatus.SUCCEEDED, 0, 0), (JobStatus.RUNNING, 3, 1),
                                           (JobStatus.FAILED, 1000, 999)]):
    # a list export: the owner's to read
    Job.objects.create(kind="list_export", title=f"i17p <任务> {n}", status=status, total=total, done=done,
                       created_by=owner, authority=owner.authority)
print("late list", late.pk, late.is_late)
