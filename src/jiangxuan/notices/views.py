"""Pages for public notices: the public's notice page, JSON and objection form (no login),
and the campaign office's pages (notices, objections, background checks).

Thin: objects come from the selectors (another campaign's object answers 404), writes
are one service call, a service's NoticeError is shown on the form in Chinese.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.caching import mark_public, public_page
from jiangxuan.core.calendar import UnknownHolidayYear
from jiangxuan.core.downloads import download
from jiangxuan.core.forms import apply_error, submit_form
from jiangxuan.core.middleware import client_ip

from . import selectors, services
from .enums import NoticePhase
from .forms import (
    AnswerForm,
    AssignForm,
    BackgroundOpinionForm,
    BackgroundRequestForm,
    FindingForm,
    LevelNoticeForm,
    ObjectionForm,
    OpenNoticeForm,
)
from .models import BackgroundCheck, NoticeEntry, Objection, PublicNotice
from .rendering import render_background_check_form, render_background_check_pdf
from .services import NoticeError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --------------------------------------------------------------------------- public


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Notices now running."""
    return public_page(
        ("notice-list",),
        selectors.published_notices_version,
        "notices/publicnotice_list.html",
        lambda: {"notices": selectors.published_notices()},
        missing=_("没有找到该公示。"),
    )


def _published_or_404(pk: int) -> PublicNotice:
    notice = selectors.published_notice(pk)
    if notice is None:
        raise Http404(_("没有找到该公示。"))
    return notice


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice's published list with its dates and the objection link."""
    today = timezone.localdate()

    def version() -> str | None:
        # The phase shown (未开始/公示中/已结束) moves with the day.
        token = selectors.published_notice_version(pk)
        return f"{token}|{today}" if token else None

    def context() -> dict[str, Any]:
        notice = _published_or_404(pk)
        return {
            "notice": notice,
            "phase": selectors.notice_phase(notice, today),
            "entries": selectors.public_entries(notice),
        }

    return public_page(
        ("notice", pk),
        version,
        "notices/publicnotice_detail.html",
        context,
        missing=_("没有找到该公示。"),
    )


def _entry_or_404(notice: PublicNotice, position: int) -> NoticeEntry:
    entry = selectors.public_entry(notice, position)
    if entry is None:
        raise Http404(_("没有找到该公示对象。"))
    return entry


@require_GET
def public_entry(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    """One candidate of a notice: the published (consented) fields and the photo."""

    def context() -> dict[str, Any]:
        notice = _published_or_404(pk)
        entry = _entry_or_404(notice, position)
        return {
            "notice": notice,
            "entry": entry,
            "has_photo": selectors.public_photo(entry) is not None,
        }

    return public_page(
        ("notice-entry", pk, position),
        lambda: selectors.published_notice_version(pk),
        "notices/noticeentry_detail.html",
        context,
        missing=_("没有找到该公示对象。"),
    )


@require_GET
def public_entry_photo(request: HttpRequest, pk: int, position: int) -> FileResponse:
    """The candidate's photo, inline (404 without one or without consent)."""
    entry = _entry_or_404(_published_or_404(pk), position)
    photo = selectors.public_photo(entry)
    if photo is None:
        raise Http404(_("没有照片。"))
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    return mark_public(response)


@require_GET
def public_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The same notice as JSON (only the published fields)."""
    notice = _published_or_404(pk)
    data = {
        "id": notice.pk,
        "title": notice.title,
        "campaign": notice.campaign.title,
        "body": notice.body.name if notice.body else "",
        "where": notice.where,
        "starts_on": notice.starts_on.isoformat(),
        "ends_on": notice.ends_on.isoformat(),
        "days": notice.days,
        "day_unit": notice.day_unit,
        "state": notice.state,
        "objection_url": request.build_absolute_uri(reverse("notices:object", args=[notice.pk])),
        "entries": [
            {"position": e.position, **e.published} for e in selectors.public_entries(notice)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return mark_public(response)


@never_cache
@require_http_methods(["GET", "POST"])
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    """The objection form (no login; CSRF; rate-limited per IP). Never cached: the page
    carries the visitor's CSRF token and, after a post, what they typed."""
    notice = _published_or_404(pk)
    phase = selectors.notice_phase(notice)
    if phase != NoticePhase.OPEN:
        # Said before the form, not after the visitor typed it all (issue 15.6).
        refusal: dict[str, Any] = {"notice": notice, "phase": phase}
        status = 409 if request.method == "POST" else 200
        return render(request, "notices/objection_form.html", refusal, status=status)
    entries = selectors.public_entries(notice)
    status = 200
    if request.method == "POST":
        form = ObjectionForm(entries, request.POST, request.FILES)
        if services.objection_rate_exceeded(client_ip(request)):
            form.is_valid()
            form.add_error(None, _("提交过于频繁，请10分钟后再试。"))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            nomination = next(
                (e.nomination for e in entries if e.nomination_id == data["nomination"]), None
            )
            try:
                services.file_objection(
                    notice,
                    text=data["text"],
                    nomination=nomination,
                    anonymous=data["anonymous"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    attachment=data["attachment"],
                )
            except NoticeError as exc:
                apply_error(form, exc.field, exc.message)
            else:
                return redirect("notices:objection_filed", pk=notice.pk)
    else:
        form = ObjectionForm(entries)
    context = {"notice": notice, "form": form}
    return render(request, "notices/objection_form.html", context, status=status)


@never_cache
@require_GET
def objection_filed(request: HttpRequest, pk: int) -> HttpResponse:
    """Thanks after filing."""
    notice = _published_or_404(pk)
    return render(request, "notices/objection_filed.html", {"notice": notice})


# --------------------------------------------------------------------------- office


def _campaign_or_404(request: AuthenticatedHttpRequest, code: str) -> Campaign:
    campaign = selectors.campaign_for_office(request.user, code)
    if campaign is None:
        raise Http404(_("没有找到该评选活动。"))
    return campaign


def _notice_or_404(request: AuthenticatedHttpRequest, pk: int) -> PublicNotice:
    notice = selectors.notice_for_runner(request.user, pk)
    if notice is None:
        raise Http404(_("没有找到该公示。"))
    return notice


def _objection_or_404(request: AuthenticatedHttpRequest, pk: int) -> Objection:
    objection = selectors.objection_for_office(request.user, pk)
    if objection is None:
        raise Http404(_("没有找到该异议。"))
    return objection


def _check_or_404(request: AuthenticatedHttpRequest, pk: int) -> BackgroundCheck:
    check = selectors.background_check_for_office(request.user, pk)
    if check is None:
        raise Http404(_("没有找到该征求意见。"))
    return check


@login_required
@require_GET
def campaign_notices(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A campaign's notices, with open objections, and its penalties."""
    campaign = _campaign_or_404(request, code)
    context = {
        "campaign": campaign,
        "notices": selectors.notices_of(campaign),
        "stages": selectors.notice_stages(campaign),
        "penalties": selectors.penalties_of(campaign),
        "has_checks": bool(selectors.background_check_stages(campaign)),
    }
    return render(request, "notices/publicnotice_office_list.html", context)


def _open_or_preview(
    request: AuthenticatedHttpRequest,
    campaign: Campaign,
    form: forms.Form,
    stage: str,
    body: Any,
) -> tuple[HttpResponse | None, Any]:
    """Handle a valid post of an open-notice form: the "preview" button computes the end
    date without saving (returned second); else the notice is opened and the answer is the
    redirect to its page. A service's NoticeError lands on the form."""
    data = form.cleaned_data
    if "preview" in request.POST:
        found = selectors.stage_named(campaign, stage)
        # The forms offer only stages with a notice rule (selectors.notice_stages).
        rule = found.notice if found is not None else None
        try:
            return None, selectors.notice_end_date(rule, data["starts_on"]) if rule else None
        except UnknownHolidayYear as exc:
            form.add_error("starts_on", exc.message)
            return None, None
    try:
        notice = services.open_public_notice(
            campaign,
            stage=stage,
            body=body,
            nominations=data["nominations"],
            starts_on=data["starts_on"],
            title=data["title"],
            actor=request.user,
        )
    except NoticeError as exc:
        apply_error(form, exc.field, exc.message)
        return None, None
    if notice.withheld:
        messages.warning(
            request,
            _("以下推荐对象未同意公示，未列入公示名单：%(names)s")
            % {"names": "、".join(w["name"] for w in notice.withheld)},
        )
    messages.success(request, _("公示已发布。"))
    return redirect("notices:manage", pk=notice.pk), None


@login_required
@require_http_methods(["GET", "POST"])
def notice_open(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Open a notice; the "preview" button computes the end date without saving."""
    campaign = _campaign_or_404(request, code)
    form = OpenNoticeForm(campaign, request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done, preview = _open_or_preview(request, campaign, form, data["stage"], data["body"])
        if done is not None:
            return done
    context = {"campaign": campaign, "form": form, "preview": preview}
    return render(request, "notices/publicnotice_open.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def level_notice_open(request: AuthenticatedHttpRequest, level: str, body_id: int) -> HttpResponse:
    """A body that signs at a review level opens that level's notice, held by itself, of
    the nominations that completed the level there (``?campaign=``; seed 000 四1:
    所在单位公示); the page lists the notices it holds at the level. Another body, a level
    without a notice or a campaign out of sight answers 404."""
    code = request.GET.get("campaign", "")
    scope = selectors.level_notice_scope(request.user, code, level, body_id)
    if scope is None:
        raise Http404(_("没有找到该层级的公示。"))
    campaign, level_spec, body = scope
    candidates = selectors.level_notice_candidates(request.user, campaign, level, body)
    form = LevelNoticeForm(candidates, request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        done, preview = _open_or_preview(request, campaign, form, level, body)
        if done is not None:
            return done
    context = {
        "campaign": campaign,
        "form": form,
        "preview": preview,
        "level": level_spec,
        "body": body,
        "notices": selectors.level_notices_of(campaign, level, body),
    }
    return render(request, "notices/publicnotice_open.html", context)


def _manage_page(
    request: HttpRequest,
    notice: PublicNotice,
    bound: dict[int, dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    rows = []
    for objection in selectors.objections_of(notice):
        forms_for = bound.get(objection.pk, {})
        rows.append(
            {
                "objection": objection,
                "assign": forms_for.get("assign")
                or AssignForm(
                    selectors.assignees_for(objection),
                    initial={"assignee": objection.assigned_to_id},
                ),
                "finding": forms_for.get("finding")
                or FindingForm(
                    initial={"finding": objection.finding, "falsified": objection.falsified}
                ),
                "answer": forms_for.get("answer") or AnswerForm(),
            }
        )
    context = {
        "notice": notice,
        "campaign": notice.campaign,
        "entries": selectors.entries_of(notice),
        "rows": rows,
        # A level's body runs its notice; objections stay with the office.
        "is_office": request.user.has_perm("notices.manage_notices", notice.campaign),
    }
    return render(request, "notices/publicnotice_manage.html", context, status=status)


@login_required
@require_GET
def notice_manage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A notice for the office: entries, withheld nominees, objections and their actions."""
    return _manage_page(request, _notice_or_404(request, pk))


@login_required
@require_POST
def notice_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Publish a draft notice."""
    notice = _notice_or_404(request, pk)
    try:
        services.publish_public_notice(notice, actor=request.user)
    except NoticeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("公示已发布。"))
    return redirect("notices:manage", pk=notice.pk)


@login_required
@require_POST
def notice_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Close a notice (refused in Chinese before its end or with open objections)."""
    notice = _notice_or_404(request, pk)
    try:
        services.close_public_notice(notice, actor=request.user)
    except NoticeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("公示已结束。"))
    return redirect("notices:manage", pk=notice.pk)


@login_required
@require_POST
def objection_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Assign, record the finding of, or answer an objection."""
    objection = _objection_or_404(request, pk)
    form: forms.Form
    if action == "assign":
        form = AssignForm(selectors.assignees_for(objection), request.POST)
    elif action == "finding":
        form = FindingForm(request.POST)
    else:
        form = AnswerForm(request.POST)

    def act(data: dict) -> HttpResponse:
        if action == "assign":
            services.assign_objection(objection, assignee=data["assignee"], actor=request.user)
        elif action == "finding":
            services.record_finding(
                objection,
                actor=request.user,
                finding=data["finding"],
                falsified=data["falsified"],
            )
        else:
            services.answer_objection(
                objection,
                actor=request.user,
                answer=data["answer"],
                outcome=data["outcome"],
                penalty_kind=data["penalty_kind"] or None,
                penalty_amount=data["penalty_amount"],
            )
        messages.success(request, _("已保存。"))
        return redirect(reverse("notices:manage", args=[objection.notice_id]) + f"#o{pk}")

    done = submit_form(form, act, refusals=NoticeError)
    if done is not None:
        return done
    return _manage_page(request, objection.notice, {objection.pk: {action: form}}, status=400)


@login_required
@require_GET
def objection_attachment(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """An objection's attachment, as a download for the office."""
    objection = _objection_or_404(request, pk)
    if not objection.attachment:
        raise Http404
    extension = (objection.attachment.name or "").rsplit(".", 1)[-1]
    return download(
        objection.attachment.open("rb"),
        _("异议%(pk)d附件.%(ext)s") % {"pk": objection.pk, "ext": extension},
        objection.attachment_type or "application/octet-stream",
    )


@login_required
@require_http_methods(["GET", "POST"])
def background_checks(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A campaign's background checks, and the form to request more."""
    campaign = _campaign_or_404(request, code)
    form = BackgroundRequestForm(campaign, request.POST or None)

    def act(data: dict) -> HttpResponse:
        created = services.request_background_checks(
            campaign,
            data["nominations"],
            stage=data["stage"],
            department=data["department"],
            question=data["question"],
            due_on=data["due_on"],
            actor=request.user,
        )
        messages.success(request, _("已发出%(n)d份征求意见。") % {"n": len(created)})
        return redirect("notices:background_checks", code=campaign.code)

    if request.method == "POST":
        done = submit_form(form, act, refusals=NoticeError)
        if done is not None:
            return done
    context = {
        "campaign": campaign,
        "form": form,
        "checks": selectors.background_checks_of(campaign),
    }
    return render(request, "notices/backgroundcheck_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def background_check_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One background check; the office records the department's opinion here."""
    check = _check_or_404(request, pk)
    form = BackgroundOpinionForm(request.POST or None, request.FILES or None)

    def act(data: dict) -> HttpResponse:
        services.record_background_opinion(
            check,
            actor=request.user,
            opinion=data["opinion"],
            adverse=data["adverse"],
            scan=data["scan"],
        )
        if check.stop_note:
            messages.warning(request, check.stop_note)
        messages.success(request, _("已录入部门意见。"))
        return redirect("notices:background_check", pk=check.pk)

    if request.method == "POST":
        done = submit_form(form, act, refusals=NoticeError)
        if done is not None:
            return done
    context = {"check": check, "campaign": check.nomination.campaign, "form": form}
    return render(request, "notices/backgroundcheck_detail.html", context)


@login_required
@require_GET
def background_check_form(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The 征求意见表 (seed 000 附件4) of one nominee as DOCX."""
    check = _check_or_404(request, pk)
    filename = _("征求意见表-%(name)s.docx") % {"name": check.nomination.name}
    return download(render_background_check_form(check), filename, DOCX)


@login_required
@require_GET
def background_check_form_pdf(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The 征求意见表 (seed 000 附件4) of one nominee as PDF."""
    check = _check_or_404(request, pk)
    filename = _("征求意见表-%(name)s.pdf") % {"name": check.nomination.name}
    return download(render_background_check_pdf(check), filename, "application/pdf")


@login_required
@require_GET
def background_check_scan(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The scanned, stamped form a department returned."""
    check = _check_or_404(request, pk)
    if not check.scan:
        raise Http404
    extension = (check.scan.name or "").rsplit(".", 1)[-1]
    filename = _("征求意见表扫描件-%(name)s.%(ext)s") % {
        "name": check.nomination.name,
        "ext": extension,
    }
    content_type = mimetypes.guess_type(check.scan.name or "")[0] or "application/octet-stream"
    return download(check.scan.open("rb"), filename, content_type)
