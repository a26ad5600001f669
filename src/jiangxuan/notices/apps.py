from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "jiangxuan.notices"
    label = "notices"
    verbose_name = _("公示与异议")

    def ready(self) -> None:
        from jiangxuan.campaigns.steps import register_step_probe
        from jiangxuan.nominations.penalties import provide_penalties

        from . import selectors

        # The penalties recorded here bind nominating (docs/architecture.md, "Penalties").
        provide_penalties(selectors)
        # When the notice and opinion steps are done (campaigns.steps, issue 13).
        register_step_probe("social_notice", selectors.notice_step_done)
        register_step_probe("qualification_review", selectors.background_step_done)
