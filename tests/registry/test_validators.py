"""统一社会信用代码 (GB 32100-2015): the check character, this register's prefixes 51/52/53/59, the kind."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from stdnum.cn import uscc

from registry.models import Organization
from registry.validators import validate_code_matches_kind, validate_credit_code

pytestmark = pytest.mark.django_db


def _code(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


@pytest.mark.parametrize("prefix", ["51", "52", "53", "59"])
def test_a_valid_civil_affairs_code_passes(prefix):
    code = _code(prefix + "540000MJ5400009")
    validate_credit_code(code)
    assert uscc.is_valid(code)


def test_a_wrong_check_character_is_refused():
    good = _code("51540000MJ5400009")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="统一社会信用代码无效"):
        validate_credit_code(bad)


def test_a_code_not_issued_by_civil_affairs_is_refused():
    with pytest.raises(ValidationError, match="以 5"):
        validate_credit_code(_code("91330000MA2XXXXX0"[:17]))


@pytest.mark.parametrize("prefix", ["54", "55", "58", "50"])
def test_a_civil_affairs_code_of_another_category_is_refused(prefix):
    code = _code(prefix + "540000MJ5400009")
    assert uscc.is_valid(code)
    with pytest.raises(ValidationError, match="51、52、53 或 59"):
        validate_credit_code(code)


@pytest.mark.parametrize("kind,digit", [("social_group", "1"), ("service_org", "2"), ("foundation", "3"),
                                        ("other", "9")])
def test_the_second_character_agrees_with_the_kind(kind, digit):
    validate_code_matches_kind(_code(f"5{digit}540000MJ5400009"), kind)
    wrong = "1" if digit != "1" else "2"
    with pytest.raises(ValidationError, match="与类型"):
        validate_code_matches_kind(_code(f"5{wrong}540000MJ5400009"), kind)


def test_credit_code_is_validated_on_the_model(tibet_org):
    tibet_org.credit_code = tibet_org.credit_code[:-1] + ("0" if tibet_org.credit_code[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="统一社会信用代码无效"):
        tibet_org.full_clean()


def test_a_foundation_code_on_a_social_group_is_refused_by_the_model_and_the_database(tibet_org):
    tibet_org.credit_code = _code("53540000MJ5400001")
    with pytest.raises(ValidationError) as exc:
        tibet_org.full_clean()
    assert "与类型" in str(exc.value.message_dict["credit_code"])
    # the database holds the rule too (a bulk import cannot slip past it)
    with pytest.raises(IntegrityError, match="organization_credit_code_matches_kind"), transaction.atomic():
        Organization.objects.filter(pk=tibet_org.pk).update(credit_code=_code("53540000MJ5400001"))
