"""One way to answer errors (docs/conventions.md, "Errors"): every DomainError through the
API's one handler with its status, code and field, and one code per meaning (403
``permission_denied``, 429 ``throttled``) in every app."""

import re
from pathlib import Path

import pytest
from ninja import NinjaAPI
from ninja.testing import TestClient

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.grants import GrantError
from jiangxuan.accounts.models import Membership, User
from jiangxuan.accounts.services import OrgTreeError
from jiangxuan.accounts.tokens import TokenError
from jiangxuan.accounts.two_factor import TwoFactorError
from jiangxuan.campaigns.lifecycle import CampaignClosed
from jiangxuan.campaigns.models import StepOverride
from jiangxuan.campaigns.services import DeadlineError, SpecChangeError
from jiangxuan.campaigns.steps import StepOutOfOrder
from jiangxuan.core.api_errors import install_error_handlers
from jiangxuan.core.audit import AuditPurgeError
from jiangxuan.core.audit_anchor import AnchorError
from jiangxuan.core.audit_roles import AuditRolesError
from jiangxuan.core.backup import BackupError
from jiangxuan.core.calendar import UnknownHolidayYear
from jiangxuan.core.errors import DomainError
from jiangxuan.core.storage import StoredFileDamaged
from jiangxuan.core.stored_files import StorageUnsupported
from jiangxuan.decisions.registry import RegistryImportError
from jiangxuan.decisions.services import DecisionError
from jiangxuan.documents.bundles import BundleError
from jiangxuan.experts.draw import DrawError
from jiangxuan.experts.services import ExpertError, NoReserveError
from jiangxuan.nominations.workflow import InvalidTransition, NominationError
from jiangxuan.notices.services import NoticeError
from jiangxuan.notifications.services import OutboxError
from jiangxuan.voting.services import VoteError

SRC = Path(__file__).resolve().parents[2]

#: (error raised by an endpoint, status, code, errors) as the API must answer it.
CASES = [
    (TokenError("该 API 令牌为只读令牌。", code="permission_denied"), 403, "permission_denied", {}),
    (GrantError("该用户已在该组织担任此角色。", code="conflict"), 409, "conflict", {}),
    (NominationError("请填写姓名。", field="name"), 400, "invalid", {"name": ["请填写姓名。"]}),
    (NominationError("名额已满。", code="quota"), 400, "quota", {}),
    (NominationError("本活动已截止。", code="closed"), 409, "closed", {}),
    (InvalidTransition("当前状态不能提交。"), 409, "conflict", {}),
    (ExpertError("评审组已抽取。", code="conflict"), 409, "conflict", {}),
    (NoReserveError("没有可替补的候补专家。"), 409, "no_reserve", {}),
    (DrawError("专家不足。"), 400, "invalid", {}),
    (NoticeError("公示已结束。", code="conflict"), 409, "conflict", {}),
    (VoteError("投票已经结束。", code="closed"), 400, "closed", {}),
    (VoteError("本时段已投票。", code="already_voted"), 409, "already_voted", {}),
    (VoteError("请输入验证码。", code="captcha_required"), 403, "captcha_required", {}),
    (VoteError("过于频繁。", code="throttled"), 429, "throttled", {}),
    (VoteError("短信发送失败。", code="sms_unavailable"), 503, "sms_unavailable", {}),
    (DecisionError("表彰决定已发布。", code="conflict"), 409, "conflict", {}),
    (DecisionError("请填写出席成员。"), 400, "invalid", {}),
    (BundleError("表彰决定尚未发布。", code="conflict"), 409, "conflict", {}),
    (
        DeadlineError("截止时间不能晚于上级。"),
        400,
        "invalid",
        {"closes_at": ["截止时间不能晚于上级。"]},
    ),
    (CampaignClosed("活动已结束。"), 409, "conflict", {}),
    (
        RegistryImportError(["第 2 行：缺少姓名。"]),
        400,
        "invalid",
        {"file": ["第 2 行：缺少姓名。"]},
    ),
    (
        SpecChangeError("请填写变更理由。", field="reason"),
        400,
        "invalid",
        {"reason": ["请填写变更理由。"]},
    ),
    (StepOutOfOrder("请先完成社会公示。"), 409, "conflict", {}),
    (
        StepOutOfOrder("没有该环节。", code="invalid", field="step"),
        400,
        "invalid",
        {"step": ["没有该环节。"]},
    ),
    (
        OutboxError("请填写邮件主题。", field="subject"),
        400,
        "invalid",
        {"subject": ["请填写邮件主题。"]},
    ),
    (TwoFactorError("验证码不正确。"), 400, "invalid", {}),
    (OrgTreeError("orgs.yaml: 代码重复"), 400, "invalid", {}),
    (AuditPurgeError("保留期不足。"), 400, "invalid", {}),
    (AnchorError("锚点文件已存在。"), 409, "conflict", {}),
    (AuditRolesError("角色不存在。"), 409, "conflict", {}),
    (BackupError("目标数据库不是空的。"), 409, "conflict", {}),
    (UnknownHolidayYear(2099), 400, "calendar", {}),
    (StoredFileDamaged("evidence/2026/12/a.pdf", "authentication failed"), 409, "file_damaged", {}),
    (StorageUnsupported(), 409, "conflict", {}),
    (DomainError("另行规定。", code="conflict", status=423), 423, "conflict", {}),
]


@pytest.fixture(scope="module")
def api_client() -> TestClient:
    api = NinjaAPI(urls_namespace="test-domain-errors")
    install_error_handlers(api)

    @api.get("/refuse/{case}", auth=None)
    def refuse(request, case: int):
        raise CASES[case][0]

    return TestClient(api)


@pytest.mark.django_db  # a damaged stored file is audited where it is answered
@pytest.mark.parametrize("case", range(len(CASES)), ids=lambda i: type(CASES[i][0]).__name__)
def test_domain_errors_answer_through_the_one_handler(api_client, case):
    error, status, code, errors = CASES[case]

    response = api_client.get(f"/refuse/{case}")

    assert response.status_code == status
    assert response.json() == {"detail": error.message, "code": code, "errors": errors}


def test_every_domain_error_of_the_apps_is_in_the_cases():
    """A new subclass, in any module, needs its line above (and its codes in the table)."""
    bases = {}
    for module in SRC.rglob("*.py"):
        if "tests" not in module.parts:
            text = module.read_text(encoding="utf-8")
            bases |= dict(re.findall(r"^class (\w+)\(([\w.]+)\):", text, re.M))
    found = {"DomainError"}
    while grown := {name for name, base in bases.items() if base in found} - found:
        found |= grown

    assert found - {"DomainError"} == {type(e).__name__ for e, *_ in CASES} - {"DomainError"}


def _codes_for(status: int) -> set[str]:
    """Every code the code answers ``status`` with: the DomainError classes' tables, and
    the ApiError and error_response calls written in the source."""
    codes = set()
    for cls in {type(error) for error, *_ in CASES}:
        codes |= {code for code, s in cls.statuses.items() if s == status}
        if cls.status == status:
            codes.add(cls.code)
    # One call: its arguments, up to the code, never across a blank line.
    args = r"(?:(?!\n\s*\n).){0,200}?"
    api_error = re.compile(rf"ApiError\(\s*{status},{args}code=\"(\w+)\"", re.S)
    response = re.compile(
        rf"error_response\(\s*api,\s*request,\s*{status},{args}\"(\w+)\"\s*\)", re.S
    )
    for module in SRC.rglob("*.py"):
        if "tests" in module.parts:
            continue
        text = module.read_text(encoding="utf-8")
        codes |= set(api_error.findall(text)) | set(response.findall(text))
    return codes


def test_429_has_one_code():
    assert _codes_for(429) == {"throttled"}


def test_403_codes_are_permission_denied_or_an_action_to_take():
    """``permission_denied`` is the one code for "not allowed"; the others tell the client
    what to do first (docs/conventions.md, "Errors")."""
    assert _codes_for(403) == {
        "permission_denied",
        "csrf",
        "captcha_required",
        "verification_required",
    }


def test_no_module_answers_with_the_former_synonyms():
    found = [
        str(module.relative_to(SRC))
        for module in SRC.rglob("*.py")
        if "tests" not in module.parts
        and re.search(r"\"(forbidden|rate_limited)\"", module.read_text(encoding="utf-8"))
    ]

    assert found == []


@pytest.mark.django_db
def test_step_override_by_a_clerk_answers_permission_denied(client, seed_campaign, orgs):
    campaign = seed_campaign("001")
    clerk = User.objects.create_user(username="clerk", password="x")
    Membership.objects.create(user=clerk, org_unit=orgs["cc-chaoyang-hrss"], role=Role.CLERK)
    client.force_login(clerk)
    client.cookies["csrftoken"] = "x" * 32

    response = client.post(
        f"/api/v1/campaigns/{campaign.code}/step-overrides",
        {"step": "social_notice", "reason": "测试"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN="x" * 32,
    )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "只有活动办公室可以决定提前进行环节。",
        "code": "permission_denied",
        "errors": {},
    }
    assert StepOverride.objects.count() == 0


@pytest.mark.django_db
def test_step_override_refusals_name_their_field(client, seed_campaign, orgs):
    campaign = seed_campaign("001")
    office = User.objects.create_user(username="office", password="x")
    Membership.objects.create(
        user=office, org_unit=orgs["cc-hrss"], role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    client.force_login(office)
    client.cookies["csrftoken"] = "x" * 32
    url = f"/api/v1/campaigns/{campaign.code}/step-overrides"
    headers = {"content_type": "application/json", "HTTP_X_CSRFTOKEN": "x" * 32}

    unknown = client.post(url, {"step": "no_such_step", "reason": "测试"}, **headers)
    no_reason = client.post(url, {"step": "social_notice", "reason": " "}, **headers)

    assert (unknown.status_code, unknown.json()["errors"]) == (
        400,
        {"step": ["活动规范中没有该环节。"]},
    )
    assert (no_reason.status_code, no_reason.json()["errors"]) == (
        400,
        {"reason": ["请填写提前进行该环节的理由。"]},
    )
    assert StepOverride.objects.count() == 0
