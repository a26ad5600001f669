"""Admin for the expert pool and panels. Draw records are read-only: the draw is redone by
creating a new panel, never by editing its record."""

from django.contrib import admin

from .models import Draw, Expert, ExpertRelationship, Panel, PanelMember


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
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "campaign", "award", "size", "reserves", "state"]
    list_filter = ["state"]
    readonly_fields = ["state"]


@admin.register(Draw)
class DrawAdmin(admin.ModelAdmin):
    list_display = ["panel", "seed", "algorithm", "drawn_by", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PanelMember)
class PanelMemberAdmin(admin.ModelAdmin):
    list_display = ["panel", "expert", "role", "position", "confidentiality_confirmed_at"]
    list_filter = ["role"]
    readonly_fields = ["panel", "expert", "position"]
