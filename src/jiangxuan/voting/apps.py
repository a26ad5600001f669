from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "jiangxuan.voting"
    label = "voting"
    verbose_name = _("网络投票")

    def ready(self) -> None:
        from jiangxuan.campaigns.steps import register_step_probe

        from . import checks, selectors  # noqa: F401  (checks registers the SMS backend check)

        # The vote is done when it is closed (campaigns.steps, issue 13).
        register_step_probe("public_vote", selectors.vote_step_done)
