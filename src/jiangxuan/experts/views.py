"""Pages for the expert pool, panels and draws (campaign office) and for an expert's own
panel memberships (confidentiality undertaking, recusal).

Thin: objects come from the selectors (another campaign's panel, someone else's
membership, or any pool page for a non-office user answers 404); writes are one service
call; a service's ExpertError is shown on the form in Chinese.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.forms import submit_form

from . import selectors, services
from .forms import (
    ChairForm,
    DrawForm,
    OwnRecusalForm,
    PanelForm,
    PoolFilterForm,
    RecusalForm,
    RelationshipForm,
    ReservesForm,
)
from .models import Expert, Panel, PanelMember
from .services import ExpertError


def _pool_office_or_404(request: AuthenticatedHttpRequest) -> None:
    if not selectors.is_pool_office(request.user):
        raise Http404(_("没有找到该页面。"))


def _expert_or_404(request: AuthenticatedHttpRequest, pk: int) -> Expert:
    expert = selectors.expert_for_office(request.user, pk)
    if expert is None:
        raise Http404(_("没有找到该专家。"))
    return expert


def _campaign_or_404(request: AuthenticatedHttpRequest, code: str) -> Campaign:
    campaign = selectors.campaign_for_office(request.user, code)
    if campaign is None:
        raise Http404(_("没有找到该评选活动。"))
    return campaign


def _panel_or_404(request: AuthenticatedHttpRequest, pk: int) -> Panel:
    panel = selectors.panel_for_office(request.user, pk)
    if panel is None:
        raise Http404(_("没有找到该评审组。"))
    return panel


def _membership_or_404(request: AuthenticatedHttpRequest, pk: int) -> PanelMember:
    member = selectors.membership_for_expert(request.user, pk)
    if member is None:
        raise Http404(_("没有找到该评审任务。"))
    return member


# --------------------------------------------------------------------------- pool


@login_required
@require_GET
def pool(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The expert pool, filtered (phones masked)."""
    _pool_office_or_404(request)
    form = PoolFilterForm(selectors.pool_facets(), request.GET or None)
    experts = list(selectors.experts_for_office(request.user, **form.filters()))
    return render(request, "experts/expert_list.html", {"form": form, "experts": experts})


def _expert_page(
    request: HttpRequest, expert: Expert, form: RelationshipForm, status: int = 200
) -> HttpResponse:
    context = {
        "expert": expert,
        "relationships": selectors.relationships_of(expert),
        "form": form,
    }
    return render(request, "experts/expert_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def expert_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One expert with the declared relationships, and the form to declare another."""
    expert = _expert_or_404(request, pk)
    form = RelationshipForm(request.POST or None)

    def act(data: dict) -> HttpResponse:
        services.declare_relationship(
            expert,
            kind=data["kind"],
            org_unit=data["org_unit"],
            id_number=data["id_number"],
            note=data["note"],
            actor=request.user,
        )
        messages.success(request, _("回避关系已登记。"))
        return redirect("experts:expert_detail", pk=expert.pk)

    if request.method == "POST":
        done = submit_form(form, act, refusals=ExpertError)
        if done is not None:
            return done
    return _expert_page(request, expert, form, status=400 if form.errors else 200)


# --------------------------------------------------------------------------- panels


@login_required
@require_http_methods(["GET", "POST"])
def panel_list(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A campaign's panels and the form to create one."""
    campaign = _campaign_or_404(request, code)
    form = PanelForm(campaign, request.POST or None, facets=selectors.pool_facets())

    def act(data: dict) -> HttpResponse:
        panel = services.create_panel(
            campaign,
            name=data["name"],
            award=data["award"],
            size=data["size"],
            reserves=data["reserves"],
            mix=data["mix"],
            blind=data["blind"],
            actor=request.user,
        )
        messages.success(request, _("评审组已创建，请组织抽取。"))
        return redirect("experts:panel_detail", pk=panel.pk)

    if request.method == "POST":
        done = submit_form(form, act, refusals=ExpertError)
        if done is not None:
            return done
    context = {"campaign": campaign, "panels": selectors.panels_of(campaign), "form": form}
    return render(request, "experts/panel_list.html", context, status=400 if form.errors else 200)


def _panel_page(request: HttpRequest, panel: Panel, **forms: object) -> HttpResponse:
    members = selectors.members_of(panel)
    nominees = selectors.panel_nominees(panel)
    bound = any(getattr(f, "errors", None) for f in forms.values())
    context = {
        "panel": panel,
        "campaign": panel.campaign,
        "draw": selectors.draw_of(panel),
        "members": members,
        "nominees": nominees,
        "draw_form": forms.get("draw_form") or DrawForm(),
        "chair_form": forms.get("chair_form") or ChairForm(members),
        "reserves_form": forms.get("reserves_form") or ReservesForm(),
        "recusal_form": forms.get("recusal_form") or RecusalForm(members, nominees),
    }
    return render(request, "experts/panel_detail.html", context, status=400 if bound else 200)


@login_required
@require_GET
def panel_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A panel: its draw record, members and reserves, assignments and recusals."""
    return _panel_page(request, _panel_or_404(request, pk))


@login_required
@require_GET
def draw_record(request: AuthenticatedHttpRequest, pk: int) -> JsonResponse:
    """The draw record as JSON, for anyone re-running it (``jiangxuan redraw`` or by hand)."""
    panel = _panel_or_404(request, pk)
    draw = selectors.draw_of(panel)
    if draw is None:
        raise Http404(_("该评审组尚未抽取。"))
    response = JsonResponse(selectors.draw_record(draw), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def panel_draw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Run the draw with the witnessed seed."""
    panel = _panel_or_404(request, pk)
    form = DrawForm(request.POST)

    def act(data: dict) -> HttpResponse:
        services.draw_panel(
            panel,
            seed=data["seed"],
            seed_source=data["seed_source"],
            witnesses=data["witnesses"],
            actor=request.user,
        )
        messages.success(request, _("抽取完成，抽取记录已保存。"))
        return redirect("experts:panel_detail", pk=panel.pk)

    done = submit_form(form, act, refusals=ExpertError)
    if done is not None:
        return done
    return _panel_page(request, panel, draw_form=form)


@login_required
@require_POST
def panel_reserves(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A supplementary, witnessed draw of more reserves."""
    panel = _panel_or_404(request, pk)
    form = ReservesForm(request.POST)

    def act(data: dict) -> HttpResponse:
        added = services.draw_more_reserves(
            panel,
            count=data["count"],
            seed=data["seed"],
            seed_source=data["seed_source"],
            witnesses=data["witnesses"],
            actor=request.user,
        )
        messages.success(request, _("已增补%(count)d名候补专家。") % {"count": len(added)})
        return redirect("experts:panel_detail", pk=panel.pk)

    done = submit_form(form, act, refusals=ExpertError)
    if done is not None:
        return done
    return _panel_page(request, panel, reserves_form=form)


@login_required
@require_POST
def panel_chair(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Appoint the chair among the drawn members."""
    panel = _panel_or_404(request, pk)
    form = ChairForm(selectors.members_of(panel), request.POST)

    def act(data: dict) -> HttpResponse:
        services.appoint_chair(panel, data["member"], actor=request.user)
        messages.success(request, _("评审组组长已指定。"))
        return redirect("experts:panel_detail", pk=panel.pk)

    done = submit_form(form, act, refusals=ExpertError)
    if done is not None:
        return done
    return _panel_page(request, panel, chair_form=form)


@login_required
@require_POST
def panel_recusal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a recusal after the draw (a conflict found later); a reserve takes the place."""
    panel = _panel_or_404(request, pk)
    form = RecusalForm(selectors.members_of(panel), selectors.panel_nominees(panel), request.POST)

    def act(data: dict) -> HttpResponse:
        services.record_recusal(
            data["member"],
            data["nomination"],
            kind=data["kind"],
            note=data["note"],
            actor=request.user,
        )
        messages.success(request, _("回避已登记。"))
        return redirect("experts:panel_detail", pk=panel.pk)

    done = submit_form(form, act, refusals=ExpertError)
    if done is not None:
        return done
    return _panel_page(request, panel, recusal_form=form)


# --------------------------------------------------------------------------- expert


@login_required
@require_GET
def my_panels(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The signed-in expert's panel memberships."""
    memberships = selectors.memberships_for_expert(request.user)
    return render(request, "experts/membership_list.html", {"memberships": memberships})


def _membership_page(
    request: AuthenticatedHttpRequest, member: PanelMember, form: OwnRecusalForm | None = None
) -> HttpResponse:
    assignments = [
        a for a in selectors.assignments_for_expert(request.user) if a.member_id == member.pk
    ]
    nominees = [a.nomination for a in assignments]
    context = {
        "member": member,
        "panel": member.panel,
        "undertaking": services.CONFIDENTIALITY_UNDERTAKING,
        "assignments": assignments,
        "form": form or OwnRecusalForm(nominees, blind=member.panel.blind),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "experts/membership_detail.html", context, status=status)


@login_required
@require_GET
def membership_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One membership: the undertaking to confirm, then the nominees assigned."""
    return _membership_page(request, _membership_or_404(request, pk))


@login_required
@require_POST
def membership_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The expert confirms the confidentiality undertaking (保密承诺)."""
    member = _membership_or_404(request, pk)
    if request.POST.get("agree") != "on":
        messages.error(request, _("请阅读并勾选保密承诺后再确认。"))
        return redirect("experts:membership_detail", pk=member.pk)
    services.confirm_confidentiality(member, actor=request.user)
    messages.success(request, _("已确认保密承诺。"))
    return redirect("experts:membership_detail", pk=member.pk)


@login_required
@require_POST
def membership_recusal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The expert recuses themselves from one of their nominees (回避)."""
    member = _membership_or_404(request, pk)
    nominees = [
        a.nomination
        for a in selectors.assignments_for_expert(request.user)
        if a.member_id == member.pk
    ]
    form = OwnRecusalForm(nominees, request.POST, blind=member.panel.blind)

    def act(data: dict) -> HttpResponse:
        services.record_recusal(
            member, data["nomination"], kind=data["kind"], note=data["note"], actor=request.user
        )
        messages.success(request, _("已申报回避，该推荐对象将由候补专家评审。"))
        return redirect("experts:membership_detail", pk=member.pk)

    done = submit_form(form, act, refusals=ExpertError)
    if done is not None:
        return done
    return _membership_page(request, member, form)
