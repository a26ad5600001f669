"""The spec guide's full example, a fictional city written only from
docs/user/campaign-spec.md (specs/examples/luming-gongjiang-2026.yaml, its units in
specs/examples/orgs-luming.yaml), taken through what it declares (issue 12, "Done when"):
street and park levels with their own notice and forward deadline, a district deadline,
self-nominations received by the city union with their own rule and material, and an award
chosen among the awardees of another.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit
from jiangxuan.accounts.services import load_org_tree
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.selectors import forward_deadline, nominable_awards
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.conftest import SPECS_DIR
from jiangxuan.nominations import services
from jiangxuan.nominations.chain import bodies_at, level_named, levels_for
from jiangxuan.nominations.workflow import NominationError
from jiangxuan.notices import services as notices

from .chain_helpers import ChainRun, at, forwardings
from .conftest import person

pytestmark = pytest.mark.django_db

EXAMPLES = SPECS_DIR / "examples"
SPEC = EXAMPLES / "luming-gongjiang-2026.yaml"


@pytest.fixture
def luming(db):
    load_org_tree(EXAMPLES / "orgs-luming.yaml")
    campaign = load_campaign(SPEC.read_text(encoding="utf-8"), state=CampaignState.PUBLISHED)
    return campaign, {unit.code: unit for unit in OrgUnit.objects.filter(code__startswith="lm-")}


def test_the_example_passes_checkcampaign_against_its_org_tree(luming):
    out = StringIO()
    call_command("checkcampaign", str(SPEC), "--db", stdout=out)
    assert out.getvalue().startswith(f"检查通过 {SPEC}：")


def test_street_and_park_nominees_pass_their_level_and_a_district_one_skips_it(
    luming, nominate, complete
):
    campaign, units = luming
    start = at(dt.date(2026, 3, 10), dt.time(10, 0))
    with ChainRun(campaign, nominate=nominate, complete=complete, start=start) as run:
        street = run.nominate("luming-gongjiang", units["lm-changjie-valve"], name="赵志强")
        park = run.nominate("luming-gongjiang", units["lm-park-chip"], name="钱红梅")
        district = run.nominate("luming-gongjiang", units["lm-dongcheng-bearing"], name="孙立军")
        soe = run.nominate("luming-gongjiang", units["lm-group"], name="李海燕")
        ns = [street, park, district, soe]
        run.submit(ns)
        run.run_level(ns)

        assert [n.level for n in ns] == ["subdistrict", "subdistrict", "county", "city"]
        assert [lv.code for lv in levels_for(soe)] == ["workplace", "city"]
        level = level_named(street, "subdistrict")
        assert level is not None
        assert bodies_at(street, level) == [("union", units["lm-changjie-union"])]
        assert bodies_at(park, level) == [("union", units["lm-park-union"])]

        # The street's union holds the street's notice itself (三(二)), then forwards.
        run.sign([street, park])
        union = units["lm-changjie-union"]
        held = notices.open_public_notice(
            campaign,
            stage="subdistrict",
            body=union,
            nominations=[street],
            starts_on=run.today() + dt.timedelta(days=1),
            actor=run.reviewer(union),
        )
        run.close_notices([held])
        run.forward([street])
        assert street.level == "county"

        # The park forwards after 4月3日 17:00: refused, citing the clause.
        park_notice = notices.open_public_notice(
            campaign,
            stage="subdistrict",
            body=units["lm-park-union"],
            nominations=[park],
            starts_on=dt.date(2026, 3, 30),
            actor=run.reviewer(units["lm-park-union"]),
        )
        run.close_notices([park_notice])
        assert run.today() > dt.date(2026, 4, 3)
        with pytest.raises(NominationError) as late:
            run.forward([park])
        assert late.value.code == "window"
        assert "2026-04-03 17:00（依据：三(二)）" in late.value.message

    assert [(lv, body) for lv, body, _rank in forwardings(street)] == [
        ("workplace", "lm-changjie-valve"),
        ("subdistrict", "lm-changjie-union"),
    ]
    assert park.level == "subdistrict"


def test_the_district_deadline_binds_the_streets_below_it(luming):
    campaign, units = luming
    assert forward_deadline(
        campaign, units["lm-changjie-union"], level="subdistrict", category=None
    ) == at(dt.date(2026, 4, 3), dt.time(17, 0))
    assert forward_deadline(
        campaign, units["lm-dongcheng-union"], level="county", category=None
    ) == at(dt.date(2026, 4, 17), dt.time(17, 0))


def test_a_self_nominee_is_received_by_the_city_union_and_needs_two_referees(luming, make_user):
    campaign, units = luming
    clerk = make_user("lm-union", Role.CLERK)
    award = campaign.awards.get(code="luming-gongjiang")

    n = services.create_nomination(
        campaign=campaign, award=award, actor=clerk, workplace=units["lm-park-chip"], channel="self"
    )
    services.save_nomination(
        n,
        actor=clerk,
        core=person(),
        extra={
            "post_kind": "生产操作岗位",
            "is_retired": False,
            "referees": [{"name": "周国栋", "title": "正高级工程师", "employer": "示例大学"}],
        },
    )

    assert [lv.code for lv in levels_for(n)] == ["city"]
    verdict = {r["code"]: r["status"] for r in n.eligibility}
    assert verdict["two-referees"] == "failed"
    assert verdict["front-line"] == "passed"
    assert "专家推荐信" in services.missing_materials(n)


def test_the_star_is_chosen_among_the_awardees_not_nominated(luming, make_user):
    campaign, _units = luming
    star = campaign.awards.get(code="luming-star")

    assert [a.code for a in nominable_awards(campaign)] == ["luming-gongjiang"]
    with pytest.raises(NominationError) as refused:
        services.create_nomination(
            campaign=campaign, award=star, actor=make_user("lm-changjie-valve", Role.CLERK)
        )
    assert "从本届“鹿鸣工匠”的获奖人选中产生" in refused.value.message
