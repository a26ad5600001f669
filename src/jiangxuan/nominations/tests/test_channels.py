"""Channels with their own intake, rules and materials (issue 12, point 2).

Seed 003 二(二)1: 工会组织和人社部门联合推荐为主，结合社团推荐、个人自荐; 四(三): materials go
to 威海市总工会生产部, so self-nominations are received (录入) there and reviewed at the city
level. A fictional variant adds what other notices say: a self-nominee needs at least two
industry experts as referees (rows of a table), and a referees' letter only self-nominees
upload.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.campaigns.spec import SpecError, parse_spec
from jiangxuan.conftest import seed_spec_path
from jiangxuan.core.models import AuditEntry
from jiangxuan.nominations import services
from jiangxuan.nominations.chain import levels_for
from jiangxuan.nominations.workflow import NominationError

from .conftest import person

pytestmark = pytest.mark.django_db

REFEREES_FIELD = """        - key: referees
          label: 推荐专家
          type: table
          columns:
            - {key: name, label: 姓名}
            - {key: title, label: 职称}
            - {key: employer, label: 工作单位}
"""
SELF_RULES = """    eligibility:
      - rule: expr
        code: two-referees
        label: 两名专家推荐
        expr: size(form.referees) >= 2
        message: 个人自荐须有至少两名本行业专家推荐
        source: 自荐办法第三条
"""
REFEREES_LETTER = """  - code: referees-letter
    name: 专家推荐信
    channels: [self]
"""


def weihai_text(*, rules: str = SELF_RULES) -> str:
    text = seed_spec_path("003").read_text(encoding="utf-8")
    form_marker = "        - {key: work_history, label: 工作简历, required: true}\n"
    channel_marker = "    source: 二(二)1、四(三)\n"
    materials_marker = "materials:\n"
    for marker in (form_marker, channel_marker, materials_marker):
        assert marker in text
    text = text.replace(form_marker, form_marker + REFEREES_FIELD, 1)
    text = text.replace(channel_marker, channel_marker + rules, 1)
    return text.replace(materials_marker, materials_marker + REFEREES_LETTER, 1)


@pytest.fixture
def weihai(orgs):
    return load_campaign(weihai_text(), source="003.yaml", state=CampaignState.PUBLISHED)


def test_the_intake_clerk_records_a_self_nomination_reviewed_from_the_city(weihai, make_user, orgs):
    clerk = make_user("wh-union", Role.CLERK)
    award = weihai.awards.get()
    workplace = orgs["wh-huancui-fishing-gear"]

    n = services.create_nomination(
        campaign=weihai, award=award, actor=clerk, workplace=workplace, channel="self"
    )

    assert (n.channel, n.nominating_unit, n.workplace) == ("self", orgs["wh-union"], workplace)
    assert n.workplace_name == workplace.name
    assert n.level == "city"
    assert [level.code for level in levels_for(n)] == ["city"]
    entry = AuditEntry.objects.filter(action="nomination.create").latest("pk")
    assert entry.after["channel"] == "self"


def test_only_the_intake_unit_starts_a_self_nomination(weihai, make_user, orgs):
    clerk = make_user("wh-huancui-fishing-gear", Role.CLERK)

    with pytest.raises(PermissionDenied) as refused:
        services.create_nomination(
            campaign=weihai, award=weihai.awards.get(), actor=clerk, channel="self"
        )

    assert "受理单位" in str(refused.value)
    assert "（依据：二(二)1、四(三)）" in str(refused.value)


def test_a_unit_clerk_nominates_through_the_units_channel_and_a_society_through_its_own(
    weihai, make_user
):
    award = weihai.awards.get()
    by_unit = services.create_nomination(
        campaign=weihai, award=award, actor=make_user("wh-huancui-fishing-gear", Role.CLERK)
    )
    by_society = services.create_nomination(
        campaign=weihai, award=award, actor=make_user("wh-mech-society", Role.CLERK)
    )

    assert (by_unit.channel, by_society.channel) == ("unit", "social-org")
    assert by_unit.level == "workplace"


def test_an_unknown_channel_names_the_campaigns_channels(weihai, make_user):
    with pytest.raises(NominationError) as refused:
        services.create_nomination(
            campaign=weihai,
            award=weihai.awards.get(),
            actor=make_user("wh-huancui-fishing-gear", Role.CLERK),
            channel="email",
        )

    assert refused.value.field == "channel"
    assert "工会组织和人社部门联合推荐、社团推荐、个人自荐" in refused.value.message


def test_a_self_nominee_without_two_referees_fails_the_channels_rule(weihai, make_user, orgs):
    clerk = make_user("wh-union", Role.CLERK)
    n = services.create_nomination(
        campaign=weihai, award=weihai.awards.get(), actor=clerk, channel="self"
    )
    one = [{"name": "李明", "title": "高级工程师", "employer": "威海船厂"}]
    services.save_nomination(n, actor=clerk, core=person(), extra={"referees": one})

    verdict = {r["code"]: r for r in n.eligibility}
    assert verdict["two-referees"]["status"] == "failed"
    assert "个人自荐须有至少两名本行业专家推荐" in verdict["two-referees"]["reason"]

    two = [*one, {"name": "张华", "title": "教授", "employer": "山东大学（威海）"}]
    services.save_nomination(n, actor=clerk, core={}, extra={"referees": two})
    verdict = {r["code"]: r for r in n.eligibility}
    assert verdict["two-referees"]["status"] == "passed"


def test_channel_rules_and_materials_leave_the_other_channels_alone(weihai, make_user):
    unit_clerk = make_user("wh-huancui-fishing-gear", Role.CLERK)
    by_unit = services.create_nomination(
        campaign=weihai, award=weihai.awards.get(), actor=unit_clerk
    )
    services.save_nomination(by_unit, actor=unit_clerk, core=person(), extra={"referees": []})
    self_nominee = services.create_nomination(
        campaign=weihai,
        award=weihai.awards.get(),
        actor=make_user("wh-union", Role.CLERK),
        channel="self",
    )

    assert "two-referees" not in {r["code"] for r in by_unit.eligibility}
    assert "专家推荐信" not in services.missing_materials(by_unit)
    assert "专家推荐信" in services.missing_materials(self_nominee)


def test_the_create_page_offers_the_intake_clerk_the_self_channel(weihai, make_user, client, orgs):
    clerk = make_user("wh-union", Role.CLERK)
    client.force_login(clerk)
    url = reverse("nominations:create")

    page = client.get(url, {"campaign": weihai.code})
    assert "个人自荐" in page.content.decode()
    response = client.post(
        url,
        {
            "campaign": weihai.code,
            "award": weihai.awards.get().code,
            "channel": "self",
            "workplace": orgs["wh-huancui-fishing-gear"].pk,
        },
    )

    assert response.status_code == 302
    created = weihai.nominations.get()
    assert (created.channel, created.level) == ("self", "city")


def test_the_create_page_offers_a_unit_clerk_no_channel_choice(weihai, make_user, client):
    client.force_login(make_user("wh-huancui-fishing-gear", Role.CLERK))

    page = client.get(reverse("nominations:create"), {"campaign": weihai.code})

    assert page.status_code == 200
    assert 'name="channel"' not in page.content.decode()


def test_columns_on_a_text_field_are_refused():
    text = weihai_text().replace("          type: table\n", "", 1)

    with pytest.raises(SpecError) as refused:
        parse_spec(text, "x.yaml")

    assert any("只有表格字段可以列出 columns" in m for m in refused.value.messages)


def test_spec_checks_channel_levels_materials_and_rule_codes():
    clash = SELF_RULES.replace("code: two-referees", "code: high-skilled")
    text = weihai_text(rules=clash)
    text = text.replace("    starts_at: city\n", "    starts_at: province\n", 1)
    text = text.replace("    channels: [self]\n", "    channels: [self, mail]\n", 1)

    with pytest.raises(SpecError) as refused:
        parse_spec(text, "x.yaml")

    messages = "\n".join(refused.value.messages)
    assert (
        "channels[2].starts_at：没有审核层级 province（可选：workplace、district、city）"
        in messages
    )
    assert "没有推荐渠道 mail（可选：unit、social-org、self）" in messages
    assert "规则代码 high-skilled 与奖项 weihai-gongjiang 的规则重复" in messages
