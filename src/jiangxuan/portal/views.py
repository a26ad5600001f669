"""The public portal (no login): the open campaigns and each campaign's page.

Both pages are cached (``core.caching``): keyed by a version of what they show, which is
itself remembered for a few seconds (``cached_version``), so a busy database sees at most
one small query per page every few seconds however many people read.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiangxuan.core.caching import cached_public_page, cached_version

from . import selectors


def _version(code: str | None) -> str | None:
    return cached_version(code or "*", lambda: selectors.public_version(code))


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Open campaigns: title, organizers, level, key dates and state badges."""
    return cached_public_page(
        ("portal-index", _version(None)),
        "portal/index.html",
        lambda: {"campaigns": selectors.open_campaigns()},
    )


@require_GET
def campaign(request: HttpRequest, code: str) -> HttpResponse:
    """A campaign's notice text (organizers, awards, who may be nominated, timeline) and
    links to its public notices, objection forms, public vote and decision."""
    version = _version(code)
    if version is None:
        raise Http404(_("没有找到该评选活动。"))

    def context() -> dict:
        page = selectors.public_campaign(code)
        if page is None:
            raise Http404(_("没有找到该评选活动。"))
        return {
            "page": page,
            "spec": page.campaign.specification,
            "awards": selectors.awards_with_rules(page.campaign),
        }

    return cached_public_page(("portal-campaign", code, version), "portal/campaign.html", context)
