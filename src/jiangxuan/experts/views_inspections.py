"""Office pages for site inspections (实地考察; seed 004 三(三)2): a panel's inspections with
the schedule form, recording findings/outcome/photos or cancelling one, and a campaign's
list.

Thin: panels and campaigns come from the office selectors (another campaign's answers
404); writes are one service call whose ExpertError is shown on the form in Chinese.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.core.forms import submit_form

from . import selectors, selectors_inspections, services_inspections
from .forms_inspections import CancelInspectionForm, RecordInspectionForm, ScheduleInspectionForm
from .models import Panel, SiteInspection
from .services import ExpertError


def _panel_or_404(request: AuthenticatedHttpRequest, pk: int) -> Panel:
    panel = selectors.panel_for_office(request.user, pk)
    if panel is None:
        raise Http404(_("没有找到该评审组。"))
    return panel


def _inspection_or_404(
    request: AuthenticatedHttpRequest, pk: int, inspection_pk: int
) -> SiteInspection:
    inspection = selectors_inspections.inspection_for_office(
        _panel_or_404(request, pk), inspection_pk
    )
    if inspection is None:
        raise Http404(_("没有找到该实地考察。"))
    return inspection


def _schedule_form(panel: Panel, data=None) -> ScheduleInspectionForm:
    return ScheduleInspectionForm(
        selectors_inspections.inspection_candidates(panel),
        selectors_inspections.inspector_candidates(panel),
        data,
    )


def _panel_page(
    request: HttpRequest, panel: Panel, form: ScheduleInspectionForm | None = None
) -> HttpResponse:
    return render(
        request,
        "experts/inspections/panel_inspections.html",
        {
            "panel": panel,
            "inspections": selectors_inspections.inspections_of_panel(panel),
            "form": form or _schedule_form(panel),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def panel_inspections(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A panel's inspections; POST schedules one."""
    panel = _panel_or_404(request, pk)
    if request.method != "POST":
        return _panel_page(request, panel)
    form = _schedule_form(panel, request.POST)

    def act(data: dict) -> HttpResponse:
        services_inspections.schedule_inspection(
            panel,
            data["nomination"],
            scheduled_for=data["scheduled_for"],
            place=data["place"],
            inspectors=data["inspectors"],
            actor=request.user,
        )
        messages.success(request, _("实地考察已安排。"))
        return redirect("experts:panel_inspections", pk=panel.pk)

    done = submit_form(form, act, refusals=ExpertError)
    if done is not None:
        return done
    return _panel_page(request, panel, form)


def _record_page(
    request: HttpRequest,
    inspection: SiteInspection,
    record_form: RecordInspectionForm | None = None,
    cancel_form: CancelInspectionForm | None = None,
) -> HttpResponse:
    invalid = any(f is not None and f.errors for f in (record_form, cancel_form))
    return render(
        request,
        "experts/inspections/record.html",
        {
            "panel": inspection.panel,
            "inspection": inspection,
            "record_form": record_form or RecordInspectionForm(),
            "cancel_form": cancel_form or CancelInspectionForm(),
        },
        status=400 if invalid else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspection_record(
    request: AuthenticatedHttpRequest, pk: int, inspection_pk: int
) -> HttpResponse:
    """One inspection; POST records findings, outcome and photos."""
    inspection = _inspection_or_404(request, pk, inspection_pk)
    if request.method != "POST":
        return _record_page(request, inspection)
    form = RecordInspectionForm(request.POST, request.FILES)

    def act(data: dict) -> HttpResponse:
        services_inspections.record_inspection(
            inspection,
            findings=data["findings"],
            outcome=data["outcome"],
            photos=data["photos"],
            actor=request.user,
        )
        messages.success(request, _("考察结果已记录。"))
        return redirect("experts:panel_inspections", pk=inspection.panel_id)

    done = submit_form(form, act, refusals=ExpertError)
    if done is not None:
        return done
    return _record_page(request, inspection, record_form=form)


@login_required
@require_POST
def inspection_cancel(
    request: AuthenticatedHttpRequest, pk: int, inspection_pk: int
) -> HttpResponse:
    """Cancel a scheduled inspection with a reason."""
    inspection = _inspection_or_404(request, pk, inspection_pk)
    form = CancelInspectionForm(request.POST)

    def act(data: dict) -> HttpResponse:
        services_inspections.cancel_inspection(
            inspection, reason=data["reason"], actor=request.user
        )
        messages.success(request, _("实地考察已取消。"))
        return redirect("experts:panel_inspections", pk=inspection.panel_id)

    done = submit_form(form, act, refusals=ExpertError)
    if done is not None:
        return done
    return _record_page(request, inspection, cancel_form=form)


@login_required
@require_GET
def campaign_inspections(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """All inspections of a campaign (its office only)."""
    campaign = selectors.campaign_for_office(request.user, code)
    if campaign is None:
        raise Http404(_("没有找到该评选活动。"))
    return render(
        request,
        "experts/inspections/campaign_inspections.html",
        {
            "campaign": campaign,
            "inspections": selectors_inspections.inspections_of_campaign(campaign),
        },
    )
