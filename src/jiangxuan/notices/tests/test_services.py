"""Notice services: end dates from the calendar, consent, closing, objections through to
revocation and penalty, background checks."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from jiangxuan.campaigns.steps import override_step
from jiangxuan.core.models import AuditEntry
from jiangxuan.nominations.enums import NominationState

from .. import selectors, services
from ..enums import (
    BackgroundCheckState,
    NoticeState,
    ObjectionOutcome,
    ObjectionState,
    PenaltyKind,
)
from ..models import DisciplinaryPenalty, NoticeEntry
from ..services import NoticeError
from .conftest import at
from .factories import NomineeFactory, ObjectionFactory

pytestmark = pytest.mark.django_db


def open_city_notice(campaign, office, nominations, starts_on=dt.date(2021, 9, 30), **kw):
    """Seed 000's workplace notice (5 working days, 不少于) held by 长春市总工会."""
    from jiangxuan.accounts.models import OrgUnit

    return services.open_public_notice(
        campaign,
        stage="workplace",
        body=OrgUnit.objects.get(code="cc-union"),
        nominations=nominations,
        starts_on=starts_on,
        actor=office,
        **kw,
    )


# --------------------------------------------------------------------------- opening


def test_open_notice_five_working_days_from_national_day_eve(jilin, office, nominees):
    notice = open_city_notice(jilin, office, nominees)

    assert notice.ends_on == dt.date(2021, 10, 12)  # 国庆假期, 10-09 调休上班
    assert (notice.days, notice.day_unit, notice.state) == (5, "working", NoticeState.RUNNING)
    assert notice.title == "第四届吉林工匠评选表彰所在单位公示"


def test_open_notice_social_notice_counts_calendar_days(weihai, weihai_office, orgs):
    """seed 003 二(二)6: “公示时间5天”, calendar days, held by the campaign (no body)."""
    nominee = NomineeFactory(campaign=weihai, nominating_unit=orgs["wh-union"])
    # The steps before 社会公示 (二(二)2-5) are not part of this test (issue 13).
    override_step(weihai, "social_notice", reason="只测公示天数", actor=weihai_office)

    notice = services.open_public_notice(
        weihai,
        stage="social_notice",
        body=None,
        nominations=[nominee],
        starts_on=dt.date(2023, 9, 29),
        actor=weihai_office,
    )

    assert notice.ends_on == dt.date(2023, 10, 3)
    assert notice.day_unit == "calendar"
    assert notice.where == "威海日报"


def test_open_notice_unknown_year_tells_admin_what_to_enter(jilin, office, nominees):
    with pytest.raises(NoticeError) as excinfo:
        open_city_notice(jilin, office, nominees, starts_on=dt.date(2027, 3, 1))

    assert excinfo.value.code == "calendar"
    assert excinfo.value.field == "starts_on"
    assert "2027年" in excinfo.value.message
    assert "工作日调整" in excinfo.value.message
    assert list(selectors.notices_of(jilin)) == []


def test_open_notice_leaves_out_nominees_without_consent(jilin, office, nominees):
    notice = open_city_notice(jilin, office, nominees)

    entries = list(NoticeEntry.objects.filter(notice=notice).order_by("position"))
    assert [e.published["name"] for e in entries] == ["王建国", "李秀英"]
    assert notice.withheld == [{"nomination": nominees[2].pk, "name": "赵不同意"}]
    assert set(entries[0].published) == set(selectors.PUBLISHED_FIELDS)
    audit = AuditEntry.objects.get(action="notice.open")
    assert audit.after["withheld"] == [nominees[2].pk]


def test_open_notice_stage_without_notice_refused(jilin, office, nominees):
    with pytest.raises(NoticeError) as excinfo:
        services.open_public_notice(
            jilin,
            stage="government_approval",
            body=None,
            nominations=nominees,
            starts_on=dt.date(2021, 9, 30),
            actor=office,
        )
    assert excinfo.value.field == "stage"


def test_open_notice_by_other_campaign_office_refused(jilin, weihai_office, nominees):
    with pytest.raises(PermissionDenied):
        open_city_notice(jilin, weihai_office, nominees)


def test_open_notice_withdrawn_nominee_refused(jilin, office, nominees):
    gone = NomineeFactory(campaign=jilin, state=NominationState.WITHDRAWN, name="已撤回")

    with pytest.raises(NoticeError) as excinfo:
        open_city_notice(jilin, office, [*nominees, gone])

    assert "已撤回" in excinfo.value.message


# --------------------------------------------------------------------------- closing


def test_close_notice_with_unresolved_objection_refused(jilin, office, nominees):
    notice = open_city_notice(jilin, office, nominees)
    ObjectionFactory(notice=notice, state=ObjectionState.VERIFIED)

    with (
        time_machine.travel(at(2021, 10, 20, 9), tick=False),
        pytest.raises(NoticeError) as excinfo,
    ):
        services.close_public_notice(notice, actor=office)

    assert excinfo.value.code == "conflict"
    assert "1件异议" in excinfo.value.message
    notice.refresh_from_db()
    assert notice.state == NoticeState.RUNNING
    assert notice.closed_at is None


@pytest.mark.parametrize(
    ("moment", "closes"),
    [(at(2021, 10, 12, 23, 59), False), (at(2021, 10, 13, 0, 0), True)],
)
def test_close_notice_only_after_end_date(jilin, office, nominees, moment, closes):
    notice = open_city_notice(jilin, office, nominees)
    answered = ObjectionFactory(notice=notice, state=ObjectionState.ANSWERED)

    with time_machine.travel(moment, tick=False):
        if closes:
            services.close_public_notice(notice, actor=office)
        else:
            with pytest.raises(NoticeError) as excinfo:
                services.close_public_notice(notice, actor=office)
            assert "2021-10-13起" in excinfo.value.message

    notice.refresh_from_db()
    answered.refresh_from_db()
    assert notice.state == (NoticeState.CLOSED if closes else NoticeState.RUNNING)
    assert answered.state == (ObjectionState.CLOSED if closes else ObjectionState.ANSWERED)


# --------------------------------------------------------------------------- objections


def test_file_objection_anonymous_drops_contact(jilin, office, nominees):
    notice = open_city_notice(jilin, office, nominees)

    with time_machine.travel(at(2021, 10, 8, 10), tick=False):
        objection = services.file_objection(
            notice,
            text="该同志的获奖证书系伪造。",
            nomination=nominees[0],
            anonymous=True,
            contact_name="张三",
            contact_phone="13900001111",
        )

    assert (objection.anonymous, objection.contact_name, objection.contact_phone) == (
        True,
        "",
        "",
    )
    assert objection.state == ObjectionState.RECEIVED


def test_file_objection_after_period_refused(jilin, office, nominees):
    notice = open_city_notice(jilin, office, nominees)

    with (
        time_machine.travel(at(2021, 10, 13, 8), tick=False),
        pytest.raises(NoticeError) as excinfo,
    ):
        services.file_objection(notice, text="异议")

    assert excinfo.value.code == "conflict"
    assert notice.objections.count() == 0


def test_file_objection_phone_encrypted_at_rest(jilin, office, nominees):
    from django.db import connection

    notice = open_city_notice(jilin, office, nominees)
    with time_machine.travel(at(2021, 10, 8, 10), tick=False):
        objection = services.file_objection(
            notice, text="反映问题", contact_name="张三", contact_phone="139 0000 1111"
        )

    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM notices_objection WHERE id = %s", [objection.pk])
        (raw,) = cursor.fetchone()
    assert "13900001111" not in raw
    objection.refresh_from_db()
    assert objection.contact_phone == "13900001111"


def _verified(notice, office, nomination, *, falsified):
    objection = ObjectionFactory(notice=notice, nomination=nomination)
    services.assign_objection(objection, assignee=office, actor=office)
    return services.record_finding(
        objection, actor=office, finding="经核查，所报竞赛获奖证书系伪造。", falsified=falsified
    )


def test_answer_objection_revoked_for_falsification_records_penalty(
    jilin, office, nominees, seed_campaign
):
    notice = open_city_notice(jilin, office, nominees)
    objection = _verified(notice, office, nominees[0], falsified=True)

    services.answer_objection(
        objection,
        actor=office,
        answer="经查实弄虚作假，撤销推荐资格，不得递补。",
        outcome=ObjectionOutcome.NOMINATION_REVOKED,
        penalty_kind=PenaltyKind.REDUCE_QUOTA,
        penalty_amount=2,
    )

    nominees[0].refresh_from_db()
    assert nominees[0].state == NominationState.REVOKED
    assert [e.published["name"] for e in selectors.public_entries(notice)] == ["李秀英"]
    penalty = DisciplinaryPenalty.objects.get()
    assert (penalty.unit.code, penalty.series, penalty.no_substitute) == (
        "cc-union",
        "jilin-gongjiang",
        True,
    )
    unit = nominees[0].nominating_unit
    assert selectors.penalty_quota_reduction(unit, "jilin-gongjiang") == 2
    assert selectors.unit_barred(unit, "jilin-gongjiang") is False
    assert selectors.penalty_quota_reduction(unit, "changchun-jineng") is None
    objection.refresh_from_db()
    assert (objection.state, objection.outcome) == (ObjectionState.ANSWERED, "nomination_revoked")


def test_penalty_lose_next_edition_applies_to_next_edition_only(jilin, office, nominees):
    from jiangxuan.campaigns.models import Campaign

    notice = open_city_notice(jilin, office, nominees)
    objection = _verified(notice, office, nominees[0], falsified=True)
    services.answer_objection(
        objection,
        actor=office,
        answer="查实伪造身份。",
        outcome=ObjectionOutcome.NOMINATION_REVOKED,
        penalty_kind=PenaltyKind.LOSE_NEXT_EDITION,
    )
    unit = nominees[0].nominating_unit

    def edition(year):
        return Campaign(series="jilin-gongjiang", year=year, code=f"jl-{year}")

    assert selectors.unit_barred(unit, "jilin-gongjiang") is True
    assert selectors.unit_barred(unit, "jilin-gongjiang", for_campaign=edition(2023)) is True
    assert selectors.unit_barred(unit, "jilin-gongjiang", for_campaign=jilin) is False
    assert selectors.penalty_quota_reduction(unit, "jilin-gongjiang") is None


def test_answer_falsification_without_penalty_refused_nothing_changes(jilin, office, nominees):
    notice = open_city_notice(jilin, office, nominees)
    objection = _verified(notice, office, nominees[0], falsified=True)

    with pytest.raises(NoticeError) as excinfo:
        services.answer_objection(
            objection, actor=office, answer="撤销。", outcome=ObjectionOutcome.NOMINATION_REVOKED
        )

    assert excinfo.value.field == "penalty_kind"
    nominees[0].refresh_from_db()
    assert nominees[0].state == NominationState.IN_REVIEW
    assert DisciplinaryPenalty.objects.count() == 0


def test_answer_objection_withdrawn(jilin, office, orgs):
    submitted = NomineeFactory(campaign=jilin, state=NominationState.SUBMITTED)
    notice = open_city_notice(jilin, office, [submitted])
    objection = _verified(notice, office, submitted, falsified=False)

    services.answer_objection(
        objection,
        actor=office,
        answer="推荐单位主动撤回。",
        outcome=ObjectionOutcome.NOMINATION_WITHDRAWN,
    )

    submitted.refresh_from_db()
    assert submitted.state == NominationState.WITHDRAWN
    assert DisciplinaryPenalty.objects.count() == 0


def test_answer_objection_transition_refused_nothing_changes(jilin, office, nominees):
    """The workflow does not let a nomination in review be withdrawn: the answer is
    refused with the workflow's reason and the objection stays verified."""
    notice = open_city_notice(jilin, office, nominees)
    objection = _verified(notice, office, nominees[1], falsified=False)

    with pytest.raises(NoticeError) as excinfo:
        services.answer_objection(
            objection,
            actor=office,
            answer="撤回。",
            outcome=ObjectionOutcome.NOMINATION_WITHDRAWN,
        )

    assert excinfo.value.code == "conflict"
    assert "不能撤回" in excinfo.value.message
    objection.refresh_from_db()
    nominees[1].refresh_from_db()
    assert (objection.state, nominees[1].state) == (ObjectionState.VERIFIED, "in_review")


def test_answer_before_finding_refused(jilin, office, nominees):
    notice = open_city_notice(jilin, office, nominees)
    objection = ObjectionFactory(notice=notice, nomination=nominees[0])

    with pytest.raises(NoticeError) as excinfo:
        services.answer_objection(
            objection, actor=office, answer="无", outcome=ObjectionOutcome.NO_EFFECT
        )

    assert excinfo.value.code == "conflict"
    objection.refresh_from_db()
    assert objection.state == ObjectionState.RECEIVED


def test_assign_objection_to_unrelated_user_refused(jilin, office, nominees, weihai_office):
    notice = open_city_notice(jilin, office, nominees)
    objection = ObjectionFactory(notice=notice, nomination=nominees[0])

    with pytest.raises(NoticeError) as excinfo:
        services.assign_objection(objection, assignee=weihai_office, actor=office)

    assert excinfo.value.field == "assignee"


def test_objection_rate_limit_per_address():
    results = [services.objection_rate_exceeded("203.0.113.7") for _ in range(6)]

    assert results == [False] * 5 + [True]
    assert services.objection_rate_exceeded("203.0.113.8") is False


# --------------------------------------------------------------------------- background checks


def _checks(campaign, office, nominations):
    return services.request_background_checks(
        campaign,
        nominations,
        stage="workplace",
        due_on=dt.date(2021, 10, 20),
        actor=office,
    )


def test_request_background_checks_uses_specification(jilin, office, nominees):
    with time_machine.travel(at(2021, 10, 8, 9), tick=False):
        checks = _checks(jilin, office, nominees[:2])
        again = _checks(jilin, office, nominees)

    assert [(c.department_name, c.question) for c in checks] == [("公安部门", "公安部门意见")] * 2
    assert checks[0].form_title == "第四届吉林工匠推荐评选征求意见表"
    assert [c.nomination for c in again] == [nominees[2]]


def test_request_background_checks_stage_without_check_refused(weihai, weihai_office, orgs):
    nominee = NomineeFactory(campaign=weihai, nominating_unit=orgs["wh-union"])

    with pytest.raises(NoticeError) as excinfo:
        services.request_background_checks(
            weihai,
            [nominee],
            stage="social_notice",
            due_on=dt.date(2099, 1, 1),
            actor=weihai_office,
        )

    assert excinfo.value.field == "stage"


def test_adverse_background_opinion_stops_nomination(jilin, office, nominees):
    with time_machine.travel(at(2021, 10, 8, 9), tick=False):
        (check,) = _checks(jilin, office, nominees[:1])
    services.record_background_opinion(
        check, actor=office, opinion="该同志有违法犯罪记录。", adverse=True
    )

    nominees[0].refresh_from_db()
    assert nominees[0].state == NominationState.REJECTED
    check.refresh_from_db()
    assert (check.state, check.nomination_stopped, check.stop_note) == (
        BackgroundCheckState.ANSWERED,
        True,
        "",
    )


def test_adverse_background_opinion_on_approved_nomination_revokes_it(jilin, office, orgs):
    """Issue 13 changed this: an adverse opinion takes effect at any stage, including after
    approval (it used to be recorded with a note for the office only)."""
    approved = NomineeFactory(campaign=jilin, state=NominationState.APPROVED)
    with time_machine.travel(at(2021, 10, 8, 9), tick=False):
        (check,) = _checks(jilin, office, [approved])

    services.record_background_opinion(check, actor=office, opinion="有违纪记录。", adverse=True)

    approved.refresh_from_db()
    assert approved.state == NominationState.REVOKED
    check.refresh_from_db()
    assert check.adverse is True
    assert check.nomination_stopped is True
    assert "已撤销推荐资格" in check.stop_note


def test_favourable_background_opinion_keeps_nomination(jilin, office, nominees):
    with time_machine.travel(at(2021, 10, 8, 9), tick=False):
        (check,) = _checks(jilin, office, nominees[:1])

    services.record_background_opinion(
        check, actor=office, opinion="无违法犯罪记录。", adverse=False
    )

    nominees[0].refresh_from_db()
    assert nominees[0].state == NominationState.IN_REVIEW
