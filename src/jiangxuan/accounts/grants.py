"""Grants of the privileged roles and password resets, done on the server only (issue 16.3).

The campaign office, the auditor and the platform administrator (``PRIVILEGED_ROLES``) are
granted and revoked by ``jiangxuan grantrole`` / ``jiangxuan revokerole``, and another
user's password is reset by ``jiangxuan resetpassword``, never in the Django admin: the
admin refuses them (``accounts.admin``). A command needs a shell on the server — a second
credential the web administrator alone does not hold (三员分立) — names the administrator
who asked (``--by``) and the reason, and each use enters the audit chain with the operating
system account that ran it. A two-administrator approval in the web admin was the
alternative; it needs a pending-grant record, a page and a second account, and two
accounts of one person still pass it, so the command was chosen as the simpler, sturdier
path.
"""

from __future__ import annotations

import getpass
import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.core.audit import record_audit
from jiangxuan.core.errors import DomainError

from .enums import Role
from .models import Membership, OrgUnit, User


class GrantError(DomainError):
    """A grant, revocation or reset was refused; ``message`` is Chinese."""


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container's bare uid)
        return "?"


def operator_for(username: str) -> User:
    """The administrator named by ``--by``: an active superuser or platform administrator.

    Raises:
        GrantError: no such active user, or the user is not an administrator.
    """
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not (
        user.is_superuser or user.memberships.filter(role=Role.PLATFORM_ADMIN).exists()
    ):
        raise GrantError(_("--by 须为有效的平台管理员用户名。"), field="by")
    return user


def _check(role: str, reason: str) -> str:
    if role not in Role.values:
        raise GrantError(_("没有这个角色：%(role)s。") % {"role": role}, field="role")
    reason = reason.strip()
    if not reason:
        raise GrantError(_("请写明授予或撤销的理由（--reason）。"), field="reason")
    return reason


@transaction.atomic
def grant_role(
    user: User,
    *,
    role: str,
    org_unit: OrgUnit,
    campaign=None,
    operator: User,
    reason: str,
) -> Membership:
    """Give ``user`` ``role`` in ``org_unit`` (for one ``campaign`` or none).

    Args:
        operator: the administrator who asked (:func:`operator_for`), the entry's actor.
        reason: why, kept in the audit entry (e.g. the appointment's document number).
    Returns:
        The new membership, audited as ``account.role_grant``.
    Raises:
        GrantError: unknown role, empty reason, or the user already holds the role there.
    """
    reason = _check(role, reason)
    if Membership.objects.filter(
        user=user, org_unit=org_unit, role=role, campaign=campaign
    ).exists():
        raise GrantError(_("该用户已在该组织担任此角色。"), code="conflict")
    membership = Membership.objects.create(
        user=user, org_unit=org_unit, role=role, campaign=campaign
    )
    record_audit(
        actor=operator,
        action="account.role_grant",
        obj=membership,
        role=Role.PLATFORM_ADMIN,
        after=_grant_fields(membership, reason),
    )
    return membership


@transaction.atomic
def revoke_role(
    user: User, *, role: str, org_unit: OrgUnit, campaign=None, operator: User, reason: str
) -> None:
    """End ``user``'s ``role`` in ``org_unit``; audited as ``account.role_revoke``.

    Raises:
        GrantError: unknown role, empty reason, or no such membership.
    """
    reason = _check(role, reason)
    membership = Membership.objects.filter(
        user=user, org_unit=org_unit, role=role, campaign=campaign
    ).first()
    if membership is None:
        raise GrantError(_("该用户没有在该组织担任此角色。"), code="not_found")
    before = _grant_fields(membership, reason)
    record_audit(
        actor=operator,
        action="account.role_revoke",
        obj=membership,
        role=Role.PLATFORM_ADMIN,
        before=before,
        after={"reason": reason, "os_user": before["os_user"]},
    )
    membership.delete()


def _grant_fields(membership: Membership, reason: str) -> dict:
    return {
        "user": membership.user.get_username(),
        "role": membership.role,
        "org_unit": membership.org_unit.code,
        "campaign": membership.campaign.code if membership.campaign else None,
        "reason": reason,
        "os_user": _os_user(),
    }


def _temporary_password(user: User) -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        password = (
            "".join(secrets.choice(alphabet) for _i in range(14))
            + secrets.choice("!#%+-=?@")
            + secrets.choice(string.digits)
        )
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


@transaction.atomic
def reset_password(user: User, *, operator: User, reason: str) -> str:
    """Give ``user`` a random temporary password, end their sessions and return it.

    The password is shown once, to the administrator at the server, who hands it over in
    person or by phone; the user changes it on the "修改密码" page. Audited as
    ``account.password_reset`` (without the password).

    Raises:
        GrantError: empty reason.
    """
    reason = reason.strip()
    if not reason:
        raise GrantError(_("请写明重置密码的理由（--reason）。"), field="reason")
    password = _temporary_password(user)
    user.set_password(password)  # a new hash ends every session of the user
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    record_audit(
        actor=operator,
        action="account.password_reset",
        obj=user,
        role=Role.PLATFORM_ADMIN,
        after={"user": user.get_username(), "reason": reason, "os_user": _os_user()},
    )
    return password
