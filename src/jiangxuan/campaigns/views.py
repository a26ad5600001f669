"""Campaign pages: the list, the office's specification editor and unit deadlines. A
campaign's own page shows its quotas' use, so nominations serves it
(``nominations.views_campaign``).

Thin views: objects come from ``campaigns_visible_to`` (404 otherwise); writes go
through ``services.update_campaign_spec``.
"""

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

from .forms import DeadlineForm
from .models import Campaign
from .selectors import (
    campaigns_visible_to,
    deadline_for,
    office_campaign_ids,
    unit_deadlines_of,
    units_for_extension,
)
from .services import DeadlineError, extend_deadline, set_internal_deadline, update_campaign_spec
from .spec import SpecError


def _campaign_or_404(user: User, code: str) -> Campaign:
    campaign = campaigns_visible_to(user).filter(code=code).first()
    if campaign is None:
        raise Http404(_("没有找到该评选活动。"))
    return campaign


@login_required
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Campaigns the user may see, newest first."""
    campaigns = list(campaigns_visible_to(request.user))
    return render(request, "campaigns/campaign_list.html", {"campaigns": campaigns})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit_spec(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The campaign office edits the specification's YAML; errors are listed above it."""
    campaign = _campaign_or_404(request.user, code)
    if not request.user.has_perm("campaigns.change_campaign", campaign):
        raise PermissionDenied(_("只有本活动的领导小组办公室可以修改活动规范。"))
    text = campaign.spec_yaml
    errors: list[str] = []
    if request.method == "POST":
        text = request.POST.get("spec_yaml", "")
        try:
            update_campaign_spec(campaign, text, actor=request.user)
        except SpecError as exc:
            errors = exc.located()
        else:
            messages.success(request, _("活动规范已保存。"))
            return redirect("campaigns:detail", code=campaign.code)
    return render(
        request,
        "campaigns/campaign_edit_spec.html",
        {"campaign": campaign, "spec_yaml": text, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_deadlines(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Unit deadlines: a body sets an internal one for its subtree (no later than its
    parent's); the campaign office extends one unit's deadline with a reason."""
    campaign = _campaign_or_404(request.user, code)
    is_office = campaign.id in office_campaign_ids(request.user, {Role.CAMPAIGN_OFFICE})
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
