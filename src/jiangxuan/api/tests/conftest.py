"""Fixtures for the API tests: seed 001 (长春) inside its submission window, users with
roles in two districts, token-authenticated clients, and request helpers."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from zoneinfo import ZoneInfo

import factory
import pytest
import time_machine
from django.test import Client
from PIL import Image
from stdnum.cn import ric

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.accounts.tokens import issue_api_token

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Seed 001 六: submissions are accepted 2022-10-24 00:00 to 10-26 23:59:59 only.
INSIDE_WINDOW = dt.datetime(2022, 10, 25, 10, 0, tzinfo=SHANGHAI)

_seq = itertools.count(101)


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    email = factory.Faker("email")


def make_id_number(area: str = "220104", birth: str = "19850315", male: bool = True) -> str:
    """A valid resident ID number (GB 11643) with an area code python-stdnum knows."""
    seq = next(_seq) % 1000
    if (seq % 2 == 1) != male:
        seq = (seq + 1) % 1000
    body = f"{area}{birth}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    assert ric.is_valid(number)
    return number


def png_bytes() -> bytes:
    """A small real PNG image."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def in_window():
    """Server time frozen inside seed 001's submission window."""
    with time_machine.travel(INSIDE_WINDOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def campaign(seed_campaign, in_window):
    """Seed 001 (第三届长春技能大奖和长春技术能手), published, window open."""
    return seed_campaign("001")


@pytest.fixture
def make_user(orgs):
    """``make_user("cc-huarui-machinery", Role.CLERK)`` → a user with that membership."""

    def make(unit_code: str, role: str = Role.CLERK, *, campaign=None) -> User:
        user = UserFactory.create()
        Membership.objects.create(user=user, org_unit=orgs[unit_code], role=role, campaign=campaign)
        return user

    return make


@pytest.fixture
def clerk(make_user):
    """Clerk of a workplace in 朝阳区 (nominating unit: 朝阳区人社局)."""
    return make_user("cc-huarui-machinery")


@pytest.fixture
def other_clerk(make_user):
    """Clerk of a workplace in 南关区: must not see 朝阳区's nominations."""
    return make_user("cc-yatai-heat")


@pytest.fixture
def reviewer(make_user):
    """Reviewer at 朝阳区人社局: sees the district's nominations, not personal data."""
    return make_user("cc-chaoyang-hrss", Role.REVIEWER)


@pytest.fixture
def office(make_user):
    """Campaign office at 长春市人社局, the organizer of seed 001."""
    return make_user("cc-hrss", Role.CAMPAIGN_OFFICE)


class ApiClient:
    """A test client that sends a bearer token and JSON bodies."""

    def __init__(self, key: str | None):
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.client = Client(headers=headers)

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params)

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}")

    def post(self, path: str, data=None):
        body = json.dumps(data if data is not None else {}, ensure_ascii=False)
        return self.client.post(f"/api/v1{path}", body, content_type="application/json")

    def patch(self, path: str, data):
        body = json.dumps(data, ensure_ascii=False)
        return self.client.patch(f"/api/v1{path}", body, content_type="application/json")

    def raw(self, method: str, path: str, body: str | bytes, content_type: str):
        send = getattr(self.client, method)
        return send(f"/api/v1{path}", body, content_type=content_type)

    def upload(self, path: str, **data):
        return self.client.post(f"/api/v1{path}", data)


@pytest.fixture
def api_as():
    """``api_as(user)`` → an :class:`ApiClient` with a fresh token of ``user``."""

    def make(user: User) -> ApiClient:
        return ApiClient(issue_api_token(user, name="test", scope="read_write"))

    return make


def filled_fields(**overrides) -> dict:
    """Every required field of seed 001's form (photo aside), as the API takes them; the
    values meet 长春技能大奖's hard rules (高级技师, 市级劳动模范; seed 001 二(一))."""
    fields = {
        "award_category": "长春技能大奖",
        "name": "王建国",
        "workplace_name": "长春华锐精密机械有限公司",
        "ethnic_group": "汉族",
        "political_status": "中共党员",
        "education": "大专（高职、技师学院）",
        "occupation": "数控车工",
        "skill_level": "senior_technician",
        "work_start_date": "2005-07",
        "occupation_start_date": "2006-03",
        "id_number": make_id_number(),
        "bank_account": "6214830100000000",
        "address": "长春市朝阳区西民主大街1号",
        "phone": "13912345678",
        "work_history": [
            {"period": "2005.07-至今", "place": "长春华锐精密机械有限公司", "witness": "李明"}
        ],
        "honours": [{"code": "model_worker", "year": 2019}],
        "is_unit_leader": False,
        "is_retired": False,
        "post_kind": "生产操作岗位",
        "achievement_summary": "长期从事精密零件加工，攻克多项工艺难题。",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def draft(campaign, clerk, api_as):
    """A draft for 长春技能大奖 created by ``clerk`` through the API; returns its id."""
    response = api_as(clerk).post(
        "/nominations", {"campaign": campaign.code, "award": "jineng-dajiang"}
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]
