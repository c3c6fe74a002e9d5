"""The published API schema states every status an operation can answer, with the error body's shape.

A drf-spectacular postprocessing hook (``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]``) adds, once
for every operation rather than per view:

- 400 — invalid input (fields, filters, business rules; a NUL byte or too many parameters anywhere);
- 403 — not logged in, no permission, CSRF (only operations that need a login);
- 404 — not found, or not in the caller's province (portal/scoping.py); a page number past the end;
- 409 — the object changed since it was read (a stale version), on writes;
- 429 — too many requests (portal.api.throttling), with ``Retry-After``;

each with the one error body ``错误`` (``portal.api.exceptions.exception_handler`` makes every error
that shape: ``detail`` in Chinese, and for invalid input one list of Chinese messages per field).
"""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

ERROR_COMPONENT = "错误"
ERROR_SCHEMA = {
    "type": "object",
    "description": "错误：detail 为中文说明；输入有误时另按字段列出中文错误（字段名 → 错误列表，嵌套字段为对象）。",
    "properties": {
        "detail": {"type": "string", "description": "中文说明"},
        "errors": {"description": "业务规则的补充信息"},
    },
    # field name → its Chinese errors (a list; an object for nested fields); a conflict adds the
    # current values (e.g. ``version``)
    "additionalProperties": {"description": "字段名 → 该字段的中文错误"},
}

ERRORS = {
    "400": "请求有误：字段、筛选条件或业务规则不符（含不允许的字符、参数过多）。",
    "403": "未登录、无此权限或 CSRF 校验失败。",
    "404": "未找到，或该对象不在您的管辖范围内（含超出末页的页码）。",
    "409": "冲突：对象已被他人修改，请重新读取后再提交。",
    "429": "请求过于频繁，请按 Retry-After 所示秒数后再试。",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}


def _error_response(description: str, status: str) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}},
    }
    if status == "429":
        response["headers"] = {"Retry-After": {"description": "几秒后可以再试", "schema": {"type": "integer"}}}
    return response


def _needs_login(operation: dict) -> bool:
    return any(requirement for requirement in operation.get("security", [{}]))


def add_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: the error statuses and the shared error body on every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            statuses = ["400", "404", "429"]
            if _needs_login(operation):
                statuses.append("403")
            if method in WRITE_METHODS:
                statuses.append("409")
            for status in statuses:
                operation["responses"].setdefault(status, _error_response(ERRORS[status], status))
            operation["responses"] = dict(sorted(operation["responses"].items()))
    return result


class PortalAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, saying what read-only choice fields really answer.

    DRF drops ``allow_blank`` from read-only model fields, so a blank choice column (``outcome`` of a
    case not yet decided, a lead's ``source_department``) was published as its enum alone while the
    API answers ``""``: the model field's ``blank`` puts ``""`` back into the published enum.
    """

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        if isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank:
            model = getattr(getattr(field.parent, "Meta", None), "model", None)
            name = (field.source or field.field_name or "").split(".")[0]
            try:
                model_field = model._meta.get_field(name) if model is not None else None
            except FieldDoesNotExist:
                model_field = None
            if model_field is not None and model_field.blank:
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)
