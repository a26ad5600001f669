"""Admin for users, the organization tree and memberships. Nominee data is deliberately
not in the admin: platform admins administer, they do not read nominations (三权分立)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Membership, OrgUnit, User


@admin.register(User)
class JiangxuanUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), ("匠选", {"fields": ("display_name",)}))
    list_display = ["username", "display_name", "is_active", "last_login"]


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ["name", "kind", "level", "division_code", "code"]
    search_fields = ["name", "code", "division_code"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "org_unit", "role", "campaign"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "org_unit"]
