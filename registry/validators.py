from django.core.exceptions import ValidationError
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from registry.choices import CREDIT_CODE_CATEGORY, CREDIT_CODE_PREFIXES, OrgKind


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015), check character included; this register's codes start with 51/52/53/59."""
    try:
        code = uscc.validate(value)
    except StdnumError:
        raise ValidationError("统一社会信用代码无效（应为 18 位，末位为校验码）。", code="invalid_uscc") from None
    if code[0] != "5":
        raise ValidationError("社会组织的统一社会信用代码应以 5（民政部门登记）开头。", code="not_civil_affairs")
    if code[:2] not in CREDIT_CODE_PREFIXES:
        raise ValidationError("社会组织的统一社会信用代码应以 51、52、53 或 59 开头。", code="bad_category")


def validate_code_matches_kind(code: str, kind: str) -> None:
    """The second character of the code is the kind: 社会团体 1, 社会服务机构 2, 基金会 3, 其他 9."""
    expected = CREDIT_CODE_CATEGORY.get(kind)
    if expected and code and len(code) >= 2 and code[1] != expected:
        raise ValidationError(
            f"统一社会信用代码第二位为 {code[1]}，与类型“{OrgKind(kind).label}”（应为 {expected}）不符。",
            code="kind_mismatch")
