"""Campaign pages: the list, the office's specification editor and unit deadlines. A
campaign's own page shows its quotas' use, so nominations serves it
(``nominations.views_campaign``).

Thin views: objects come from ``campaigns_visible_to`` (404 otherwise); writes go
through ``services.update_campaign_spec``.
"""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.accounts.models import User
from jiangxuan.accounts.selectors import memberships_of

from .enums import CampaignState
from .forms import (
    CampaignCreateForm,
    DeadlineForm,
    NoticeTextsForm,
    NumbersForm,
    WindowExtensionForm,
)
from .lifecycle import CampaignClosed
from .models import Campaign
from .selectors import (
    campaigns_visible_to,
    creatable_campaign_sources,
    deadline_for,
    spec_diff,
    spec_versions,
    unit_deadlines_of,
    units_for_extension,
)
from .services import (
    DeadlineError,
    SpecChangeError,
    adjust_numbers,
    create_campaign,
    edit_notice_texts,
    extend_deadline,
    extend_submission_window,
    set_internal_deadline,
    update_campaign_spec,
)
from .spec import SpecError, decode_spec_bytes, problem_excerpts


def _campaign_or_404(user: User, code: str) -> Campaign:
    campaign = campaigns_visible_to(user).filter(code=code).first()
    if campaign is None:
        raise Http404(_("没有找到该评选活动。"))
    return campaign


@login_required
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Campaigns the user may see, newest first."""
    campaigns = list(campaigns_visible_to(request.user))
    can_create = any(m.role == Role.CAMPAIGN_OFFICE for m in memberships_of(request.user))
    return render(
        request,
        "campaigns/campaign_list.html",
        {"campaigns": campaigns, "can_create": can_create},
    )


def _office_campaign_or_403(user: User, code: str) -> Campaign:
    campaign = _campaign_or_404(user, code)
    if not user.has_perm("campaigns.change_campaign", campaign):
        raise PermissionDenied(_("只有本活动的领导小组办公室可以修改活动规范。"))
    return campaign


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit_spec(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The campaign office edits the specification's YAML with a reason (required once
    published); each problem is listed, linked to its line, and shown beside that line
    among the lines around it (issue 15.4); the text typed is kept."""
    campaign = _office_campaign_or_403(request.user, code)
    text = campaign.spec_yaml
    reason = ""
    shown: dict[str, list] = {"problems": [], "excerpts": []}
    if request.method == "POST":
        text = request.POST.get("spec_yaml", "")
        reason = request.POST.get("reason", "")
        try:
            update_campaign_spec(campaign, text, actor=request.user, reason=reason)
        except SpecError as exc:
            shown = _spec_problems(text, exc)
        except (SpecChangeError, CampaignClosed) as exc:
            shown["problems"] = [(exc.message, None)]
        else:
            messages.success(request, _("活动规范已保存。"))
            return redirect("campaigns:detail", code=campaign.code)
    return render(
        request,
        "campaigns/campaign_edit_spec.html",
        {
            "campaign": campaign,
            "spec_yaml": text,
            "reason": reason,
            "reason_required": campaign.state != CampaignState.DRAFT,
            **shown,
        },
        status=400 if shown["problems"] else 200,
    )


def _spec_problems(text: str, exc: SpecError) -> dict[str, list]:
    """What the editor shows of an invalid specification: each problem located with its
    line (None when unknown), and the runs of lines around the problems."""
    return {
        "problems": list(zip(exc.located(), exc.lines, strict=True)),
        "excerpts": problem_excerpts(text, exc),
    }


@login_required
def campaign_versions(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Every version of the specification with who changed it, when and why; two chosen
    versions side by side (``?from=&to=``, default: the latest against the one before)."""
    campaign = _office_campaign_or_403(request.user, code)
    versions = list(spec_versions(campaign))
    by_number = {str(v.number): v for v in versions}
    new = by_number.get(request.GET.get("to", "")) or (versions[0] if versions else None)
    old = by_number.get(request.GET.get("from", ""))
    if old is None and new is not None:
        old = by_number.get(str(new.number - 1))
    rows = spec_diff(old.spec_yaml, new.spec_yaml) if old and new else []
    return render(
        request,
        "campaigns/campaign_versions.html",
        {"campaign": campaign, "versions": versions, "old": old, "new": new, "rows": rows},
    )


def _spec_change_page(
    request: AuthenticatedHttpRequest,
    campaign: Campaign,
    form: forms.Form,
    change: Callable[[], object] | None,
    *,
    template: str,
    done: str,
) -> HttpResponse:
    """A form page that makes one recorded change of the specification: ``change`` runs
    the service (None when the form is invalid or asks nothing); a refused change keeps
    the form as typed, the invalid specification's problems listed; success goes to the
    versions with ``done``."""
    spec_errors: list[str] = []
    if change is not None:
        try:
            change()
        except SpecError as exc:
            spec_errors = exc.located()
        except (SpecChangeError, CampaignClosed) as exc:
            field = getattr(exc, "field", None)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, done)
            return redirect("campaigns:versions", code=campaign.code)
    return render(
        request,
        template,
        {"campaign": campaign, "form": form, "spec_errors": spec_errors},
        status=400 if form.errors or spec_errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_extend_window(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The office extends the campaign-wide submission deadline with a reason: one
    recorded change of the specification."""
    campaign = _office_campaign_or_403(request.user, code)
    form = WindowExtensionForm(request.POST or None)
    change = None
    if request.method == "POST" and form.is_valid():

        def change() -> object:
            return extend_submission_window(
                campaign,
                closes_at=form.cleaned_data["closes_at"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )

    return _spec_change_page(
        request,
        campaign,
        form,
        change,
        template="campaigns/campaign_extend_window.html",
        done=_("申报截止时间已延长，变更已记入活动规范版本。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_numbers(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The office changes award counts and unit quotas with a reason: one recorded change
    of the specification (issue 15.4); what was typed stays when it is refused."""
    campaign = _office_campaign_or_403(request.user, code)
    form = NumbersForm(campaign.specification, request.POST or None)
    change = None
    if request.method == "POST" and form.is_valid():
        numbers = form.changed_numbers()
        if not numbers:
            form.add_error(None, _("名额没有变化，未保存。"))
        else:

            def change() -> object:
                return adjust_numbers(
                    campaign,
                    numbers=numbers,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )

    return _spec_change_page(
        request,
        campaign,
        form,
        change,
        template="campaigns/campaign_numbers.html",
        done=_("名额已调整，变更已记入活动规范版本。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_texts(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The office edits its notices' texts (公示, 征求意见, the decision, the certificate)
    with a reason: one recorded change of the specification (issue 15.4); what was typed
    stays when it is refused, a wrong placeholder named beside its text."""
    campaign = _office_campaign_or_403(request.user, code)
    form = NoticeTextsForm(campaign.specification, request.POST or None)
    change = None
    if request.method == "POST" and form.is_valid():
        texts = form.changed_texts()
        if not texts:
            form.add_error(None, _("通知文字没有变化，未保存。"))
        else:

            def change() -> object:
                return edit_notice_texts(
                    campaign,
                    texts=texts,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )

    return _spec_change_page(
        request,
        campaign,
        form,
        change,
        template="campaigns/campaign_texts.html",
        done=_("通知文字已修改，变更已记入活动规范版本。"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A campaign office creates a campaign (a draft) from a specification: uploaded,
    typed, or copied from an earlier edition it runs (``?copy=<code>``) and edited."""
    sources = list(creatable_campaign_sources(request.user))
    if not any(m.role == Role.CAMPAIGN_OFFICE for m in memberships_of(request.user)):
        raise PermissionDenied(_("只有活动办公室可以新建评选活动。"))
    initial = {}
    copied = next((c for c in sources if c.code == request.GET.get("copy")), None)
    if copied is not None:
        initial["spec_yaml"] = copied.spec_yaml
    form = CampaignCreateForm(request.POST or None, request.FILES or None, initial=initial)
    shown: dict[str, list] = {"problems": [], "excerpts": []}
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data.get("spec_yaml", "")
        try:
            if "raw" in form.cleaned_data:
                name = form.cleaned_data["spec_file"].name
                text, _note = decode_spec_bytes(form.cleaned_data["raw"], name)
            else:
                name = "<spec>"
            campaign = create_campaign(text, actor=request.user, source=name)
        except SpecError as exc:
            shown = _spec_problems(text, exc)
            # The editor shows what was uploaded, so the user fixes it in place.
            form = CampaignCreateForm(initial={"spec_yaml": text})
        else:
            messages.success(request, _("评选活动已新建（草稿），请核对后发布。"))
            return redirect("campaigns:detail", code=campaign.code)
    return render(
        request,
        "campaigns/campaign_create.html",
        {"form": form, "sources": sources, "copied": copied, **shown},
        status=400 if shown["problems"] or form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_deadlines(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Unit deadlines: a body sets an internal one for its subtree (no later than its
    parent's); the campaign office extends one unit's deadline with a reason."""
    campaign = _campaign_or_404(request.user, code)
    # The office extends (extend_deadline checks it again); anyone else sets their own.
    is_office = request.user.has_perm("campaigns.change_campaign", campaign)
    own_units = [m.org_unit for m in memberships_of(request.user) if m.role != Role.AUDITOR]
    units = units_for_extension(campaign) if is_office else own_units
    form = DeadlineForm(units, request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = next(u for u in units if u.pk == form.cleaned_data["unit"])
        try:
            if is_office:
                extend_deadline(
                    campaign,
                    unit,
                    closes_at=form.cleaned_data["closes_at"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            else:
                set_internal_deadline(
                    campaign, unit, closes_at=form.cleaned_data["closes_at"], actor=request.user
                )
        except DeadlineError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("截止时间已保存。"))
            return redirect("campaigns:deadlines", code=campaign.code)
    rows = [(row, deadline_for(campaign, row.org_unit)) for row in unit_deadlines_of(campaign)]
    return render(
        request,
        "campaigns/campaign_deadlines.html",
        {"campaign": campaign, "form": form, "rows": rows, "is_office": is_office},
        status=400 if form.errors else 200,
    )
