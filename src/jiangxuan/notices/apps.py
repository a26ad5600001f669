from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "jiangxuan.notices"
    label = "notices"
    verbose_name = _("公示与异议")

    def ready(self) -> None:
        from jiangxuan.nominations.penalties import provide_penalties

        from . import selectors

        # The penalties recorded here bind nominating (docs/architecture.md, "Penalties").
        provide_penalties(selectors)
