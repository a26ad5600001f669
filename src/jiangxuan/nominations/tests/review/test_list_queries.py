"""Lists at scale (issue 17.3): the reviewer's work queue (page and API) and the
nomination list (page and API) make the same number of queries for 3 and for 30
nominations, and the queue is paged (bench/list_speed.py times them at 20,000).

One 威海工匠 nomination is made through the services up to the district (seed 003:
union and HR bureau sign there), its union's opinion given; the others are copies of it
(same campaign, award, units, level, a forwarding from the workplace and the union's
opinion each), so that every row of the queue has a signed and a waiting body.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.documents.tests.helpers import xlsx_sheet
from jiangxuan.nominations import review, views_review
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, Forwarding, SignOff
from jiangxuan.nominations.tests.factories import NominationFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("nominations:review_queue")
LIST = reverse("nominations:list")


@pytest.fixture
def waiting(weihai_at_district, weihai_people):
    """``waiting(count)``: ``count`` nominations waiting at the district for its HR
    bureau, the district union having approved (the first made through the services)."""
    made = []

    def grow(count):
        if not made:
            n = weihai_at_district(name="原件")
            union = weihai_people["district_union"]
            review.sign_off(n, actor=union, signer="union", decision=Decision.APPROVE)
            made.append(n)
        first = made[0]
        opinion = SignOff.objects.get(nomination=first, level=first.level)
        forwarding = Forwarding.objects.get(nomination=first)
        while len(made) < count:
            copy = NominationFactory.create(
                campaign=first.campaign,
                award=first.award,
                channel=first.channel,
                nominating_unit=first.nominating_unit,
                workplace=first.workplace,
                created_by=first.created_by,
                state=first.state,
                level=first.level,
                submitted_at=first.submitted_at,
                name=f"候选人{len(made)}",
            )
            Forwarding.objects.create(
                nomination=copy,
                level=forwarding.level,
                body=forwarding.body,
                rank=len(made),
                forwarded_by=forwarding.forwarded_by,
            )
            SignOff.objects.create(
                nomination=copy,
                level=opinion.level,
                round=opinion.round,
                signer=opinion.signer,
                body=opinion.body,
                decision=opinion.decision,
                decided_by=opinion.decided_by,
            )
            made.append(copy)
        return made

    return grow


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def _api(user):
    return Client(headers={"Authorization": f"Bearer {issue_api_token(user, name='t')}"})


def test_review_queue_page_queries_same_for_3_and_30(client, waiting, weihai_people):
    waiting(3)
    client.force_login(weihai_people["district_hr"])
    client.get(QUEUE)  # the session's first request saves it
    three, _page = _queries(client, QUEUE)
    waiting(30)

    thirty, response = _queries(client, QUEUE)

    items = [item for group, _received in response.context["groups"] for item in group.items]
    assert len(items) == 30
    assert all(item.to_sign and item.signed for item in items)
    assert thirty == three


def test_review_queue_api_queries_same_for_3_and_30(waiting, weihai_people):
    api = _api(weihai_people["district_hr"])
    waiting(3)
    api.get("/api/v1/review/queue")  # the token's last use is written once a minute
    three, _response = _queries(api, "/api/v1/review/queue")
    waiting(30)

    thirty, response = _queries(api, "/api/v1/review/queue")

    body = response.json()
    assert len(body) == 30
    assert all(row["signed"] and row["can_sign_as"] for row in body)
    assert thirty == three


def test_review_queue_is_paged_oldest_first(client, waiting, weihai_people, monkeypatch):
    made = waiting(5)
    monkeypatch.setattr(views_review, "QUEUE_PAGE_SIZE", 2)
    client.force_login(weihai_people["district_hr"])

    pages = [client.get(QUEUE, {"page": number}) for number in (1, 2, 3)]

    shown = [
        [item.nomination.pk for group, _r in page.context["groups"] for item in group.items]
        for page in pages
    ]
    assert shown == [[n.pk for n in made[i : i + 2]] for i in (0, 2, 4)]
    html = pages[1].content.decode()
    assert "第 2 / 3 页" in html
    assert 'href="?page=1"' in html
    assert 'href="?page=3"' in html
    assert "共 5 名推荐等待审核" in html


def test_review_queue_lists_nothing_for_a_body_of_another_level(client, waiting, weihai_people):
    waiting(3)
    client.force_login(weihai_people["city_hr"])

    response = client.get(QUEUE)

    assert response.context["groups"] == []
    assert "目前没有等待您签署意见的推荐。" in response.content.decode()


def test_nomination_list_queries_same_for_3_and_30(client, waiting, weihai_people):
    waiting(3)
    client.force_login(weihai_people["district_hr"])
    client.get(LIST)
    three, _page = _queries(client, LIST)
    waiting(30)

    thirty, response = _queries(client, LIST)

    assert len(response.context["page"].object_list) == 30
    assert thirty == three


def test_nomination_list_api_queries_same_for_3_and_30(waiting, weihai_people):
    api = _api(weihai_people["district_hr"])
    waiting(3)
    api.get("/api/v1/nominations")
    three, _response = _queries(api, "/api/v1/nominations?page_size=50")
    waiting(30)

    thirty, response = _queries(api, "/api/v1/nominations?page_size=50")

    assert response.json()["count"] == 30
    assert thirty == three


def test_forward_summary_sheet_queries_same_for_3_and_30(client, seed_campaign, make_user, orgs):
    """The level's summary sheet (汇总表) of what 朝阳区人社局 forwarded to the city."""
    campaign = seed_campaign("001")
    county = orgs["cc-chaoyang-hrss"]
    reviewer = make_user("cc-chaoyang-hrss", Role.REVIEWER)
    url = reverse("nominations:forward_summary", args=["nominating-unit", county.pk])
    url += f"?campaign={campaign.code}"

    def forwarded(count):
        for rank in range(Forwarding.objects.count() + 1, count + 1):
            n = NominationFactory.create(
                campaign=campaign,
                nominating_unit=county,
                workplace=orgs["cc-huarui-machinery"],
                state=NominationState.IN_REVIEW,
                level="city",
            )
            Forwarding.objects.create(
                nomination=n, level="nominating-unit", body=county, rank=rank, forwarded_by=reviewer
            )

    forwarded(3)
    client.force_login(reviewer)
    client.get(url)  # the session's first request saves it
    three, _response = _queries(client, url)
    forwarded(30)

    thirty, response = _queries(client, url)

    assert xlsx_sheet(b"".join(response.streaming_content)).max_row >= 30
    assert thirty == three
