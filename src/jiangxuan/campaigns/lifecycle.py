"""Where a campaign stands in its life, and what each stage allows (issue 13).

A campaign moves draft → published → open → review → decided → archived. The office sets
three of these (draft, published, archived: ``Campaign.state``); the others follow from
the specification's submission window (``timeline.submission``) and from the published
commendation decision (``Campaign.decided_at``, written by ``decisions.publish_decision``
through :func:`mark_decided`):

* **draft**: only the office sees it; nothing can be nominated;
* **published**: the notice is out, the window not yet open: clerks may prepare drafts,
  submissions are refused (seed 001 六, seed 003 四(三), seed 004 三(二));
* **open**: drafts and submissions;
* **review**: the window has closed: the chain, the steps and the approval go on. A
  draft may still be started (the clerk is told first that only an extension the office
  grants, campaigns.services.extend_deadline, lets it be submitted);
* **decided**: the decision is published. The campaign is read-only: no new draft, no
  edit, no submission, no review action, no notice. The only writes are the office's
  recorded corrections, each with a reason and audited (a nominee withdrawn after an
  adverse opinion or an upheld objection, ``notices.services``);
* **archived**: as decided, and off the clerks' lists.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.core.audit import record_audit
from jiangxuan.core.errors import DomainError

from .enums import CampaignStage, CampaignState
from .models import Campaign

#: Stages in which the campaign is read-only except for the office's corrections.
CLOSED_STAGES = frozenset({CampaignStage.DECIDED, CampaignStage.ARCHIVED})


class CampaignClosed(DomainError):
    """A write the campaign's stage does not allow; ``message`` is Chinese and says why
    (the API answers 409)."""

    code = "conflict"
    status = 409


def campaign_stage(campaign: Campaign, now: dt.datetime | None = None) -> CampaignStage:
    """The campaign's stage at server time ``now`` (default: now).

    The window is the campaign's own (``submission_opens_at``/``submission_closes_at``);
    a campaign without an opening time is open from its publication, one without a
    closing time stays open until its decision (seed 000 gives no province-wide deadline).
    """
    if campaign.state == CampaignState.DRAFT:
        return CampaignStage.DRAFT
    if campaign.state == CampaignState.CLOSED:
        return CampaignStage.ARCHIVED
    if campaign.decided_at is not None:
        return CampaignStage.DECIDED
    now = now or timezone.now()
    if campaign.submission_opens_at and now < campaign.submission_opens_at:
        return CampaignStage.PUBLISHED
    if campaign.submission_closes_at and now.replace(microsecond=0) > (
        campaign.submission_closes_at
    ):
        return CampaignStage.REVIEW
    return CampaignStage.OPEN


def closed_reason(campaign: Campaign) -> str:
    """Why the campaign takes no more writes (Chinese), or "" while it does."""
    stage = campaign_stage(campaign)
    if stage == CampaignStage.DECIDED:
        return _("“%(title)s”已于%(on)s发布表彰决定，活动已结束，不再受理新的推荐或修改。") % {
            "title": campaign.title,
            "on": timezone.localtime(campaign.decided_at).strftime("%Y年%m月%d日"),
        }
    if stage == CampaignStage.ARCHIVED:
        return _("“%(title)s”已归档，不再受理新的推荐或修改。") % {"title": campaign.title}
    return ""


def new_draft_refusal(campaign: Campaign) -> str:
    """Why a clerk may not start a draft in ``campaign`` now (Chinese), or "": a draft,
    decided or archived campaign takes none."""
    stage = campaign_stage(campaign)
    if stage == CampaignStage.DRAFT:
        return _("“%(title)s”尚未发布，不能新建推荐。") % {"title": campaign.title}
    if stage in CLOSED_STAGES:
        return closed_reason(campaign)
    return ""


def new_draft_warning(campaign: Campaign) -> str:
    """What a clerk starting a draft should know first (Chinese), or "": before the
    window opens it cannot be submitted yet; after the deadline only with an extension."""
    stage = campaign_stage(campaign)
    if stage == CampaignStage.PUBLISHED:
        return _("“%(title)s”自%(at)s起受理申报，此前可先填写草稿，但不能提交。") % {
            "title": campaign.title,
            "at": timezone.localtime(campaign.submission_opens_at).strftime("%Y-%m-%d %H:%M"),
        }
    if stage == CampaignStage.REVIEW:
        return _(
            "“%(title)s”申报已于%(at)s截止，新建的推荐只有在活动办公室批准延期后才能提交。"
        ) % {
            "title": campaign.title,
            "at": timezone.localtime(campaign.submission_closes_at).strftime("%Y-%m-%d %H:%M"),
        }
    return ""


def ensure_writable(campaign: Campaign, *, correction_reason: str = "") -> None:
    """Refuse a write to a decided or archived campaign unless it is the office's
    correction with a reason (the caller audits it with that reason).

    Raises:
        CampaignClosed: the campaign is decided or archived and no reason was given.
    """
    reason = closed_reason(campaign)
    if reason and not correction_reason.strip():
        raise CampaignClosed(reason)


@transaction.atomic
def mark_decided(campaign: Campaign, *, at: dt.datetime, actor) -> Campaign:
    """Record that the campaign's commendation decision was published at ``at``; from then
    on the campaign is decided (read-only). Called by ``decisions.publish_decision``."""
    Campaign.objects.filter(pk=campaign.pk).update(decided_at=at)
    campaign.decided_at = at
    record_audit(
        actor=actor,
        action="campaign.decided",
        obj=campaign,
        before={"stage": CampaignStage.REVIEW},
        after={"stage": CampaignStage.DECIDED, "decided_at": at.isoformat()},
    )
    return campaign


@transaction.atomic
def archive_campaign(campaign: Campaign, *, actor) -> Campaign:
    """The office archives a decided campaign (it leaves the clerks' lists).

    Raises:
        CampaignClosed: the campaign has no published decision yet.
    """
    if campaign.decided_at is None:
        raise CampaignClosed(_("表彰决定尚未发布，活动不能归档。"))
    before = campaign.state
    Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.CLOSED)
    campaign.state = CampaignState.CLOSED
    record_audit(
        actor=actor,
        action="campaign.archive",
        obj=campaign,
        before={"state": before},
        after={"state": CampaignState.CLOSED},
    )
    return campaign
