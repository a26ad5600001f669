from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The campaign office's overview of a campaign (issue 3: 活动总览)."""

    name = "jiangxuan.overview"
    label = "overview"
    verbose_name = _("活动总览")
