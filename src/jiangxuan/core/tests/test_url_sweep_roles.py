"""URL × role sweep on a real campaign (docs/security.md checks 7 and 8; ASVS 8.2.1-8.2.2).

The demo data with the seed campaigns taken to their published decisions (the
``decided_demo`` fixture, built once per process and shared with e2e/test_decisions.py)
gives every kind of object a page can name; the sweep uses seed 002 (焦作工匠): its
nominations, notices, a drawn panel, ballots, approval lists, the decision. Each named
URL is then requested, with the ids of those real objects, by the people around a
campaign: its office, the office of another campaign, a clerk and a reviewer of another
region, a clerk of the campaign's own region, one of its experts and the auditor. Nobody
gets a server error; the campaign's office pages answer only its office
(and the platform administrator), and the expert pages only the expert.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from jiangxuan.accounts.models import User
from jiangxuan.decisions.models import ApprovalList, CommendationDecision
from jiangxuan.documents.enums import BundleKind, BundleState
from jiangxuan.documents.models import DocumentBundle
from jiangxuan.experts.models import Assignment, Ballot, Panel, PanelMember
from jiangxuan.nominations.models import Evidence, ForwardDocument, Forwarding, Nomination
from jiangxuan.notices.models import BackgroundCheck, Objection, PublicNotice
from jiangxuan.notifications.models import Notification, OutboxMessage

from .test_url_sweep import PUBLIC, ROUTES

pytestmark = pytest.mark.django_db

CODE = "jiaozuo-gongjiang-2018"

#: Pages of the campaign office (campaign-scoped or the expert pool).
OFFICE_ONLY = {
    "campaigns:edit_spec",
    "campaigns:versions",
    "campaigns:extend_window",
    "campaigns:numbers",
    "notices:campaign_notices",
    "notices:open",
    "notices:background_checks",
    "notices:manage",
    "notices:publish",
    "notices:close",
    "notices:objection_assign",
    "notices:objection_finding",
    "notices:objection_answer",
    "voting:office",
    "voting:office_prepare",
    "voting:office_open",
    "voting:office_close",
    "voting:office_invalidate",
    "voting:office_anomalies",
    "experts:panel_list",
    "experts:panel_detail",
    "experts:panel_draw",
    "experts:draw_record",
    "experts:panel_reserves",
    "experts:panel_chair",
    "experts:panel_recusal",
    "experts:panel_scores",
    "experts:panel_remind",
    "experts:panel_close_scoring",
    "experts:ballot_open",
    "experts:panel_inspections",
    "experts:campaign_inspections",
    "decisions:overview",
    "decisions:propose",
    "decisions:approve",
    "decisions:revise",
    "decisions:publish",
    "decisions:past_awardees",
    "decisions:payments",
    "documents:bundle_request",
    "documents:bundle",
    "documents:bundle_file",
    "overview:campaign",
    "overview:similar",
}

#: Shared by every campaign office: the expert pool (any office draws from it) and a new
#: campaign (created in the office's own unit's name).
ANY_OFFICE = {"experts:pool", "experts:expert_detail", "campaigns:create"}

#: Answer everybody signed in, each with their own part only: the summary sheet lists the
#: clerk's own unit's nominations (none of another region's).
OWN_ROWS = {"documents:summary_xlsx"}

#: The audit trail: the auditor only (三员分立; issue 16.6).
AUDITOR_ONLY = {"core:audit_trail"}

#: Django's English that leaks into Chinese pages where its catalogue lacks a string (issue
#: 15.5): the empty choice of a select above all.
ENGLISH = ("Select an option", 'lang="en"', "This field is required")

#: Pages of one panel member.
EXPERT_ONLY = {
    "experts:membership_detail",
    "experts:membership_confirm",
    "experts:scoring_sheet",
    "experts:scoring_evidence",
}


@pytest.fixture
def world(decided_demo):
    """The demo data, seed 002 through its published decision; ids of one object of each
    kind of the campaign."""
    decision = CommendationDecision.objects.get(campaign__code=CODE)
    assert decision.published_at is not None
    nomination = Nomination.objects.filter(campaign__code=CODE).order_by("id").first()
    panel = Panel.objects.filter(campaign__code=CODE).first()
    member = PanelMember.objects.filter(panel=panel, expert__user__isnull=False).first()
    assignment = Assignment.objects.filter(member=member).order_by("id").first()
    forwarding = Forwarding.objects.filter(nomination__campaign__code=CODE).first()
    approval = ApprovalList.objects.filter(campaign__code=CODE).first()
    # A finished ZIP of the certificates (the demo packs none: packing renders every one).
    bundle = DocumentBundle.objects.create(
        campaign=decision.campaign,
        kind=BundleKind.CERTIFICATES,
        requested_by=User.objects.get(username="jiaozuo_office"),
        fingerprint="sweep",
        state=BundleState.DONE,
    )
    bundle.file.save("sweep.zip", ContentFile(b"PK\x05\x06" + bytes(18)))

    def first_pk(queryset):
        row = queryset.order_by("id").values_list("id", flat=True).first()
        return row

    return {
        "decision": decision,
        "nomination": nomination,
        "member": member,
        "ids": {
            "nominations": nomination.pk,
            "evidence": first_pk(Evidence.objects.filter(nomination=nomination)),
            "notice": first_pk(PublicNotice.objects.filter(campaign__code=CODE)),
            "objection": first_pk(Objection.objects.filter(notice__campaign__code=CODE)),
            "check": first_pk(BackgroundCheck.objects.filter(nomination__campaign__code=CODE)),
            "expert": member.expert_id,
            "panel": panel.pk,
            "member": member.pk,
            "assignment": assignment.pk if assignment else None,
            "assigned_evidence": first_pk(
                Evidence.objects.filter(nomination_id=assignment.nomination_id)
            )
            if assignment
            else None,
            "ballot": first_pk(Ballot.objects.filter(panel=panel)),
            "approval": approval.pk,
            "award": approval.award_id,
            "notification": first_pk(Notification.objects.all()),
            "outbox": first_pk(OutboxMessage.objects.all()),
            # Seed 002 asks for no forward documents; seeds 000 and 001 do (the demo
            # uploads them): the campaign's roles must get 404 or the file, never a 5xx.
            "forward_document": first_pk(ForwardDocument.objects.all()),
            "level": forwarding.level,
            "body": forwarding.body_id,
            "bundle": bundle.pk,
        },
    }


def _kwargs(name: str, ids: dict) -> dict | None:
    """URL kwargs naming the campaign's real objects; None when the demo has no such
    object (the URL is then skipped)."""
    namespace, _, short = name.partition(":")
    by_namespace = {
        "nominations": "nominations",
        "documents": "nominations",
        "notifications": "notification" if short == "read" else "outbox",
    }
    pk_of = {
        "notices:manage": "notice",
        "notices:publish": "notice",
        "notices:close": "notice",
        "notices:objection_assign": "objection",
        "notices:objection_finding": "objection",
        "notices:objection_answer": "objection",
        "notices:objection_attachment": "objection",
        "notices:background_check": "check",
        "notices:background_check_form": "check",
        "notices:background_check_form_pdf": "check",
        "notices:background_check_scan": "check",
        "experts:expert_detail": "expert",
        "experts:membership_detail": "member",
        "experts:membership_confirm": "member",
        "experts:membership_recusal": "member",
        "experts:scoring_sheet": "assignment",
        "experts:scoring_evidence": "assignment",
        "experts:ballot_vote": "ballot",
        "experts:ballot_close": "ballot",
        "experts:ballot_sign": "ballot",
        "experts:ballot_result": "ballot",
        "decisions:approve": "approval",
        "decisions:revise": "approval",
        "documents:bundle": "bundle",
        "documents:bundle_file": "bundle",
    }
    route = dict(ROUTES)[name]
    values: dict = {}
    if "<int:pk>" in route:
        key = pk_of.get(name) or by_namespace.get(namespace) or "panel"
        values["pk"] = ids.get(key)
    if "<slug:code>" in route:
        values["code"] = CODE
    if "<int:award_pk>" in route:
        values["award_pk"] = ids["award"]
    if "<int:evidence_id>" in route:
        # The expert's page opens a file of the nomination the expert scores.
        evidence = "assigned_evidence" if name == "experts:scoring_evidence" else "evidence"
        values["evidence_id"] = ids[evidence]
    if "<int:document_id>" in route:
        values["document_id"] = ids["forward_document"]
    if "<int:inspection_pk>" in route:
        return None  # seed 002 has no site inspection
    if "<slug:level>" in route:
        values["level"], values["body_id"] = ids["level"], ids["body"]
    if "<slug:kind>" in route:
        values["kind"] = BundleKind.CERTIFICATES
    if "<str:fmt>" in route:
        values["fmt"] = "pdf"
    if "<slug:document>" in route:
        # A sheet of seed 002's spec (documents[].layout), as a blank form.
        values["document"], values["file_format"] = "innovation-list", "pdf"
    if any(value is None for value in values.values()):
        return None
    return values


def _cells(xlsx: bytes) -> set[str]:
    """Every cell text of an XLSX workbook."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    return {
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    }


def _release(response) -> None:
    """Close a response's files, as a WSGI server would, without the request_finished
    handler closing the test's database connection (what Django's test client does)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def _client(username: str | None) -> Client:
    client = Client(raise_request_exception=False)
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def test_every_page_answers_every_role_without_server_errors_and_within_scope(world):
    member_user = world["member"].expert.user.username
    people = {
        "office": "jiaozuo_office",
        "other_office": "changchun_office",
        "other_clerk": "changchun_chaoyang_clerk",
        "other_reviewer": "changchun_reviewer",
        "own_clerk": "jiaozuo_jiefang_clerk",
        "expert": member_user,
        "auditor": "auditor",
    }
    clients = {role: _client(username) for role, username in people.items()}
    nominee = world["nomination"].name
    checked, problems, blank_choices = 0, [], 0
    for name, _route in ROUTES:
        if name in PUBLIC or name in {"accounts:logout", "accounts:logout_all"}:
            continue
        kwargs = _kwargs(name, world["ids"])
        if kwargs is None:
            continue
        url = reverse(name, kwargs=kwargs)
        for role, client in clients.items():
            response = client.get(url)
            status = response.status_code
            checked += 1
            if status >= 500:
                problems.append((name, role, status, "server error"))
            if status == 200 and role != "office" and name in OFFICE_ONLY:
                problems.append((name, role, status, "office page open to another role"))
            if status == 200 and role not in ("office", "other_office") and name in ANY_OFFICE:
                problems.append((name, role, status, "pool open to a non-office role"))
            if status == 200 and role != "auditor" and name in AUDITOR_ONLY:
                problems.append((name, role, status, "audit trail open to another role"))
            if status == 200 and role != "expert" and name in EXPERT_ONLY:
                problems.append((name, role, status, "expert page open to another role"))
            if status == 200 and name in OWN_ROWS:
                listed = nominee in _cells(b"".join(response.streaming_content))
                if listed != (role == "office") and role != "own_clerk":
                    problems.append((name, role, status, "summary rows outside the scope"))
            # A campaign without a public vote has no vote pages (404 for its office too).
            no_vote = name.startswith("voting:") and status == 404
            refused = status not in (200, 302, 405) and not no_vote
            if role == "office" and name in OFFICE_ONLY and refused:
                problems.append((name, role, status, "office refused its own page"))
            if status == 200 and response["Content-Type"].startswith("text/html"):
                html = response.content.decode()
                problems += [(name, role, status, leak) for leak in ENGLISH if leak in html]
                blank_choices += "— 请选择 —" in html
            _release(response)
    assert problems == [], "\n".join(map(str, problems))
    assert blank_choices > 0, "no page with an empty choice was swept"
    assert checked > 400


def test_home_shows_each_role_its_own_section(world):
    """The home page (我的工作台) of the people around seed 002: each gets the section of
    the role held, and nobody another campaign's office work."""
    sections = {
        "jiaozuo_office": "活动办公室",
        "jiaozuo_jiefang_clerk": "推荐申报：草稿和退回修改",
        "changchun_reviewer": "待我审核",
        world["member"].expert.user.username: "专家评审",
        "auditor": "查看审计记录",
    }
    title = world["decision"].campaign.title
    for username, heading in sections.items():
        response = _client(username).get(reverse("overview:home"))
        html = response.content.decode()
        assert response.status_code == 200, username
        assert heading in html, username
        assert (f">{title}</a>" in html) == (username == "jiaozuo_office"), username
        assert not [leak for leak in ENGLISH if leak in html], username


def test_a_clerk_cannot_reach_another_units_nomination_by_id(world):
    nomination = world["nomination"]
    outsider = _client("changchun_chaoyang_clerk")
    for name in ("nominations:detail", "documents:nomination_pdf", "nominations:edit"):
        response = outsider.get(reverse(name, kwargs={"pk": nomination.pk}))
        assert response.status_code in (403, 404), name
    api = outsider.get(f"/api/v1/nominations/{nomination.pk}")
    assert api.status_code in (403, 404)
