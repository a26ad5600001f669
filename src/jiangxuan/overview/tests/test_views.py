"""The overview page: who may open it, what it shows, its JSON island, its queries, its
scripts under the strict CSP, and the page without the chart library."""

import json
import re

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership

from .. import selectors
from ..selectors import campaign_overview, chart_data
from .conftest import at, member

pytestmark = pytest.mark.django_db
NOW = at(2026, 11, 8, 12, 0)
ISLAND_RE = re.compile(
    r'<script id="overview-charts" type="application/json">(.*?)</script>', re.DOTALL
)
#: Queries of one page view, whatever the number of rows: session, user, memberships and
#: campaign, then the overview's twelve reads and the balance's seven.
QUERIES = 23


def _url(campaign) -> str:
    return reverse("overview:campaign", args=[campaign.code])


def _get(client, user, campaign):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(_url(campaign))


@pytest.mark.parametrize(
    ("who", "status"),
    [("office", 200), ("leader", 200), ("clerk", 404), ("other_office", 404)],
)
def test_access_by_role(client, jilin, in_motion, request, who, status):
    in_motion(1)
    user = request.getfixturevalue(who)

    response = _get(client, user, jilin)

    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "<h1>活动总览</h1>" in html
        assert jilin.title in html
        assert response.context["overview"].campaign == jilin
        assert response["Cache-Control"] == "no-store"
    else:
        assert "overview" not in (response.context or {})


def test_anonymous_goes_to_login(client, jilin):
    response = client.get(_url(jilin))

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={_url(jilin)}"


def test_office_of_the_organizer_without_campaign_tie_sees_it(client, jilin):
    user = member(jilin.organizer_unit, Role.CAMPAIGN_OFFICE)

    response = _get(client, user, jilin)

    assert response.status_code == 200
    assert response.context["campaign"] == jilin


def test_unknown_campaign_is_404(client, office):
    client.force_login(office)

    assert client.get(reverse("overview:campaign", args=["no-such-campaign"])).status_code == 404


def test_page_shows_waiting_body_notice_and_objections(client, jilin, in_motion, office):
    motion = in_motion(2)
    nominee = motion.at_city[0]

    html = _get(client, office, jilin).content.decode()

    waiting = html[html.index('id="h-waiting"') : html.index('id="h-notices"')]
    assert reverse("nominations:detail", args=[nominee.pk]) in waiting
    assert nominee.name in waiting
    assert '长春市总工会 <span class="meta">（工会）</span>' in waiting
    assert "长春市人力资源和社会保障局" not in waiting  # it signed
    assert "3 天 2 小时" in waiting
    notices = html[html.index('id="h-notices"') : html.index('id="h-checks"')]
    assert reverse("notices:manage", args=[motion.notice.pk]) in notices
    assert '<span class="badge badge-bad">2</span>' in notices
    assert f"#o{motion.notice.objections.order_by('id').first().pk}" in notices


def test_leading_group_sees_no_office_actions(client, jilin, in_motion, leader):
    motion = in_motion(1)

    html = _get(client, leader, jilin).content.decode()

    assert motion.notice.title in html
    assert reverse("notices:manage", args=[motion.notice.pk]) not in html
    assert reverse("notices:campaign_notices", args=[jilin.code]) not in html


def test_json_island_holds_the_chart_data(client, jilin, in_motion, office):
    in_motion(1)

    html = _get(client, office, jilin).content.decode()

    (island,) = ISLAND_RE.findall(html)
    data = json.loads(island)
    assert data == chart_data(campaign_overview(jilin, now=NOW))
    assert data["nominations"][0]["units"] == ["长春市总工会"]
    assert [s["key"] for s in data["nominations"][0]["series"]] == ["draft", "city", "province"]


@pytest.mark.parametrize("size", [1, 3, 25])
def test_queries_do_not_grow_with_rows(
    client, jilin, in_motion, office, size, django_assert_num_queries
):
    in_motion(size)
    client.force_login(office)
    client.get(_url(jilin))  # the first request also writes the session

    with django_assert_num_queries(QUERIES):
        response = client.get(_url(jilin))

    overview = response.context["overview"]
    assert (len(overview.waiting), len(overview.objections)) == (size, size)


def test_page_without_the_chart_library_still_shows_the_tables(client, jilin, in_motion, office):
    in_motion(1)

    with override_settings(STATICFILES_DIRS=[]):
        response = _get(client, office, jilin)

    html = response.content.decode()
    assert response.context["charts_available"] is False
    assert '<p class="alert" id="ov-charts-missing" role="note">图表暂不可用' in html
    assert "echarts" not in html
    assert 'class="ov-chart"' not in html
    assert '<th scope="row">长春市总工会</th>' in html


def test_page_with_the_chart_library_loads_it_with_the_nonce(
    client, jilin, in_motion, office, tmp_path
):
    in_motion(1)
    (tmp_path / "echarts.min.js").write_text("/* stand-in */")

    with override_settings(STATICFILES_DIRS=[("vendor", tmp_path)]):
        response = _get(client, office, jilin)

    html = response.content.decode()
    nonce = response.context["csp_nonce"]
    assert f'<script src="/static/vendor/echarts.min.js" nonce="{nonce}" defer></script>' in html
    assert f'<script src="/static/overview/overview.js" nonce="{nonce}" defer></script>' in html
    assert 'id="ov-charts-missing" role="note" hidden>' in html
    assert html.count('class="ov-chart"') == 2


def test_page_has_no_inline_script_or_style(client, jilin, in_motion, office):
    in_motion(1)

    response = _get(client, office, jilin)

    html = response.content.decode()
    nonce = response.context["csp_nonce"]
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts
    for tag in scripts:
        assert (f'nonce="{nonce}"' in tag and "src=" in tag) or 'type="application/json"' in tag
    assert not re.search(r"\sstyle=", html)
    assert "<style" not in html
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]


def test_campaign_page_links_the_overview_for_its_office(client, jilin, office, clerk):
    url = reverse("campaigns:detail", args=[jilin.code])
    link = f'<a class="btn" href="{_url(jilin)}">活动总览</a>'

    client.force_login(office)
    office_html = client.get(url).content.decode()
    client.force_login(clerk)
    clerk_html = client.get(url).content.decode()

    assert link in office_html
    assert link not in clerk_html
    assert Membership.objects.filter(user=clerk, role=Role.CLERK).exists()


def test_waiting_sign_offs_are_paged_oldest_first(client, jilin, in_motion, office, monkeypatch):
    """Issue 17.3: a campaign of 20,000 nominations does not list them on one page; the
    count covers every page."""
    motion = in_motion(3)
    monkeypatch.setattr(selectors, "WAITING_PAGE_SIZE", 2)
    client.force_login(office)

    with time_machine.travel(NOW, tick=False):
        pages = [client.get(_url(jilin), {"waiting_page": n}) for n in (1, 2)]

    shown = [[row.nomination.pk for row in p.context["overview"].waiting] for p in pages]
    assert shown == [[n.pk for n in motion.at_city[:2]], [motion.at_city[2].pk]]
    assert [p.context["overview"].waiting_count for p in pages] == [3, 3]
    html = pages[1].content.decode()
    assert "第 2 / 2 页，共 3 名" in html
    assert 'href="?waiting_page=1#h-waiting"' in html
