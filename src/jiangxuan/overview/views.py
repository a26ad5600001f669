"""The campaign overview page (活动总览) for the campaign office and leading group.

Thin: the campaign comes from ``selectors.overview_campaign`` (another campaign, or a
user without the role there, answers 404); everything shown from
``selectors.campaign_overview``.
"""

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiangxuan.accounts.http import AuthenticatedHttpRequest

from .selectors import (
    acts_for_office,
    campaign_balance,
    campaign_overview,
    chart_data,
    overview_campaign,
)
from .similarity import THRESHOLD, similar_narratives

#: The chart library, copied from npm by scripts/ensure-node-assets.sh (never a CDN).
ECHARTS = "vendor/echarts.min.js"


@login_required
@require_GET
def campaign_overview_page(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Nominations per unit and level, quota fill, the balance of the nominees (sex, age,
    skill, industry, region, kind of unit), sign-offs waiting (50 a page,
    ``?waiting_page=``), notices running, objections open and background checks
    overdue, with charts when the chart library is installed (otherwise the tables
    alone, and a note saying so)."""
    campaign = overview_campaign(request.user, code)
    if campaign is None:
        raise Http404(_("没有找到该评选活动。"))
    overview = campaign_overview(campaign, waiting_page=request.GET.get("waiting_page"))
    context = {
        "campaign": campaign,
        "overview": overview,
        "balance": campaign_balance(campaign),
        "charts": chart_data(overview),
        "charts_available": finders.find(ECHARTS) is not None,
        "echarts": ECHARTS,
        "can_act": acts_for_office(request.user, campaign),
    }
    return render(request, "overview/campaign_overview.html", context)


@login_required
@require_GET
def similar_narratives_page(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Narratives alike within the campaign or with an earlier edition (issue 13: 杜绝虚报),
    with the shared passages, for the campaign office; a flag to verify, not a verdict."""
    campaign = overview_campaign(request.user, code)
    if campaign is None or not acts_for_office(request.user, campaign):
        raise Http404(_("没有找到该评选活动。"))
    context = {
        "campaign": campaign,
        "pairs": similar_narratives(campaign),
        "threshold": round(THRESHOLD * 100),
    }
    return render(request, "overview/similar_narratives.html", context)
