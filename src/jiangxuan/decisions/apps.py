from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "jiangxuan.decisions"
    label = "decisions"
    verbose_name = _("审定与表彰")

    def ready(self) -> None:
        from jiangxuan.campaigns.steps import register_step_probe
        from jiangxuan.nominations.withdrawal import provide_list_withdrawal

        from . import selectors, services

        # A nominee stopped at any stage leaves the lists (nominations.withdrawal).
        provide_list_withdrawal(services.withdraw_nominee)

        # When the approvals and the decision are done (campaigns.steps, issue 13).
        register_step_probe("leading_group_approval", selectors.approval_step_done)
        register_step_probe("government_approval", selectors.authority_step_done)
        register_step_probe("decision", selectors.decision_step_done)
