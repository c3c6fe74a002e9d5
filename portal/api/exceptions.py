import math

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from portal.services import ApplicationError


def exception_handler(exc, context):
    """Business-rule errors (ApplicationError) and model validation answer 400 with the Chinese message."""
    if isinstance(exc, ApplicationError):
        exc = exceptions.ValidationError({"detail": exc.message, **({"errors": exc.extra} if exc.extra else {})})
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
