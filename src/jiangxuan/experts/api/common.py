"""What the expert-review endpoints share: the error mapping, the office fetches that answer
404 outside the caller's reach, and the panel and recusal shapes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field

from jiangxuan.accounts.http import ApiRequest
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.api_errors import not_found
from jiangxuan.nominations.models import Nomination

from .. import (
    selectors,
)
from ..enums import PanelState
from ..models import (
    Assignment,
    Panel,
)


class AssignmentRefOut(Schema):
    id: int
    nomination: int
    active: bool
    recused_reason: str
    replaces_expert: str | None = Field(description="替补时：被替补（已回避）的专家")


class PanelOut(Schema):
    id: int
    campaign: str
    award: str | None = Field(description="奖项代码；为 null 时评审本活动全部推荐对象")
    award_name: str
    name: str
    size: int
    reserves: int
    mix: dict[str, dict[str, int]] = Field(description="构成要求：各属性取值至少抽取的人数")
    blind: bool
    state: PanelState
    state_label: str


class RecusalOut(Schema):
    recused: bool = Field(description="是否撤下了该成员对该推荐的评审任务")
    replacement: AssignmentRefOut | None = Field(description="接替评审的候补专家任务")
    replacement_expert: str | None
    detail: str


def office_panel(request: ApiRequest, panel_id: int) -> Panel:
    """The panel if the caller is its campaign office; otherwise ApiError 404."""
    panel = selectors.panel_for_office(request.auth, panel_id)
    if panel is None:
        raise not_found()
    return panel


def office_campaign(request: ApiRequest, code: str) -> Campaign:
    """The campaign if the caller is its office; otherwise ApiError 404."""
    campaign = selectors.campaign_for_office(request.auth, code)
    if campaign is None:
        raise not_found()
    return campaign


def nominee_label(nomination: Nomination, *, blind: bool) -> str:
    """The nominee's name, or a number on a blind panel."""
    # A blind panel sees numbers, not names (issue 4), as on the web pages.
    return _("推荐对象 %(number)d") % {"number": nomination.pk} if blind else nomination.name


def panel_fields(panel: Panel) -> dict[str, Any]:
    """The fields of PanelOut for ``panel``."""
    return {
        "id": panel.pk,
        "campaign": panel.campaign.code,
        "award": panel.award.code if panel.award else None,
        "award_name": panel.award.name if panel.award else "",
        "name": panel.name,
        "size": panel.size,
        "reserves": panel.reserves,
        "mix": panel.mix or {},
        "blind": panel.blind,
        "state": panel.state,
        "state_label": str(panel.get_state_display()),
    }


def assignment_ref(assignment: Assignment) -> AssignmentRefOut:
    """An assignment with the expert it replaces, if it is a reserve's."""
    replaces = assignment.replaces
    return AssignmentRefOut(
        id=assignment.pk,
        nomination=assignment.nomination_id,
        active=assignment.active,
        recused_reason=assignment.recused_reason,
        replaces_expert=replaces.member.expert.name if replaces else None,
    )


def recusal_out(replacement: Assignment | None) -> RecusalOut:
    """The answer to a recusal: the reserve's assignment that took over, if any."""
    if replacement is None:
        return RecusalOut(
            recused=False,
            replacement=None,
            replacement_expert=None,
            detail=_("回避已登记；该专家当前没有该推荐对象的评审任务。"),
        )
    return RecusalOut(
        recused=True,
        replacement=assignment_ref(replacement),
        replacement_expert=replacement.member.expert.name,
        detail=_("回避已登记，已由候补专家接替评审。"),
    )
