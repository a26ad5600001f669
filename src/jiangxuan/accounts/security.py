"""Account security: password change and expiry, ending other sessions, login audit.

Sessions are tied to the password hash: Django stores ``get_session_auth_hash()`` (an HMAC
of ``User.password``) in each session and drops any session whose hash no longer matches.
Re-hashing the unchanged password with a fresh salt therefore ends every other session of
the user without a model field and whatever the session backend (database or cache).
"""

import hashlib
import math
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.core.audit import record_audit

from .models import User


def password_expired(user: User, *, now: datetime | None = None) -> bool:
    """Whether ``user``'s password is older than ``JX_PASSWORD_MAX_AGE_DAYS`` days.

    The age counts from ``password_changed_at``, or from ``date_joined`` for a password
    never changed here. ``JX_PASSWORD_MAX_AGE_DAYS = 0`` (the default) turns expiry off:
    ASVS 6.2.10 advises against forced rotation, 等保 身份鉴别 a asks for periodic change,
    so 等保 deployments set 90 (the deviation belongs beside the variable in
    docs/admin/install.md).
    """
    max_days = settings.JX_PASSWORD_MAX_AGE_DAYS
    if max_days <= 0:
        return False
    changed = user.password_changed_at or user.date_joined
    return (now or timezone.now()) - changed > timedelta(days=max_days)


@transaction.atomic
def change_password(request: AuthenticatedHttpRequest, *, new_password: str) -> None:
    """Set the signed-in user's new password (already validated by the form).

    Stamps ``password_changed_at``, keeps the current session signed in under a new key,
    ends the user's other sessions (their auth hash no longer matches) and audits
    ``account.password_change`` (等保 身份鉴别 a; ASVS 6.2.3, 7.4.3).
    """
    user = request.user
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    update_session_auth_hash(request, user)
    record_audit(actor=user, action="account.password_change", obj=user)


@transaction.atomic
def end_other_sessions(request: AuthenticatedHttpRequest, *, password: str) -> bool:
    """End every session of the signed-in user but this one ("log out everywhere else").

    Args:
        request: the signed-in user's request; its session stays valid under a new key.
        password: the user's current password, re-entered to confirm.
    Returns:
        False when the password is wrong (nothing changes), True once the password hash has
        been re-salted, which invalidates all other sessions, and the action audited as
        ``account.logout_all`` (ASVS 7.4.3-7.4.4; 等保 访问控制 c).
    """
    user = request.user
    if not user.check_password(password):
        return False
    user.set_password(password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    record_audit(actor=user, action="account.logout_all", obj=user)
    return True


def record_login(user: User) -> None:
    """Audit a successful sign-in as ``account.login`` with the request's source IP
    (等保 安全审计 b). Failures are recorded by :func:`record_failed_login`."""
    record_audit(actor=user, action="account.login", obj=user)


def _username_max_length() -> int:
    field = User._meta.get_field(User.USERNAME_FIELD)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise ImproperlyConfigured("The username field must be a CharField with max_length.")
    return field.max_length


def record_failed_login(username: str | None) -> None:
    """Audit a refused sign-in (wrong password, unknown or locked account) as
    ``account.login`` with result ``refused`` and the request's source IP (等保 安全审计 b;
    issue 16.14). The account is named by its id when it exists; a name that matches no
    account is not stored, since people type passwords into the name field."""
    user = User.objects.filter(**{User.USERNAME_FIELD: username or ""}).first()
    record_audit(
        actor=None,
        action="account.login",
        object_type="accounts.user",
        object_id=str(user.pk) if user else "",
        result="refused",
    )


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username django-axes counts failures for (``AXES_USERNAME_CALLABLE``).

    Cut to the longest possible username, because axes stores it in a 255-character column
    and a longer one posted to any login path (the admin's too) was a database error, not a
    refused login (docs/security.md check 33).
    """
    source = credentials if credentials else getattr(request, "POST", {})
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(username, str):
        return username
    return username[: _username_max_length()]


# ------------------------------------------------ slowing a lock-out down (issue 16.12)
#
# django-axes locks a username after AXES_FAILURE_LIMIT refused passwords, so anyone who
# knows a name could lock its owner out for half an hour. Before that lock two brakes act
# on the username, whoever tries it: after each refused password the next try waits
# JX_LOGIN_DELAY_SECONDS, doubled per failure up to JX_LOGIN_DELAY_MAX_SECONDS, and from
# JX_LOGIN_CAPTCHA_AFTER failures on the form asks for the image captcha the public vote
# uses (django-simple-captcha, drawn on the server). A try refused for either reason never
# reaches the password check, so it does not count towards the lock; a lock then needs a
# solved captcha per try. A locked user is unlocked by ``jiangxuan unlockaccount``.


def _wait_key(username: str) -> str:
    return "jx-login-wait:" + hashlib.sha256(username.casefold().encode()).hexdigest()


def login_failures(request: HttpRequest | None, username: str) -> int:
    """The refused passwords django-axes counts for ``username`` within its cool-off."""
    from axes.handlers.proxy import AxesProxyHandler

    if request is None or not username:
        return 0
    return AxesProxyHandler.get_failures(request, {settings.AXES_USERNAME_FORM_FIELD: username})


def login_wait_seconds(username: str) -> int:
    """Seconds before ``username`` may be tried again (0: now)."""
    until = cache.get(_wait_key(username))
    if not until:
        return 0
    return max(0, math.ceil(until - time.time()))


def _start_wait(username: str, failures: int) -> None:
    base = settings.JX_LOGIN_DELAY_SECONDS
    if base <= 0 or failures < 1:
        return
    delay = min(base * 2 ** (failures - 1), settings.JX_LOGIN_DELAY_MAX_SECONDS)
    cache.set(_wait_key(username), time.time() + delay, timeout=math.ceil(delay) + 1)


def forget_login_failures(username: str) -> None:
    """Drop the wait of ``username`` (after a sign-in or an unlock)."""
    cache.delete(_wait_key(username))


@transaction.atomic
def unlock_account(user: User, *, operator: User, reason: str) -> int:
    """Lift django-axes' lock of ``user`` and the login wait; audited ``account.unlock``.

    Args:
        operator: the administrator who did it (``jiangxuan unlockaccount --by``).
        reason: why, e.g. "本人来电，核实身份后解锁".
    Returns:
        The number of failure records removed.
    Raises:
        ValueError: empty reason.
    """
    from axes.utils import reset

    reason = reason.strip()
    if not reason:
        raise ValueError("reason required")
    username = user.get_username()
    removed = reset(username=username)
    forget_login_failures(username)
    record_audit(
        actor=operator,
        action="account.unlock",
        obj=user,
        role="platform_admin",
        after={"user": username, "reason": reason, "failures_removed": removed},
    )
    return removed


UNLOCK_SALT = "jiangxuan.accounts.unlock"


def _lock_fingerprint(username: str) -> str:
    """Names the current lock of ``username``: its django-axes records (ids and first
    times). An unlock deletes them and a later lock makes new ones, so a link made for
    one lock opens no other (one use)."""
    from axes.models import AccessAttempt

    rows = AccessAttempt.objects.filter(username=username).order_by("pk")
    parts = [f"{pk}:{at.isoformat()}" for pk, at in rows.values_list("pk", "attempt_time")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] if parts else ""


def unlock_token(user: User) -> str:
    """A signed one-time token that lifts ``user``'s current lock (:func:`unlock_by_token`);
    sent to the user's own e-mail address when the lock happens (notifications)."""
    payload = {"u": user.pk, "f": _lock_fingerprint(user.get_username())}
    return signing.dumps(payload, salt=UNLOCK_SALT, compress=True)


def unlock_by_token(token: str) -> User | None:
    """Lift the lock a token from :func:`unlock_token` was made for.

    Valid for ``AXES_COOLOFF_TIME`` (the lock ends by itself then) and once: the lock it
    names must still be the user's current one. Audited as ``account.unlock`` (by link).
    Returns:
        The unlocked user, or None (bad signature, expired, used, or no longer locked).
    """
    from axes.utils import reset

    max_age = timedelta(hours=settings.AXES_COOLOFF_TIME)
    try:
        payload = signing.loads(token, salt=UNLOCK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None:
        return None
    username = user.get_username()
    with transaction.atomic():
        current = _lock_fingerprint(username)
        if not current or current != payload.get("f"):
            return None
        removed = reset(username=username)
        forget_login_failures(username)
        record_audit(
            actor=None,
            action="account.unlock",
            obj=user,
            after={"user": username, "reason": "本人通过邮件链接解锁", "failures_removed": removed},
        )
    return user


class LoginForm(AuthenticationForm):
    """Django's login form, with the username's maximum length checked as a field error
    before authentication (Django only sets the HTML ``maxlength`` attribute), and the
    login wait and captcha of issue 16.12 checked before the password."""

    def __init__(self, request: HttpRequest | None = None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(_username_max_length()))
        if self.is_bound and self._captcha_required(self._posted_username()):
            self._add_captcha()

    def _posted_username(self) -> str:
        value = self.data.get("username") if self.is_bound else ""
        return value[: _username_max_length()] if isinstance(value, str) else ""

    def _captcha_required(self, username: str) -> bool:
        after = settings.JX_LOGIN_CAPTCHA_AFTER
        return after > 0 and login_failures(self.request, username) >= after

    def _add_captcha(self) -> None:
        from captcha.fields import CaptchaField

        self.fields["captcha"] = CaptchaField(
            label=_("验证码"),
            error_messages={"invalid": _("图片验证码不正确，请重新输入。")},
        )

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        # A locked name goes straight to django-axes, which answers with the lock-out page.
        locked = bool(username) and (
            login_failures(self.request, username) >= settings.AXES_FAILURE_LIMIT
        )
        try:
            if username and not locked:
                wait = login_wait_seconds(username)
                if wait:
                    raise forms.ValidationError(
                        _("登录失败次数较多，请 %(seconds)s 秒后再试。"),
                        code="login_wait",
                        params={"seconds": wait},
                    )
            if not locked and "captcha" in self.fields and "captcha" not in self.cleaned_data:
                # The captcha field's own error says what to do; the password is not tried.
                raise forms.ValidationError(_("请先输入图片中的验证码。"), code="captcha")
            cleaned = super().clean()
        except forms.ValidationError as exc:
            record_failed_login(username)
            if username and getattr(exc, "code", "") == "invalid_login":
                failures = login_failures(self.request, username)
                _start_wait(username, failures)
                if "captcha" not in self.fields and self._captcha_required(username):
                    self._add_captcha()
            raise
        forget_login_failures(username)
        return cleaned


class PasswordConfirmForm(forms.Form):
    """The current password, re-entered before a sensitive account action."""

    password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class NewPasswordChangeForm(PasswordChangeForm):
    """Django's password change form (old password, new password twice, the configured
    validators) that also refuses re-using the current password."""

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        old_password = cleaned.get("old_password")
        if old_password and cleaned.get("new_password2") == old_password:
            self.add_error(
                "new_password2",
                forms.ValidationError(_("新密码不能与当前密码相同。"), code="password_unchanged"),
            )
        return cleaned


class PasswordExpiryMiddleware:
    """Send a signed-in user whose password has expired (:func:`password_expired`) to the
    password change page; only that page and logging out stay reachable. ``/api/`` answers
    403 with a Chinese message instead of a redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not (
            settings.JX_PASSWORD_MAX_AGE_DAYS > 0
            and user.is_authenticated
            and password_expired(user)
        ):
            return self.get_response(request)
        change_url = reverse("accounts:password_change")
        allowed = {change_url, reverse("accounts:password_change_done"), reverse("accounts:logout")}
        if request.path in allowed:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": gettext("密码已过期，请先登录网页修改密码。")}, status=403
            )
        return redirect(change_url)
