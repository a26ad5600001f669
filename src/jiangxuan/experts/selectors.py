"""Reads about the expert pool, panels, draws and assignments.

Office pages fetch every object through the ``*_for_office`` selectors (another campaign's
panel is None, so the view answers 404); experts see only their own memberships
(``*_for_expert``). Nominations reach an expert only through
:func:`assignments_for_expert`, which requires the confidentiality undertaking (保密承诺).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.rules import office_of_any
from jiangxuan.campaigns.selectors import office_campaign_ids
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination

from .enums import PanelState
from .models import Assignment, Draw, Expert, ExpertRelationship, Panel, PanelMember

OFFICE_ROLE = {Role.CAMPAIGN_OFFICE}


def _office_ids(user: User) -> set[int]:
    return office_campaign_ids(user, OFFICE_ROLE) if user.is_authenticated else set()


def is_pool_office(user: User) -> bool:
    """Whether the user runs at least one campaign as its office (and so keeps the pool):
    the predicate of ``experts.manage_pool``, which the pool's services enforce."""
    return office_of_any(user)


def campaign_for_office(user: User, code: str) -> Campaign | None:
    """The campaign with ``code`` if the user is its office, else None."""
    return Campaign.objects.filter(code=code, id__in=_office_ids(user)).first()


def panel_nominees(panel: Panel) -> list[Nomination]:
    """The nominations the panel reviews, by id: the approved nominations (handed over by
    the review chain) of the panel's award, or of the whole campaign without an award."""
    nominations = Nomination.objects.filter(
        campaign_id=panel.campaign_id, state=NominationState.APPROVED
    )
    if panel.award_id:
        nominations = nominations.filter(award_id=panel.award_id)
    return list(nominations.select_related("award", "workplace", "nominating_unit").order_by("id"))


def available_experts() -> list[Expert]:
    """Available experts by id, with their declared relationships (for the draw)."""
    return list(
        Expert.objects.filter(available=True)
        .prefetch_related("relationships")
        .select_related("org_unit")
        .order_by("id")
    )


def relationships_of(expert: Expert) -> list[ExpertRelationship]:
    """The expert's declared relationships, fresh from the database, oldest first."""
    return list(
        ExpertRelationship.objects.filter(expert=expert)
        .select_related("nomination", "org_unit")
        .order_by("id")
    )


def experts_for_office(
    user: User,
    *,
    speciality: str = "",
    industry: str = "",
    region: str = "",
    available: bool | None = None,
    query: str = "",
) -> QuerySet[Expert]:
    """The pool, filtered, for a campaign office user (empty for anyone else)."""
    if not is_pool_office(user):
        return Expert.objects.none()
    experts = Expert.objects.select_related("org_unit").annotate(
        relationship_count=Count("relationships")
    )
    if speciality:
        experts = experts.filter(speciality=speciality)
    if industry:
        experts = experts.filter(industry=industry)
    if region:
        experts = experts.filter(region=region)
    if available is not None:
        experts = experts.filter(available=available)
    if query:
        experts = experts.filter(Q(name__contains=query) | Q(organization__contains=query))
    return experts.order_by("speciality", "name", "id")


def pool_facets() -> dict[str, list[str]]:
    """Distinct specialities, industries and regions of the pool, for the filter form."""
    return {
        field: list(
            Expert.objects.exclude(**{field: ""})
            .order_by(field)
            .values_list(field, flat=True)
            .distinct()
        )
        for field in ("speciality", "industry", "region")
    }


def expert_for_office(user: User, pk: int) -> Expert | None:
    """One expert of the pool for a campaign office user, else None."""
    return experts_for_office(user).filter(pk=pk).first()


def panels_of(campaign: Campaign) -> list[Panel]:
    """The campaign's panels with their campaign, award and draw, newest first."""
    return list(
        Panel.objects.filter(campaign=campaign)
        .select_related("campaign", "award", "draw")
        .annotate(member_count=Count("members"))
        .order_by("-id")
    )


def panel_for_office(user: User, pk: int) -> Panel | None:
    """A panel of one of the user's campaigns, else None."""
    return (
        Panel.objects.filter(pk=pk, campaign_id__in=_office_ids(user))
        .select_related("campaign", "award")
        .first()
    )


def draw_of(panel: Panel) -> Draw | None:
    """The panel's draw record with the user who drew it, or None before the draw."""
    return Draw.objects.filter(panel=panel).select_related("drawn_by").first()


def draw_record(draw: Draw) -> dict[str, Any]:
    """The draw record as plain JSON data, for anyone re-running it (``jiangxuan redraw``
    or by hand): algorithm, seed, its source, witnesses, constraints, the pool snapshot,
    the excluded expert ids, the result in draw order and the time (ISO 8601, +08:00)."""
    return {
        "panel": draw.panel_id,
        "algorithm": draw.algorithm,
        "seed": draw.seed,
        "seed_source": draw.seed_source,
        "witnesses": draw.witnesses,
        "constraints": draw.constraints,
        "pool": draw.pool,
        "excluded": [row["id"] for row in draw.excluded],
        "result": draw.result,
        "drawn_at": timezone.localtime(draw.created_at).isoformat(),
    }


def members_of(panel: Panel) -> list[PanelMember]:
    """The panel's members and reserves in draw order, with experts and assignments."""
    return list(
        PanelMember.objects.filter(panel=panel)
        .select_related("expert")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related(
                    "nomination", "replaces__member__expert"
                ).order_by("nomination_id"),
            )
        )
        .order_by("position")
    )


def member_of(panel: Panel, pk: int) -> PanelMember | None:
    """A member (or reserve) of ``panel``, else None."""
    return PanelMember.objects.filter(panel=panel, pk=pk).select_related("expert").first()


def nominee_of(panel: Panel, pk: int) -> Nomination | None:
    """A nomination the panel reviews, else None."""
    return next((n for n in panel_nominees(panel) if n.pk == pk), None)


def memberships_for_expert(user: User) -> list[PanelMember]:
    """The signed-in expert's own panel memberships, newest first."""
    if not user.is_authenticated:
        return []
    return list(
        PanelMember.objects.filter(expert__user=user)
        .select_related("panel__campaign", "panel__award", "expert")
        .annotate(active_count=Count("assignments", filter=Q(assignments__active=True)))
        .order_by("-panel_id")
    )


def membership_for_expert(user: User, pk: int) -> PanelMember | None:
    """One of the signed-in expert's memberships, else None."""
    if not user.is_authenticated:
        return None
    return (
        PanelMember.objects.filter(pk=pk, expert__user=user)
        .select_related("panel__campaign", "panel__award", "expert")
        .first()
    )


def assignments_for_expert(user: User) -> QuerySet[Assignment]:
    """The active assignments of the signed-in expert, only on panels where the expert has
    confirmed confidentiality (保密承诺): the one door through which nominations reach an
    expert (issue 4: experts confirm confidentiality before they see anything). The
    campaign comes in a query of its own, one object for all rows: joined, each row would
    decode the campaign's specification (≈ 25 KB of JSON) again."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(
            active=True,
            member__expert__user=user,
            member__confidentiality_confirmed_at__isnull=False,
        )
        .select_related("member__panel", "member__expert", "nomination__award")
        .prefetch_related("member__panel__campaign")
        .order_by("member__panel_id", "nomination_id")
    )


def review_step_done(campaign: Campaign, key: str) -> bool:
    """The expert review step is done when the campaign has a panel and every panel is
    closed (评审结束; campaigns.steps)."""
    panels = Panel.objects.filter(campaign=campaign)
    return panels.exists() and not panels.exclude(state=PanelState.CLOSED).exists()
