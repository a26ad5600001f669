"""Admin for the expert pool and panels. Draw records are read-only: the draw is redone by
creating a new panel, never by editing its record. A panel once drawn, its members and its
draw are locked in the admin (issue 16.3, ``core.admin_locks``); approval lists, ballots
and scores are not in the admin at all."""

from django.contrib import admin
from django.utils.translation import gettext as _

from jiangxuan.core.admin_locks import LockedRecordAdminMixin

from .enums import PanelState
from .models import Draw, Expert, ExpertRelationship, Panel, PanelMember


def _panel_locked() -> str:
    return _("评审组已抽取（或评审已结束），抽取结果和成员经见证锁定，不能在后台修改或删除。")


class RelationshipInline(admin.TabularInline):
    model = ExpertRelationship
    fields = ["kind", "org_unit", "nomination", "note", "after_draw"]
    readonly_fields = ["nomination", "after_draw"]
    autocomplete_fields = ["org_unit"]
    extra = 0


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "speciality", "industry", "organization", "region", "available"]
    list_filter = ["available", "speciality", "industry", "region"]
    search_fields = ["name", "organization"]
    autocomplete_fields = ["org_unit", "user"]
    # The phone is personal data, kept out of the admin (issue 16.3); the office's pool
    # pages show it masked.
    exclude = ["phone"]
    inlines = [RelationshipInline]


@admin.register(Panel)
class PanelAdmin(LockedRecordAdminMixin, admin.ModelAdmin):
    list_display = ["name", "campaign", "award", "size", "reserves", "state"]
    list_filter = ["state"]
    readonly_fields = ["state"]

    def locked_reason(self, obj: Panel) -> str | None:
        return _panel_locked() if obj.state != PanelState.DRAFT else None


@admin.register(Draw)
class DrawAdmin(LockedRecordAdminMixin, admin.ModelAdmin):
    list_display = ["panel", "seed", "algorithm", "drawn_by", "created_at"]

    def locked_reason(self, obj: Draw) -> str | None:
        return _panel_locked()

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PanelMember)
class PanelMemberAdmin(LockedRecordAdminMixin, admin.ModelAdmin):
    list_display = ["panel", "expert", "role", "position", "confidentiality_confirmed_at"]
    list_filter = ["role"]
    readonly_fields = ["panel", "expert", "position"]

    def locked_reason(self, obj: PanelMember) -> str | None:
        return _panel_locked() if obj.panel.state != PanelState.DRAFT else None

    def has_add_permission(self, request) -> bool:
        # Members come from the draw (experts.draw), never typed in.
        return False
