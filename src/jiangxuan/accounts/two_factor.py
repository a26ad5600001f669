"""Second factor (TOTP) for privileged roles: the campaign office, auditors, platform
administrators and Django staff (docs/security.md check 6; 等保 L3 身份鉴别 d; ASVS 6.3.2, 6.5.1).

django-otp keeps the devices (``TOTPDevice``: RFC 6238, 30-second steps, a code is refused
once used, failures throttle the device). While ``JX_2FA_REQUIRED`` is on, a privileged user
whose session is not verified reaches only the enrolment, verification and logout pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.core.audit import record_audit
from jiangxuan.core.errors import DomainError

from .enums import Role
from .models import User

#: Roles whose sign-in needs a second factor.
PRIVILEGED_ROLES = (Role.CAMPAIGN_OFFICE, Role.AUDITOR, Role.PLATFORM_ADMIN)


class SecondFactorForm(forms.Form):
    """The six digits an authenticator app shows."""

    token = forms.CharField(
        label=gettext_lazy("验证码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class TwoFactorError(DomainError):
    """A code was refused; ``message`` is Chinese and says what to do."""


def needs_second_factor(user: User) -> bool:
    """Whether ``user`` must pass a TOTP check to use the platform: staff, superusers, and
    holders of a privileged role (any campaign)."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.memberships.filter(role__in=PRIVILEGED_ROLES).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    """The user's enrolled (confirmed) authenticator, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The authenticator being enrolled: created unconfirmed on first call (a fresh random
    key), the same one on later calls until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def provisioning_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URI of ``device`` as an inline SVG QR code (drawn here: no network)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


def manual_key(device: TOTPDevice) -> str:
    """The device's key in base32, in groups of four, for typing into an authenticator."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _clean(token: str) -> str:
    token = "".join((token or "").split())
    if not (token.isdigit() and len(token) == 6):
        raise TwoFactorError(gettext("请输入验证器应用显示的 6 位数字。"))
    return token


def enrol(request: AuthenticatedHttpRequest, token: str) -> TOTPDevice:
    """Confirm the pending authenticator with its first code and verify this session.

    Raises:
        TwoFactorError: the code is malformed, wrong, expired or already used, or the
            device is throttled after failures.
    """
    user = request.user
    device = pending_device(user)
    if not device.verify_is_allowed()[0]:
        raise TwoFactorError(gettext("验证失败次数过多，请稍后再试。"))
    if not device.verify_token(_clean(token)):
        record_audit(actor=user, action="account.2fa_enrol", obj=user, result="refused")
        raise TwoFactorError(gettext("验证码不正确或已使用，请等待验证器显示新的验证码后再试。"))
    # The confirmation and its audit entry are one write (no enrolment without its record);
    # the failed attempt above is counted and audited outside it, so it stays.
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_audit(actor=user, action="account.2fa_enrol", obj=user)
    otp_login(request, device)
    return device


def verify(request: AuthenticatedHttpRequest, token: str) -> TOTPDevice:
    """Check a code against the user's authenticator and mark the session verified.

    Raises:
        TwoFactorError: no authenticator enrolled, or the code is malformed, wrong, expired,
            already used, or the device is throttled after failures.
    """
    user = request.user
    device = confirmed_device(user)
    if device is None:
        raise TwoFactorError(gettext("您尚未绑定验证器，请先绑定。"))
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        raise TwoFactorError(gettext("验证失败次数过多，请稍后再试。"))
    if not device.verify_token(_clean(token)):
        record_audit(actor=user, action="account.2fa_verify", obj=user, result="refused")
        raise TwoFactorError(gettext("验证码不正确或已使用，请等待验证器显示新的验证码后再试。"))
    otp_login(request, device)
    record_audit(actor=user, action="account.2fa_verify", obj=user)
    return device


class TwoFactorMiddleware:
    """Hold a privileged user whose session has not passed the second factor at the
    verification page (or the enrolment page, without an authenticator); logging out stays
    reachable. ``/api/`` answers 403 with a Chinese message instead. Must come after
    django_otp's ``OTPMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            not settings.JX_2FA_REQUIRED
            or not user.is_authenticated
            # django-otp's OTPMiddleware (before this one) adds is_verified to the user.
            or user.is_verified()  # type: ignore[attr-defined]
            or not needs_second_factor(user)
        ):
            return self.get_response(request)
        open_paths = {
            reverse("accounts:two_factor"),
            reverse("accounts:two_factor_setup"),
            reverse("accounts:logout"),
        }
        static = "/" + settings.STATIC_URL.lstrip("/")
        if request.path in open_paths or request.path.startswith(static):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": gettext("请先在网页上完成双因素认证。"),
                    "code": "second_factor_required",
                },
                status=403,
            )
        target = "accounts:two_factor" if confirmed_device(user) else "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
