"""The bench references as a Django app (its template and its one unmanaged model)."""

from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench.server"
    label = "jx_bench"
    default_auto_field = "django.db.models.BigAutoField"
