"""Pages of the public vote: the vote page and candidate pages (no login, cacheable), the
phone verification, casting votes, the receipt and its check (no login, session), and the
campaign office's pages (prepare, open, close, results, anomaly report, invalidation).

Thin: objects come from the selectors (another campaign answers 404), writes are one
service call, a service's VoteError is shown on the form in Chinese.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.caching import public_page
from jiangxuan.core.forms import apply_error, submit_form
from jiangxuan.core.middleware import client_ip

from . import risk, selectors, services
from .forms import InvalidateForm, PhoneForm, PrepareForm, ReceiptForm, VoteForm
from .selectors import PublicView
from .services import VoteError
from .tokens import issue_voter_token, read_voter_token

#: Seconds browsers and shared caches may keep the vote's public pages: they carry no
#: per-user content (no CSRF token, no user box); the tally follows its rule.
PUBLIC_MAX_AGE = 30
PUBLIC_CACHE = f"public, max-age={PUBLIC_MAX_AGE}"
DEVICE_COOKIE = "jx_device"


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = PUBLIC_CACHE
    return response


def _view_or_404(code: str) -> PublicView:
    view = selectors.public_view(code)
    if view is None:
        raise Http404(_("没有找到该投票。"))
    return view


def _session_key(view: PublicView) -> str:
    return f"jx_voter:{view.vote.pk}"


def _proof(request: HttpRequest, view: PublicView):
    return read_voter_token(request.session.get(_session_key(view), ""), view.vote.pk)


# --------------------------------------------------------------------------- public


@require_GET
def vote_index(request: HttpRequest) -> HttpResponse:
    """Votes open now or announced."""
    return _public(render(request, "voting/vote_index.html", {"votes": selectors.open_votes()}))


@require_GET
def vote_page(request: HttpRequest, code: str) -> HttpResponse:
    """The vote: its window, rules, candidates and the tally when its rule shows it. Served
    from the cache in one read (issue 17.2), checked every few seconds: the tally at most
    ``LIVE_TALLY_SECONDS`` late, as before."""
    now = timezone.now()

    def context() -> dict:
        view = _view_or_404(code)
        shown = selectors.visible_tally(view.vote, now)
        return {
            "vote": view.vote,
            "rule": selectors.rule_of(view.vote),
            "state": selectors.window_state(view.vote, now),
            "rows": [
                (c, shown.counts.get(c.pk, 0) if shown.counts is not None else None)
                for c in view.candidates
            ],
            "shown": shown,
        }

    return public_page(
        ("vote", code),
        lambda: selectors.page_version(code, now),
        "voting/vote_page.html",
        context,
        missing=_("没有找到该投票。"),
        check_every=selectors.LIVE_TALLY_SECONDS,
        max_age=PUBLIC_MAX_AGE,
    )


@require_GET
def candidate_page(request: HttpRequest, code: str, public_id: str) -> HttpResponse:
    """One candidate's published fields, served from the cache like the vote page."""

    def version() -> str | None:
        view = selectors.public_view(code)
        if view is None or public_id not in view.by_public_id():
            return None
        return view.version

    def context() -> dict:
        view = _view_or_404(code)
        return {"vote": view.vote, "candidate": view.by_public_id()[public_id]}

    return public_page(
        ("vote-candidate", code, public_id),
        version,
        "voting/candidate_page.html",
        context,
        missing=_("没有找到该投票或候选对象。"),
        check_every=selectors.LIVE_TALLY_SECONDS,
        max_age=PUBLIC_MAX_AGE,
    )


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest, code: str) -> HttpResponse:
    """Verify a mobile number: "获取验证码" sends a code, "验证" checks it and keeps the
    voter in the session, then the voting form opens."""
    view = _view_or_404(code)
    identity = selectors.rule_of(view.vote).identity == "phone_and_id"
    form = PhoneForm(request.POST or None, identity=identity)
    sent = False
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "send" in request.POST:
                services.request_code(view.vote, phone=data["phone"], ip=client_ip(request))
                sent = True
            else:
                voter = services.verify_code(
                    view.vote,
                    phone=data["phone"],
                    code=data["code"],
                    real_name=data.get("real_name", ""),
                    id_number=data.get("id_number", ""),
                )
        except VoteError as exc:
            apply_error(form, exc.field, exc.message)
            status = 429 if exc.code == "throttled" else 200
        else:
            if not sent:
                request.session.cycle_key()
                request.session[_session_key(view)] = issue_voter_token(voter)
                return redirect("voting:cast", code=code)
    context = {"vote": view.vote, "form": form, "sent": sent, "identity": identity}
    return render(request, "voting/verify.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cast_page(request: HttpRequest, code: str) -> HttpResponse:
    """The voting form for a verified voter; the captcha appears when the risk signal asks."""
    view = _view_or_404(code)
    proof = _proof(request, view)
    if proof is None:
        return redirect("voting:verify", code=code)
    device = risk.device_hash(request)
    form = VoteForm(view.candidates, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            receipt = services.cast_vote(
                view.vote,
                voter_id=proof.voter_id,
                verified_at=proof.verified_at,
                choices=data["candidates"],
                candidates=view.by_public_id(),
                ip=client_ip(request),
                device=device,
                captcha_key=data["captcha_key"],
                captcha_value=data["captcha_value"],
            )
        except VoteError as exc:
            if exc.code == "verification_required":
                request.session.pop(_session_key(view), None)
                messages.warning(request, exc.message)
                return redirect("voting:verify", code=code)
            apply_error(form, exc.field, exc.message)
            status = 409 if exc.code in ("already_voted", "limit") else 400
        else:
            return redirect("voting:receipt", receipt=receipt.code)
    level = risk.peek_vote_risk(view.vote.pk, ip=client_ip(request), device=device)
    context = {
        "vote": view.vote,
        "rule": selectors.rule_of(view.vote),
        "form": form,
        "captcha": services.new_captcha() if level >= risk.RiskLevel.CAPTCHA else None,
    }
    response = render(request, "voting/cast.html", context, status=status)
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_urlsafe(16),
            max_age=365 * 86400,
            httponly=True,
            samesite="Lax",
        )
    return response


@require_GET
def receipt_page(request: HttpRequest, receipt: str) -> HttpResponse:
    """A receipt: whether each of its votes is counted."""
    found = selectors.receipt_check(receipt)
    if found is None:
        raise Http404(_("没有找到该投票凭证，请核对凭证号。"))
    return render(request, "voting/receipt.html", {"found": found})


@require_GET
def receipt_check(request: HttpRequest) -> HttpResponse:
    """The receipt check form (GET ``?code=``)."""
    form = ReceiptForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        if selectors.receipt_check(code) is not None:
            return redirect("voting:receipt", receipt=code)
        form.add_error("code", _("没有找到该投票凭证，请核对凭证号。"))
    return render(request, "voting/receipt_check.html", {"form": form})


# --------------------------------------------------------------------------- office


def _campaign_or_404(request: AuthenticatedHttpRequest, code: str) -> Campaign:
    campaign = selectors.campaign_for_office(request.user, code)
    if campaign is None:
        raise Http404(_("没有找到该评选活动。"))
    return campaign


def _office_page(request, campaign, *, prepare=None, invalidate=None, status=200):
    vote = selectors.vote_of(campaign)
    context = {
        "campaign": campaign,
        "vote": vote,
        "rule": selectors.vote_rule(campaign),
        "prepare_form": prepare or PrepareForm(),
        "invalidate_form": invalidate or InvalidateForm(),
    }
    if vote is not None:
        rows = selectors.recount(vote)
        top = max((r.valid for r in rows), default=0)
        context.update(
            rows=rows,
            top=top or 1,
            all_match=all(r.matches for r in rows),
            invalidations=selectors.invalidations_of(vote),
            state=selectors.window_state(vote, timezone.now()),
        )
    return render(request, "voting/office/vote_manage.html", context, status=status)


@login_required
@require_GET
def office_vote(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The office's page of the vote: state, window, results with the recount, actions."""
    return _office_page(request, _campaign_or_404(request, code))


@login_required
@require_POST
def office_prepare(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Set up the vote (draft) with the approved, consenting nominees."""
    campaign = _campaign_or_404(request, code)
    form = PrepareForm(request.POST)

    def act(data: dict) -> HttpResponse:
        services.prepare_public_vote(
            campaign,
            actor=request.user,
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
        )
        messages.success(request, _("网络投票已设立，请核对候选对象后开启。"))
        return redirect("voting:office", code=code)

    done = submit_form(form, act, refusals=VoteError)
    if done is not None:
        return done
    return _office_page(request, campaign, prepare=form, status=400)


@login_required
@require_POST
def office_state(request: AuthenticatedHttpRequest, code: str, action: str) -> HttpResponse:
    """Open (draft → open) or close (open → closed) the vote."""
    campaign = _campaign_or_404(request, code)
    vote = selectors.vote_of(campaign)
    if vote is None:
        raise Http404(_("本活动尚未设立网络投票。"))
    service = services.open_public_vote if action == "open" else services.close_public_vote
    try:
        service(vote, actor=request.user)
    except VoteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("投票已开启。") if action == "open" else _("投票已结束，最终票数已存档。")
        )
    return redirect("voting:office", code=code)


@login_required
@require_POST
def office_invalidate(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Invalidate a batch of votes with a reason."""
    campaign = _campaign_or_404(request, code)
    vote = selectors.vote_of(campaign)
    if vote is None:
        raise Http404(_("本活动尚未设立网络投票。"))
    form = InvalidateForm(request.POST)

    def act(data: dict) -> HttpResponse:
        invalidation = services.invalidate_votes(vote, actor=request.user, **data)
        messages.success(request, _("已作废%(n)s票。") % {"n": invalidation.vote_count})
        return redirect("voting:office", code=code)

    done = submit_form(form, act, refusals=VoteError)
    if done is not None:
        return done
    return _office_page(request, campaign, invalidate=form, status=400)


@login_required
@require_GET
def office_anomalies(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The anomaly report."""
    campaign = _campaign_or_404(request, code)
    vote = selectors.vote_of(campaign)
    if vote is None:
        raise Http404(_("本活动尚未设立网络投票。"))
    context = {"campaign": campaign, "vote": vote, "report": selectors.anomaly_report(vote)}
    return render(request, "voting/office/anomalies.html", context)
