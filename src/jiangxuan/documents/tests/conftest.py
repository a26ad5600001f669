"""Fixtures for the documents tests: a seed-001-shaped campaign, nominations, users."""

import datetime as dt
import io
import itertools
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from stdnum.cn import ric

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.services import load_campaign

# A published decision of seed 002 (the decisions app's fixtures), for the archive and the
# bundles.
from jiangxuan.decisions.tests.conftest import jiaozuo, published  # noqa: F401
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Evidence, Nomination

SPEC = Path(__file__).resolve().parent / "data" / "form_campaign.yaml"
_serial = itertools.count(201)


def id_number(birth: str = "19850315") -> str:
    """A valid resident ID number (area 220104, 长春市朝阳区) born on ``birth``."""
    body = f"220104{birth}{next(_serial) % 1000:03d}"
    number = body + ric.calc_check_digit(body + "0")
    assert ric.is_valid(number)
    return number


@pytest.fixture
def campaign(orgs):
    """The test campaign (specs of seed 001's shape), published."""
    return load_campaign(SPEC, state=CampaignState.PUBLISHED)


@pytest.fixture
def make_user(orgs):
    """``make_user(unit_code, role, campaign=None)`` → a user holding that role."""
    counter = itertools.count(1)

    def make(unit_code: str, role: str = Role.CLERK, *, campaign=None) -> User:
        user = User.objects.create_user(f"{role}-{unit_code}-{next(counter)}", password="x")
        Membership.objects.create(user=user, org_unit=orgs[unit_code], role=role, campaign=campaign)
        return user

    return make


@pytest.fixture
def make_nomination(campaign, orgs, make_user):
    """``make_nomination(award_code="grand", unit="cc-chaoyang-hrss", rank=1, **fields)``
    → a submitted nomination with plausible personal data (overridable)."""
    creator = make_user("cc-chaoyang-hrss")

    def make(
        award_code: str = "grand",
        *,
        unit: str = "cc-chaoyang-hrss",
        workplace: str = "cc-huarui-machinery",
        rank: int = 1,
        **fields,
    ) -> Nomination:
        values = {
            "name": "王建国",
            "sex": "男",
            "birth_date": dt.date(1985, 3, 15),
            "ethnic_group": "汉族",
            "political_status": "中共党员",
            "education": "大专（高职、技师学院）",
            "occupation": "数控车工",
            "skill_level": "technician",
            "work_start_date": dt.date(1999, 7, 1),
            "occupation_start_date": dt.date(2001, 3, 1),
            "postal_code": "130012",
            "workplace_name": "长春华锐精密机械有限公司",
            "id_number": id_number(),
            "bank_account": "6228480012345678901",
            "address": "长春市朝阳区工农大路1号",
            "landline": "0431-88522559",
            "phone": "13912345678",
            "email": "wangjg@example.com",
            "work_history": [
                {"period": "1999.07-2005.06", "workplace": "长春第一机床厂", "witness": "李明"},
                {
                    "period": "2005.07至今",
                    "workplace": "长春华锐精密机械有限公司",
                    "witness": "张华",
                },
            ],
            "honours": [
                {"code": "cc-model", "name": "长春市劳动模范", "level": "city", "year": 2019}
            ],
            "contests": [{"name": "吉林省数控技能大赛", "level": "provincial_class1", "rank": 2}],
            "patents": [{"name": "一种数控车床夹具", "number": "ZL201910001234.5"}],
            "achievement_summary": "长期从事精密零件加工，攻克多项工艺难题。",
            "extra": {
                "innovation": "改进薄壁件装夹工艺，废品率由5%降至0.8%。",
                "mentoring": {"apprentices": 12, "senior_apprentices": 7},
            },
        }
        values.update(fields)
        return Nomination.objects.create(
            campaign=campaign,
            award=campaign.awards.get(code=award_code),
            channel="unit",
            nominating_unit=orgs[unit],
            workplace=orgs[workplace],
            created_by=creator,
            state=NominationState.SUBMITTED,
            rank=rank,
            **values,
        )

    return make


@pytest.fixture
def add_photo():
    """``add_photo(nomination)`` files a small PNG as its ``photo`` evidence; returns the
    PNG bytes."""

    def add(nomination: Nomination) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (30, 40), "steelblue").save(buffer, format="PNG")
        data = buffer.getvalue()
        Evidence.objects.create(
            nomination=nomination,
            material="photo",
            file=ContentFile(data, name="photo.png"),
            original_name="photo.png",
            content_type="image/png",
            size=len(data),
            sha256="0" * 64,
            uploaded_by=nomination.created_by,
        )
        return data

    return add
