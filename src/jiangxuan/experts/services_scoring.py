"""Writes of scoring: score sheets, reminders, closing a panel's scoring, and the audited
opening of a nomination's evidence by the expert who scores it (a watermarked copy).

Sources: seed 004 三(三)2 (聘请有关专家进行综合打分评审); seed 000 四3 (按照评价标准进行综合评审);
seed 002 四(三) (综合考察政治素质、技能、主要工作业绩、职工群众评价); issue 4 "Scoring".

Every function checks the actor, runs in one transaction and writes its audit row in it.
Errors the user can fix raise :class:`~jiangxuan.experts.services.ExpertError` (Chinese).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import User
from jiangxuan.core.audit import record_audit
from jiangxuan.core.permissions import require
from jiangxuan.core.watermark import NotWatermarkable, can_watermark, watermark, watermark_text
from jiangxuan.nominations.models import Evidence
from jiangxuan.notifications.enums import NotificationKind
from jiangxuan.notifications.models import Notification
from jiangxuan.notifications.services import notify_users

from . import selectors_scoring
from .enums import PanelState
from .models import Assignment, Panel, ScoreSheet
from .services import ExpertError, require_panel_office

CENT = Decimal("0.01")


def _number(value: object, name: str, code: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise ExpertError(_("“%(name)s”的得分应为数字。") % {"name": name}, field=code)
    return number


@transaction.atomic
def submit_scores(
    assignment: Assignment,
    *,
    actor: User,
    scores: Mapping[str, object],
    comment: str = "",
) -> ScoreSheet:
    """The expert submits (or, until the panel closes, revises) a score sheet.

    Args:
        assignment: the expert's assignment.
        actor: the signed-in user; must be the assignment's expert.
        scores: {criterion code: score} for every criterion of the rubric; numbers or
            numeric strings, each between 0 and the criterion's ``max``.
        comment: the expert's remarks (评语).
    Returns:
        The saved sheet; ``total`` = Σ score × weight, rounded to 0.01.
    Raises:
        PermissionDenied: the actor is not the assignment's expert, the assignment was
            withdrawn (recusal) or confidentiality is not confirmed.
        ExpertError: the panel is closed, the campaign has no rubric, or a score is
            missing, unknown, not a number or out of range.
    """
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("member__expert", "member__panel__campaign")
        .get(pk=assignment.pk)
    )
    require(actor, "experts.score_assignment", assignment, _("您没有权限为该推荐对象评分。"))
    member = assignment.member
    panel = member.panel
    if panel.state == PanelState.CLOSED:
        raise ExpertError(_("评审已结束，评分不能再修改。"), code="conflict")
    rubric = selectors_scoring.rubric_of(panel)
    if not rubric:
        raise ExpertError(_("本次评审未设置评分细则。"))
    unknown = set(scores) - {c.code for c in rubric}
    if unknown:
        raise ExpertError(
            _("评分项“%(codes)s”不在评分细则中。") % {"codes": "、".join(sorted(unknown))}
        )
    cleaned: dict[str, str] = {}
    total = Decimal(0)
    for criterion in rubric:
        raw = scores.get(criterion.code)
        if raw is None or str(raw).strip() == "":
            raise ExpertError(
                _("请为“%(name)s”打分。") % {"name": criterion.name}, field=criterion.code
            )
        value = _number(raw, criterion.name, criterion.code)
        maximum = Decimal(str(criterion.max))
        if value < 0 or value > maximum:
            raise ExpertError(
                _("“%(name)s”的得分应在 0 至 %(max)s 分之间。")
                % {"name": criterion.name, "max": f"{criterion.max:g}"},
                field=criterion.code,
            )
        cleaned[criterion.code] = str(value)
        total += value * Decimal(str(criterion.weight))
    # The assignment's row lock above serialises the sheet's writers, so a plain read and
    # one write do what get_or_create's savepoint and second write did (issue 11).
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    before = {} if sheet is None else {"scores": sheet.scores, "total": str(sheet.total)}
    sheet = sheet or ScoreSheet(assignment=assignment)
    sheet.scores = cleaned
    sheet.total = total.quantize(CENT)
    sheet.comment = comment.strip()
    sheet.submitted_at = timezone.now()
    sheet.save()
    record_audit(
        actor=actor,
        action="experts.submit_scores",
        obj=sheet,
        role="expert",
        before=before,
        after={
            "nomination": assignment.nomination_id,
            "scores": cleaned,
            "total": str(sheet.total),
        },
    )
    return sheet


@transaction.atomic
def send_scoring_reminders(panel: Panel, *, actor: User) -> list[Notification]:
    """Remind every member who still has unscored assignments (评分提醒), at most once a
    day each (the notification key carries the date).

    Returns:
        The notifications created.
    Raises:
        PermissionDenied: the actor is not the campaign's office.
    """
    require_panel_office(actor, panel)
    members = selectors_scoring.unscored_members(panel)
    users = [m.expert.user for m in members if m.expert.user is not None]
    today = timezone.localdate().isoformat()
    created = notify_users(
        users,
        kind=NotificationKind.OTHER,
        title=_("评分提醒：%(panel)s") % {"panel": panel.name},
        body=_("您还有推荐对象尚未评分，请尽快完成评分。"),
        link=reverse("experts:scoring_list"),
        campaign=panel.campaign,
        object_ref=f"panel:{panel.pk}",
        key=f"scoring-reminder:{panel.pk}:{today}",
    )
    record_audit(
        actor=actor,
        action="experts.scoring_reminders",
        obj=panel,
        after={"members": [m.pk for m in members], "notified": len(created)},
    )
    return created


@transaction.atomic
def close_scoring(panel: Panel, *, actor: User) -> Panel:
    """Close the panel (评审结束): score sheets can no longer change.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        ExpertError: the panel is already closed or was never drawn.
    """
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    require_panel_office(actor, panel)
    if panel.state != PanelState.DRAWN:
        raise ExpertError(_("只有已抽取且未结束的评审组才能结束评审。"), code="conflict")
    panel.state = PanelState.CLOSED
    panel.save(update_fields=["state", "updated_at"])
    record_audit(
        actor=actor,
        action="experts.close_scoring",
        obj=panel,
        before={"state": PanelState.DRAWN},
        after={"state": PanelState.CLOSED},
    )
    return panel


@dataclass(frozen=True)
class ReviewCopy:
    """A watermarked copy of an evidence file: its bytes, the stored type, the file's name
    and the stamp written on it."""

    data: bytes
    content_type: str
    filename: str
    stamp: str


def open_review_evidence(
    assignment: Assignment, evidence: Evidence, *, actor: User, via: str
) -> ReviewCopy:
    """A copy of ``evidence`` for the expert who scores its nomination, marked on every page
    (PDF) or across the picture (JPEG, PNG) with "<expert's name> <YYYY-MM-DD HH:MM> 仅供评审"
    (Asia/Shanghai), and the audit entry of the opening (issue 15.8). The stored file is
    not changed.

    Args:
        assignment: the expert's assignment to the evidence's nomination.
        evidence: a file of that nomination.
        actor: the signed-in user; must be the assignment's expert.
        via: where it was opened ("web" or "api"), for the audit entry.
    Returns:
        The marked copy. The panel may be open or closed: the expert keeps the scoring
        page (and the ballots that follow) after scoring closes, so the files follow it.
    Raises:
        PermissionDenied: the actor is not the assignment's expert, the assignment was
            withdrawn (recusal), confidentiality is not confirmed, or the panel reviews
            blind (scans and photos show the nominee's name and workplace: a blind panel
            gets no files at all); or the file is not the assignment's nomination's.
        ExpertError (conflict): the file is a video or a Word document, which cannot be
            marked and so is not shown (the office lends it), or a PDF or image that does
            not open.
    """
    panel = assignment.member.panel
    reason = (
        _("匿名评审不提供佐证材料原件：材料中有推荐对象的姓名和单位。如需核实，请联系活动办公室。")
        if panel.blind
        else _("只有评审该推荐对象的专家可以查看其佐证材料。")
    )
    require(actor, "experts.view_review_evidence", assignment, reason)
    if evidence.nomination_id != assignment.nomination_id:
        raise PermissionDenied(_("只有评审该推荐对象的专家可以查看其佐证材料。"))
    if not can_watermark(evidence.content_type):
        raise ExpertError(
            _("视频和 Word 文件无法加注水印，不提供在线查看。如需查阅，请联系活动办公室。"),
            code="conflict",
        )
    now = timezone.now()
    stamp = watermark_text(assignment.member.expert.name, now)
    with evidence.file.open("rb") as stored:
        data = stored.read()
    try:
        marked = watermark(data, evidence.content_type, stamp)
    except NotWatermarkable as exc:
        raise ExpertError(str(exc), code="conflict") from exc
    # The audit head is locked only for the entry, not while the copy is drawn.
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="experts.view_evidence",
            obj=evidence,
            role="expert",
            after={
                "assignment": assignment.pk,
                "nomination": evidence.nomination_id,
                "material": evidence.material,
                "via": via,
                "watermark": stamp,
            },
        )
    return ReviewCopy(marked, evidence.content_type, evidence.original_name, stamp)
