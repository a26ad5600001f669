"""Pages of the final approval and the decision: the office works, the leading group views,
the published decision is public."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.caching import public_page
from jiangxuan.core.downloads import download
from jiangxuan.decisions import registry, rendering, selectors, services
from jiangxuan.decisions.document import build_decision, chinese_date
from jiangxuan.decisions.forms import ListForm, MeetingForm, PublishForm
from jiangxuan.decisions.models import CommendationDecision

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _campaign(request: AuthenticatedHttpRequest, code: str, *, manage: bool = False) -> Campaign:
    campaign = selectors.campaign_by_code(code)
    allowed = selectors.can_manage if manage else selectors.can_view
    if campaign is None or not allowed(request.user, campaign):
        raise Http404(_("没有找到该评选活动。"))
    return campaign


def _decision(campaign: Campaign) -> CommendationDecision:
    decision = selectors.decision_of(campaign)
    if decision is None or not decision.published_at:
        raise Http404(_("表彰决定尚未发布。"))
    return decision


def _list_form(award_item: dict, data: Any = None) -> ListForm:
    """The list form of an award of the overview: the candidates in expert order, the
    newest version's choices as defaults."""
    newest = award_item["lists"][0] if award_item["lists"] else None  # newest first
    current = (
        {e.nomination_id: (e.outcome, e.rank) for e in newest.entries.all()} if newest else None
    )
    return ListForm(award_item["award"], award_item["candidates"], data, current=current)


def _overview(
    request: AuthenticatedHttpRequest,
    campaign: Campaign,
    *,
    bound: ListForm | None = None,
    status: int = 200,
) -> HttpResponse:
    awards = selectors.award_overview(campaign)
    for item in awards:
        own = bound is not None and bound.prefix == f"award{item['award'].pk}"
        item["list_form"] = bound if own else _list_form(item)
    context = {
        "campaign": campaign,
        "awards": awards,
        "decision": selectors.decision_of(campaign),
        "can_manage": selectors.can_manage(request.user, campaign),
        "can_pay": selectors.can_download_payments(request.user, campaign),
        "meeting_form": MeetingForm(),
        "publish_form": PublishForm(),
    }
    return render(request, "decisions/overview.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def overview(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Lists per award with their versions and meetings, and the decision."""
    return _overview(request, _campaign(request, code))


@login_required
@require_POST
def propose(request: AuthenticatedHttpRequest, code: str, award_pk: int) -> HttpResponse:
    """Propose (or re-propose) the draft list of an award: the outcome and rank of each
    candidate (a choice the page re-shows with the message when refused)."""
    campaign = _campaign(request, code, manage=True)
    item = next((i for i in selectors.award_overview(campaign) if i["award"].pk == award_pk), None)
    if item is None:
        raise Http404(_("没有找到该奖项。"))
    form = _list_form(item, request.POST)
    if form.is_valid():
        try:
            lst = services.propose_list(
                campaign,
                item["award"],
                nominations=form.cleaned_data["nominations"],
                finalists=form.cleaned_data["finalists"],
                actor=request.user,
            )
        except services.DecisionError as exc:
            form.add_error(None, exc.message)
        else:
            for warning in lst.warnings:
                messages.warning(request, warning)
            messages.success(request, _("名单已提交，待领导小组审定。"))
            return redirect("decisions:overview", code=code)
    return _overview(request, campaign, bound=form, status=400)


@login_required
@require_POST
def approve(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    """Record the meeting that approves a draft list."""
    campaign = _campaign(request, code, manage=True)
    lst = selectors.approval_list(campaign, pk)
    if lst is None:
        raise Http404(_("没有找到该名单。"))
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            services.approve_list(lst, actor=request.user, **form.cleaned_data)
        except services.DecisionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("名单已审定。"))
    else:
        messages.error(request, _("请完整填写会议记录。"))
    return redirect("decisions:overview", code=code)


@login_required
@require_POST
def revise(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    """Start a new version of an approved list, with its reason."""
    campaign = _campaign(request, code, manage=True)
    lst = selectors.approval_list(campaign, pk)
    if lst is None:
        raise Http404(_("没有找到该名单。"))
    item = next(i for i in selectors.award_overview(campaign) if i["award"].pk == lst.award_id)
    form = _list_form(item, request.POST)
    if form.is_valid():
        try:
            services.revise_list(
                lst,
                nominations=form.cleaned_data["nominations"],
                finalists=form.cleaned_data["finalists"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except services.DecisionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已生成名单新版本，待领导小组审定。"))
            return redirect("decisions:overview", code=code)
    return _overview(request, campaign, bound=form, status=400)


@login_required
@require_POST
def publish(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Publish the commendation decision and number the certificates."""
    campaign = _campaign(request, code, manage=True)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            decision = services.publish_decision(campaign, actor=request.user, **form.cleaned_data)
            services.issue_certificates(decision, actor=request.user)
        except services.DecisionError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("表彰决定已发布。"))
    else:
        messages.error(request, _("请完整填写文号、标题和日期。"))
    return redirect("decisions:overview", code=code)


@login_required
@require_http_methods(["GET"])
def decision_document(request: AuthenticatedHttpRequest, code: str, fmt: str) -> FileResponse:
    """The decision document as DOCX, PDF or OFD (office and leading group)."""
    decision = _decision(_campaign(request, code))
    if fmt not in rendering.DECISION_FORMATS:
        raise Http404(_("没有找到该文件。"))
    return download(*rendering.decision_file(decision, fmt))


@login_required
@require_http_methods(["GET"])
def payments(request: AuthenticatedHttpRequest, code: str) -> FileResponse:
    """The prize payment sheet: finance sees bank accounts, the office masked."""
    campaign = selectors.campaign_by_code(code)
    if campaign is None or not selectors.can_download_payments(request.user, campaign):
        raise Http404(_("没有找到该评选活动。"))
    data, _unmasked = services.payment_sheet(_decision(campaign), actor=request.user)
    return download(data, f"{campaign.title}-{_('奖金发放表')}.xlsx", XLSX)


@require_http_methods(["GET"])
def public_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """A published decision, open to everyone: names, sex and workplaces only (cached and
    cacheable, as every public page: ``core.caching``)."""

    def context() -> dict[str, Any]:
        decision = selectors.published_decision(pk)
        if decision is None:
            raise Http404(_("没有找到该表彰决定。"))
        return {"decision": decision, **rendering.decision_context(build_decision(decision))}

    return public_page(
        ("decision", pk),
        lambda: selectors.published_decision_version(pk),
        "decisions/public_decision.html",
        context,
        missing=_("没有找到该表彰决定。"),
    )


@require_http_methods(["GET"])
def laureate(request: HttpRequest, token: str) -> HttpResponse:
    """The public page a certificate's QR code leads to: it confirms the certificate
    (number, name, award, workplace, the decision's 文号 and date); no personal data."""
    certificate = selectors.certificate_by_token(token)
    if certificate is None:
        raise Http404(_("没有找到该证书。"))
    decision = certificate.decision
    return render(
        request,
        "decisions/laureate.html",
        {
            "certificate": certificate,
            "decision": decision,
            "workplace": rendering.workplace_of(certificate.nomination),
            "date": chinese_date(decision.issued_on),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def past_awardees(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The office adds the awardees of editions held before the platform to the laureate
    registry from a spreadsheet (decisions.registry); a refused file lists every problem
    and keeps the award and the source typed."""
    campaign = _campaign(request, code, manage=True)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        award = selectors.award_of(campaign, int(request.POST.get("award", "0") or 0))
        upload = request.FILES.get("file")
        if award is None or upload is None:
            problems = [_("请选择奖项并上传文件。")]
        else:
            try:
                result = registry.import_past_awardees(
                    campaign,
                    award,
                    data=upload.read(registry.MAX_FILE_BYTES + 1),
                    filename=upload.name or "",
                    source=request.POST.get("source", ""),
                    actor=request.user,
                )
            except registry.RegistryImportError as exc:
                problems = exc.problems
            else:
                messages.success(
                    request,
                    _("已导入 %(added)d 人；%(present)d 人已在名单中。")
                    % {"added": result.added, "present": result.present},
                )
                return redirect("decisions:past_awardees", code=campaign.code)
        status = 400
    return render(
        request,
        "decisions/past_awardees.html",
        {
            "campaign": campaign,
            "registry": selectors.registry_of(campaign),
            "problems": problems,
            "selected_award": request.POST.get("award", ""),
            "source": request.POST.get("source", ""),
        },
        status=status,
    )
