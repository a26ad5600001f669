"""factory_boy factory for campaigns, for tests that need a campaign but not one of the five
seed specifications (the ``seed_campaign`` fixture and the ``orgs`` trees it needs).

The campaign is loaded through ``load_campaign`` from a small valid specification: one
organizer (a new city HR bureau, or ``organizer_unit=``), the awards of ``awards=``
(codes; default one award ``skill``), one unit channel, a review chain of the workplace
and the organizer's city, a form with the name field, and a two-column summary sheet.

    campaign = CampaignFactory()
    draft = CampaignFactory(state=CampaignState.DRAFT, awards=["grand", "expert"])
"""

from __future__ import annotations

from typing import Any

import factory
import yaml
from factory.django import DjangoModelFactory

from jiangxuan.accounts.enums import OrgKind, OrgLevel
from jiangxuan.accounts.tests.factories import OrgUnitFactory
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.services import load_campaign


def spec_text(
    *, code: str, title: str, year: int, organizer: str, organizer_name: str, awards: list[str]
) -> str:
    """The YAML text of a small valid specification (see the module docstring)."""
    spec = {
        "code": code,
        "series": code,
        "title": title,
        "edition": "第一届",
        "year": year,
        "region": "测试市",
        "organizers": [{"name": organizer_name, "kind": "hr_bureau", "org": organizer}],
        "source": {"issuer": organizer_name},
        "scope": "测试市行政区域内企业职工",
        "awards": [
            {"code": award, "name": f"测试奖项{award}", "series": f"{code}-{award}", "count": 5}
            for award in awards
        ],
        "channels": [{"code": "unit", "name": "单位推荐", "kind": "unit"}],
        "review_chain": {
            "levels": [
                {
                    "code": "workplace",
                    "name": "所在单位",
                    "level": "workplace",
                    "signers": ["workplace"],
                },
                {"code": "city", "name": "市人社局", "level": "city", "signers": ["hr_bureau"]},
            ]
        },
        "form": {
            "title": f"{title}推荐表",
            "sections": [{"title": "基本情况", "fields": [{"key": "name", "label": "姓名"}]}],
        },
        "summary_sheet": {
            "title": f"{title}汇总表",
            "columns": [{"key": "award", "label": "项目"}, {"key": "name", "label": "姓名"}],
        },
    }
    return yaml.safe_dump(spec, allow_unicode=True, sort_keys=False)


class CampaignFactory(DjangoModelFactory):
    """A campaign loaded from :func:`spec_text`; published unless ``state=`` says otherwise.

    Arguments: ``code``, ``title``, ``year``, ``organizer_unit`` (default: a new city HR
    bureau), ``awards`` (award codes), ``state``.
    """

    class Meta:
        model = Campaign

    code = factory.Sequence(lambda n: f"test-campaign-{n}")
    title = factory.Sequence(lambda n: f"测试技能人才评选{n}")
    year = 2024
    organizer_unit = factory.SubFactory(
        OrgUnitFactory, kind=OrgKind.HR_BUREAU, level=OrgLevel.CITY, name="测试市人社局"
    )
    awards = ("skill",)
    state = CampaignState.PUBLISHED

    @classmethod
    def _create(cls, model_class: type[Campaign], *args: Any, **kwargs: Any) -> Campaign:
        unit = kwargs.pop("organizer_unit")
        text = spec_text(
            code=kwargs["code"],
            title=kwargs["title"],
            year=kwargs["year"],
            organizer=unit.code,
            organizer_name=unit.name,
            awards=list(kwargs["awards"]),
        )
        return load_campaign(text, source=f"{kwargs['code']}.yaml", state=kwargs["state"])
