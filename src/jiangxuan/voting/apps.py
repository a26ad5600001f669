from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "jiangxuan.voting"
    label = "voting"
    verbose_name = _("网络投票")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the SMS backend check)
