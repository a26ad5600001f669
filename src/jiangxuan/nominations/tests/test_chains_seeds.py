"""Each seed campaign end to end through its whole review chain, from the workplace's
submission to the hand-over to expert review (state approved), through the public
services only: every body the chain names signs at each level, the campaign office holds
each level's public notice (and, seed 000, the 公安部门's opinion), and each level forwards
its ranked list within its quota. Direct units skip the levels their notice lets them skip.

Sources: seed 000 四1-2 and 附件2/4; seed 001 三(一)2-3, 三(二)4 and 附件1-2; seed 002 三,
四(一); seed 003 二(二)1 and 附件; seed 004 三(二) and 附件.
"""

import datetime as dt
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from jiangxuan.nominations import review
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Forwarding
from jiangxuan.nominations.workflow import NominationError
from jiangxuan.notices.models import BackgroundCheck, DisciplinaryPenalty

from .chain_helpers import ChainRun, assert_handed_over, at, clearances, forwardings, notices_of
from .review_setup import MP4_BYTES, WEIHAI_HONOURS

pytestmark = pytest.mark.django_db

#: seed 000 三3 (list A) and 三4 (list B): one honour of each.
JILIN_HONOURS = [
    {"code": "jilin_jishu_nengshou", "name": "吉林省技术能手", "level": "provincial"},
    {"code": "labour_medal", "name": "长春市五一劳动奖章", "level": "city"},
]
NAMES = ["赵志强", "钱红梅", "孙立军", "李海燕", "周国栋", "吴建华", "郑晓东", "王秀英", "冯德明"]


@pytest.fixture
def chain_run(seed_campaign, nominate, complete):
    """``chain_run(number, start)``: a :class:`ChainRun` of seed ``number``."""

    def make(number: str, start: dt.datetime) -> ChainRun:
        return ChainRun(seed_campaign(number), nominate=nominate, complete=complete, start=start)

    return make


def audit_chain_holds() -> bool:
    out = StringIO()
    call_command("auditverify", stdout=out)
    return "审计链完整" in out.getvalue()


def ranks_at(level: str, nominations) -> list[int]:
    return [Forwarding.objects.get(nomination=n, level=level).rank for n in nominations]


# --------------------------------------------------------------------------- seed 000


def test_seed_000_city_route_reaches_expert_review(chain_run, orgs):
    """吉林工匠 from 长春市 workplaces: 所在单位 (单位 + 工会, 公安部门意见, 5 working days'
    notice) → 市（州） (人社局 + 总工会, 5-10 per city) → 省人社厅 + 省总工会."""
    workplaces = ["cc-huarui-machinery", "cc-huarui-machinery", "cc-jdyy", "cc-yatai-heat"]
    workplaces.append("cc-nanguan-auto-repair")
    with chain_run("000", at(dt.date(2021, 12, 1))) as run:
        ns = [
            run.nominate("jilin-gongjiang", orgs[code], name=name, honours=JILIN_HONOURS)
            for code, name in zip(workplaces, NAMES, strict=False)
        ]
        run.submit(ns)

        run.run_level(ns)
        held = {n.body.code: n for n in {h for n in ns for h in notices_of(n)}}
        assert sorted(held) == sorted(set(workplaces))
        assert {(h.starts_on, h.ends_on, h.days) for h in held.values()} == {
            (dt.date(2021, 12, 2), dt.date(2021, 12, 8), 5)
        }
        checks = BackgroundCheck.objects.filter(nomination__in=ns)
        assert {(c.department_name, c.adverse) for c in checks} == {("公安部门", False)}
        assert [n.level for n in ns] == ["city"] * 5

        run.sign(ns)
        city_union = orgs["cc-union"]
        with pytest.raises(NominationError) as refused:
            review.forward_nominations(
                run.campaign,
                level="city",
                body=city_union,
                actor=run.reviewer(city_union),
                order=[n.pk for n in ns[:4]],
                final=True,
            )
        assert refused.value.code == "quota"
        assert not Forwarding.objects.filter(level="city").exists()
        run.forward(ns)
        run.run_level(list(reversed(ns)))

    for n in ns:
        assert_handed_over(n, ["workplace", "city", "province"])
        assert [body for _lv, body, _rank in forwardings(n)][1:] == ["cc-union", "jl-hrss"]
    assert ranks_at("workplace", ns) == [1, 2, 1, 1, 1]
    assert ranks_at("city", ns) == [1, 2, 3, 4, 5]
    assert ranks_at("province", ns) == [5, 4, 3, 2, 1]
    assert {s.body.code for s in ns[0].sign_offs.all()} == {
        "cc-huarui-machinery",
        "cc-hrss",
        "cc-union",
        "jl-hrss",
        "jl-union",
    }
    assert audit_chain_holds()


def test_seed_000_provincial_organs_route_reaches_expert_review(chain_run, orgs):
    """省直机关工会 forwards its units' nominations itself (5-10) in place of a city, then
    the province reviews them. Its units submit in time for their five working days' notice
    to end before its deadline (2021-12-03 16:00), which binds their forwards to it."""
    workplaces = ["jl-nky", "jl-nky", "jl-slsd-institute", "jl-slsd-institute"]
    workplaces.append("jl-expressway-group")
    with chain_run("000", at(dt.date(2021, 11, 22), dt.time(15, 0))) as run:
        ns = [
            run.nominate("jilin-gongjiang", orgs[code], name=name, honours=JILIN_HONOURS)
            for code, name in zip(workplaces, NAMES, strict=False)
        ]
        run.submit(ns)
        run.run_chain(ns)

    for n in ns:
        assert_handed_over(n, ["workplace", "city", "province"])
        assert forwardings(n)[1][1] == "jl-szjg-union"
    assert ranks_at("city", ns) == [1, 2, 3, 4, 5]
    assert Forwarding.objects.filter(level="city", quota_unit=orgs["jl-szjg-union"]).count() == 5
    assert audit_chain_holds()


# --------------------------------------------------------------------------- seed 001


def test_seed_001_all_routes_with_a_revocation_during_the_unit_notice(chain_run, orgs):
    """长春技能大奖 / 技术能手: 本单位 (5 working days' notice, ranked) → 推荐单位 (县区人社局
    or 市直部门; 5 working days' notice, ranked, 3 per county per award) → 市人社局.
    驻长国有企业 and 驻长技工院校 submit straight to the city (三(一)3). One 朝阳区 nominee
    is revoked on an objection during the county's notice and penalized (三(二)4); its place
    is not refilled (不得递补), the two others go on."""
    plan = [
        ("cc-huarui-machinery", "jishu-nengshou"),
        ("cc-huarui-machinery", "jishu-nengshou"),
        ("cc-jdyy", "jishu-nengshou"),
        ("cc-yatai-heat", "jineng-dajiang"),
        ("cc-bus-group", "jishu-nengshou"),
        ("cc-faw", "jishu-nengshou"),
        ("cc-faw", "jishu-nengshou"),
        ("cc-jixie-school", "jineng-dajiang"),
    ]
    with chain_run("001", at(dt.date(2022, 10, 24), dt.time(10, 0))) as run:
        ns = []
        for (code, award), name in zip(plan, NAMES[: len(plan)], strict=True):
            skill = "senior" if award == "jishu-nengshou" else "senior_technician"
            ns.append(run.nominate(award, orgs[code], name=name, skill_level=skill))
        county, cheat, direct = ns[:5], ns[2], ns[5:]
        run.submit(ns)

        run.run_level(ns)
        assert [n.level for n in ns] == ["nominating-unit"] * 5 + ["city"] * 3
        workplace_notice = notices_of(ns[0])[0]
        assert (workplace_notice.starts_on, workplace_notice.ends_on) == (
            dt.date(2022, 10, 25),
            dt.date(2022, 10, 31),
        )

        def object_to_cheat(opened):
            (chaoyang,) = [h for h in opened if h.body == orgs["cc-chaoyang-hrss"]]
            assert chaoyang.entries.count() == 3
            run.revoke_by_objection(chaoyang, cheat)

        run.run_level(county, during_notice=object_to_cheat)
        run.run_level([n for n in ns if n.level == "city"])

    cheat.refresh_from_db()
    assert (cheat.state, cheat.level) == (NominationState.REVOKED, "nominating-unit")
    assert [lv for lv, _body, _rank in forwardings(cheat)] == ["workplace"]
    assert clearances(cheat) == [("workplace", "notice")]
    penalty = DisciplinaryPenalty.objects.get(nomination=cheat)
    assert (penalty.unit, penalty.kind, penalty.amount, penalty.no_substitute) == (
        orgs["cc-chaoyang-hrss"],
        "reduce_quota",
        1,
        True,
    )

    survivors = [n for n in county if n != cheat]
    for n in survivors:
        assert_handed_over(n, ["workplace", "nominating-unit", "city"])
    for n in direct:
        assert_handed_over(n, ["workplace", "city"])
    assert [forwardings(n)[1][1] for n in survivors] == [
        "cc-chaoyang-hrss",
        "cc-chaoyang-hrss",
        "cc-nanguan-hrss",
        "cc-transport",
    ]
    county_notice = notices_of(survivors[0])[1]
    assert (county_notice.starts_on, county_notice.ends_on) == (
        dt.date(2022, 11, 2),
        dt.date(2022, 11, 8),
    )
    assert ranks_at("workplace", ns[:3] + direct) == [1, 2, 1, 1, 2, 1]
    assert ranks_at("nominating-unit", survivors) == [1, 2, 1, 1]
    # The city ranks in the order it was given, within each award (附件3 ranks each
    # award's candidates separately).
    city_order = [n for n in ns if n != cheat]
    for award in ("jishu-nengshou", "jineng-dajiang"):
        ranks = ranks_at("city", [n for n in city_order if n.award.code == award])
        assert ranks == sorted(set(ranks))
    assert audit_chain_holds()


# --------------------------------------------------------------------------- seed 002


def test_seed_002_all_routes_reach_expert_review(chain_run, orgs):
    """焦作工匠: 基层工会 (本单位公示) → 县（市）区 总工会 + 人社局 (or 焦煤集团工会 / 产业工会
    in their place; 2, 2 and 1 each) → 市总工会; 市直属单位 go straight to the city."""
    plan = [
        "jz-jiefang-precision",
        "jz-jiefang-precision",
        "jz-jiaomei-jiulishan",
        "jz-jiaomei-zhaogu",
        "jz-fengshen-tyre",
        "jz-peoples-hospital",
    ]
    with chain_run("002", at(dt.date(2018, 7, 19), dt.time(10, 0))) as run:
        ns = [
            run.nominate("jiaozuo-gongjiang", orgs[code], name=name)
            for code, name in zip(plan, NAMES, strict=False)
        ]
        run.submit(ns)
        run.run_chain(ns)

    for n in ns[:5]:
        assert_handed_over(n, ["workplace", "county", "city"])
    assert_handed_over(ns[5], ["workplace", "city"])
    assert [forwardings(n)[1][1] for n in ns[:5]] == [
        "jz-jiefang-union",
        "jz-jiefang-union",
        "jz-jiaomei-union",
        "jz-jiaomei-union",
        "jz-industry-machinery-union",
    ]
    county = ns[0].sign_offs.filter(level="county")
    assert sorted(s.body.code for s in county) == ["jz-jiefang-hrss", "jz-jiefang-union"]
    notice = notices_of(ns[0])[0]
    assert (notice.starts_on, notice.ends_on, notice.where) == (
        dt.date(2018, 7, 20),
        dt.date(2018, 7, 26),
        "本单位",
    )
    assert ranks_at("county", ns[:5]) == [1, 2, 1, 2, 1]
    assert ranks_at("city", ns) == [1, 2, 3, 4, 5, 6]
    assert audit_chain_holds()


# --------------------------------------------------------------------------- seed 003


def test_seed_003_all_routes_reach_expert_review(chain_run, orgs):
    """威海工匠: 基层工会 → 区（市）总工会 + 人社局 → 市总工会 + 市人社局, no notice at any
    level (the 5-day social notice comes after expert review); 市直企事业单位 go straight
    to the city. No quota (二(一))."""
    plan = [
        "wh-huancui-fishing-gear",
        "wh-huancui-fishing-gear",
        "wh-wendeng-tools",
        "wh-water-group",
        "wh-municipal-hospital",
    ]
    with chain_run("003", at(dt.date(2023, 6, 21), dt.time(10, 0))) as run:
        ns = []
        for code, name in zip(plan, NAMES, strict=False):
            video = SimpleUploadedFile("事迹.mp4", MP4_BYTES, "video/mp4")
            ns.append(
                run.nominate(
                    "weihai-gongjiang",
                    orgs[code],
                    name=name,
                    honours=WEIHAI_HONOURS,
                    uploads=[("video", video)],
                )
            )
        run.submit(ns)
        run.run_chain(ns)

    for n in ns[:3]:
        assert_handed_over(n, ["workplace", "district", "city"])
        assert notices_of(n) == []
    for n in ns[3:]:
        assert_handed_over(n, ["workplace", "city"])
    assert [forwardings(n)[1][1] for n in ns[:3]] == [
        "wh-huancui-hrss",
        "wh-huancui-hrss",
        "wh-wendeng-hrss",
    ]
    assert sorted(s.body.code for s in ns[0].sign_offs.all()) == [
        "wh-hrss",
        "wh-huancui-fishing-gear",
        "wh-huancui-hrss",
        "wh-huancui-union",
        "wh-union",
    ]
    assert ranks_at("city", ns) == [1, 2, 3, 4, 5]
    assert audit_chain_holds()


# --------------------------------------------------------------------------- seed 004


def test_seed_004_all_routes_reach_expert_review(chain_run, orgs):
    """哈尔滨大工匠: 所在单位工会 (所在单位公示) → 主管工会 (区县总工会 or 产业工会) → 市总工会;
    市直属企事业单位 and 省属在哈企业 go straight to the city."""
    plan = [
        "hrb-daoli-bakery",
        "hrb-daoli-bakery",
        "hrb-measuring-tools",
        "hrb-metro",
        "hrb-first-hospital",
        "hrb-longjiang-construction",
    ]
    with chain_run("004", at(dt.date(2021, 8, 16), dt.time(10, 0))) as run:
        ns = [
            run.nominate("harbin-dagongjiang", orgs[code], name=name)
            for code, name in zip(plan, NAMES, strict=False)
        ]
        run.submit(ns)
        run.run_chain(ns)

    for n in ns[:4]:
        assert_handed_over(n, ["workplace", "supervising-union", "city"])
    for n in ns[4:]:
        assert_handed_over(n, ["workplace", "city"])
    assert [forwardings(n)[1][1] for n in ns[:4]] == [
        "hrb-daoli-union",
        "hrb-daoli-union",
        "hrb-machinery-union",
        "hrb-metro-union",
    ]
    notice = notices_of(ns[0])[0]
    assert (notice.starts_on, notice.ends_on) == (dt.date(2021, 8, 17), dt.date(2021, 8, 23))
    assert ranks_at("supervising-union", ns[:4]) == [1, 2, 1, 1]
    assert ranks_at("city", ns) == [1, 2, 3, 4, 5, 6]
    assert audit_chain_holds()
