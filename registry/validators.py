from django.core.exceptions import ValidationError
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015), check character included; civil-affairs codes start with 5."""
    try:
        code = uscc.validate(value)
    except StdnumError:
        raise ValidationError("统一社会信用代码无效（应为 18 位，末位为校验码）。", code="invalid_uscc") from None
    if code[0] != "5":
        raise ValidationError("社会组织的统一社会信用代码应以 5（民政部门登记）开头。", code="not_civil_affairs")
