"""Nomination pages: list, create, the official form (edit with htmx autosave), evidence,
submit, withdraw, eligibility overrides and the read-only detail.

Views stay thin: every object comes from ``nomination_for`` / ``campaigns_visible_to``
(404 otherwise), every write is one call to ``services``. A service's NominationError is
shown on the page in Chinese; PermissionDenied for a visible object answers a Chinese 403.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.accounts.models import User
from jiangxuan.accounts.selectors import has_role, units_in_scope
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.lifecycle import new_draft_refusal, new_draft_warning
from jiangxuan.campaigns.selectors import campaigns_visible_to, nominable_awards

from . import forward_documents, services
from .enums import NominationAction, NominationState
from .forms import ROW_COLUMNS, NominationForm
from .history import nomination_history
from .models import Evidence, Nomination
from .review_selectors import latest_return, review_panel
from .selectors import (
    channels_open_to,
    id_number_warning,
    list_rows,
    nomination_for,
    nominations_visible_to,
)
from .workflow import TRANSITIONS, NominationError

EXTRA_MATERIALS = {"photo", "video"}


def _nomination_or_404(user: User, pk: int) -> Nomination:
    nomination = nomination_for(user, pk)
    if nomination is None:
        raise Http404(_("没有找到该推荐。"))
    return nomination


def _form(
    nomination: Nomination, data: Any = None, *, extra_rows: int = 1, show_unsaved: bool = False
) -> NominationForm:
    return NominationForm(
        nomination.campaign,
        nomination.award,
        data,
        nomination=nomination,
        extra_rows=extra_rows,
        show_unsaved=show_unsaved,
    )


def _edit_form(nomination: Nomination) -> NominationForm:
    """The edit page's form from the stored draft, with what the last save refused."""
    return _form(nomination, show_unsaved=True)


def _save_posted(
    request: AuthenticatedHttpRequest, nomination: Nomination, data: QueryDict
) -> NominationForm:
    """Validate the posted form and save its valid fields into the draft.

    Returns the bound form: ``form.saved`` says whether the save happened, ``form.unsaved``
    what it refused (also errors on the fields); a refusal of the whole save is a
    non-field error. Re-rendered forms use ``extra_rows=0`` because the posted data
    already carries the blank rows.
    """
    form = _form(nomination, data, extra_rows=0)
    try:
        form.save_draft(
            actor=request.user, publication_consent=data.get("publication_consent") == "on"
        )
    except NominationError as exc:
        nomination.refresh_from_db()
        form.add_error(None, exc.message)
    return form


def _materials(nomination: Nomination) -> list[dict[str, Any]]:
    """The checklist items a file can be uploaded for, with the files already uploaded."""
    spec = nomination.campaign.specification
    files: dict[str, list[Evidence]] = {}
    for evidence in nomination.evidence.all():
        files.setdefault(evidence.material, []).append(evidence)
    items: list[dict[str, Any]] = [
        {"code": f.effective_type, "name": f.label, "required": f.required, "note": f.help}
        for f in spec.form.all_fields()
        if f.effective_type in EXTRA_MATERIALS
    ]
    items += [
        {"code": m.code, "name": m.name, "required": m.required, "note": m.note}
        for m in services.materials_for(nomination)
        if m.upload and m.per == "nomination"
    ]
    items.append({"code": "other", "name": _("其他佐证材料"), "required": False, "note": ""})
    for item in items:
        item["files"] = files.get(item["code"], [])
    return items


def _htmx(request: AuthenticatedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _can(user: User, action: str, nomination: Nomination) -> bool:
    return user.has_perm(f"nominations.{action}_nomination", nomination)


def _edit_context(
    request: AuthenticatedHttpRequest, nomination: Nomination, form: NominationForm, **extra: Any
) -> dict[str, Any]:
    consent = nomination.publication_consent
    if form.is_bound:
        consent = form.data.get("publication_consent") == "on"
    return {
        "nomination": nomination,
        "campaign": nomination.campaign,
        "form": form,
        "sections": form.layout(),
        "materials": _materials(nomination),
        "consent": consent,
        "can_override": request.user.has_perm("nominations.override_eligibility", nomination),
        "can_withdraw": (nomination.state, NominationAction.WITHDRAW) in TRANSITIONS
        and _can(request.user, "withdraw", nomination),
        "missing": services.missing_fields(nomination),
        "id_warning": id_number_warning(nomination),
        # The edit page's script reads the CSRF cookie again after a new sign-in (the
        # token rotates at login) before it retries a refused autosave.
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        "return_reasons": latest_return(nomination)
        if nomination.state == NominationState.RETURNED
        else None,
        **extra,
    }


def _render_edit(
    request: AuthenticatedHttpRequest,
    nomination: Nomination,
    form: NominationForm,
    status: int = 200,
    **extra,
) -> HttpResponse:
    context = _edit_context(request, nomination, form, **extra)
    return render(request, "nominations/nomination_edit.html", context, status=status)


# --------------------------------------------------------------------------- list, create


@login_required
@require_GET
def nomination_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Nominations the user may see, filtered by campaign and state (no personal data),
    50 a page; the same number of queries whatever the number of rows."""
    nominations = list_rows(nominations_visible_to(request.user)).order_by("-updated_at", "-id")
    campaign_code = request.GET.get("campaign", "")
    state = request.GET.get("state", "")
    if campaign_code:
        nominations = nominations.filter(campaign__code=campaign_code)
    if state in NominationState.values:
        nominations = nominations.filter(state=state)
    page = Paginator(nominations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "nominations/nomination_list.html",
        {
            "page": page,
            "campaigns": campaigns_visible_to(request.user),
            "states": NominationState.choices,
            "selected_campaign": campaign_code,
            "selected_state": state,
            "can_create": has_role(request.user, Role.CLERK),
        },
    )


@login_required
def nomination_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose campaign, award, channel (when the user may use more than one) and workplace
    (when the clerk's unit has sub-units); then edit."""
    params = request.POST if request.method == "POST" else request.GET
    campaigns = list(campaigns_visible_to(request.user).filter(state=CampaignState.PUBLISHED))
    # Told before the form opens why a campaign takes no new nominations (issue 13).
    refusals = {c.code: new_draft_refusal(c) for c in campaigns}
    campaign = next((c for c in campaigns if c.code == params.get("campaign", "")), None)
    workplaces = list(units_in_scope(request.user, {Role.CLERK}).exclude(kind="region"))
    error = ""
    if campaign is not None and refusals[campaign.code]:
        error, campaign = refusals[campaign.code], None
    awards = nominable_awards(campaign) if campaign else []
    channels = channels_open_to(request.user, campaign) if campaign else []
    if request.method == "POST" and not error:
        award = next((a for a in awards if a.code == request.POST.get("award")), None)
        workplace_id = request.POST.get("workplace", "")
        workplace = next((u for u in workplaces if str(u.pk) == workplace_id), None)
        if campaign is None or award is None:
            error = _("请选择评选活动和奖项。")
        elif workplace_id and workplace is None:
            error = _("所选单位不在您的管辖范围内。")
        else:
            try:
                nomination = services.create_nomination(
                    campaign=campaign,
                    award=award,
                    actor=request.user,
                    workplace=workplace,
                    channel=request.POST.get("channel") or None,
                )
            except NominationError as exc:
                error = exc.message
            except PermissionDenied as exc:
                error = str(exc)
            else:
                messages.success(request, _("推荐已创建，请填写推荐表。"))
                return redirect("nominations:edit", pk=nomination.pk)
    return render(
        request,
        "nominations/nomination_create.html",
        {
            "campaigns": [(c, refusals[c.code]) for c in campaigns],
            "campaign": campaign,
            "warning": new_draft_warning(campaign) if campaign else "",
            "awards": awards,
            "channels": channels if len(channels) > 1 else [],
            "selected_channel": params.get("channel", ""),
            "workplaces": workplaces if len(workplaces) > 1 else [],
            "selected_award": params.get("award", ""),
            "selected_workplace": params.get("workplace", ""),
            "error": error,
        },
        status=400 if error and request.method == "POST" else 200,
    )


# --------------------------------------------------------------------------- edit, autosave


@login_required
def nomination_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The official form. POST saves the draft (``add_row=<key>`` also adds a blank row
    to that list); invalid or refused fields are not saved and are shown with what was
    typed and why (issue 15.1); GET shows what the last save refused."""
    nomination = _nomination_or_404(request.user, pk)
    if not (nomination.is_editable and _can(request.user, "change", nomination)):
        return redirect("nominations:detail", pk=nomination.pk)
    if request.method != "POST":
        # The form shows the ID number and phones in full: the clerk needs them to edit.
        services.record_personal_data_view(nomination, actor=request.user, where="edit")
        return _render_edit(request, nomination, _edit_form(nomination))
    data = request.POST.copy()
    add_row = data.get("add_row", "")
    list_keys = {
        f.key
        for f in nomination.campaign.specification.form.all_fields()
        if f.effective_type in ROW_COLUMNS or f.effective_type == "table"
    }
    if add_row in list_keys:
        prefix = f"{add_row}__"
        rows = [
            int(name[len(prefix) :].split("__")[0])
            for name in data
            if name.startswith(prefix) and name[len(prefix) :].split("__")[0].isdigit()
        ]
        # A blank cell at the next index makes the form offer one more row for this list.
        data[f"{add_row}__{max(rows, default=-1) + 1}__new"] = ""
    form = _save_posted(request, nomination, data)
    if form.errors:
        return _render_edit(request, nomination, form)
    if add_row in list_keys:
        return _render_edit(request, nomination, form)
    messages.success(request, _("草稿已保存。"))
    return redirect("nominations:edit", pk=nomination.pk)


@login_required
@require_POST
def nomination_autosave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """htmx autosave: saves the valid fields; answers the status line, the eligibility
    panel and each field's errors (out-of-band swaps)."""
    nomination = _nomination_or_404(request.user, pk)
    if not nomination.is_editable:
        return render(
            request,
            "nominations/nomination_edit.html#autosave_refused",
            {
                "message": _("当前状态为“%(state)s”，不能修改。")
                % {"state": nomination.get_state_display()}
            },
        )
    form = _save_posted(request, nomination, request.POST)
    context = _edit_context(request, nomination, form, saved_at=timezone.localtime())
    return render(request, "nominations/nomination_edit.html#autosave_response", context)


# --------------------------------------------------------------------------- submit, withdraw


@login_required
@require_POST
def nomination_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save what the form holds, then show what submitting will do and what is missing
    (issue 15.3); the confirmation's own POST (``confirmed``) submits. Refusals keep the
    draft and say why."""
    nomination = _nomination_or_404(request.user, pk)
    form = None
    try:
        if "form_present" in request.POST and nomination.is_editable:
            form = _save_posted(request, nomination, request.POST)
            if form.errors:
                return _render_edit(
                    request,
                    nomination,
                    form,
                    submit_error=_("推荐表中有填写错误，请先改正标红的项目再提交。"),
                )
        if "confirmed" not in request.POST and nomination.is_editable:
            if not _can(request.user, "submit", nomination):
                raise PermissionDenied(_("您无权提交此推荐。"))
            context = {"nomination": nomination, "check": services.check_submission(nomination)}
            return render(request, "nominations/nomination_submit_confirm.html", context)
        services.submit_nomination(nomination, actor=request.user)
    except NominationError as exc:
        if nomination.is_editable and _can(request.user, "change", nomination):
            nomination.refresh_from_db()
            return _render_edit(
                request,
                nomination,
                form or _edit_form(nomination),
                submit_error=exc.message,
            )
        messages.error(request, exc.message)
        return redirect("nominations:detail", pk=nomination.pk)
    messages.success(request, _("推荐已提交。"))
    return redirect("nominations:detail", pk=nomination.pk)


@login_required
@require_POST
def nomination_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Withdraw with a reason (recorded in the history)."""
    nomination = _nomination_or_404(request.user, pk)
    try:
        services.withdraw_nomination(
            nomination, actor=request.user, reason=request.POST.get("reason", "")
        )
    except NominationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("推荐已撤回。"))
    return redirect("nominations:detail", pk=nomination.pk)


@login_required
@require_POST
def nomination_override(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The campaign office lets a nomination through one failed rule (reason required)."""
    nomination = _nomination_or_404(request.user, pk)
    try:
        services.override_eligibility(
            nomination,
            actor=request.user,
            rule_code=request.POST.get("rule_code", ""),
            reason=request.POST.get("reason", ""),
        )
    except NominationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已特批该项条件。"))
    return redirect("nominations:detail", pk=nomination.pk)


# --------------------------------------------------------------------------- evidence


@login_required
@require_POST
def evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload one file for a checklist item; a refused file is reported next to it.

    From htmx (the edit page uploads in the background, issue 15.2) the answer is the
    evidence section alone, so the form being typed is not reloaded; without htmx, the
    page."""
    nomination = _nomination_or_404(request.user, pk)
    material = request.POST.get("material", "")
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise NominationError(_("请选择要上传的文件。"), field="file")
        services.add_evidence(nomination, actor=request.user, material=material, upload=upload)
    except NominationError as exc:
        error = {"material": material, "message": exc.message}
        if _htmx(request):
            return _render_evidence(request, nomination, evidence_error=error)
        if not (nomination.is_editable and _can(request.user, "change", nomination)):
            messages.error(request, exc.message)
            return redirect("nominations:detail", pk=nomination.pk)
        return _render_edit(
            request, nomination, _edit_form(nomination), status=400, evidence_error=error
        )
    notice = _("材料“%(name)s”已上传。") % {"name": upload.name}
    if _htmx(request):
        return _render_evidence(request, nomination, evidence_notice=notice)
    messages.success(request, notice)
    return redirect(reverse("nominations:edit", args=[nomination.pk]) + "#evidence")


def _render_evidence(
    request: AuthenticatedHttpRequest, nomination: Nomination, **extra: Any
) -> HttpResponse:
    """The evidence section for an htmx swap. A refusal answers 200 too: htmx swaps only
    successful answers, and the refusal is shown next to its checklist item."""
    context = {
        "nomination": nomination,
        "materials": _materials(nomination),
        "editable": nomination.is_editable and _can(request.user, "change", nomination),
        **extra,
    }
    return render(request, "nominations/partials/evidence.html", context)


@login_required
@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int, evidence_id: int) -> FileResponse:
    """Stream an evidence file as an attachment to someone who can see the nomination."""
    nomination = _nomination_or_404(request.user, pk)
    evidence = nomination.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404(_("没有找到该材料。"))
    return FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_GET
def evidence_poster(request: AuthenticatedHttpRequest, pk: int, evidence_id: int) -> FileResponse:
    """A video's poster frame (JPEG), inline, to someone who can see the nomination."""
    nomination = _nomination_or_404(request.user, pk)
    evidence = nomination.evidence.filter(pk=evidence_id).exclude(poster="").first()
    if evidence is None:
        raise Http404(_("没有找到该视频封面。"))
    return FileResponse(evidence.poster.open("rb"), content_type="image/jpeg")


@login_required
@require_POST
def evidence_delete(request: AuthenticatedHttpRequest, pk: int, evidence_id: int) -> HttpResponse:
    """Delete an evidence file from an editable nomination (from htmx: answers the
    evidence section, as :func:`evidence_upload` does)."""
    nomination = _nomination_or_404(request.user, pk)
    evidence = nomination.evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise Http404(_("没有找到该材料。"))
    try:
        services.delete_evidence(evidence, actor=request.user)
    except NominationError as exc:
        if _htmx(request):
            error = {"material": evidence.material, "message": exc.message}
            return _render_evidence(request, nomination, evidence_error=error)
        messages.error(request, exc.message)
    else:
        if _htmx(request):
            return _render_evidence(request, nomination, evidence_notice=_("材料已删除。"))
        messages.success(request, _("材料已删除。"))
    return redirect(reverse("nominations:edit", args=[nomination.pk]) + "#evidence")


# --------------------------------------------------------------------------- detail


@login_required
@require_GET
def nomination_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A read-only view: the form's values (masked without need to know), evidence,
    eligibility, documents and history."""
    nomination = _nomination_or_404(request.user, pk)
    form = _form(nomination, extra_rows=0)
    context = _edit_context(request, nomination, form)
    context.update(
        {
            "can_edit": nomination.is_editable and _can(request.user, "change", nomination),
            # Masked by default; "显示完整信息" (?unmasked=1) is for those with need, audited.
            "can_view_personal": request.GET.get("unmasked") == "1"
            and services.record_personal_data_view(nomination, actor=request.user, where="detail"),
            "may_unmask": request.user.has_perm("nominations.view_personal_data", nomination),
            "history": nomination_history(nomination),
            "review": review_panel(request.user, nomination),
            "forward_documents": forward_documents.documents_of_forwards(request.user, nomination),
        }
    )
    return render(request, "nominations/nomination_detail.html", context)
