"""Fixtures for the review pages, API and letter tests: a 威海工匠 nomination (seed 003:
workplace → district [union, hr_bureau] → city [union, hr_bureau]) and 长春技术能手
nominations ready at the county (seed 001, quota 3 per county)."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from jiangxuan.accounts.enums import Role
from jiangxuan.nominations import review, services
from jiangxuan.nominations.models import Decision
from jiangxuan.nominations.tests.conftest import clear_level, make_id_number
from jiangxuan.nominations.tests.review_setup import MP4_BYTES, WEIHAI_HONOURS, forward_level


@pytest.fixture
def weihai_people(make_user):
    return {
        "clerk": make_user("wh-huancui-fishing-gear"),
        "workplace": make_user("wh-huancui-fishing-gear", Role.REVIEWER),
        "district_union": make_user("wh-huancui-union", Role.REVIEWER),
        "district_hr": make_user("wh-huancui-hrss", Role.REVIEWER),
        "other_union": make_user("wh-wendeng-union", Role.REVIEWER),
        "city_union": make_user("wh-union", Role.REVIEWER),
        "city_hr": make_user("wh-hrss", Role.REVIEWER),
    }


@pytest.fixture
def weihai_at_district(seed_campaign, weihai_people, nominate, complete, within, orgs):
    """``make(name=...)``: a 威海工匠 nomination of 环翠区, forwarded by its workplace and
    waiting for the district's union and HR bureau."""
    campaign = seed_campaign("003")
    clerk = weihai_people["clerk"]

    def make(**core):
        core.setdefault("id_number", make_id_number())
        n = nominate(campaign, "weihai-gongjiang", clerk, honours=WEIHAI_HONOURS, **core)
        video = SimpleUploadedFile("事迹.mp4", MP4_BYTES, "video/mp4")
        services.add_evidence(n, actor=clerk, material="video", upload=video)
        n = complete(n, clerk)
        with time_machine.travel(within(campaign), tick=False):
            services.submit_nomination(n, actor=clerk)
        workplace = orgs["wh-huancui-fishing-gear"]
        forward_level(n, weihai_people["workplace"], workplace, ["workplace_union"])
        assert n.level == "district"
        return n

    return make


@pytest.fixture
def changchun_people(make_user):
    return {
        "clerk": make_user("cc-chaoyang-hrss"),
        "workplace": make_user("cc-huarui-machinery", Role.REVIEWER),
        "county": make_user("cc-chaoyang-hrss", Role.REVIEWER),
        "other_county": make_user("cc-nanguan-hrss", Role.REVIEWER),
    }


@pytest.fixture
def changchun_ready(seed_campaign, changchun_people, nominate, complete, within, orgs):
    """``make(count)``: that many 长春技术能手 nominations of 朝阳区, approved at the county
    and cleared, ready to be forwarded by 朝阳区人社局 (quota 3, seed 001 附件1)."""
    campaign = seed_campaign("001")
    people = changchun_people

    def make(count, names=None):
        names = names or [f"候选人{i}" for i in range(1, count + 1)]
        ready = []
        for name in names[:count]:
            n = nominate(
                campaign,
                "jishu-nengshou",
                people["clerk"],
                workplace=orgs["cc-huarui-machinery"],
                skill_level="senior",
                id_number=make_id_number(),
                name=name,
            )
            n = complete(n, people["clerk"])
            with time_machine.travel(within(campaign), tick=False):
                services.submit_nomination(n, actor=people["clerk"])
            forward_level(n, people["workplace"], orgs["cc-huarui-machinery"], ["workplace"])
            review.sign_off(
                n, actor=people["county"], signer="nominating_unit", decision=Decision.APPROVE
            )
            clear_level(n)
            n.refresh_from_db()
            ready.append(n)
        return ready

    return make
