from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jiangxuan.accounts"
    label = "accounts"
    verbose_name = _("账户与组织")

    def ready(self) -> None:
        from django.contrib import admin

        from jiangxuan.core.labels import register_vocabulary

        from .enums import Role
        from .views import admin_login

        # The admin's own login form has no captcha and no login wait (issue 16.12): the
        # admin signs in on the site's login page like everyone.
        admin.site.login = admin_login  # type: ignore[method-assign]
        # The audit trail shows each entry's role by its Chinese name (issue 15.9).
        register_vocabulary("role", Role)
