from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiangxuan.accounts"
    label = "accounts"
    verbose_name = _("账户与组织")

    def ready(self) -> None:
        from jiangxuan.core.labels import register_vocabulary

        from .enums import Role

        # The audit trail shows each entry's role by its Chinese name (issue 15.9).
        register_vocabulary("role", Role)
