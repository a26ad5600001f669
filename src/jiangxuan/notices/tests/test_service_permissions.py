"""The notices services refuse a wrong role themselves (docs/conventions.md 8.4: views and
the API declare, services enforce), whatever path calls them: only the campaign's office
runs its notices, objections and background checks; its leading group, another campaign's
office, a clerk of the nominating unit and the platform administrator (a superuser) do
nothing."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.notices import services
from jiangxuan.notices.enums import ObjectionOutcome, ObjectionState

from .conftest import at
from .factories import ObjectionFactory
from .test_services import open_city_notice

pytestmark = pytest.mark.django_db

WRONG_ROLES = ["leading_group", "other_office", "clerk", "superuser"]


def _wrong(role, jilin, weihai, role_user):
    if role == "leading_group":
        return role_user(jilin.organizer_unit, Role.LEADING_GROUP, campaign=jilin)
    if role == "other_office":
        return role_user(weihai.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=weihai)
    if role == "clerk":
        return role_user("cc-union", Role.CLERK)
    return role_user(None, None)


def _calls(jilin, office, nominees):
    """Each write service of notices, arranged by the office up to the step the user takes."""
    draft = open_city_notice(jilin, office, nominees[:1], publish=False)
    running = open_city_notice(jilin, office, nominees[1:2])
    received = ObjectionFactory(notice=running, nomination=nominees[1])
    assigned = ObjectionFactory(notice=running, nomination=nominees[1])
    services.assign_objection(assigned, assignee=office, actor=office)
    verified = ObjectionFactory(notice=running, nomination=nominees[1])
    services.assign_objection(verified, assignee=office, actor=office)
    services.record_finding(verified, actor=office, finding="经核查，反映情况不属实。")
    (check,) = services.request_background_checks(
        jilin, nominees[2:], stage="workplace", due_on=dt.date(2021, 10, 20), actor=office
    )
    return {
        "open_public_notice": lambda u: open_city_notice(jilin, u, nominees[2:]),
        "publish_public_notice": lambda u: services.publish_public_notice(draft, actor=u),
        "close_public_notice": lambda u: services.close_public_notice(running, actor=u),
        "assign_objection": lambda u: services.assign_objection(received, assignee=office, actor=u),
        "record_finding": lambda u: services.record_finding(
            assigned, actor=u, finding="经核查，反映情况不属实。"
        ),
        "answer_objection": lambda u: services.answer_objection(
            verified, actor=u, answer="反映情况不属实。", outcome=ObjectionOutcome.NO_EFFECT
        ),
        "request_background_checks": lambda u: services.request_background_checks(
            jilin, nominees[:1], stage="workplace", due_on=dt.date(2021, 10, 20), actor=u
        ),
        "record_background_opinion": lambda u: services.record_background_opinion(
            check, actor=u, opinion="无违法违纪记录。", adverse=False
        ),
    }


SERVICES = [
    "open_public_notice",
    "publish_public_notice",
    "close_public_notice",
    "assign_objection",
    "record_finding",
    "answer_objection",
    "request_background_checks",
    "record_background_opinion",
]


@pytest.mark.parametrize("role", WRONG_ROLES)
@pytest.mark.parametrize("service", SERVICES)
def test_only_the_campaigns_office_acts(jilin, weihai, office, nominees, role_user, service, role):
    with time_machine.travel(at(2021, 10, 8, 9), tick=False):
        calls = _calls(jilin, office, nominees)
        user = _wrong(role, jilin, weihai, role_user)
        entries = AuditEntry.objects.count()

        with pytest.raises(PermissionDenied) as excinfo:
            calls[service](user)

    assert "领导小组办公室" in str(excinfo.value)
    assert AuditEntry.objects.count() == entries


def test_the_assignee_records_the_finding_and_no_one_else(jilin, office, nominees, role_user):
    """notices.record_finding: the office, or the person it assigned the objection to (a
    clerk of the nominating unit here); another clerk of the same unit is refused."""
    assignee = role_user("cc-union", Role.CLERK)
    colleague = role_user("cc-union", Role.CLERK)
    with time_machine.travel(at(2021, 10, 8, 9), tick=False):
        notice = open_city_notice(jilin, office, nominees[:1])
        objection = ObjectionFactory(notice=notice, nomination=nominees[0])
        services.assign_objection(objection, assignee=assignee, actor=office)

        with pytest.raises(PermissionDenied):
            services.record_finding(objection, actor=colleague, finding="反映情况不属实。")
        services.record_finding(objection, actor=assignee, finding="经核查，反映情况不属实。")

    objection.refresh_from_db()
    assert (objection.state, objection.finding) == (
        ObjectionState.VERIFIED,
        "经核查，反映情况不属实。",
    )
