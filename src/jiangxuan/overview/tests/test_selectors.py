"""The overview's reads: counts, quota fill, sign-offs waiting, notices, objections and
background checks."""

import datetime as dt
import json

import pytest

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.selectors import units_for_extension
from jiangxuan.nominations import review
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, Forwarding, Nomination
from jiangxuan.nominations.services import quota_usage
from jiangxuan.nominations.tests.factories import NominationFactory
from jiangxuan.notices.enums import BackgroundCheckState, NoticeState, ObjectionState
from jiangxuan.notices.models import PublicNotice

from ..selectors import campaign_overview, chart_data
from .conftest import at, member

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 8, 12, 0)


def _nonzero(tally, columns) -> dict[str, dict[str, int]]:
    return {
        row.name: {c.key: n for c, n in zip(columns, row.counts, strict=True) if n}
        for row in tally.rows
    }


def test_counts_per_unit_and_level(jilin, in_motion):
    in_motion(3)

    overview = campaign_overview(jilin, now=NOW)

    (tally,) = overview.awards
    assert tally.award.name == "吉林工匠"
    assert _nonzero(tally, overview.columns) == {
        "长春市总工会": {"draft": 2, "city": 2, "province": 1},
        "吉林市总工会": {"draft": 1, "city": 1},
    }
    assert (tally.total, overview.live_count) == (7, 4)


def test_counts_put_states_in_their_columns(jilin, orgs):
    unit = orgs["cc-union"]
    for state in ("returned", "approved", "withdrawn", "rejected", "revoked"):
        NominationFactory(campaign=jilin, nominating_unit=unit, state=state, level="city")

    overview = campaign_overview(jilin, now=NOW)

    assert _nonzero(overview.awards[0], overview.columns) == {
        "长春市总工会": {"returned": 1, "approved": 1, "ended": 3}
    }
    assert [c.key for c in overview.columns] == [
        "draft",
        "workplace",
        "city",
        "province",
        "returned",
        "approved",
        "ended",
    ]


def test_waiting_names_the_body_that_has_not_signed(jilin, in_motion):
    motion = in_motion(1)

    (row,) = campaign_overview(jilin, now=NOW).waiting

    assert row.nomination == motion.at_city[0]
    assert row.level.code == "city"
    assert [(w.signer, w.name) for w in row.waiting] == [("union", "长春市总工会")]
    assert row.since == at(2026, 11, 5, 10, 0)
    assert (row.waited_days, row.waited_hours) == (3, 2)


def test_waiting_runs_from_a_resubmission_after_the_forwarding(jilin, in_motion):
    motion = in_motion(1)
    Nomination.objects.filter(pk=motion.at_city[0].pk).update(submitted_at=at(2026, 11, 7, 8, 0))

    (row,) = campaign_overview(jilin, now=NOW).waiting

    assert (row.since, row.waited_days, row.waited_hours) == (at(2026, 11, 7, 8, 0), 1, 4)


def test_waiting_lists_the_oldest_first(jilin, in_motion):
    motion = in_motion(3)

    waiting = campaign_overview(jilin, now=NOW).waiting

    assert [row.nomination for row in waiting] == motion.at_city
    assert [row.since.day for row in waiting] == [5, 6, 7]


def test_waiting_counts_only_opinions_of_the_current_round(jilin, in_motion):
    motion = in_motion(1)
    Nomination.objects.filter(pk=motion.at_city[0].pk).update(review_round=2)

    (row,) = campaign_overview(jilin, now=NOW).waiting

    assert [w.name for w in row.waiting] == ["长春市人力资源和社会保障局", "长春市总工会"]


def test_waiting_drops_a_level_once_every_body_approved(jilin, in_motion, orgs):
    motion = in_motion(1)
    union_reviewer = member(orgs["cc-union"], Role.REVIEWER)
    review.sign_off(
        motion.at_city[0], actor=union_reviewer, signer="union", decision=Decision.APPROVE
    )

    assert campaign_overview(jilin, now=NOW).waiting == []


@pytest.mark.parametrize("number", ["000", "001"])
def test_quota_fill_matches_quota_usage(seed_campaign, orgs, number):
    campaign = seed_campaign(number)
    units = units_for_extension(campaign)
    forwarder = member(orgs["cc-hrss"], Role.REVIEWER)
    awards = list(campaign.awards.order_by("position"))
    for i, unit in enumerate(units[:3]):
        for j in range(i + 1):
            n = NominationFactory(
                campaign=campaign,
                award=awards[j % len(awards)],
                nominating_unit=unit,
                state=NominationState.WITHDRAWN if j == 2 else NominationState.IN_REVIEW,
            )
            Forwarding.objects.create(
                nomination=n,
                level="x",
                body=unit,
                rank=j + 1,
                quota_unit=unit,
                forwarded_by=forwarder,
            )

    rows = campaign_overview(campaign, now=NOW).quotas

    assert [u.pk for u in dict.fromkeys(r.unit for r in rows)] == [u.pk for u in units]
    for unit in units:
        assert [r.usage for r in rows if r.unit == unit] == quota_usage(campaign, unit)
    # 1, 2 and 3 forwarded by the first three units, one of them since withdrawn.
    assert sum(r.usage.used for r in rows) == 5


def test_quota_status(jilin, in_motion):
    in_motion(1)

    rows = {r.unit.code: r for r in campaign_overview(jilin, now=NOW).quotas}

    assert (rows["cc-union"].usage.used, rows["cc-union"].status) == (1, "below")
    assert (rows["cc-union"].usage.minimum, rows["cc-union"].usage.maximum) == (5, 10)
    assert rows["jlc-union"].usage.used == 0


def test_running_notices_and_open_objections(jilin, in_motion, office):
    motion = in_motion(2)
    answered = motion.notice.objections.order_by("id").first()
    answered.state = ObjectionState.ANSWERED
    answered.save(update_fields=["state"])
    PublicNotice.objects.create(
        campaign=jilin,
        stage="workplace",
        title="已结束的公示",
        starts_on=dt.date(2026, 11, 2),
        days=5,
        day_unit="working",
        ends_on=dt.date(2026, 11, 6),
        state=NoticeState.CLOSED,
        opened_by=office,
    )

    overview = campaign_overview(jilin, now=NOW)

    assert [(n.pk, n.entry_count, n.open_objections) for n in overview.notices] == [
        (motion.notice.pk, 2, 1)
    ]
    assert [o.nomination for o in overview.objections] == [motion.at_city[1]]
    assert overview.open_objection_count == 1


def test_background_checks_overdue_by_the_date_in_shanghai(jilin, in_motion):
    motion = in_motion(2)
    answered = motion.checks[1]
    answered.state = BackgroundCheckState.ANSWERED
    answered.save(update_fields=["state"])

    # 00:30 on the 21st in Shanghai is still the 20th in UTC: due on the 20th is overdue.
    late = campaign_overview(jilin, now=at(2026, 11, 21, 0, 30))
    on_time = campaign_overview(jilin, now=at(2026, 11, 20, 23, 30))

    assert (late.today, late.checks_requested, late.checks_overdue) == (
        dt.date(2026, 11, 21),
        1,
        [motion.checks[0]],
    )
    assert (on_time.checks_requested, on_time.checks_overdue) == (1, [])


def test_chart_data_shape(jilin, in_motion):
    in_motion(1)

    data = chart_data(campaign_overview(jilin, now=NOW))

    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"nominations", "quotas", "labels"}
    (nominations,) = data["nominations"]
    assert nominations["award"] == "吉林工匠"
    assert nominations["units"] == ["长春市总工会"]
    assert [(s["key"], s["tone"], s["shade"], s["data"]) for s in nominations["series"]] == [
        ("draft", "draft", None, [1]),
        ("city", "level", 1, [1]),
        ("province", "level", 2, [1]),
    ]
    (quotas,) = data["quotas"]
    assert quotas["title"] == "各奖项合计"
    assert len(quotas["units"]) == len(quotas["used"]) == len(quotas["maximum"]) > 1
    assert dict(zip(quotas["units"], quotas["used"], strict=True))["长春市总工会"] == 1
    assert set(quotas["minimum"]) == {5}
    assert set(quotas["maximum"]) == {10}
    assert set(data["labels"]) == {"used", "remaining", "minimum"}
