"""Cascading deadlines bind every level's forward (报送), not only the clerk's first
submission (issue 12, point 4): a level deadline of the specification binds every body of
that level (per unit category where it says so), an internal deadline binds the bodies
below its setter, and the office's recorded extension lets a late body through.

Sources: seed 000 转发通知 (省直机关工会: 2021年12月3日16:00); seed 001 三(一)3 (the county
HR bureaus forward their lists to the city).
"""

import datetime as dt

import pytest

from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.selectors import deadline_for
from jiangxuan.campaigns.services import extend_deadline, load_campaign
from jiangxuan.conftest import seed_spec_path
from jiangxuan.nominations import review
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.workflow import NominationError

from .chain_helpers import ChainRun, at
from .test_chains_seeds import JILIN_HONOURS, NAMES

pytestmark = pytest.mark.django_db

#: seed 001 with a deadline for the county HR bureaus' forward to the city.
COUNTY_DEADLINE = """  level_deadlines:
    - level: nominating-unit
      categories: [county-hrss]
      closes_at: 2022-11-15 17:00:00
      source: 三(一)3
"""


def changchun_with_county_deadline(text_extra: str = COUNTY_DEADLINE):
    text = seed_spec_path("001").read_text(encoding="utf-8")
    marker = "timeline:\n"
    assert marker in text
    return load_campaign(
        text.replace(marker, marker + text_extra, 1),
        source="001.yaml",
        state=CampaignState.PUBLISHED,
    )


@pytest.fixture
def changchun_run(nominate, complete):
    def make(start: dt.datetime) -> ChainRun:
        campaign = changchun_with_county_deadline()
        return ChainRun(campaign, nominate=nominate, complete=complete, start=start)

    return make


def through_notices(run: ChainRun, nominations) -> None:
    """Sign the nominations' level and hold its notice to the end, without forwarding."""
    run.sign(nominations)
    opened = run.open_notices(nominations)
    run.answer_background_checks(nominations)
    run.close_notices(opened)
    for n in nominations:
        n.refresh_from_db()


def test_a_county_forwarding_after_its_level_deadline_is_refused_until_extended(
    changchun_run, orgs
):
    with changchun_run(at(dt.date(2022, 10, 24), dt.time(10, 0))) as run:
        ns = [
            run.nominate("jishu-nengshou", orgs["cc-huarui-machinery"], name=name)
            for name in NAMES[:2]
        ]
        run.submit(ns)
        run.run_level(ns)  # the workplace forwards on 2022-11-01: no deadline binds it
        assert {n.level for n in ns} == {"nominating-unit"}
        run.move_to(dt.date(2022, 11, 9))
        through_notices(run, ns)  # the county notice ends on 2022-11-16
        county = run.forwarding_body(ns[0])

        with pytest.raises(NominationError) as refused:
            run.forward(ns)
        assert refused.value.code == "window"
        assert "2022-11-15 17:00（依据：三(一)3）" in refused.value.message
        assert county.name in refused.value.message
        for n in ns:
            n.refresh_from_db()
            assert n.level == "nominating-unit"

        extend_deadline(
            run.campaign,
            county,
            closes_at=at(dt.date(2022, 11, 18), dt.time(17, 0)),
            reason="区人社局系统故障，经领导小组办公室同意延期",
            actor=run.office,
        )
        run.forward(ns)

    assert all(n.level == "city" for n in ns)


def test_a_level_deadline_for_one_category_leaves_the_others_free(changchun_run, orgs):
    """驻长国有企业 (category soes) submit straight to the city: the county deadline does
    not bind their workplace's forward."""
    with changchun_run(at(dt.date(2022, 10, 24), dt.time(10, 0))) as run:
        direct = run.nominate("jishu-nengshou", orgs["cc-faw"], name=NAMES[0])
        run.submit([direct])
        run.sign([direct])
        run.close_notices(run.open_notices([direct]))
        run.move_to(dt.date(2022, 11, 30))
        run.forward([direct])

    assert direct.level == "city"


def test_a_forward_inside_the_level_deadline_passes(changchun_run, orgs):
    with changchun_run(at(dt.date(2022, 10, 24), dt.time(10, 0))) as run:
        ns = [run.nominate("jishu-nengshou", orgs["cc-huarui-machinery"], name=NAMES[0])]
        run.submit(ns)
        run.run_level(ns)
        run.run_level(ns)
        assert run.today() <= dt.date(2022, 11, 15)

    assert ns[0].level == "city"


def test_the_clerks_deadline_is_never_later_than_a_level_deadline(orgs):
    """A level deadline before the campaign's close binds the clerk's submission too."""
    early = COUNTY_DEADLINE.replace("2022-11-15 17:00:00", "2022-10-25 12:00:00")
    campaign = changchun_with_county_deadline(early)
    county_unit = orgs["cc-chaoyang-hrss"]

    assert deadline_for(campaign, county_unit) == at(dt.date(2022, 10, 25), dt.time(12, 0))
    assert deadline_for(campaign, orgs["cc-faw"]) == campaign.submission_closes_at


def test_an_internal_deadline_binds_the_workplace_forward_below_its_setter(
    seed_campaign, nominate, complete, orgs
):
    """Seed 000 转发通知: the units under 省直机关工会 send their lists to it by 2021-12-03
    16:00. A unit that submits at 15:00 that day cannot also hold its five working days'
    notice in time: its forward is refused, not taken years late."""
    campaign = seed_campaign("000")
    start = at(dt.date(2021, 12, 3), dt.time(15, 0))
    with ChainRun(campaign, nominate=nominate, complete=complete, start=start) as run:
        n = run.nominate("jilin-gongjiang", orgs["jl-nky"], name=NAMES[0], honours=JILIN_HONOURS)
        run.submit([n])
        through_notices(run, [n])
        with pytest.raises(NominationError) as refused:
            review.forward_nominations(
                campaign,
                level="workplace",
                body=run.forwarding_body(n),
                actor=run.reviewer(run.forwarding_body(n)),
                order=[n.pk],
            )

    assert refused.value.code == "window"
    assert "2021-12-03 16:00（依据：转发通知）" in refused.value.message
    n.refresh_from_db()
    assert (n.state, n.level) == (NominationState.IN_REVIEW, "workplace")


def test_the_last_level_approves_after_every_deadline(changchun_run, orgs):
    """The city's forward is its approval (hand-over to expert review): no deadline."""
    with changchun_run(at(dt.date(2022, 10, 24), dt.time(10, 0))) as run:
        ns = [run.nominate("jishu-nengshou", orgs["cc-huarui-machinery"], name=NAMES[0])]
        run.submit(ns)
        run.run_level(ns)
        run.run_level(ns)
        run.move_to(dt.date(2023, 3, 1))
        run.run_level(ns)

    assert ns[0].state == NominationState.APPROVED
