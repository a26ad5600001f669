"""The public portal (no login): the open campaigns and each campaign's page.

Both pages are cached (``core.caching.public_page``): served in one cache read while fresh,
their version checked at most every few seconds with one small query, however many people
read.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiangxuan.core.caching import public_page

from . import selectors


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Open campaigns: title, organizers, level, key dates and state badges."""
    return public_page(
        ("portal-index",),
        lambda: selectors.public_version(None),
        "portal/index.html",
        lambda: {"campaigns": selectors.open_campaigns()},
        missing=_("没有找到该评选活动。"),
    )


@require_GET
def campaign(request: HttpRequest, code: str) -> HttpResponse:
    """A campaign's notice text (organizers, awards, who may be nominated, timeline) and
    links to its public notices, objection forms, public vote and decision."""

    def context() -> dict:
        page = selectors.public_campaign(code)
        if page is None:
            raise Http404(_("没有找到该评选活动。"))
        return {
            "page": page,
            "spec": page.campaign.specification,
            "awards": selectors.awards_with_rules(page.campaign),
        }

    return public_page(
        ("portal-campaign", code),
        lambda: selectors.public_version(code),
        "portal/campaign.html",
        context,
        missing=_("没有找到该评选活动。"),
    )
