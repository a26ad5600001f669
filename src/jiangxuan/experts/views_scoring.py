"""Pages for scoring and ballots: the expert's scoring list and sheet, the watermarked
evidence, voting; the chair closes and signs a ballot; the office's aggregation table,
reminders and ballot results.

Thin: nominations reach an expert only through ``selectors.assignments_for_expert``
(confidentiality-gated); personal data (ID number, phones, bank account) is masked on
every expert page and blind panels also hide name and workplace; writes are one service
call whose ExpertError is shown in Chinese.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.core.watermark import can_watermark, inline_response
from jiangxuan.nominations.forms import NominationForm
from jiangxuan.nominations.models import Nomination
from jiangxuan.voting.selectors import public_vote_result

from . import selectors, selectors_scoring, services_ballots, services_scoring
from .enums import BallotState, PanelState
from .models import Assignment, Ballot, Panel
from .services import ExpertError


def _assignment_or_404(request: AuthenticatedHttpRequest, pk: int) -> Assignment:
    assignment = selectors_scoring.assignment_for_expert(request.user, pk)
    if assignment is None:
        raise Http404(_("没有找到该评审任务。"))
    return assignment


def _panel_or_404(request: AuthenticatedHttpRequest, pk: int) -> Panel:
    panel = selectors.panel_for_office(request.user, pk)
    if panel is None:
        raise Http404(_("没有找到该评审组。"))
    return panel


def _sections(nomination: Nomination, *, blind: bool) -> list[tuple[str, list[Any]]]:
    """The nomination's form layout for read-only display, without blind-mode fields."""
    form = NominationForm(
        nomination.campaign, nomination.award, nomination=nomination, extra_rows=0
    )
    sections = []
    for title, items in form.layout():
        shown = [i for i in items if not (blind and i.spec.key in selectors_scoring.BLIND_KEYS)]
        if shown:
            sections.append((title, shown))
    return sections


# --------------------------------------------------------------------------- expert


@login_required
@require_GET
def scoring_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The expert's assigned nominations (confidentiality confirmed) and ballots."""
    assignments = list(selectors.assignments_for_expert(request.user).select_related("sheet"))
    return render(
        request,
        "experts/scoring/scoring_list.html",
        {
            "assignments": assignments,
            "ballots": selectors_scoring.ballots_for_expert(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scoring_sheet(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One nomination beside the rubric inputs; POST submits or revises the sheet."""
    assignment = _assignment_or_404(request, pk)
    panel = assignment.member.panel
    nomination = assignment.nomination
    rubric = selectors_scoring.rubric_of(panel)
    sheet = selectors_scoring.sheet_of(assignment)
    values = dict(sheet.scores) if sheet else {}
    comment = sheet.comment if sheet else ""
    error = None
    if request.method == "POST":
        values = {c.code: request.POST.get(f"score_{c.code}", "") for c in rubric}
        comment = request.POST.get("comment", "")
        try:
            services_scoring.submit_scores(
                assignment, actor=request.user, scores=values, comment=comment
            )
        except ExpertError as exc:
            error = exc
        else:
            messages.success(request, _("评分已保存。"))
            return redirect("experts:scoring_sheet", pk=assignment.pk)
    step = selectors_scoring.review_step(panel.campaign)
    return render(
        request,
        "experts/scoring/scoring_sheet.html",
        {
            "assignment": assignment,
            "panel": panel,
            "nomination": nomination,
            "blind": panel.blind,
            "sections": _sections(nomination, blind=panel.blind),
            "redactions": selectors_scoring.blind_terms(nomination) if panel.blind else [],
            "evidence": [
                (e, name, can_watermark(e.content_type))
                for e, name in selectors_scoring.evidence_of(nomination)
            ],
            "may_download": selectors_scoring.may_download_evidence(request.user, nomination),
            "qualities": nomination.award.spec.qualities,
            "rubric": [(c, values.get(c.code, "")) for c in rubric],
            "maximum": selectors_scoring.rubric_maximum(rubric),
            "sheet": sheet,
            "comment": comment,
            "error": error,
            "closed": panel.state == PanelState.CLOSED,
            "step": step,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def scoring_evidence(request: AuthenticatedHttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """A copy of one evidence file of the nomination, watermarked with the expert's name
    and the time, for the browser to show (issue 15.8); every opening is audited. A file
    that cannot be marked (video, Word) sends the expert back to the page with the reason."""
    assignment = _assignment_or_404(request, pk)
    evidence = selectors_scoring.evidence_for_review(assignment, evidence_id)
    if evidence is None:
        raise Http404(_("没有找到该材料。"))
    try:
        copy = services_scoring.open_review_evidence(
            assignment, evidence, actor=request.user, via="web"
        )
    except ExpertError as exc:
        messages.error(request, exc.message)
        return redirect("experts:scoring_sheet", pk=assignment.pk)
    return inline_response(copy.data, content_type=copy.content_type, filename=copy.filename)


def _expert_ballot_or_404(request: AuthenticatedHttpRequest, pk: int) -> Ballot:
    ballot = selectors_scoring.ballot_for_expert(request.user, pk)
    if ballot is None:
        raise Http404(_("没有找到该投票。"))
    return ballot


@login_required
@require_http_methods(["GET", "POST"])
def ballot_vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The expert's ballot paper: check boxes, counted by the server on submission."""
    ballot = _expert_ballot_or_404(request, pk)
    member = selectors_scoring.member_for_ballot(request.user, ballot)
    if member is None:  # the same confirmed membership as _expert_ballot_or_404 checks
        raise Http404(_("没有找到该投票。"))
    candidates = list(ballot.candidates.order_by("id"))
    chosen: set[int] = set()
    error = None
    if request.method == "POST":
        chosen = {int(v) for v in request.POST.getlist("choice") if v.isdigit()}
        picked = [n for n in candidates if n.pk in chosen]
        # A posted id that is not a candidate never reaches the service: refuse it here
        # with the service's own message.
        try:
            if len(picked) != len(chosen):
                raise ExpertError(_("只能在候选人中选择。"))
            services_ballots.cast_ballot_vote(
                ballot, member, nominations=picked, actor=request.user
            )
        except ExpertError as exc:
            error = exc
        else:
            messages.success(request, _("投票已提交。"))
            return redirect("experts:ballot_vote", pk=ballot.pk)
    return render(
        request,
        "experts/scoring/ballot_vote.html",
        {
            "ballot": ballot,
            "member": member,
            "candidates": candidates,
            "chosen": chosen,
            "voted": selectors_scoring.has_voted(ballot, member),
            "is_chair": selectors_scoring.chair_of(ballot.panel, request.user) is not None,
            "rows": selectors_scoring.ballot_rows(ballot)
            if ballot.state != BallotState.OPEN
            else [],
            "blind": ballot.panel.blind,
            "error": error,
        },
        status=400 if error else 200,
    )


def _ballot_for_closer(request: AuthenticatedHttpRequest, pk: int) -> Ballot:
    ballot = selectors_scoring.ballot_for_office(request.user, pk) or (
        selectors_scoring.ballot_for_expert(request.user, pk)
    )
    if ballot is None:
        raise Http404(_("没有找到该投票。"))
    return ballot


def _back(request: AuthenticatedHttpRequest, ballot: Ballot) -> HttpResponse:
    if selectors_scoring.ballot_for_office(request.user, ballot.pk) is not None:
        return redirect("experts:ballot_result", pk=ballot.pk)
    return redirect("experts:ballot_vote", pk=ballot.pk)


@login_required
@require_POST
def ballot_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The chair (or the office) closes the ballot and the platform counts it."""
    ballot = _ballot_for_closer(request, pk)
    try:
        ballot = services_ballots.close_ballot(ballot, actor=request.user)
    except ExpertError as exc:
        messages.error(request, exc.message)
    else:
        if ballot.result.get("runoff"):
            messages.warning(request, _("末位得票相同，已对并列者发起决选投票。"))
        else:
            messages.success(request, _("投票已截止，计票完成。"))
    return _back(request, ballot)


@login_required
@require_POST
def ballot_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The panel's chair signs off the counted result."""
    ballot = _expert_ballot_or_404(request, pk)
    chair = selectors_scoring.chair_of(ballot.panel, request.user)
    if chair is None:
        raise PermissionDenied(_("只有评审组组长可以签字确认投票结果。"))
    try:
        services_ballots.sign_ballot(ballot, chair_member=chair, actor=request.user)
    except ExpertError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已签字确认投票结果。"))
    return redirect("experts:ballot_vote", pk=ballot.pk)


# --------------------------------------------------------------------------- office


@login_required
@require_GET
def panel_scores(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The aggregation table ranked by the specification's ``ranking`` (or blend), with
    its formula, progress per expert and per nomination, and the panel's ballots."""
    panel = _panel_or_404(request, pk)
    return render(
        request,
        "experts/scoring/panel_scores.html",
        {
            "panel": panel,
            "table": selectors_scoring.ranking_table(
                panel, public_votes=public_vote_result(panel.campaign)
            ),
            "by_expert": selectors_scoring.progress_by_expert(panel),
            "by_nomination": selectors_scoring.progress_by_nomination(panel),
            "ballots": selectors_scoring.ballots_of(panel),
            "nominees": selectors.panel_nominees(panel),
            "step": selectors_scoring.review_step(panel.campaign),
        },
    )


@login_required
@require_POST
def panel_remind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send scoring reminders to members with unscored assignments."""
    panel = _panel_or_404(request, pk)
    sent = services_scoring.send_scoring_reminders(panel, actor=request.user)
    messages.success(request, _("已向 %(n)s 位专家发送评分提醒。") % {"n": len(sent)})
    return redirect("experts:panel_scores", pk=panel.pk)


@login_required
@require_POST
def panel_close_scoring(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Close the panel: score sheets can no longer change."""
    panel = _panel_or_404(request, pk)
    try:
        services_scoring.close_scoring(panel, actor=request.user)
    except ExpertError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("评审已结束。"))
    return redirect("experts:panel_scores", pk=panel.pk)


@login_required
@require_POST
def ballot_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open a ballot among the checked nominees of the panel."""
    panel = _panel_or_404(request, pk)
    wanted = {int(v) for v in request.POST.getlist("candidate") if v.isdigit()}
    candidates = [n for n in selectors.panel_nominees(panel) if n.pk in wanted]

    def number(name: str) -> int:
        value = request.POST.get(name, "")
        return int(value) if value.isdigit() else -1

    try:
        ballot = services_ballots.open_ballot(
            panel,
            title=request.POST.get("title", ""),
            candidates=candidates,
            choose_min=number("choose_min"),
            choose_max=number("choose_max"),
            seats=number("seats"),
            threshold=request.POST.get("threshold", "majority"),
            actor=request.user,
        )
    except ExpertError as exc:
        messages.error(request, exc.message)
        return redirect("experts:panel_scores", pk=panel.pk)
    messages.success(request, _("投票已发起。"))
    return redirect("experts:ballot_result", pk=ballot.pk)


@login_required
@require_GET
def ballot_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office's view of a ballot: turnout while open, the counted result after."""
    ballot = selectors_scoring.ballot_for_office(request.user, pk)
    if ballot is None:
        raise Http404(_("没有找到该投票。"))
    return render(
        request,
        "experts/scoring/ballot_result.html",
        {
            "ballot": ballot,
            "rows": selectors_scoring.ballot_rows(ballot),
            "voters": ballot.votes.count(),
            "members": selectors_scoring.voting_members(ballot.panel).count(),
            "needed": services_ballots.needed_votes(ballot),
        },
    )
