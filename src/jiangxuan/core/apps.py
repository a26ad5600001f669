from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiangxuan.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from . import checks  # noqa: F401  (registers the crypto self-test)
        from .admin_audit import audit_admin_log_entry
        from .api_json import share_response_models

        share_response_models()

        # Admin writes enter the audit chain; bulk deletion would bypass it (admin_audit).
        post_save.connect(audit_admin_log_entry, sender=LogEntry, dispatch_uid="jx-admin-audit")
        admin.site.disable_action("delete_selected")
