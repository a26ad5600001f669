from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "jiangxuan.campaigns"
    label = "campaigns"
    verbose_name = _("评选活动")

    def ready(self) -> None:
        from jiangxuan.core.audit_trail import register_campaign_scope
        from jiangxuan.core.labels import register_vocabulary

        from .enums import CampaignState, NoticeDayUnit, RuleStatus, Signer, StepKind
        from .models import Campaign

        # The enums templates show through core's label_of and status_badge tags.
        register_vocabulary(
            "rule_status",
            RuleStatus,
            tones={
                RuleStatus.PASSED: "ok",
                RuleStatus.FAILED: "bad",
                RuleStatus.NEEDS_EVIDENCE: "warn",
            },
        )
        register_vocabulary("campaign_state", CampaignState)
        register_vocabulary("signer", Signer)
        register_vocabulary("step_kind", StepKind)
        register_vocabulary("day_unit", NoticeDayUnit)
        # The auditor's campaign filter finds entries on the campaign itself.
        register_campaign_scope(
            "campaigns.campaign",
            lambda code: Campaign.objects.filter(code=code).values_list("pk", flat=True),
        )
