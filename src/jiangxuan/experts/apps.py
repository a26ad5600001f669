from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "jiangxuan.experts"
    label = "experts"
    verbose_name = _("专家评审")

    def ready(self) -> None:
        from jiangxuan.campaigns.steps import register_step_probe

        from . import selectors

        # The expert review is done when its panels are closed (campaigns.steps, issue 13).
        register_step_probe("expert_review", selectors.review_step_done)
