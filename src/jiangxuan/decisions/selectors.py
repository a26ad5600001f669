"""Read access for the decisions domain: lists, decisions, certificates, who may see them."""

from django.core import signing
from django.db.models import Count, Q, QuerySet

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Award, Campaign, PastAwardee
from jiangxuan.decisions.enums import AuthorityState, ListState, Outcome
from jiangxuan.decisions.models import (
    ApprovalEntry,
    ApprovalList,
    AuthoritySubmission,
    Certificate,
    CommendationDecision,
)
from jiangxuan.experts.models import Panel
from jiangxuan.experts.selectors_scoring import ranking_table
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination


def can_manage(user: User, campaign: Campaign) -> bool:
    """True for the campaign office (propose, approve, publish, certificates):
    ``decisions.manage`` (decisions/rules.py)."""
    return user.has_perm("decisions.manage", campaign)


def can_view(user: User, campaign: Campaign) -> bool:
    """True for the office and the leading group members: ``decisions.view``."""
    return user.has_perm("decisions.view", campaign)


def can_see_bank_accounts(user: User, campaign: Campaign) -> bool:
    """True for the finance role of the campaign (or of its organizer unit):
    ``decisions.see_bank_accounts``."""
    return user.has_perm("decisions.see_bank_accounts", campaign)


def can_download_payments(user: User, campaign: Campaign) -> bool:
    """True for finance and the office (the office sees bank accounts masked):
    ``decisions.download_payments``."""
    return user.has_perm("decisions.download_payments", campaign)


def campaign_by_code(code: str) -> Campaign | None:
    """The campaign with ``code``, or None."""
    return Campaign.objects.filter(code=code).select_related("organizer_unit").first()


def lists_of(campaign: Campaign) -> QuerySet[ApprovalList]:
    """Every list version of the campaign, newest version first per award."""
    return (
        ApprovalList.objects.filter(campaign=campaign)
        .select_related("award", "meeting")
        .order_by("award__position", "-version")
    )


def approval_list(campaign: Campaign, pk: int) -> ApprovalList | None:
    """The campaign's list ``pk``, or None."""
    return lists_of(campaign).filter(pk=pk).first()


def entries_of(approval_list: ApprovalList, outcome: str | None = None) -> QuerySet[ApprovalEntry]:
    """Entries of a list in rank order (awardees first), with their nominations."""
    qs = approval_list.entries.select_related("nomination", "nomination__workplace")
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("outcome", "rank")


def decision_of(campaign: Campaign) -> CommendationDecision | None:
    """The campaign's decision (published or not), or None."""
    return CommendationDecision.objects.filter(campaign=campaign).first()


def published_decision(pk: int) -> CommendationDecision | None:
    """A published decision by id, or None (the public page)."""
    return (
        CommendationDecision.objects.filter(pk=pk, published_at__isnull=False)
        .select_related("campaign")
        .first()
    )


def published_decision_version(pk: int) -> str | None:
    """A token that changes when a published decision is edited, None when it is not
    published (the public page's cache). One query."""
    published = (
        CommendationDecision.objects.filter(pk=pk, published_at__isnull=False)
        .values_list("published_at", "updated_at")
        .first()
    )
    return "|".join(str(v) for v in published) if published else None


def decision_sections(decision: CommendationDecision) -> list[dict]:
    """Per award: ``{"award", "finalist_award", "awardees", "finalists"}`` entries in rank
    order, for the decision document and the public page."""
    sections = []
    for approved in decision.approval_lists.select_related("award").order_by("award__position"):
        sections.append(
            {
                "award": approved.award,
                "finalist_award": approved.award.spec.finalist_award or "",
                "awardees": list(entries_of(approved, Outcome.AWARDEE)),
                "finalists": list(entries_of(approved, Outcome.FINALIST)),
            }
        )
    return sections


def certificates_of(decision: CommendationDecision) -> QuerySet[Certificate]:
    """The decision's certificates in award and rank order."""
    return decision.certificates.select_related("award", "nomination", "nomination__workplace")


def candidates(award: Award) -> QuerySet[Nomination]:
    """The list's candidates: the award's nominations approved by the review chain; for an
    award chosen among another's awardees (``derived_from``), the awardees of that award's
    current approved list (none until it is approved)."""
    derived = award.spec.derived_from
    if derived is None:
        return Nomination.objects.filter(award=award, state=NominationState.APPROVED).order_by(
            "rank", "pk"
        )
    return Nomination.objects.filter(
        pk__in=ApprovalEntry.objects.filter(
            approval_list__campaign_id=award.campaign_id,
            approval_list__award__code=derived.award,
            approval_list__state=ListState.APPROVED,
            outcome=Outcome.AWARDEE,
        ).values("nomination_id"),
        state=NominationState.APPROVED,
    ).order_by("rank", "pk")


def award_of(campaign: Campaign, pk: int) -> Award | None:
    """The campaign's award ``pk``, or None."""
    return campaign.awards.filter(pk=pk).first()


def expert_order(award: Award) -> list[Nomination]:
    """The award's candidates in the order of the expert ranking (the newest panel for the
    award, else the newest campaign-wide one); candidates the panel did not rank follow in
    their forwarding rank. The office proposes the list from this order (seed 002 四(四)-(五))."""
    pool = list(candidates(award))
    panel = (
        Panel.objects.filter(campaign_id=award.campaign_id, award=award).order_by("-id").first()
        or Panel.objects.filter(campaign_id=award.campaign_id, award__isnull=True)
        .order_by("-id")
        .first()
    )
    if panel is None:
        return pool
    position = {row.nomination.pk: row.rank for row in ranking_table(panel).rows}
    unranked = len(position) + 1
    return sorted(pool, key=lambda n: position.get(n.pk, unranked))


def award_overview(campaign: Campaign) -> list[dict]:
    """Per award: the award, its candidates in expert order, and its list versions."""
    lists = list(lists_of(campaign))
    return [
        {
            "award": award,
            "candidates": expert_order(award),
            "lists": [lst for lst in lists if lst.award_id == award.pk],
        }
        for award in campaign.awards.all()
    ]


CERTIFICATE_SALT = "jiangxuan.decisions.certificate"


def certificate_token(certificate: Certificate) -> str:
    """The signed token of a certificate's public verification page (its QR code): it
    names the certificate without letting anyone walk the ids."""
    return signing.dumps(certificate.pk, salt=CERTIFICATE_SALT)


def certificate_by_token(token: str) -> Certificate | None:
    """The certificate of a published decision that ``token`` names, else None (a forged
    or garbled token included)."""
    try:
        pk = signing.loads(token, salt=CERTIFICATE_SALT)
    except signing.BadSignature:
        return None
    return (
        Certificate.objects.filter(pk=pk, decision__published_at__isnull=False)
        .select_related("decision__campaign", "nomination__workplace", "award")
        .first()
    )


# --------------------------------------------------------------------------- step probes


def approval_step_done(campaign: Campaign, key: str) -> bool:
    """The leading group's approval is done when every award has an approved list."""
    award_ids = set(campaign.awards.values_list("pk", flat=True))
    approved = set(
        ApprovalList.objects.filter(campaign=campaign, state=ListState.APPROVED).values_list(
            "award_id", flat=True
        )
    )
    return bool(award_ids) and award_ids <= approved


def authority_step_done(campaign: Campaign, key: str) -> bool:
    """The authority's approval is done when every award's current approved list is one
    the authority returned with a recorded decision (seed 000 四6; seed 001 三(一)6; seed
    003 二(二)5). A specification that names no authority (``decision.approval``) leaves
    the step untracked (done)."""
    if campaign.specification.decision.approval is None:
        return True
    if not approval_step_done(campaign, key):
        return False
    current = set(
        ApprovalList.objects.filter(campaign=campaign, state=ListState.APPROVED).values_list(
            "pk", flat=True
        )
    )
    returned = set(
        AuthoritySubmission.objects.filter(
            campaign=campaign, state=AuthorityState.DECIDED
        ).values_list("returned_lists", flat=True)
    )
    return current <= returned


def decision_step_done(campaign: Campaign, key: str) -> bool:
    """The decision step is done when the commendation decision is published."""
    return CommendationDecision.objects.filter(
        campaign=campaign, published_at__isnull=False
    ).exists()


def authority_submissions_of(campaign: Campaign) -> list[AuthoritySubmission]:
    """The campaign's submissions to the approving authority, newest first."""
    return list(
        AuthoritySubmission.objects.filter(campaign=campaign)
        .prefetch_related("submitted_lists__award", "returned_lists__award")
        .order_by("-submitted_on", "-id")
    )


def registry_of(campaign: Campaign) -> list[dict]:
    """Per award of the campaign: the award, how many people its title series holds in the
    laureate registry, how many of them were imported (not decided on the platform), and
    the documents they were imported from."""
    rows = []
    for award in campaign.awards.order_by("position"):
        held = PastAwardee.objects.filter(series=award.series)
        counts = held.aggregate(total=Count("id"), imported=Count("id", filter=Q(campaign=None)))
        sources = list(
            held.filter(campaign=None)
            .exclude(source="")
            .values_list("source", flat=True)
            .distinct()
            .order_by("source")
        )
        rows.append({"award": award, **counts, "sources": sources})
    return rows
