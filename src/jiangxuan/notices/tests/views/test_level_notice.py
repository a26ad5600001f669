"""The level notice page: a body that signs at a review level opens its level's notice of
the nominations that completed the level there, and runs it from the notice's page;
another workplace gets 404 on both (issue 12.4; seed 000 四1)."""

import pytest
import time_machine
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.api.tests.conftest import ApiClient
from jiangxuan.nominations.enums import NominationState

from ... import services
from ...enums import NoticeState
from ...models import PublicNotice
from ..conftest import at
from ..factories import NomineeFactory

pytestmark = pytest.mark.django_db


def api(user) -> ApiClient:
    return ApiClient(issue_api_token(user, name="test", scope="read_write"))


@pytest.fixture
def ready(jilin, orgs):
    """Two 华锐 nominees that completed the workplace level, and one still at it."""
    make = [("王建国", True), ("李秀英", True), ("张未完", False)]
    return [
        NomineeFactory(
            campaign=jilin,
            nominating_unit=orgs["cc-union"],
            workplace=orgs["cc-huarui-machinery"],
            name=name,
            level="workplace",
            level_ready=level_ready,
            state=NominationState.IN_REVIEW,
        )
        for name, level_ready in make
    ]


def _open_url(jilin, body):
    return reverse("notices:level_open", args=["workplace", body.pk]) + f"?campaign={jilin.code}"


def test_the_workplace_opens_its_level_notice_and_runs_it(client, jilin, orgs, ready, role_user):
    workplace = orgs["cc-huarui-machinery"]
    reviewer = role_user(workplace, Role.REVIEWER)
    url = _open_url(jilin, workplace)

    with time_machine.travel(at(2021, 9, 29, 9), tick=False) as traveller:
        client.force_login(reviewer)
        page = client.get(url)
        posted = client.post(
            url, {"starts_on": "2021-09-30", "title": "", "nominations": [ready[0].pk]}
        )
        notice = PublicNotice.objects.get()
        manage = client.get(reverse("notices:manage", args=[notice.pk]))
        traveller.move_to(at(2021, 10, 13, 9))
        client.force_login(reviewer)
        closed = client.post(reverse("notices:close", args=[notice.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert ("王建国" in html, "李秀英" in html, "张未完" in html) == (True, True, False)
    assert posted["Location"] == reverse("notices:manage", args=[notice.pk])
    assert (notice.stage, notice.body, notice.opened_by) == ("workplace", workplace, reviewer)
    assert [e.nomination for e in notice.entries.all()] == [ready[0]]
    assert manage.status_code == 200
    office_list = reverse("notices:campaign_notices", args=[jilin.code])
    manage_html = manage.content.decode()
    # The body runs the notice from its level page; the office's list is not its page.
    assert ("结束公示" in manage_html, url in manage_html, office_list in manage_html) == (
        True,
        True,
        False,
    )
    assert closed["Location"] == reverse("notices:manage", args=[notice.pk])
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED


def test_another_workplace_gets_404(client, jilin, office, orgs, ready, role_user):
    workplace = orgs["cc-huarui-machinery"]
    with time_machine.travel(at(2021, 9, 29, 9), tick=False):
        notice = services.open_public_notice(
            jilin,
            stage="workplace",
            body=workplace,
            nominations=ready[:1],
            starts_on=at(2021, 9, 30).date(),
            actor=office,
        )
    client.force_login(role_user("cc-jdyy", Role.REVIEWER))

    statuses = [
        client.get(_open_url(jilin, workplace)).status_code,
        client.post(_open_url(jilin, workplace), {"starts_on": "2021-09-30"}).status_code,
        client.get(reverse("notices:manage", args=[notice.pk])).status_code,
        client.post(reverse("notices:close", args=[notice.pk])).status_code,
    ]

    assert statuses == [404] * 4
    assert PublicNotice.objects.count() == 1
    notice.refresh_from_db()
    assert notice.state == NoticeState.RUNNING


def test_the_workplace_opens_its_level_notice_through_the_api(jilin, orgs, ready, role_user):
    workplace = orgs["cc-huarui-machinery"]
    reviewer = role_user(workplace, Role.REVIEWER)
    stranger = role_user(orgs["cc-yatai-heat"], Role.REVIEWER)
    path = f"/review/levels/workplace/{workplace.pk}/notices"
    payload = {"campaign": jilin.code, "starts_on": "2021-09-30", "nominations": [ready[0].pk]}

    with time_machine.travel(at(2021, 9, 29, 9), tick=False):
        not_ready = api(reviewer).post(path, {**payload, "nominations": [ready[2].pk]})
        refused = api(stranger).post(path, payload)
        opened = api(reviewer).post(path, payload)

    assert not_ready.status_code == 400
    assert refused.status_code == 404
    assert opened.status_code == 201, opened.content
    notice = PublicNotice.objects.get()
    assert (notice.stage, notice.body, notice.opened_by) == ("workplace", workplace, reviewer)
    assert opened.json()["id"] == notice.pk
    assert [e.nomination for e in notice.entries.all()] == [ready[0]]
