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
from django.test import Client
from django.urls import reverse

from jiangxuan.accounts.models import User

from .sweep_world import build_world, release, url_kwargs
from .test_url_sweep import PUBLIC, ROUTES

pytestmark = pytest.mark.django_db


#: Pages of the campaign office (campaign-scoped or the expert pool).
OFFICE_ONLY = {
    "campaigns:edit_spec",
    "campaigns:versions",
    "campaigns:extend_window",
    "campaigns:numbers",
    "campaigns:texts",
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
    "documents:bundle_sheet",
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
    """Seed 002 in the decided demo: see :func:`.sweep_world.build_world`."""
    return build_world()


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
        kwargs = url_kwargs(name, world["ids"])
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
            release(response)
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
