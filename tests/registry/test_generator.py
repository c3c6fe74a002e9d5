"""The benchmark generator writes valid, searchable organizations (COPY) and the command reports its indexes."""

import pytest
from django.core.management import call_command
from stdnum.cn import uscc

from registry.models import Organization
from registry.text import bigrams, name_key
from registry.validators import validate_code_matches_kind, validate_credit_code

pytestmark = pytest.mark.django_db


def test_generated_rows_are_valid_and_searchable(capsys):
    call_command("generate_organizations", count=300, seed=7, rebuild_indexes=False)
    orgs = list(Organization.objects.select_related("authority"))
    assert len(orgs) == 300 and len({o.credit_code for o in orgs}) == 300
    for org in orgs:
        validate_credit_code(org.credit_code)
        validate_code_matches_kind(org.credit_code, org.kind)
        assert uscc.is_valid(org.credit_code)
        assert org.search_bigrams == bigrams(name_key(org.name))
        assert org.status == "normal" or org.status_changed_on is not None
        assert org.province_code == org.authority.code[:2]
    assert "写入 300 个社会组织" in capsys.readouterr().out
    # a second run adds new codes, never a duplicate
    call_command("generate_organizations", count=50, seed=7, rebuild_indexes=False)
    assert Organization.objects.count() == 350
