"""A campaign's page (``campaigns:detail``): its rules, timeline, review chain, and the
user's nominating unit's window, deadline, quotas and their use.

Served by nominations, under the campaigns namespace (jiangxuan/urls.py): the quotas' use
counts forwarded nominations, which the campaigns app below cannot read. Thin: the campaign
comes from ``campaigns_visible_to`` (404 otherwise).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.accounts.selectors import memberships_of
from jiangxuan.campaigns.lifecycle import new_draft_refusal, new_draft_warning
from jiangxuan.campaigns.selectors import (
    awards_of,
    campaigns_visible_to,
    deadline_for,
    nominating_unit_for,
    window_state,
)

from .services import quota_usage


def _clerk_unit(user: User) -> OrgUnit | None:
    """The unit the user nominates from (first clerk membership), if any."""
    return next((m.org_unit for m in memberships_of(user) if m.role == Role.CLERK), None)


@login_required
def campaign_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A campaign's rules, timeline, quotas and review chain as the user's unit sees them."""
    campaign = campaigns_visible_to(request.user).filter(code=code).first()
    if campaign is None:
        raise Http404(_("没有找到该评选活动。"))
    spec = campaign.specification
    unit = _clerk_unit(request.user)
    nominating_unit = nominating_unit_for(unit, spec) if unit is not None else None
    awards = awards_of(campaign)
    context = {
        "campaign": campaign,
        "spec": spec,
        "awards": [(award, spec.award(award.code)) for award in awards],
        "unit": unit,
        "nominating_unit": nominating_unit,
        "window": window_state(campaign, nominating_unit or unit),
        "deadline": deadline_for(campaign, nominating_unit or unit),
        "quotas": quota_usage(campaign, nominating_unit) if nominating_unit else [],
        "award_names": {award.code: award.name for award in awards},
        # Told here, before any form opens, when the campaign takes no new nominations
        # or what a draft started now can and cannot do (issue 15.11).
        "draft_refusal": new_draft_refusal(campaign) if unit is not None else "",
        "draft_warning": new_draft_warning(campaign) if unit is not None else "",
        "can_nominate": unit is not None and not new_draft_refusal(campaign),
        "can_edit_spec": request.user.has_perm("campaigns.change_campaign", campaign),
    }
    return render(request, "campaigns/campaign_detail.html", context)
