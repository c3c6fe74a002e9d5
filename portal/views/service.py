"""The one place HTML views turn a service's refusal into what the user reads.

request → view → service → model: a view checks its form, calls one service and redirects; the service
refuses with an ``ApplicationError`` (``portal.services``) and never knows about HTTP.  Here a refusal
becomes

- on a form page (``ServiceFormMixin``): the texts the error names per field (``extra``) beside those
  fields, its message above the form unless those texts already say all of it (or beside
  ``error_field``); the form is shown again with 200 like any invalid form (``refused_status``), or with
  the error's own status where it has one (a stale version, ``StaleVersion``: 409);
- anywhere else in a view built on ``ServiceMixin`` (a plain POST step, ``ServiceActionMixin``): an error
  message, and back to ``get_refused_url()`` — by default where a success goes.

The API's counterpart is ``portal.api.exceptions.exception_handler``.  No view compares message texts.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView

from portal.services import ApplicationError
from portal.views.generic import ScopedMixin


def _said_by(message: str, texts: list[str]) -> bool:
    """Whether the field texts say the whole message already (each "；" part of it ends with one of them)."""
    parts = [part for part in message.split("；") if part]
    return bool(parts) and all(any(part.endswith(text) for text in texts) for part in parts)


def add_refusal(form, exc: ApplicationError, *, field: str | None = None) -> None:
    """Put a service's refusal on a bound form: beside each visible field it names, else above the form
    (or beside ``field``)."""
    placed = []
    for name, texts in exc.extra.items():
        if name in form.fields and not form.fields[name].widget.is_hidden:
            for text in texts if isinstance(texts, list | tuple) else [texts]:
                form.add_error(name, str(text))
                placed.append(str(text))
    if not placed or not _said_by(exc.message, placed):
        form.add_error(field if field in form.fields else None, exc.message)


class ServiceMixin:
    """A view whose writes are service calls: a refusal not shown on a form is an error message and a
    redirect to ``get_refused_url()``."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(self.get_refused_url())

    def get_refused_url(self) -> str:
        return self.get_success_url()


class ServiceCallMixin(ServiceMixin):
    """``perform`` calls the service; its return value is ``self.result``; success is a message and a redirect."""

    success_message = ""  # may name the service's result: "线索已登记，编号 {result.number}。"
    result = None

    def get_success_message(self) -> str:
        return self.success_message.format(result=self.result)

    def succeeded(self):
        if message := self.get_success_message():
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())


class ServiceActionMixin(ServiceCallMixin):
    """A plain POST step (a button, no form page): ``perform()``, then the success message and redirect;
    a refusal is an error message and the same redirect (``get_refused_url``)."""

    def perform(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.result = self.perform()
        return self.succeeded()


class ServiceFormMixin(ServiceCallMixin):
    """The generic service form view (with Django's ``FormView``): a valid form goes to ``perform(form)``;
    a refusal is shown on the form (see the module's docstring), success redirects."""

    error_field = None  # the field a refusal naming no field goes beside (None: above the form)
    refused_status = 200  # the status of the form shown again with a plain refusal
    refusal_as_message = False  # a form without fields of its own (a formset): the refusal as a message

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.result = self.perform(form)
        except ApplicationError as exc:
            return self.form_refused(form, exc)
        return self.succeeded()

    def form_refused(self, form, exc: ApplicationError):
        if self.refusal_as_message:
            messages.error(self.request, exc.message)
        else:
            add_refusal(form, exc, field=self.error_field)
        status = exc.status if exc.status != ApplicationError.status else self.refused_status
        return self.render_to_response(self.get_context_data(form=form), status=status)


class ServiceCreateView(ServiceFormMixin, ScopedMixin, FormView):
    """A create page (the model's ``add_`` permission) whose write is one service returning the new object;
    success opens the object's page (``detail_url_name``)."""

    action = "add"
    detail_url_name = ""

    def get_success_url(self):
        return reverse(self.detail_url_name, args=[self.result.pk])


@contextmanager
def refusal_on(form, *, field: str | None = None):
    """For a form's ``clean()`` that asks a service whether a write may happen: a refusal becomes the
    form's error, as in ``ServiceFormMixin``."""
    try:
        yield
    except ApplicationError as exc:
        add_refusal(form, exc, field=field)
