"""List pages run the same number of queries for any number of rows (docs/conventions.md 8.5)."""

import datetime as dt

import pytest
from django.urls import reverse

from ... import services
from ..factories import NomineeFactory, ObjectionFactory

pytestmark = pytest.mark.django_db
#: A cache miss: the version token, the notice (with campaign and body), its entries.
QUERIES_PUBLIC = 3
QUERIES_OFFICE_LIST = 9


def _notice(campaign, office, orgs, size):
    nominees = [
        NomineeFactory(campaign=campaign, nominating_unit=orgs["cc-union"]) for _ in range(size)
    ]
    return services.open_public_notice(
        campaign,
        stage="workplace",
        body=orgs["cc-union"],
        nominations=nominees,
        starts_on=dt.date(2021, 9, 30),
        actor=office,
    )


@pytest.mark.parametrize("size", [1, 3])
def test_public_detail_queries_fixed(client, jilin, office, orgs, size, django_assert_num_queries):
    notice = _notice(jilin, office, orgs, size)
    url = reverse("notices:public_detail", args=[notice.pk])

    with django_assert_num_queries(QUERIES_PUBLIC):
        response = client.get(url)

    assert response.content.decode().count('<li class="card entry">') == size

    # A second reader is served from the cache: the version token is remembered too.
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == response.content


@pytest.mark.parametrize("size", [1, 3])
def test_campaign_notices_queries_fixed(
    client, jilin, office, orgs, size, django_assert_num_queries
):
    for _ in range(size):
        ObjectionFactory(notice=_notice(jilin, office, orgs, 1))
    client.force_login(office)
    url = reverse("notices:campaign_notices", args=[jilin.code])

    with django_assert_num_queries(QUERIES_OFFICE_LIST):
        response = client.get(url)

    assert [n.open_objections for n in response.context["notices"]] == [1] * size
