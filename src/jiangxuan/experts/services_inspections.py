"""Writes for site inspections (实地考察): schedule, record findings and photos, cancel.

Source: seed 004 三(三)2 (综合打分评审并实地考察). Only the campaign office of the panel's
campaign acts; each function runs in one transaction and writes its audit row in it.
Errors the office can fix raise :class:`ExpertError` with a Chinese message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import User
from jiangxuan.core.audit import record_audit
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.validators import check_upload

from . import selectors
from .models import (
    InspectionOutcome,
    InspectionPhoto,
    InspectionState,
    Panel,
    PanelMember,
    SiteInspection,
)
from .rules import conflict_reasons
from .services import ExpertError, require_panel_office


@transaction.atomic
def schedule_inspection(
    panel: Panel,
    nomination: Nomination,
    *,
    scheduled_for: datetime,
    place: str,
    inspectors: Iterable[PanelMember],
    actor: User,
) -> SiteInspection:
    """Schedule a site inspection of ``nomination`` by ``inspectors`` of ``panel``.

    Inspectors must be members of the panel without a conflict with the nominee
    (experts.rules.conflict_reasons; seed 002 四(三) 回避).

    Raises:
        PermissionDenied: the actor is not the office of the panel's campaign.
        ExpertError: nominee of another campaign, no place or inspector, an inspector
            not on the panel, or an inspector with a conflict.
    """
    require_panel_office(actor, panel)
    if nomination.campaign_id != panel.campaign_id:
        raise ExpertError(_("推荐对象不属于本评审组的评选活动。"), field="nomination")
    place = (place or "").strip()
    if not place:
        raise ExpertError(_("请填写考察地点。"), field="place")
    members = list(inspectors)
    if not members:
        raise ExpertError(_("请至少选择一名考察人员。"), field="inspectors")
    for member in members:
        if member.panel_id != panel.pk:
            raise ExpertError(_("考察人员须为本评审组成员。"), field="inspectors")
        reasons = conflict_reasons(
            member.expert, nomination, selectors.relationships_of(member.expert)
        )
        if reasons:
            raise ExpertError(
                _("%(name)s须回避，不能参加考察：%(reasons)s")
                % {"name": member.expert.name, "reasons": "；".join(reasons)},
                field="inspectors",
            )
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    inspection = SiteInspection.objects.create(
        panel=panel, nomination=nomination, scheduled_for=scheduled_for, place=place[:200]
    )
    inspection.inspectors.set(members)
    record_audit(
        actor=actor,
        action="experts.inspection.schedule",
        obj=inspection,
        after={
            "nomination": nomination.pk,
            "scheduled_for": scheduled_for.isoformat(),
            "place": inspection.place,
            "inspectors": [m.pk for m in members],
        },
    )
    return inspection


def _locked(inspection: SiteInspection, actor: User) -> SiteInspection:
    require_panel_office(actor, inspection.panel)
    locked = SiteInspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.state != InspectionState.SCHEDULED:
        raise ExpertError(_("该考察已完成或已取消，不能再修改。"), code="conflict")
    return locked


@transaction.atomic
def record_inspection(
    inspection: SiteInspection,
    *,
    findings: str,
    outcome: str,
    actor: User,
    photos: Iterable[Any] = (),
) -> SiteInspection:
    """Record a scheduled inspection's findings, outcome and photos; it becomes done.

    Photos must be JPEG/PNG images (nominations.validators.check_upload sniffs the bytes
    and re-encodes them). Seed 004 三(三)2.

    Raises:
        PermissionDenied: the actor is not the office of the panel's campaign.
        ExpertError: the inspection is not scheduled, findings are empty, the outcome is
            unknown, or a photo is refused (nothing is saved).
    """
    inspection = _locked(inspection, actor)
    findings = (findings or "").strip()
    if not findings:
        raise ExpertError(_("请填写考察情况。"), field="findings")
    if outcome not in InspectionOutcome.values:
        raise ExpertError(_("考察结论无效。"), field="outcome")
    checked = []
    for upload in photos:
        try:
            result = check_upload(upload)
        except ValidationError as exc:
            raise ExpertError(exc.messages[0], field="photos") from exc
        if not result.content_type.startswith("image/"):
            raise ExpertError(_("考察照片只接受 JPG、PNG 图片。"), field="photos")
        checked.append(result)
    for result in checked:
        digest = hashlib.sha256(result.data).hexdigest()
        photo = InspectionPhoto(inspection=inspection, uploaded_by=actor)
        photo.file.save(f"{digest[:32]}.{result.extension}", ContentFile(result.data), save=False)
        photo.save()
    inspection.findings = findings
    inspection.outcome = outcome
    inspection.state = InspectionState.DONE
    inspection.recorded_by = actor
    inspection.recorded_at = timezone.now()
    inspection.save(
        update_fields=["findings", "outcome", "state", "recorded_by", "recorded_at", "updated_at"]
    )
    record_audit(
        actor=actor,
        action="experts.inspection.record",
        obj=inspection,
        after={"outcome": outcome, "photos": len(checked)},
    )
    return inspection


@transaction.atomic
def cancel_inspection(inspection: SiteInspection, *, reason: str, actor: User) -> SiteInspection:
    """Cancel a scheduled inspection, giving a reason.

    Raises:
        PermissionDenied: the actor is not the office of the panel's campaign.
        ExpertError: the inspection is not scheduled or the reason is empty.
    """
    inspection = _locked(inspection, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ExpertError(_("请填写取消原因。"), field="reason")
    inspection.state = InspectionState.CANCELLED
    inspection.cancel_reason = reason[:200]
    inspection.save(update_fields=["state", "cancel_reason", "updated_at"])
    record_audit(
        actor=actor,
        action="experts.inspection.cancel",
        obj=inspection,
        after={"reason": inspection.cancel_reason},
    )
    return inspection
