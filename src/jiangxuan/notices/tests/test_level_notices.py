"""Each level runs its own public notice (issue 12.4; seed 000 四1: the workplace publicises
its nominee for 5 working days): a body that signs at a review level opens, publishes and
closes that level's notice of the nominations it signs for there (``notices.run_notice``);
other bodies are refused, a level's body holds no other stage's notice, and the campaign
office keeps every stage."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit
from jiangxuan.core.models import AuditEntry
from jiangxuan.nominations.models import LevelClearance
from jiangxuan.notices import services
from jiangxuan.notices.enums import NoticeState
from jiangxuan.notices.models import PublicNotice

from .conftest import at

pytestmark = pytest.mark.django_db

START = dt.date(2021, 9, 30)


@pytest.fixture
def huarui_union(orgs):
    """The own union of 长春华锐精密机械有限公司: seed 000's ``workplace_union`` signer."""
    workplace = OrgUnit.objects.get(code="cc-huarui-machinery")
    return OrgUnit.objects.add_child(
        workplace,
        {
            "code": "cc-huarui-union",
            "name": "长春华锐精密机械有限公司工会",
            "kind": "union",
            "level": "workplace",
        },
    )


def _open(campaign, actor, body, nominations, stage="workplace", **kw):
    with time_machine.travel(at(2021, 9, 29, 9), tick=False):
        return services.open_public_notice(
            campaign,
            stage=stage,
            body=body,
            nominations=nominations,
            starts_on=START,
            actor=actor,
            **kw,
        )


def test_the_workplace_union_runs_its_level_notice(jilin, nominees, huarui_union, role_user):
    union_user = role_user(huarui_union, Role.REVIEWER)

    notice = _open(jilin, union_user, huarui_union, nominees[:2], publish=False)
    with time_machine.travel(at(2021, 9, 29, 10), tick=False):
        services.publish_public_notice(notice, actor=union_user)
    with time_machine.travel(at(2021, 10, 13, 9), tick=False):
        services.close_public_notice(notice, actor=union_user)

    notice.refresh_from_db()
    assert (notice.stage, notice.body, notice.opened_by, notice.state) == (
        "workplace",
        huarui_union,
        union_user,
        NoticeState.CLOSED,
    )
    assert [e.nomination for e in notice.entries.order_by("position")] == nominees[:2]
    assert list(
        AuditEntry.objects.filter(action__startswith="notice.")
        .order_by("id")
        .values_list("action", "actor_role")
    ) == [("notice.open", "reviewer"), ("notice.publish", "reviewer"), ("notice.close", "reviewer")]
    cleared = LevelClearance.objects.filter(level="workplace", kind="notice")
    assert sorted(cleared.values_list("nomination_id", flat=True)) == [n.pk for n in nominees[:2]]


def test_another_workplaces_user_is_refused(jilin, office, nominees, huarui_union, role_user, orgs):
    """A reviewer of 吉林大学第一医院 neither holds the notice of 华锐's nominees in its own
    name nor in 华锐 union's, nor publishes or closes the union's notice."""
    other = role_user("cc-jdyy", Role.REVIEWER)
    draft = _open(jilin, office, huarui_union, nominees[:1], publish=False)
    running = _open(jilin, office, huarui_union, nominees[1:2])
    count = PublicNotice.objects.count()

    for body in (orgs["cc-jdyy"], huarui_union):
        with pytest.raises(PermissionDenied) as excinfo:
            _open(jilin, other, body, nominees[:2])
        assert "签署意见的单位" in str(excinfo.value)
    with pytest.raises(PermissionDenied):
        services.publish_public_notice(draft, actor=other)
    with time_machine.travel(at(2021, 10, 13, 9), tick=False), pytest.raises(PermissionDenied):
        services.close_public_notice(running, actor=other)

    assert PublicNotice.objects.count() == count
    draft.refresh_from_db()
    running.refresh_from_db()
    assert (draft.state, running.state) == (NoticeState.DRAFT, NoticeState.RUNNING)


def test_a_workplace_user_holds_no_other_stage(jilin, nominees, huarui_union, role_user, orgs):
    """Only the level where the union signs: not the city level (in its own name or the
    city union's), not the social notice; and the city union may not hold the workplace's."""
    union_user = role_user(huarui_union, Role.REVIEWER)
    city_union = role_user("cc-union", Role.REVIEWER)

    attempts = [
        (union_user, huarui_union, "city"),
        (union_user, orgs["cc-union"], "city"),
        (union_user, huarui_union, "social_notice"),
        (city_union, orgs["cc-union"], "workplace"),
    ]
    for actor, body, stage in attempts:
        with pytest.raises(PermissionDenied):
            _open(jilin, actor, body, nominees[:2], stage=stage)

    assert PublicNotice.objects.count() == 0


def test_the_office_still_opens_a_levels_notice(jilin, office, nominees, huarui_union):
    notice = _open(jilin, office, huarui_union, nominees[:2])

    assert (notice.body, notice.opened_by, notice.state) == (
        huarui_union,
        office,
        NoticeState.RUNNING,
    )
    entry = AuditEntry.objects.get(action="notice.open")
    assert entry.actor_role == Role.CAMPAIGN_OFFICE
