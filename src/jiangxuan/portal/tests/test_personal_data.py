"""No public page or JSON carries an ID number, a mobile number or a bank account
(docs/security.md checks 9 and 21; PIPL §25), even though every nominee here has all three on
file: the portal, the campaign pages, the notice list, notice pages, candidate pages,
the notice JSON and the published decision."""

import pytest
import time_machine
from django.urls import reverse

from jiangxuan.nominations.models import Nomination
from jiangxuan.notices.models import PublicNotice
from jiangxuan.notices.tests.conftest import BANK_RE, ID_RE, MOBILE_RE

from .conftest import DURING_NOTICE

pytestmark = pytest.mark.django_db


def _public_urls(campaigns, decision) -> list[str]:
    urls = [reverse("portal:index"), reverse("notices:public_list")]
    urls += [reverse("portal:campaign", args=[c.code]) for c in campaigns.values()]
    for notice in PublicNotice.objects.order_by("id"):
        urls += [
            reverse("notices:public_detail", args=[notice.pk]),
            reverse("notices:public_json", args=[notice.pk]),
        ]
        urls += [
            reverse("notices:public_entry", args=[notice.pk, entry.position])
            for entry in notice.entries.order_by("position")
        ]
    urls.append(reverse("decisions:public", args=[decision.pk]))
    return urls


def test_public_pages_carry_no_personal_data(client, all_seed_campaigns, notice, decision):
    personal = [
        value
        for n in Nomination.objects.all()
        for value in (n.id_number, n.phone, n.bank_account)
        if value
    ]
    urls = _public_urls(all_seed_campaigns, decision)

    with time_machine.travel(DURING_NOTICE, tick=False):
        responses = {url: client.get(url) for url in urls}

    assert {url: r.status_code for url, r in responses.items()} == dict.fromkeys(urls, 200)
    assert len(urls) > 10
    for url, response in responses.items():
        text = response.content.decode()
        found = ID_RE.findall(text) + MOBILE_RE.findall(text) + BANK_RE.findall(text)
        assert (url, found) == (url, [])
        assert (url, [v for v in personal if v in text]) == (url, [])


def test_notice_without_consent_leaves_nominee_off_every_public_page(client, notice):
    urls = [
        reverse("notices:public_detail", args=[notice.pk]),
        reverse("notices:public_json", args=[notice.pk]),
        *(reverse("notices:public_entry", args=[notice.pk, p]) for p in (1, 2)),
    ]

    with time_machine.travel(DURING_NOTICE, tick=False):
        texts = [client.get(url).content.decode() for url in urls]
        third = client.get(reverse("notices:public_entry", args=[notice.pk, 3]))

    assert ["赵不同意" in text for text in texts] == [False] * len(urls)
    assert third.status_code == 404
