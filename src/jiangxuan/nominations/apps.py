from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NominationsConfig(AppConfig):
    name = "jiangxuan.nominations"
    label = "nominations"
    verbose_name = _("推荐申报")

    def ready(self) -> None:
        from jiangxuan.core.labels import register_vocabulary

        from .enums import NominationState as State

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
