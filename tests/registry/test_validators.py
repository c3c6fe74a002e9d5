"""统一社会信用代码 (GB 32100-2015): the check character, and civil-affairs codes beginning with 5."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc

from registry.validators import validate_credit_code

pytestmark = pytest.mark.django_db


def _code(body17: str) -> str:
    return body17 + uscc.calc_check_digit(body17)


def test_a_valid_civil_affairs_code_passes():
    validate_credit_code(_code("51540000MJ5400009"))
    assert uscc.is_valid(_code("51540000MJ5400009"))


def test_a_wrong_check_character_is_refused():
    good = _code("51540000MJ5400009")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="统一社会信用代码无效"):
        validate_credit_code(bad)


def test_a_code_not_issued_by_civil_affairs_is_refused():
    with pytest.raises(ValidationError, match="以 5"):
        validate_credit_code(_code("91330000MA2XXXXX0"[:17]))


def test_credit_code_is_validated_on_the_model(tibet_org):
    tibet_org.credit_code = tibet_org.credit_code[:-1] + ("0" if tibet_org.credit_code[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="统一社会信用代码无效"):
        tibet_org.full_clean()
