"""The one base HTML view that maps a service's refusal (portal/views/service.py): beside the field the
error names, else above the form; the error's own status (409) or the view's; a plain POST step turns it
into a message and a redirect."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View
from django.views.generic import FormView

from portal.services import ApplicationError, StaleVersion
from portal.views.service import ServiceActionMixin, ServiceFormMixin, add_refusal, refusal_on


class OrgForm(forms.Form):
    name = forms.CharField(label="名称")
    amount = forms.IntegerField(label="金额", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def bound(**data):
    form = OrgForm({"name": "燕赵国学研究会", **data})
    assert form.is_valid()
    return form


def test_an_error_naming_a_field_goes_beside_it():
    form = bound()
    add_refusal(form, ApplicationError("名称已被使用。", extra={"name": ["名称已被使用。"]}))
    assert form.errors["name"] == ["名称已被使用。"] and form.non_field_errors() == []


def test_a_message_saying_more_than_the_field_texts_also_goes_above_the_form():
    form = bound()
    add_refusal(form, ApplicationError("请填写延长后的期限。", extra={"amount": ["必填"]}))
    assert form.errors["amount"] == ["必填"] and form.non_field_errors() == ["请填写延长后的期限。"]
    form = bound()  # model validation: the message is the fields' texts with their labels, said once
    add_refusal(form, ApplicationError("名称：不能为空；金额：须大于0", extra={"name": ["不能为空"],
                                                                          "amount": ["须大于0"]}))
    assert form.non_field_errors() == [] and form.errors["amount"] == ["须大于0"]


def test_an_error_naming_no_visible_field_is_a_message_above_the_form_or_beside_error_field():
    form = bound()
    add_refusal(form, ApplicationError("该线索已立案。", extra={"version": ["3"], "other": ["x"]}))
    assert form.non_field_errors() == ["该线索已立案。"] and "version" not in form.errors
    form = bound()
    add_refusal(form, ApplicationError("请上传 .xlsx 格式的文件"), field="name")
    assert form.errors["name"] == ["请上传 .xlsx 格式的文件"]


def test_refusal_on_in_a_forms_clean():
    form = bound()
    with refusal_on(form):
        raise ApplicationError("附件1已报送，联络员信息不能再修改")
    assert form.non_field_errors() == ["附件1已报送，联络员信息不能再修改"]


class OrgView(ServiceFormMixin, FormView):
    form_class = OrgForm
    success_message = "已登记，编号 {result}。"
    refusal = None

    def perform(self, form):
        if self.refusal is not None:
            raise self.refusal
        return "冀001"

    def get_success_url(self):
        return "/done/"

    def render_to_response(self, context, **kwargs):
        return HttpResponse("|".join(context["form"].non_field_errors()), **kwargs)


def post(view, data=None):
    request = RequestFactory().post("/org/", data or {"name": "燕赵国学研究会"})
    request._messages = CookieStorage(request)
    return request, view(request)


def test_the_form_view_redirects_on_success_with_the_message():
    request, response = post(OrgView.as_view())
    assert response.status_code == 302 and response["Location"] == "/done/"
    assert [str(m) for m in get_messages(request)] == ["已登记，编号 冀001。"]


def test_the_form_view_shows_a_refusal_with_200_or_the_views_status_and_a_stale_version_with_409():
    _, response = post(OrgView.as_view(refusal=ApplicationError("该线索已立案。")))
    assert response.status_code == 200 and response.content.decode() == "该线索已立案。"
    _, response = post(OrgView.as_view(refusal=ApplicationError("该线索已立案。"), refused_status=400))
    assert response.status_code == 400
    _, response = post(OrgView.as_view(refusal=StaleVersion("该案件已被他人修改，请刷新后重试。", version=3)))
    assert response.status_code == 409 and "已被他人修改" in response.content.decode()


class StepView(ServiceActionMixin, View):
    success_message = "已添加。"
    refusal = None

    def perform(self):
        if self.refusal is not None:
            raise self.refusal

    def get_success_url(self):
        return "/batch/1/"

    def get_refused_url(self):
        return "/batch/1/?refused"


def test_a_plain_post_step_turns_a_refusal_into_a_message_and_a_redirect():
    request, response = post(StepView.as_view())
    assert response["Location"] == "/batch/1/" and [str(m) for m in get_messages(request)] == ["已添加。"]
    request, response = post(StepView.as_view(refusal=StaleVersion("该案件已被他人修改，请刷新后重试。")))
    assert response.status_code == 302 and response["Location"] == "/batch/1/?refused"
    assert [(m.level_tag, str(m)) for m in get_messages(request)] == [("error", "该案件已被他人修改，请刷新后重试。")]
