"""Users, the organization tree and memberships (roles are data, docs/conventions.md 8.4)."""

import hashlib
import secrets
from typing import ClassVar

from django.contrib.auth.models import (  # type: ignore[attr-defined]  # private, not in django-stubs
    AbstractUser,
    _user_has_perm,
)
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager

from jiangxuan.core.models import BaseModel

from .enums import OrgKind, OrgLevel, Role, TokenScope


class User(AbstractUser):
    """A person who signs in: clerk, reviewer, expert, office staff, auditor."""

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    #: The memberships, cached per instance by accounts.selectors.memberships_of.
    _jx_memberships: "list[Membership]"

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_perm(self, perm: str, obj: object = None) -> bool:
        """Django's check, except that a superuser holds no permission on an object
        (a campaign, nomination, panel, ballot, notice) by being superuser: object
        permissions come from the rules, that is from memberships.

        The platform administrator manages accounts and configuration in the admin (model
        permissions, no object) but is not a superuser for campaign data: 三员分立,
        等保 L3 安全管理中心 (issue 16.2: ``admin`` rewrote an open campaign's quota and
        closed another campaign's expert ballot).
        """
        if obj is None:
            return super().has_perm(perm)
        return self.is_active and _user_has_perm(self, perm, obj)


class OrgUnit(MP_Node, BaseModel):
    """A node of the organization tree: province → city → county → workplace, plus
    industry unions, departments, SOEs and 技工院校 hanging where they report.

    ``governs_region`` marks the union and HR bureau of an administrative area: their
    jurisdiction is their parent region's whole subtree, not only their own children.
    """

    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    level = models.CharField(_("层级"), max_length=20, choices=OrgLevel.choices)
    division_code = models.CharField(_("行政区划代码"), max_length=12, blank=True)
    governs_region = models.BooleanField(_("主管本行政区"), default=False)
    ownership_type = models.CharField(_("单位性质"), max_length=40, blank=True)
    code = models.SlugField(_("代码"), max_length=80, unique=True)

    node_order_by = ["name"]
    # treebeard ships no types: name the tree's manager (MP_Node sets it) so that the
    # django-stubs plugin need not resolve it through the untyped base class.
    objects: ClassVar[MP_NodeManager]

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A user's role in an organization, optionally limited to one campaign."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("评选活动"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("成员角色")
        verbose_name_plural = _("成员角色")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org_unit", "role", "campaign"],
                condition=models.Q(campaign__isnull=False),
                name="membership_unique_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["user", "org_unit", "role"],
                condition=models.Q(campaign__isnull=True),
                name="membership_unique_untied",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.org_unit} · {self.get_role_display()}"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(BaseModel):
    """A bearer token for the JSON API. Only a SHA-256 digest of the key is stored.

    Every token expires (``JX_API_TOKEN_MAX_DAYS`` at most) and has a scope: a read-only
    token is refused on any unsafe method (issue 16.13).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(max_length=8)
    key_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("过期时间"))
    scope = models.CharField(
        _("权限范围"), max_length=20, choices=TokenScope.choices, default=TokenScope.READ
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_key() -> str:
        """A fresh random key, ``jx_`` + 40 URL-safe characters."""
        return "jx_" + secrets.token_urlsafe(30)

    @staticmethod
    def digest(key: str) -> str:
        """The stored digest of ``key``."""
        return _digest(key)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
