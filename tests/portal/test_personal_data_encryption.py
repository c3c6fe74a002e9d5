"""Issue 8 point 9: personal data encrypted at rest (portal.crypto), searchable by a keyed hash.

Encrypted: 举报人 name, phone, e-mail, address; 线索 涉及人员 (reported persons: names, ID numbers,
contacts); 勾连人员 names; 联络员 mobiles.  A raw SELECT sees Fernet tokens, the ORM the plain text.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from aid_projects.models import Liaison
from crackdown.choices import LeadSource, LinkedPartyKind, LinkedPartyRole, TargetType
from crackdown.models import Informant, Lead, LinkedParty
from crackdown.roles import INFORMANT_READER
from crackdown.services import case_add_record, case_create, lead_create, public_report_create
from portal import crypto, embedded
from portal.audit import record_change, snapshot
from portal.models import AuditAction, AuditEntry
from tests.aid_projects.factories import make_campaign, make_liaison
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PERSONS = "王某某，身份证号 130102198001011234，电话 13712345678，住石家庄市长安区"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{table}" WHERE id = %s', [pk])
        return cursor.fetchone()[0]


def is_token(value: str) -> bool:
    return value.startswith("gAAAAA") and crypto.decrypt(value) != value


@pytest.fixture
def hebei_chief(db):
    """河北 staff with the 举报人信息查阅人 duty (view_informant)."""
    return make_user("hebei_chief", "130000", "省级工作人员", INFORMANT_READER)


@pytest.fixture
def reported(hebei_staff):
    lead = public_report_create(org_name="华夏复兴促进会", place="河北省石家庄市", description="收取会费",
                                informant={"name": "张三", "phone": "13912341111", "email": "zs@example.cn"})
    informant = lead.informant
    informant.address = "河北省石家庄市长安区建设北大街1号"
    informant.save()
    lead.persons = PERSONS
    lead.save()
    return lead


def test_a_raw_select_sees_ciphertext_and_the_model_the_plain_text(reported, hebei_staff):
    informant = reported.informant
    for column, plain in [("name", "张三"), ("phone", "13912341111"), ("email", "zs@example.cn"),
                          ("address", "河北省石家庄市长安区建设北大街1号")]:
        stored = raw("crackdown_informant", column, informant.pk)
        assert is_token(stored) and plain not in stored, column
    assert is_token(raw("crackdown_lead", "persons", reported.pk))
    assert "130102198001011234" not in raw("crackdown_lead", "persons", reported.pk)
    fresh = Informant.objects.get(pk=informant.pk)
    assert (fresh.name, fresh.phone, fresh.email) == ("张三", "13912341111", "zs@example.cn")
    assert Lead.objects.get(pk=reported.pk).persons == PERSONS
    # the phone's keyed hash is there, and is not the number either
    stored_hash = raw("crackdown_informant", "phone_hash", informant.pk)
    assert stored_hash == crypto.phone_digest("139-1234-1111") and "1391234" not in stored_hash


def test_linked_persons_and_liaison_mobiles_are_encrypted(hebei_staff):
    case = case_create(actor=hebei_staff, org_name="中华传统文化复兴研究院", target_type=TargetType.UNREGISTERED)
    party = case_add_record(case=case, actor=hebei_staff, record=LinkedParty(
        kind=LinkedPartyKind.PERSON, name="赵六", role=LinkedPartyRole.OTHER, action="约谈",
        handled_on=date(2025, 6, 1)))
    assert is_token(raw("crackdown_linkedparty", "name", party.pk))
    assert LinkedParty.objects.get(pk=party.pk).name == "赵六"
    liaison = make_liaison(make_campaign(), "540000", mobile="13908901234")
    assert is_token(raw("aid_projects_liaison", "mobile", liaison.pk))
    assert Liaison.objects.values_list("mobile", flat=True).get(pk=liaison.pk) == "13908901234"


def test_blank_values_stay_blank_and_only_blankness_can_be_queried(hebei_staff):
    lead = lead_create(actor=hebei_staff, org_name="某某联合会", source=LeadSource.PATROL)
    assert raw("crackdown_lead", "persons", lead.pk) == ""
    assert Lead.objects.filter(pk=lead.pk, persons="").exists()
    with pytest.raises(FieldError):
        Lead.objects.filter(persons__icontains="王").exists()
    with pytest.raises(FieldError):
        Informant.objects.filter(phone="13912341111").exists()


def test_masked_for_staff_and_revealed_in_full_with_the_duty(client, reported, hebei_staff, hebei_chief):
    client.force_login(hebei_staff)
    page = client.get(reverse("crackdown:lead-detail", args=[reported.pk])).content.decode()
    assert "张*" in page and "139****1111" in page and "13912341111" not in page
    client.force_login(hebei_chief)
    page = client.post(reverse("crackdown:lead-informant", args=[reported.pk])).content.decode()
    assert "张三" in page and "13912341111" in page
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_SENSITIVE, username="hebei_chief").exists()


def test_leads_are_found_by_the_informants_phone_only_by_those_who_may_see_informants(
        client, reported, hebei_staff, hebei_chief):
    other = public_report_create(org_name="另一个促进会", place="河北", description="",
                                 informant={"name": "李四", "phone": "13800001111"})
    client.force_login(hebei_chief)
    page = client.get(reverse("crackdown:lead-list"), {"informant_phone": "139 1234 1111"}).content.decode()
    assert reported.number in page and other.number not in page
    api = client.get("/api/crackdown/leads/", {"informant_phone": "+86 13912341111"}).json()
    assert [row["number"] for row in api["results"]] == [reported.number]
    assert client.get("/api/crackdown/leads/", {"informant_phone": "无号码"}).json()["results"] == []
    # without view_informant the filter is not there: the list is not narrowed by it
    client.force_login(hebei_staff)
    api = client.get("/api/crackdown/leads/", {"informant_phone": "13912341111"}).json()
    assert {reported.number, other.number} <= {row["number"] for row in api["results"]}


def test_liaisons_are_found_by_their_whole_mobile(client, xizang_staff):
    campaign = make_campaign()
    wanted = make_liaison(campaign, "540000", name="卓玛", mobile="13908901234")
    make_liaison(campaign, "540100", name="次仁", mobile="13908905678")
    client.force_login(xizang_staff)
    api = client.get("/api/aid/liaisons/", {"q": "139-0890-1234"}).json()
    assert [row["id"] for row in api["results"]] == [wanted.pk]
    page = client.get(reverse("aid_projects:liaison-list"), {"q": "13908901234"}).content.decode()
    assert "卓玛" in page and "次仁" not in page


def test_the_audit_log_keeps_a_fingerprint_not_the_value(reported, hebei_staff):
    informant = reported.informant
    before = snapshot(informant)
    informant.phone = "13700002222"
    after = snapshot(informant)
    entry = record_change(actor=hebei_staff, action=AuditAction.UPDATE, obj=informant, before=before, after=after)
    text = json.dumps([entry.before, entry.after], ensure_ascii=False)
    assert "13912341111" not in text and "13700002222" not in text and "张三" not in text
    assert entry.before["phone"].startswith("已加密·") and entry.before["phone"] != entry.after["phone"]


def test_rotation_reencrypts_every_value_with_the_newest_key(reported, settings):
    old_keys = list(settings.PORTAL_FIELD_KEYS)
    new_key = Fernet.generate_key().decode()
    liaison = make_liaison(make_campaign(), "540000", mobile="13908901234")
    with override_settings(PORTAL_FIELD_KEYS=[new_key, *old_keys]):
        call_command("rotate_field_keys", stdout=open(os.devnull, "w"))
    # the old keys can go: the new one alone reads everything
    with override_settings(PORTAL_FIELD_KEYS=[new_key]):
        assert Informant.objects.get(pk=reported.informant.pk).name == "张三"
        assert Lead.objects.get(pk=reported.pk).persons == PERSONS
        assert Liaison.objects.get(pk=liaison.pk).mobile == "13908901234"
    with pytest.raises(crypto.DecryptionFailed):
        Informant.objects.get(pk=reported.informant.pk)  # the old key alone no longer opens it
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, username="manage.py").latest("id")
    assert "密钥轮换" in entry.note and "crackdown.Informant" in entry.note


def test_rows_written_before_encryption_are_encrypted_by_the_migration_step(reported):
    """The data migrations call ``encrypt_existing``: plain rows become tokens, hashes are filled."""
    pk = reported.informant.pk
    with connection.cursor() as cursor:
        cursor.execute("UPDATE crackdown_informant SET name = %s, phone = %s, phone_hash = '' WHERE id = %s",
                       ["王五", "13600003333", pk])
    changed = crypto.encrypt_existing(connection, "crackdown_informant", ["name", "phone", "email", "address"],
                                      {"phone_hash": "phone"})
    assert changed == 1  # the other columns of the row were encrypted already and are left alone
    assert is_token(raw("crackdown_informant", "name", pk))
    informant = Informant.objects.get(pk=pk)
    assert (informant.name, informant.phone, informant.email) == ("王五", "13600003333", "zs@example.cn")
    assert informant.phone_hash == crypto.phone_digest("13600003333")
    crypto.decrypt_existing(connection, "crackdown_informant", ["name"])  # the way back (unapply)
    assert raw("crackdown_informant", "name", pk) == "王五"


def test_a_development_checkout_makes_its_keys_once_and_keeps_them_private(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "LOCAL_DIR", tmp_path)
    monkeypatch.setattr(embedded, "FIELD_KEYS_FILE", tmp_path / "field-keys.json")
    first = embedded.local_field_keys()
    assert embedded.local_field_keys() == first
    assert len(base64.urlsafe_b64decode(first["keys"][0])) == 32 and first["hash_key"]
    assert (tmp_path / "field-keys.json").stat().st_mode & 0o077 == 0
    Fernet(first["keys"][0].encode())  # a key the library takes


def test_the_real_user_keys_are_not_in_the_repository():
    import subprocess

    tracked = subprocess.run(["git", "ls-files", ".local"], capture_output=True, text=True,
                             cwd=embedded.BASE_DIR).stdout
    assert tracked == ""
    assert ".local/" in (embedded.BASE_DIR / ".gitignore").read_text().splitlines()

