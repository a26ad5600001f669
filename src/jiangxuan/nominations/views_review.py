"""Pages of the level-by-level review: the reviewer's work queue, the sign-off form, the
ranked forwarding of a level's nominations with the documents the body sends with it
(推荐报告, 盖章的汇总表: forward_documents), and the level's nomination letter (DOCX).
The level's summary sheet (XLSX) is a document: ``documents.views.forward_summary``,
under this app's URL name ``nominations:forward_summary``.

Thin: objects come from the selectors (out of scope answers 404), every write is one
call to ``review``; a refusal is shown on the page in Chinese with what was typed kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiangxuan.accounts.http import AuthenticatedHttpRequest
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.downloads import download

from . import forward_documents, review, services
from .letters import DOCX_TYPE, render_nomination_letter
from .models import Decision, Nomination
from .review_selectors import (
    QUEUE_PAGE_SIZE,
    ForwardRow,
    ensure_turn,
    forward_batches,
    forward_scope,
    forwarded_by,
    nominations_ready_to_forward,
    review_panel,
    review_queue_groups,
    review_queue_scope,
)
from .selectors import nomination_for
from .workflow import NominationError

TEMPLATES = "nominations/review/"


def _nomination_or_404(user: User, pk: int) -> Nomination:
    nomination = nomination_for(user, pk)
    if nomination is None:
        raise Http404(_("没有找到该推荐。"))
    return nomination


# --------------------------------------------------------------------------- work queue


@login_required
@require_GET
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Nominations waiting for the user's opinion, oldest first, a page of
    ``QUEUE_PAGE_SIZE`` at a time (``?page=``), grouped by campaign, level and body, with
    who signed in this round and who is still waiting, and the documents the bodies below
    sent with their lists (推荐报告, 汇总表); and the batches ready to forward. The same
    number of queries whatever the number of nominations waiting."""
    scope = review_queue_scope(request.user)
    waiting: QuerySet[Nomination] | list[Nomination] = (
        scope.nominations if scope is not None else []
    )
    page: Page[Nomination] = Paginator(waiting, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    items = scope.items(page.object_list) if scope is not None else []
    groups = review_queue_groups(items)
    received = forward_documents.received_batches(request.user, [i.nomination for i in items])
    return render(
        request,
        TEMPLATES + "queue.html",
        {
            "groups": [
                (
                    group,
                    [
                        batch
                        for batch in received
                        if batch.nomination_ids & {i.nomination.pk for i in group.items}
                    ],
                )
                for group in groups
            ],
            "batches": forward_batches(request.user),
            "page": page,
        },
    )


# --------------------------------------------------------------------------- sign-off


@login_required
@require_http_methods(["GET", "POST"])
def sign_off(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the sign-off form; POST: record the opinion (同意推荐 / 退回修改 / 不予推荐)
    with an optional scan of the stamped page. A refusal keeps the typed opinion."""
    nomination = _nomination_or_404(request.user, pk)
    panel = review_panel(request.user, nomination)
    values = {"signer": "", "decision": "", "opinion": ""}
    error, status = "", 200
    if request.method == "POST":
        values = {key: request.POST.get(key, "").strip() for key in values}
        if not values["signer"] and len(panel.can_sign) == 1:
            values["signer"] = panel.can_sign[0].signer
        try:
            ensure_turn(nomination, request.user)
            if values["decision"] not in Decision.values:
                raise NominationError(_("请选择审核意见。"), field="decision")
            review.sign_off(
                nomination,
                actor=request.user,
                signer=values["signer"],
                decision=values["decision"],
                opinion=values["opinion"],
                scan=request.FILES.get("scan"),
            )
        except NominationError as exc:
            error, status = exc.message, exc.status
            nomination.refresh_from_db()
            panel = review_panel(request.user, nomination)
        else:
            messages.success(
                request,
                _("已签署意见：%(decision)s。") % {"decision": Decision(values["decision"]).label},
            )
            return redirect("nominations:detail", pk=nomination.pk)
    return render(
        request,
        TEMPLATES + "sign_off.html",
        {"nomination": nomination, "review": panel, "values": values, "error": error},
        status=status,
    )


# --------------------------------------------------------------------------- forwarding


def _forward_scope(
    request: AuthenticatedHttpRequest, level: str, body_id: int
) -> tuple[Campaign, s.ReviewLevel, OrgUnit]:
    """The campaign (``?campaign=``), its level and the body, or 404 when the campaign
    is not visible, the level is not in its chain, or the user does not sign for the
    body."""
    code = request.GET.get("campaign") or request.POST.get("campaign", "")
    scope = forward_scope(request.user, code, level, body_id)
    if scope is None:
        raise Http404(_("没有找到该报送批次。"))
    return scope


def _posted_order(request: HttpRequest, rows: list[ForwardRow]) -> tuple[list[int], list[int]]:
    """(every row's id in the order typed, the ids chosen to forward).

    Ranks come from the ``rank_<id>`` inputs (blank or invalid ranks go last, in the
    listed order); ``move=<id>:up|down`` swaps a row with its neighbour."""
    ids = [row.nomination.pk for row in rows]

    def rank_of(index_pk: tuple[int, int]) -> tuple[int, int]:
        index, pk = index_pk
        raw = request.POST.get(f"rank_{pk}", "")
        return (int(raw) if raw.isdigit() else 10_000 + index, index)

    ordered = [pk for _i, pk in sorted(enumerate(ids), key=rank_of)]
    move = request.POST.get("move", "")
    pk_text, _sep, direction = move.partition(":")
    if pk_text.isdigit() and int(pk_text) in ordered:
        i = ordered.index(int(pk_text))
        j = i - 1 if direction == "up" else i + 1
        if 0 <= j < len(ordered):
            ordered[i], ordered[j] = ordered[j], ordered[i]
    chosen = {int(v) for v in request.POST.getlist("include") if v.isdigit()}
    return ordered, [pk for pk in ordered if pk in chosen]


@login_required
@require_http_methods(["GET", "POST"])
def forward(request: AuthenticatedHttpRequest, level: str, body_id: int) -> HttpResponse:
    """A body's nominations that completed ``level``: rank them (rank inputs, or up and
    down buttons without JavaScript) and forward the chosen ones to the next level within
    the quota; "报送完毕" (``final``) marks the unit's last batch, when the quota minimum is
    checked. 报送 first shows what would be forwarded and where, checked (a refusal names
    what is missing), and 确认报送 forwards it (issue 15.3). A refusal (quota, deadline, not
    cleared) keeps the chosen order and the mark."""
    campaign, level_spec, body = _forward_scope(request, level, body_id)
    rows = nominations_ready_to_forward(request.user, campaign, level, body)
    order = [row.nomination.pk for row in rows]
    chosen = set(order)
    final = request.method == "POST" and request.POST.get("final") == "1"
    error, status = "", 200
    upload_errors: dict[str, str] = {}
    preview: list[tuple[Nomination, str]] = []
    if request.method == "POST":
        order, picked = _posted_order(request, rows)
        chosen = set(picked)
        action = request.POST.get("action")
        stored, upload_errors = _store_documents(request, campaign, level, body)
        if upload_errors:
            error, status = _("有报送材料未能上传，请按提示更正后重试；排序和选择均已保留。"), 400
        elif action == "upload":
            if stored:
                messages.success(request, _("已上传%(n)d份报送材料。") % {"n": stored})
            else:
                error, status = _("请先选择要上传的文件。"), 400
        elif action == "forward":
            # First what would happen, checked (issue 15.3); 确认报送 forwards.
            try:
                preview = review.forward_preview(
                    campaign, level=level, body=body, actor=request.user, order=picked, final=final
                )
            except NominationError as exc:
                error, status = exc.message, exc.status
        elif action == "confirm_forward":
            try:
                done = review.forward_nominations(
                    campaign, level=level, body=body, actor=request.user, order=picked, final=final
                )
            except NominationError as exc:
                error, status = exc.message, exc.status
            else:
                messages.success(
                    request,
                    _("已按顺序报送%(n)d名：%(names)s。")
                    % {"n": len(done), "names": "、".join(n.name for n in done)},
                )
                return redirect(
                    f"{request.path}?campaign={campaign.code}",
                )
    by_id = {row.nomination.pk: row for row in rows}
    forwarded = forwarded_by(campaign, level, body)
    units = {row.nomination.nominating_unit for row in rows if row.nomination.nominating_unit}
    quotas = [(unit, services.quota_usage(campaign, unit)) for unit in sorted(units, key=str)]
    return render(
        request,
        TEMPLATES + "forward.html",
        {
            "campaign": campaign,
            "level": level_spec,
            "body": body,
            "rows": [(position, by_id[pk]) for position, pk in enumerate(order, start=1)],
            "chosen": chosen,
            "quotas": [(unit, usage) for unit, usage in quotas if usage],
            "has_minimum": any(u.minimum for _unit, usages in quotas for u in usages),
            "final": final,
            "forwarded": forwarded,
            "documents": _document_rows(campaign, level, body, rows, forwarded, upload_errors),
            "error": error,
            "preview": preview,
        },
        status=status,
    )


def _store_documents(
    request: AuthenticatedHttpRequest, campaign: Campaign, level: str, body: OrgUnit
) -> tuple[int, dict[str, str]]:
    """Store the files posted as ``doc_<code>`` (each its own transaction, so a refused
    forward keeps them); returns how many were stored and the refusals by document code."""
    stored, errors = 0, {}
    for document in forward_documents.documents_for_level(campaign, level):
        for upload in request.FILES.getlist(f"doc_{document.code}"):
            try:
                forward_documents.add_forward_document(
                    campaign,
                    level=level,
                    body=body,
                    actor=request.user,
                    document=document.code,
                    upload=upload,
                )
            except NominationError as exc:
                errors[document.code] = exc.message
            else:
                stored += 1
    return stored, errors


def _document_rows(
    campaign: Campaign,
    level: str,
    body: OrgUnit,
    rows: list[ForwardRow],
    forwarded: list[Nomination],
    errors: dict[str, str],
) -> list[dict[str, Any]]:
    """The level's documents for the forward page: each with the files uploaded and the
    refusal of the last upload."""
    nominations = [row.nomination for row in rows] + forwarded
    declared = forward_documents.documents_for_level(campaign, level, nominations or None)
    files: dict[str, list[Any]] = {}
    for stored in forward_documents.documents_of(campaign, level, body):
        files.setdefault(stored.document, []).append(stored)
    return [
        {
            "spec": d,
            "types": forward_documents.types_text(d),
            "accept": ",".join(f".{t}" for t in d.types),
            "files": files.get(d.code, []),
            "error": errors.get(d.code, ""),
        }
        for d in declared
    ]


@login_required
@require_GET
def forward_document(request: AuthenticatedHttpRequest, document_id: int) -> FileResponse:
    """Stream a forward's document as an attachment to the body that sent it, the body
    that received its list, or the campaign office (others: 404); audited."""
    stored = forward_documents.forward_document_for(request.user, document_id)
    if stored is None:
        raise Http404(_("没有找到该报送材料。"))
    response = FileResponse(
        forward_documents.open_forward_document(stored, actor=request.user),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def forward_document_delete(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponse:
    """Remove a document not yet sent with a forward; back to the forward page."""
    stored = forward_documents.forward_document_for(request.user, document_id)
    if stored is None:
        raise Http404(_("没有找到该报送材料。"))
    try:
        forward_documents.delete_forward_document(stored, actor=request.user)
    except NominationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("报送材料已删除。"))
    url = reverse("nominations:forward", args=[stored.level, stored.body_id])
    return redirect(f"{url}?campaign={stored.campaign.code}")


@login_required
@require_GET
def forward_letter(request: AuthenticatedHttpRequest, level: str, body_id: int) -> FileResponse:
    """The nomination letter (推荐报告 / 推荐函) of ``body`` at ``level`` as DOCX, listing
    what it forwarded in rank order; the user is the contact person."""
    campaign, _level_spec, body = _forward_scope(request, level, body_id)
    rows = forwarded_by(campaign, level, body)
    if not rows:
        raise Http404(_("本单位在该层级尚未报送推荐，无法生成推荐报告。"))
    user: Any = request.user
    data = render_nomination_letter(
        campaign,
        level=level,
        body=body,
        nominations=rows,
        contact=str(user),
        phone=request.GET.get("phone", "")[:30],
    )
    return download(data, f"{body.name}-推荐报告.docx", DOCX_TYPE)
