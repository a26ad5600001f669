"""Sign-in, password change and "log out everywhere": thin views over accounts.security."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.core.middleware import start_session_clock

from . import two_factor
from .security import (
    LoginForm,
    NewPasswordChangeForm,
    PasswordConfirmForm,
    change_password,
    end_other_sessions,
    password_expired,
    record_login,
    unlock_by_token,
)


class LoginView(auth_views.LoginView):
    """Django's login (django-axes counts failures per username) plus a login audit entry."""

    template_name = "accounts/login.html"
    form_class = LoginForm

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        # A new sign-in starts a new absolute lifetime, even over a live session.
        start_session_clock(self.request.session)
        record_login(form.get_user())
        return response


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """``/admin/login/``: the site's login page instead (its captcha and login wait hold
    for the admin too, issue 16.12), returning to the admin page asked for."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


@require_http_methods(["GET", "POST"])
def unlock(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link of a locked account's owner (issue 16.12): GET asks to confirm
    (a mail scanner following the link unlocks nothing), POST lifts the lock."""
    if request.method == "POST":
        user = unlock_by_token(token)
        if user is not None:
            messages.success(request, _("账号已解锁，请重新登录。"))
            return redirect("accounts:login")
        return render(request, "accounts/unlock.html", {"invalid": True}, status=400)
    return render(request, "accounts/unlock.html", {"invalid": False})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change the signed-in user's password; also the page an expired password leads to."""

    # Django's PasswordChangeView is login_required.
    request: AuthenticatedHttpRequest
    template_name = "accounts/password_change.html"
    form_class = NewPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(expired=password_expired(self.request.user), **kwargs)

    def form_valid(self, form) -> HttpResponse:
        change_password(self.request, new_password=form.cleaned_data["new_password1"])
        return HttpResponseRedirect(self.get_success_url())


@login_required
@require_http_methods(["GET", "POST"])
def logout_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirm with the current password, then end all of the user's other sessions."""
    form = PasswordConfirmForm(request.POST or None)
    if form.is_valid():
        if end_other_sessions(request, password=form.cleaned_data["password"]):
            messages.success(request, _("已退出其他所有设备上的登录。"))
            return redirect("accounts:logout_all")
        form.add_error("password", _("密码不正确。"))
    return render(request, "accounts/logout_all.html", {"form": form})


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("core:home")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enrol an authenticator app (QR code or typed key), confirmed by its first code."""
    if two_factor.confirmed_device(request.user) is not None:
        return redirect("accounts:two_factor")
    device = two_factor.pending_device(request.user)
    form = two_factor.SecondFactorForm(request.POST or None)
    if form.is_valid():
        try:
            two_factor.enrol(request, form.cleaned_data["token"])
        except two_factor.TwoFactorError as exc:
            form.add_error("token", exc.message)
        else:
            messages.success(request, _("验证器已绑定，以后登录时需输入其显示的验证码。"))
            return redirect(_next_url(request))
    context = {
        "form": form,
        "qr_svg": two_factor.provisioning_svg(device),
        "manual_key": two_factor.manual_key(device),
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step of a privileged sign-in: the authenticator's current code."""
    if two_factor.confirmed_device(request.user) is None:
        return redirect("accounts:two_factor_setup")
    form = two_factor.SecondFactorForm(request.POST or None)
    if form.is_valid():
        try:
            two_factor.verify(request, form.cleaned_data["token"])
        except two_factor.TwoFactorError as exc:
            form.add_error("token", exc.message)
        else:
            return redirect(_next_url(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )
