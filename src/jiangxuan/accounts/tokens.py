"""API tokens: issuing a bearer key and finding the token a key belongs to.

The key (``jx_`` + 40 URL-safe characters) is shown once, when issued; only its SHA-256
digest is stored (ApiToken.key_digest), so a database leak gives no usable key.

Issue 16.13: every token expires (``JX_API_TOKEN_DEFAULT_DAYS``, at most
``JX_API_TOKEN_MAX_DAYS``); a token has a scope, and a read-only one is refused on unsafe
methods where the API authenticates (``api.auth.TokenAuth``); a holder of a privileged
role (who signs in with a second factor) gets a token only with a current code of the
enrolled authenticator, so the API is no way around the second factor.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.core.audit import record_audit
from jiangxuan.core.errors import DomainError

from .enums import TokenScope
from .models import ApiToken, User

#: ``last_used_at`` is written at most this often, so API traffic does not rewrite the
#: token row on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
KEY_PREFIX = "jx_"
#: Methods a read-only token may use.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenError(DomainError):
    """A token was refused at issue or at use; ``message`` is Chinese."""


def _verified_second_factor(user: User, otp_token: str | None) -> bool:
    from .two_factor import confirmed_device

    device = confirmed_device(user)
    code = "".join((otp_token or "").split())
    if device is None or not (code.isdigit() and len(code) == 6):
        return False
    if not device.verify_is_allowed()[0]:
        return False
    return bool(device.verify_token(code))


def issue_api_token(
    user: User,
    *,
    name: str,
    days: int | None = None,
    scope: str = TokenScope.READ,
    otp_token: str | None = None,
) -> str:
    """Create a token for ``user`` and return its key (the only time it is available).

    Args:
        user: the token's owner; API calls with the key act as this user.
        name: a label for the token (e.g. the system that uses it), at most 60 characters.
        days: lifetime in days from now; None for ``JX_API_TOKEN_DEFAULT_DAYS``; at most
            ``JX_API_TOKEN_MAX_DAYS``.
        scope: ``read`` (GET only, the default) or ``read_write``.
        otp_token: the current code of the user's authenticator; required, while
            ``JX_2FA_REQUIRED`` is on, for a user who signs in with a second factor
            (``two_factor.needs_second_factor``).
    Returns:
        The key, ``jx_…``.
    Raises:
        ValueError: ``days`` is not positive, or ``name`` is empty or too long.
        TokenError: ``days`` above the maximum, an unknown scope, or a privileged user
            without an enrolled authenticator or with a wrong code (audited as refused).
    """
    from .two_factor import needs_second_factor

    name = name.strip()
    if not name or len(name) > 60:
        raise ValueError("name must be 1-60 characters")
    if days is not None and days < 1:
        raise ValueError("days must be positive")
    max_days = settings.JX_API_TOKEN_MAX_DAYS
    days = settings.JX_API_TOKEN_DEFAULT_DAYS if days is None else days
    if days > max_days:
        raise TokenError(_("令牌有效期最长 %(max)s 天。") % {"max": max_days}, field="days")
    if scope not in TokenScope.values:
        raise TokenError(_("令牌权限范围只能是只读（read）或读写（read_write）。"), field="scope")
    needs_code = settings.JX_2FA_REQUIRED and needs_second_factor(user)
    if needs_code and not _verified_second_factor(user, otp_token):
        record_audit(
            actor=None,
            action="apitoken.issue",
            obj=user,
            result="refused",
            after={"user": user.get_username(), "reason": "second_factor"},
        )
        raise TokenError(
            _(
                "该用户担任需要双因素认证的角色：请先在网页上绑定验证器，"
                "签发令牌时输入验证器当前显示的 6 位验证码。"
            ),
            code="permission_denied",
            field="otp",
        )
    return _create_token(user, name=name, days=days, scope=scope)


@transaction.atomic
def _create_token(user: User, *, name: str, days: int, scope: str) -> str:
    key = ApiToken.new_key()
    expires_at = timezone.now() + dt.timedelta(days=days)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[len(KEY_PREFIX) : len(KEY_PREFIX) + 8],
        key_digest=ApiToken.digest(key),
        expires_at=expires_at,
        scope=scope,
    )
    record_audit(
        actor=None,
        action="apitoken.issue",
        obj=token,
        after={
            "user": user.get_username(),
            "name": name,
            "expires_at": expires_at,
            "scope": scope,
        },
    )
    return key


def token_for_key(key: str) -> ApiToken | None:
    """The live token a key belongs to, or None (unknown, expired, inactive user, or a
    privileged user whose authenticator has since been removed while 2FA is required).

    Records the time of use, at most once a minute per token.
    """
    from .two_factor import confirmed_device, needs_second_factor

    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_digest=ApiToken.digest(key)).first()
    if token is None or token.is_expired or not token.user.is_active:
        return None
    if (
        settings.JX_2FA_REQUIRED
        and needs_second_factor(token.user)
        and confirmed_device(token.user) is None
    ):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_token(key: str) -> User | None:
    """The active user a live key belongs to, or None (see :func:`token_for_key`)."""
    token = token_for_key(key)
    return token.user if token else None


def check_token_scope(token: ApiToken, method: str) -> None:
    """Refuse an unsafe ``method`` (POST, PUT, PATCH, DELETE) with a read-only token.

    Raises:
        TokenError: ``permission_denied`` (403), in Chinese.
    """
    if token.scope != TokenScope.READ_WRITE and method.upper() not in SAFE_METHODS:
        raise TokenError(
            _("该 API 令牌为只读令牌，不能修改数据；请使用读写令牌。"),
            code="permission_denied",
        )
