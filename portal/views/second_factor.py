"""The second factor (TOTP, django-otp) of ministry staff and the three administrator roles.

After the password, such an account either enrols (first login: a QR code to scan with an
authenticator app, then one code) or enters a code from the app it enrolled.  Until then
``SecondFactorRequiredMiddleware`` lets the session reach nothing but these pages and logout.  A code
is accepted once (django-otp keeps the last time step used) and wrong codes slow the next attempt.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import record_change
from portal.models import AuditAction


class TokenForm(forms.Form):
    token = forms.RegexField(label="动态口令", regex=r"^\s*\d{6}\s*$", max_length=8,
                             error_messages={"invalid": "请输入身份验证器上显示的 6 位数字。"},
                             widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                                           "autofocus": True}))

    def clean_token(self):
        return self.cleaned_data["token"].strip()


WRONG_TOKEN = "动态口令不正确或已经用过（每个口令只能用一次），请输入身份验证器上的下一个口令。"


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("home")


def _verify(device_pk: int, token: str):
    """Check ``token`` against the device, locked so that one code cannot pass twice at once."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device_pk)
        return device if device.verify_token(token) else None


class SecondFactorView(LoginRequiredMixin, View):
    def confirmed_device(self):
        return TOTPDevice.objects.filter(user=self.request.user, confirmed=True).order_by("id").first()


class SecondFactorSetupView(SecondFactorView):
    """First login: bind an authenticator app by scanning the QR code, then prove it with one code."""

    template_name = "registration/otp_setup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.confirmed_device() is not None:
            return HttpResponseRedirect(reverse("otp-verify") + f"?next={_next_url(request)}")
        return super().dispatch(request, *args, **kwargs)

    def pending_device(self):
        device = TOTPDevice.objects.filter(user=self.request.user, confirmed=False).order_by("id").first()
        return device or TOTPDevice.objects.create(user=self.request.user, name="身份验证器", confirmed=False)

    def render_page(self, form, device):
        qr = segno.make(device.config_url, error="m").svg_inline(scale=5, title="动态口令绑定二维码")
        return render(self.request, self.template_name, {
            "form": form, "qr_svg": mark_safe(qr),  # segno's own SVG markup, from our own secret
            "secret": b32encode(device.bin_key).decode(), "next": _next_url(self.request),
        })

    def get(self, request):
        return self.render_page(TokenForm(), self.pending_device())

    def post(self, request):
        device = self.pending_device()
        form = TokenForm(request.POST)
        if form.is_valid():
            verified = _verify(device.pk, form.cleaned_data["token"])
            if verified is not None:
                verified.confirmed = True
                verified.save(update_fields=["confirmed"])
                otp_login(request, verified)
                record_change(actor=request.user, action=AuditAction.OTP_ENROL, obj=request.user,
                              note="绑定身份验证器（动态口令）")
                messages.success(request, "已绑定身份验证器。以后登录时，输入密码后还须输入动态口令。")
                return HttpResponseRedirect(_next_url(request))
            form.add_error("token", WRONG_TOKEN)
        return self.render_page(form, device)


class SecondFactorVerifyView(SecondFactorView):
    """Every later login: the code from the bound authenticator app."""

    template_name = "registration/otp_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.confirmed_device() is None:
            return HttpResponseRedirect(reverse("otp-setup") + f"?next={_next_url(request)}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": TokenForm(), "next": _next_url(request)})

    def post(self, request):
        form = TokenForm(request.POST)
        if form.is_valid():
            for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
                verified = _verify(device.pk, form.cleaned_data["token"])
                if verified is not None:
                    otp_login(request, verified)
                    record_change(actor=request.user, action=AuditAction.LOGIN, obj=request.user,
                                  note="动态口令验证通过")
                    return HttpResponseRedirect(_next_url(request))
            record_change(actor=None, action=AuditAction.LOGIN_FAILED, obj=request.user,
                          username=request.user.get_username(), note="动态口令错误")
            form.add_error("token", WRONG_TOKEN)
        return render(request, self.template_name, {"form": form, "next": _next_url(request)})
