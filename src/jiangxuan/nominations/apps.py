from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    name = "jiangxuan.nominations"
    label = "nominations"
    verbose_name = _("推荐申报")

    def ready(self) -> None:
        from jiangxuan.core.audit_trail import register_campaign_scope
        from jiangxuan.core.labels import register_vocabulary

        from .enums import NominationState as State
        from .models import Nomination

        # The states templates show through core's label_of and status_badge tags.
        register_vocabulary(
            "nomination_state",
            State,
            tones={
                State.DRAFT: "muted",
                State.SUBMITTED: "info",
                State.IN_REVIEW: "info",
                State.RETURNED: "warn",
                State.APPROVED: "ok",
                State.REJECTED: "bad",
                State.WITHDRAWN: "muted",
                State.REVOKED: "bad",
            },
        )

        # The auditor's campaign filter finds entries on the campaign's nominations.
        register_campaign_scope(
            "nominations.nomination",
            lambda code: Nomination.objects.filter(campaign__code=code).values_list(
                "pk", flat=True
            ),
        )
