import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from portal.services import ApplicationError


class ServiceRefusal(exceptions.APIException):
    """An ``ApplicationError`` as DRF sees it: the error's own status and body (``ApplicationError.as_data``)."""

    def __init__(self, error: ApplicationError):
        self.status_code = error.status
        self.detail = error.as_data()


def exception_handler(exc, context):
    """The one place the API maps errors to statuses.

    A broken business rule (``ApplicationError``) answers its ``status`` — 400, or 409 for a stale
    version (``StaleVersion``) — with the Chinese message as ``detail``; model validation answers 400.
    """
    if isinstance(exc, ApplicationError):
        exc = ServiceRefusal(exc)
    elif isinstance(exc, Http404):  # Django's message names the model in English ("No AidItem matches …")
        exc = exceptions.NotFound("未找到。请检查地址，或该对象不在您的管辖范围内。")
    elif isinstance(exc, exceptions.Throttled):  # DRF's text is English; Retry-After comes from exc.wait
        wait = math.ceil(exc.wait) if exc.wait is not None else None
        text = f"请求过于频繁，请 {wait} 秒后再试。" if wait else "请求过于频繁，请稍后再试。"
        exc = exceptions.Throttled(detail=text)
        exc.wait = wait
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    return drf_exception_handler(exc, context)
