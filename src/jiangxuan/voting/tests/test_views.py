"""The public vote pages (no login; cacheable list and candidate pages; verification,
voting form with captcha escalation, receipt) and the office's pages."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from jiangxuan.voting import selectors, services
from jiangxuan.voting.models import Vote

from .conftest import DURING, at, cast, last_code, verify

pytestmark = pytest.mark.django_db
CODE = "weihai-gongjiang-2023"
ID_RE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
BANK_RE = re.compile(r"(?<!\d)\d{12,19}(?!\d)")


def assert_no_personal_data(text, nominees):
    """No ID number, mobile or bank-account pattern, nor any nominee's own values."""
    assert ID_RE.findall(text) == []
    assert MOBILE_RE.findall(text) == []
    assert BANK_RE.findall(text) == []
    for n in nominees:
        assert n.id_number not in text
        assert n.phone not in text
        assert n.bank_account not in text


def verified_client(phone="13912345678"):
    client = Client()
    url = reverse("voting:verify", args=[CODE])
    client.post(url, {"phone": phone, "send": "1"})
    response = client.post(url, {"phone": phone, "code": last_code(phone), "verify": "1"})
    assert response.status_code == 302
    return client


def test_vote_page_is_public_cacheable_and_free_of_personal_data(vote, nominees):
    with time_machine.travel(DURING, tick=False):
        response = Client().get(reverse("voting:vote", args=[CODE]))
        candidate = Client().get(
            reverse("voting:candidate", args=[CODE, vote.candidates.first().public_id])
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert ["刘海峰" in html, "陈秀兰" in html, "王不同意" in html] == [True, True, False]
    assert "csrfmiddlewaretoken" not in html
    assert response["Cache-Control"] == "public, max-age=30"
    assert "<script" not in html
    assert_no_personal_data(html, nominees)
    assert "刘海峰" in candidate.content.decode()
    assert_no_personal_data(candidate.content.decode(), nominees)


def test_cast_needs_verification(vote):
    with time_machine.travel(DURING, tick=False):
        response = Client().get(reverse("voting:cast", args=[CODE]))
    assert response.status_code == 302
    assert response.url == reverse("voting:verify", args=[CODE])


def test_verify_vote_and_see_the_receipt(vote, nominees):
    with time_machine.travel(DURING, tick=False):
        client = verified_client()
        form = client.get(reverse("voting:cast", args=[CODE]))
        chosen = vote.candidates.get(published__name="陈秀兰").public_id
        cast = client.post(reverse("voting:cast", args=[CODE]), {"candidates": [chosen]})
        receipt = client.get(cast.url)
        again = client.post(reverse("voting:cast", args=[CODE]), {"candidates": [chosen]})
        check = Client().get(
            reverse("voting:receipt_check"), {"code": Vote.objects.get().receipt.code}
        )
    assert "陈秀兰" in form.content.decode()
    assert "captcha" not in form.content.decode()
    assert cast.status_code == 302
    assert "陈秀兰：已计入" in receipt.content.decode()
    assert_no_personal_data(receipt.content.decode(), nominees)
    assert again.status_code == 409
    assert "您今天已为该候选对象投过票，请明天再来。" in again.content.decode()
    assert check.status_code == 302
    assert Vote.objects.count() == 1


def test_wrong_code_shows_the_error_and_keeps_the_number(vote):
    with time_machine.travel(DURING, tick=False):
        client = Client()
        url = reverse("voting:verify", args=[CODE])
        sent = client.post(url, {"phone": "13912345678", "send": "1"})
        wrong = "000000" if last_code("13912345678") != "000000" else "111111"
        response = client.post(url, {"phone": "13912345678", "code": wrong, "verify": "1"})
    assert "验证码已发送，请查看短信。" in sent.content.decode()
    assert "验证码不正确，还可以尝试4次。" in response.content.decode()
    assert 'value="13912345678"' in response.content.decode()


def test_cast_page_shows_a_captcha_after_a_burst(vote, settings):
    settings.JX_VOTE_CAPTCHA_AFTER = 0
    with time_machine.travel(DURING, tick=False):
        client = verified_client()
        form = client.get(reverse("voting:cast", args=[CODE]))
        chosen = vote.candidates.first().public_id
        refused = client.post(reverse("voting:cast", args=[CODE]), {"candidates": [chosen]})
    assert 'name="captcha_key"' in form.content.decode()
    assert "/captcha/image/" in form.content.decode()
    assert refused.status_code == 400
    assert "请输入图片中的验证码。" in refused.content.decode()
    assert Vote.objects.count() == 0


# --------------------------------------------------------------------------- office


def test_office_page_shows_results_and_recount(vote, office):
    client = Client()
    client.force_login(office)
    with time_machine.travel(DURING, tick=False):
        response = client.get(reverse("voting:office", args=[CODE]))
        anomalies = client.get(reverse("voting:office_anomalies", args=[CODE]))
    html = response.content.decode()
    assert "重新计票与计票结果一致。" in html
    assert "刘海峰" in html
    assert "投票异常报告" in anomalies.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "stranger"])
def test_office_pages_hidden_from_others(vote, role, seed_campaign):
    from .conftest import office_of

    client = Client()
    if role == "stranger":
        client.force_login(office_of(seed_campaign("000")))
    response = client.get(reverse("voting:office", args=[CODE]))
    assert response.status_code == (302 if role == "anonymous" else 404)


def test_office_invalidates_through_the_page(vote, office):
    with time_machine.travel(DURING, tick=False):
        voter_client = verified_client()
        chosen = vote.candidates.first().public_id
        voter_client.post(reverse("voting:cast", args=[CODE]), {"candidates": [chosen]})
        client = Client()
        client.force_login(office)
        missing = client.post(
            reverse("voting:office_invalidate", args=[CODE]), {"rule": "subnet", "reason": "x"}
        )
        done = client.post(
            reverse("voting:office_invalidate", args=[CODE]),
            {"rule": "subnet", "subnet": "127.0.0.0/24", "reason": "同一网段集中投票"},
        )
    assert "请填写网段，例如 1.2.3.0/24。" in missing.content.decode()
    assert done.status_code == 302
    assert Vote.objects.get().invalidation.reason == "同一网段集中投票"


@pytest.mark.parametrize("url", [reverse("voting:vote", args=[CODE]), f"/api/v1/votes/{CODE}"])
def test_a_warm_vote_page_costs_no_query(vote, url, django_assert_num_queries):
    """The surge reads the vote page: once cached, the page and its JSON touch no table."""
    with time_machine.travel(DURING, tick=False):
        Client().get(url)
        with django_assert_num_queries(0):
            response = Client().get(url)
    assert response.status_code == 200


def test_the_cached_vote_page_shows_the_close_within_the_live_tally_seconds(
    vote, office, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Served from the cache in one read (issue 17.2); a change shows once the page's
    version is checked again, at most ``LIVE_TALLY_SECONDS`` later."""
    url = reverse("voting:vote", args=[CODE])
    with time_machine.travel(DURING, tick=False):
        open_page = Client().get(url).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            services.close_public_vote(vote, actor=office)
    with (
        time_machine.travel(DURING + dt.timedelta(seconds=1), tick=False),
        django_assert_num_queries(0),
    ):
        still = Client().get(url).content.decode()
    later = DURING + dt.timedelta(seconds=selectors.LIVE_TALLY_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        closed = Client().get(url).content.decode()
    assert "验证手机号并投票" in open_page
    assert still == open_page
    assert "投票已经结束" in closed
    assert "最终得票" in closed
    assert "验证手机号并投票" not in closed


def test_the_cached_vote_page_shows_the_scheduled_tally_at_18_oclock(vote):
    url = reverse("voting:vote", args=[CODE])
    with time_machine.travel(at(2023, 7, 3, 12), tick=False):
        cast(vote, verify(vote, "13912345678"), ["刘海峰"])
    with time_machine.travel(at(2023, 7, 3, 17, 59, 58), tick=False):
        hidden = Client().get(url).content.decode()
    with time_machine.travel(at(2023, 7, 3, 18, 0, 6), tick=False):
        published = Client().get(url).content.decode()
    assert "票</p>" not in hidden
    assert "得票统计截至7月3日 18:00" in published
    assert "1 票" in published


def test_a_phones_reload_of_the_vote_page_is_a_304(vote):
    url = reverse("voting:vote", args=[CODE])
    candidate = reverse("voting:candidate", args=[CODE, vote.candidates.first().public_id])
    with time_machine.travel(DURING, tick=False):
        for path in (url, candidate):
            first = Client().get(path)
            again = Client().get(path, headers={"If-None-Match": first["ETag"]})
            assert (first.status_code, again.status_code) == (200, 304)
            assert again["Cache-Control"] == "public, max-age=30"


def test_an_unknown_candidate_or_vote_is_a_404(vote):
    known = reverse("voting:candidate", args=[CODE, vote.candidates.first().public_id])
    with time_machine.travel(DURING, tick=False):
        assert Client().get(known).status_code == 200
        candidate = Client().get(reverse("voting:candidate", args=[CODE, "nobody"]))
        vote_page = Client().get(reverse("voting:vote", args=["no-such-vote"]))
    assert (candidate.status_code, vote_page.status_code) == (404, 404)
