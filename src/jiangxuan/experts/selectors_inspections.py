"""Reads for site inspections (实地考察; seed 004 三(三)2)."""

from __future__ import annotations

from django.db.models import QuerySet

from jiangxuan.campaigns.models import Campaign
from jiangxuan.nominations.models import Nomination

from .models import InspectionState, Panel, PanelMember, SiteInspection


def inspection_outcomes(campaign: Campaign) -> dict[int, str]:
    """``{nomination_id: outcome}`` of the campaign's done inspections, for the final list.

    Scheduled and cancelled inspections are left out; when a nominee was inspected more
    than once, the latest recorded outcome wins.
    """
    rows = (
        SiteInspection.objects.filter(panel__campaign=campaign, state=InspectionState.DONE)
        .order_by("recorded_at", "id")
        .values_list("nomination_id", "outcome")
    )
    return dict(rows)


def inspections_of_campaign(campaign: Campaign) -> QuerySet[SiteInspection]:
    """The campaign's inspections with panel, nominee and inspectors, by time."""
    return (
        SiteInspection.objects.filter(panel__campaign=campaign)
        .select_related("panel", "nomination")
        .prefetch_related("inspectors__expert", "photos")
    )


def inspections_of_panel(panel: Panel) -> QuerySet[SiteInspection]:
    """The panel's inspections with nominee and inspectors, by time."""
    return inspections_of_campaign(panel.campaign).filter(panel=panel)


def inspection_for_office(panel: Panel, pk: int) -> SiteInspection | None:
    """The panel's inspection ``pk`` (the caller checked the panel is the user's), or None."""
    return inspections_of_panel(panel).filter(pk=pk).first()


def inspection_candidates(panel: Panel) -> QuerySet[Nomination]:
    """The nominees the panel reviews (those with an assignment to one of its members)."""
    return (
        Nomination.objects.filter(expert_assignments__member__panel=panel).distinct().order_by("id")
    )


def inspector_candidates(panel: Panel) -> QuerySet[PanelMember]:
    """The panel's members and reserves, with their experts, in draw order."""
    return PanelMember.objects.filter(panel=panel).select_related("expert").order_by("position")
