"""Reads for the document downloads: who may see what, in full or masked."""

from dataclasses import dataclass

from django.conf import settings

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.rules import office_of
from jiangxuan.campaigns.selectors import office_campaign_ids
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.selectors import (
    nominations_visible_to,
    summary_sheet_count,
    summary_sheet_rows,
)

from .layout import summary_fields
from .models import DocumentBundle


def may_see_personal_data(user: User, nomination: Nomination) -> bool:
    """Whether ``user`` may see ``nomination``'s ID number, phones and bank account in
    full (``nominations.view_personal_data``: its unit's clerk or the campaign office)."""
    return user.has_perm("nominations.view_personal_data", nomination)


@dataclass(frozen=True)
class SummaryScope:
    """The rows of a summary-sheet download and which of them show personal data."""

    nominations: list[Nomination]
    unmasked_ids: set[int]
    unit_name: str


def summary_scope_for(user: User, campaign: Campaign) -> SummaryScope:
    """What ``user`` downloads as ``campaign``'s summary sheet.

    The campaign office, leading group and finance get every nominating unit; anyone else
    (a unit's clerk) gets the nominations visible to them only. Personal data is in full
    for the campaign office and otherwise per nomination (:func:`may_see_personal_data`).
    ``unit_name`` is the nominating unit when all rows share one (it stamps the sheet).
    Query count does not grow with the number of rows; of each nomination only what the
    sheet's columns read is fetched (:func:`documents.layout.summary_fields`).
    """
    fields = summary_fields(campaign.specification)
    if campaign.id in office_campaign_ids(user):
        rows = summary_sheet_rows(campaign, fields=fields)
    else:
        visible = dict(
            nominations_visible_to(user)
            .filter(campaign=campaign)
            .values_list("id", "nominating_unit_id")
        )
        unit_ids = sorted({unit for unit in visible.values() if unit is not None})
        rows = [
            n
            for n in summary_sheet_rows(campaign, unit_ids=unit_ids, fields=fields)
            if n.id in visible
        ]
    if office_of(user, campaign.id):
        unmasked = {n.id for n in rows}
    else:
        unmasked = {n.id for n in rows if may_see_personal_data(user, n)}
    units = {n.nominating_unit for n in rows}
    only = next(iter(units)) if len(units) == 1 else None
    unit_name = only.name if only is not None else ""
    return SummaryScope(rows, unmasked, unit_name)


def summary_rows_in_background(campaign: Campaign) -> int:
    """The number of rows of ``campaign``'s summary sheet for its office when it holds more
    than ``JX_SUMMARY_BACKGROUND_ROWS`` nominations, so that it is made by a background task
    with its progress shown (issue 17.4; ``bundles.request_bundle``); 0 when it is
    downloaded at once. The caller has checked that the user is the office (a unit's sheet
    is always downloaded at once). One query."""
    rows = summary_sheet_count(campaign)
    return rows if rows > settings.JX_SUMMARY_BACKGROUND_ROWS else 0


def office_campaign(user: User, code: str) -> Campaign | None:
    """The campaign ``code`` when ``user`` is its office (``campaigns.change_campaign``),
    else None."""
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is None or not user.has_perm("campaigns.change_campaign", campaign):
        return None
    return campaign


def bundle_of(campaign: Campaign, pk: int) -> DocumentBundle | None:
    """The campaign's document bundle ``pk`` (its progress and file), or None."""
    return DocumentBundle.objects.filter(campaign=campaign, pk=pk).first()
