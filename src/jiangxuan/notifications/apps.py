from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "jiangxuan.notifications"
    label = "notifications"
    verbose_name = _("通知与邮件")

    def ready(self) -> None:
        # Connect the receivers of core.events (plugin hooks; see docs/architecture.md).
        from . import receivers  # noqa: F401
