"""Admin for the working-day tables (the platform admin enters a year's schedule here)."""

from django.contrib import admin

from .models import HolidayYear, WorkdayOverride


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ["year", "source"]


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(admin.ModelAdmin):
    list_display = ["day", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "day"
