"""The candidate page of a public notice: the published (consented) fields and the photo,
nothing else; the photo only while the nominee consents."""

import pytest
import time_machine
from django.urls import reverse

from jiangxuan.core.caching import PUBLIC_CACHE_CONTROL
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination

from .conftest import DURING_NOTICE
from .factories import PhotoFactory

pytestmark = pytest.mark.django_db


def test_candidate_page_shows_published_fields(client, notice, nominees):
    entry = notice.entries.get(position=1)

    with time_machine.travel(DURING_NOTICE, tick=False):
        response = client.get(reverse("notices:public_entry", args=[notice.pk, 1]))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == PUBLIC_CACHE_CONTROL
    assert f"<h1>{entry.published['name']}</h1>" in html
    assert entry.published["workplace_name"] in html
    assert reverse("notices:object", args=[notice.pk]) in html
    assert [v for v in (nominees[0].id_number, nominees[0].phone) if v and v in html] == []
    assert "<img" not in html


def test_candidate_page_linked_from_notice(client, notice):
    with time_machine.travel(DURING_NOTICE, tick=False):
        html = client.get(reverse("notices:public_detail", args=[notice.pk])).content.decode()

    assert reverse("notices:public_entry", args=[notice.pk, 1]) in html
    assert reverse("notices:public_entry", args=[notice.pk, 2]) in html


def test_candidate_photo_served_inline(client, notice, nominees):
    PhotoFactory(nomination=nominees[0])
    photo_url = reverse("notices:public_entry_photo", args=[notice.pk, 1])

    with time_machine.travel(DURING_NOTICE, tick=False):
        html = client.get(reverse("notices:public_entry", args=[notice.pk, 1])).content.decode()
        response = client.get(photo_url)

    assert f'src="{photo_url}"' in html
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert (
        "Content-Disposition" not in response or "attachment" not in response["Content-Disposition"]
    )
    assert response["Cache-Control"] == PUBLIC_CACHE_CONTROL


def test_candidate_photo_hidden_after_consent_withdrawn(client, notice, nominees):
    PhotoFactory(nomination=nominees[0])
    Nomination.objects.filter(pk=nominees[0].pk).update(publication_consent=False)

    with time_machine.travel(DURING_NOTICE, tick=False):
        response = client.get(reverse("notices:public_entry_photo", args=[notice.pk, 1]))

    assert response.status_code == 404


def test_candidate_without_photo_has_none(client, notice):
    with time_machine.travel(DURING_NOTICE, tick=False):
        response = client.get(reverse("notices:public_entry_photo", args=[notice.pk, 1]))

    assert response.status_code == 404


def test_candidate_of_revoked_nomination_not_found(client, notice, nominees):
    Nomination.objects.filter(pk=nominees[0].pk).update(state=NominationState.REVOKED)

    with time_machine.travel(DURING_NOTICE, tick=False):
        response = client.get(reverse("notices:public_entry", args=[notice.pk, 1]))

    assert response.status_code == 404


def test_candidate_of_draft_notice_not_found(
    client, all_seed_campaigns, jilin_office, nominees, orgs
):
    import datetime as dt

    from jiangxuan.notices import services

    draft = services.open_public_notice(
        all_seed_campaigns["000"],
        stage="workplace",
        body=orgs["cc-union"],
        nominations=nominees,
        starts_on=dt.date(2021, 9, 30),
        actor=jilin_office,
        publish=False,
    )

    assert client.get(reverse("notices:public_entry", args=[draft.pk, 1])).status_code == 404
