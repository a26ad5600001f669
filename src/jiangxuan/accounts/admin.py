"""Admin for users, the organization tree and memberships. Nominee data is deliberately
not in the admin: platform admins administer, they do not read nominations (三权分立).

Issue 16.3, the admin is no side door:

- the privileged roles (campaign office, auditor, platform administrator) are neither
  granted, changed nor revoked here, and a user holding one is neither deactivated nor
  deleted here: ``jiangxuan grantrole`` / ``revokerole`` on the server do it, audited
  (``accounts.grants``);
- superuser, staff, groups and model permissions are read-only (becoming a superuser is
  becoming an administrator);
- no one's password is set here: a new account has none until ``jiangxuan resetpassword``
  gives it a temporary one, and the admin's "change password" page is refused; users
  change their own on the "修改密码" page.

Every refusal is in Chinese: a form error, or a 403 page with the reason.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Membership, OrgUnit, User
from .two_factor import PRIVILEGED_ROLES


def privileged_refusal() -> str:
    """The Chinese reason the admin gives for refusing a privileged role's change."""
    return _(
        "领导小组办公室、审计员和平台管理员的角色不能在后台授予、修改或撤销，"
        "请在服务器上用 jiangxuan grantrole / revokerole 命令办理（记入审计）。"
    )


def holds_privileged_role(user: User) -> bool:
    """Whether ``user`` is a superuser or holds a privileged role (any unit or campaign)."""
    return user.is_superuser or user.memberships.filter(role__in=PRIVILEGED_ROLES).exists()


class NewUserForm(forms.ModelForm):
    """A new account without a password: ``jiangxuan resetpassword`` gives it one."""

    class Meta:
        model = User
        fields = ["username", "display_name", "email"]

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


@admin.register(User)
class JiangxuanUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("匠选", {"fields": ("display_name",)}))
    list_display = ["username", "display_name", "is_active", "last_login"]
    add_form = NewUserForm
    add_form_template = None
    add_fieldsets = ((None, {"fields": ("username", "display_name", "email")}),)

    def get_readonly_fields(self, request, obj=None):
        fields = ["is_superuser", "is_staff", "groups", "user_permissions"]
        if obj is not None and holds_privileged_role(obj):
            fields.append("is_active")
        return fields

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied(
            _(
                "后台不能设置他人的密码。重置密码请在服务器上用 jiangxuan resetpassword "
                "命令（记入审计）；本人修改密码请到“修改密码”页。"
            )
        )

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, object_id)
        if user is not None and holds_privileged_role(user):
            raise PermissionDenied(
                _("该用户担任特权角色，不能在后台删除；请先用 jiangxuan revokerole 撤销其角色。")
            )
        return super().delete_view(request, object_id, extra_context)


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ["name", "kind", "level", "division_code", "code"]
    search_fields = ["name", "code", "division_code"]


class MembershipForm(forms.ModelForm):
    """Refuses a privileged role, whether new or changed to."""

    class Meta:
        model = Membership
        fields = ["user", "org_unit", "role", "campaign"]

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        if role in PRIVILEGED_ROLES:
            raise forms.ValidationError(privileged_refusal(), code="privileged_role")
        return role


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "org_unit", "role", "campaign"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "org_unit"]

    def has_change_permission(self, request, obj=None) -> bool:
        # A privileged membership shows read-only; a POST to it is refused (changeform_view).
        if obj is not None and obj.role in PRIVILEGED_ROLES:
            return False
        return super().has_change_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            membership = self.get_object(request, object_id)
            if membership is not None and membership.role in PRIVILEGED_ROLES:
                raise PermissionDenied(privileged_refusal())
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        membership = self.get_object(request, object_id)
        if membership is not None and membership.role in PRIVILEGED_ROLES:
            raise PermissionDenied(privileged_refusal())
        return super().delete_view(request, object_id, extra_context)
