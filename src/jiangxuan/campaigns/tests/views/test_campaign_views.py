"""Campaign pages: list, detail as a unit sees it, and the office's spec editor."""

import pytest
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.models import Campaign


@pytest.fixture
def member(orgs):
    """``member("cc-chaoyang-hrss", Role.CLERK)`` → a user holding that role."""

    def make(unit_code: str, role: str) -> User:
        user = User.objects.create_user(f"{role}-{unit_code}", password="x")
        Membership.objects.create(user=user, org_unit=orgs[unit_code], role=role)
        return user

    return make


def test_list_shows_published_campaign_to_clerk(client, seed_campaign, member):
    campaign = seed_campaign("001")
    client.force_login(member("cc-chaoyang-hrss", Role.CLERK))

    html = client.get(reverse("campaigns:list")).content.decode()

    assert campaign.title in html
    assert reverse("campaigns:detail", args=[campaign.code]) in html
    assert "长春技术能手" in html


def test_list_hides_draft_campaign_from_clerk(client, seed_campaign, member):
    campaign = seed_campaign("001", state="draft")
    client.force_login(member("cc-chaoyang-hrss", Role.CLERK))

    html = client.get(reverse("campaigns:list")).content.decode()
    detail = client.get(reverse("campaigns:detail", args=[campaign.code]))

    assert campaign.title not in html
    assert detail.status_code == 404


def test_detail_shows_unit_deadline_quota_and_rules(client, seed_campaign, member):
    campaign = seed_campaign("001")
    client.force_login(member("cc-chaoyang-hrss", Role.CLERK))

    html = client.get(reverse("campaigns:detail", args=[campaign.code])).content.decode()

    assert "2022-10-26 23:59" in html
    assert "已截止" in html
    assert "各县（市）区人社部门" in html
    assert "取得高级工及以上职业资格（或职业技能等级）的生产服务一线人员" in html
    assert "依据：二(二)1" in html
    assert "推荐单位公示：5 个工作日" in html
    assert "身份证复印件" in html
    assert reverse("nominations:create") + f"?campaign={campaign.code}" in html
    assert reverse("campaigns:edit_spec", args=[campaign.code]) not in html


def test_detail_for_office_links_spec_editor(client, seed_campaign, member):
    campaign = seed_campaign("001")
    client.force_login(member("cc-hrss", Role.CAMPAIGN_OFFICE))

    html = client.get(reverse("campaigns:detail", args=[campaign.code])).content.decode()

    assert reverse("campaigns:edit_spec", args=[campaign.code]) in html
    assert "新建推荐" not in html


def test_detail_unknown_code_is_404(client, seed_campaign, member):
    seed_campaign("001")
    client.force_login(member("cc-chaoyang-hrss", Role.CLERK))

    response = client.get(reverse("campaigns:detail", args=["no-such-campaign"]))

    assert response.status_code == 404


def test_edit_spec_by_clerk_is_forbidden(client, seed_campaign, member):
    campaign = seed_campaign("001")
    client.force_login(member("cc-chaoyang-hrss", Role.CLERK))

    response = client.post(
        reverse("campaigns:edit_spec", args=[campaign.code]), {"spec_yaml": "code: x"}
    )

    assert response.status_code == 403
    assert "只有本活动的领导小组办公室可以修改活动规范。" in response.content.decode()
    assert Campaign.objects.get().spec_yaml == campaign.spec_yaml


def test_edit_spec_with_broken_yaml_keeps_text_and_lists_errors(client, seed_campaign, member):
    campaign = seed_campaign("001")
    client.force_login(member("cc-hrss", Role.CAMPAIGN_OFFICE))
    broken = campaign.spec_yaml.replace("year: 2022", "year: 二〇二二", 1)

    response = client.post(
        reverse("campaigns:edit_spec", args=[campaign.code]), {"spec_yaml": broken}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "year：应为整数" in html
    assert "year: 二〇二二" in html
    assert Campaign.objects.get().spec_yaml == campaign.spec_yaml


def test_edit_spec_with_yaml_syntax_error_says_where(client, seed_campaign, member):
    campaign = seed_campaign("001")
    client.force_login(member("cc-hrss", Role.CAMPAIGN_OFFICE))

    response = client.post(
        reverse("campaigns:edit_spec", args=[campaign.code]), {"spec_yaml": "code: [unclosed\n"}
    )

    assert "YAML 语法错误" in response.content.decode()
    assert Campaign.objects.get().spec_digest == campaign.spec_digest


def test_edit_spec_with_good_yaml_saves(client, seed_campaign, member):
    campaign = seed_campaign("001")
    client.force_login(member("cc-hrss", Role.CAMPAIGN_OFFICE))
    edited = campaign.spec_yaml.replace(
        "title: 第三届长春技能大奖和长春技术能手评选\n",
        "title: 第三届长春技能大奖和长春技术能手评选（修订）\n",
        1,
    )

    response = client.post(
        reverse("campaigns:edit_spec", args=[campaign.code]),
        {"spec_yaml": edited, "reason": "更正标题"},
        follow=True,
    )

    assert "活动规范已保存。" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.title == "第三届长春技能大奖和长春技术能手评选（修订）"
    assert campaign.spec_yaml == edited


def test_campaign_pages_redirect_anonymous_to_login(client, seed_campaign):
    campaign = seed_campaign("001")

    responses = [
        client.get(reverse("campaigns:list")),
        client.get(reverse("campaigns:edit_spec", args=[campaign.code])),
    ]

    assert [r.url.split("?")[0] for r in responses] == [reverse("accounts:login")] * 2


def test_list_queries_do_not_grow_with_campaigns(
    client, seed_campaign, member, django_assert_num_queries
):
    seed_campaign("001")
    client.force_login(member("cc-chaoyang-hrss", Role.CLERK))
    client.get(reverse("campaigns:list"))  # the first request also writes the session
    with django_assert_num_queries(5):
        client.get(reverse("campaigns:list"))
    seed_campaign("000")
    seed_campaign("002")

    with django_assert_num_queries(5):
        response = client.get(reverse("campaigns:list"))

    assert len(response.context["campaigns"]) == 3


def test_edit_spec_with_impossible_date_keeps_text_and_names_the_line(
    client, seed_campaign, member
):
    campaign = seed_campaign("001")
    client.force_login(member("cc-hrss", Role.CAMPAIGN_OFFICE))
    broken = campaign.spec_yaml.replace("starts_on: 2022-10-24", "starts_on: 2022-02-30", 1)
    line = next(i for i, row in enumerate(broken.splitlines(), 1) if "2022-02-30" in row)

    response = client.post(
        reverse("campaigns:edit_spec", args=[campaign.code]), {"spec_yaml": broken}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert f"第 {line} 行 timeline.phases[" in html
    assert "日期 2022-02-30 不存在" in html
    assert "starts_on: 2022-02-30" in html
    assert Campaign.objects.get().spec_yaml == campaign.spec_yaml


def test_detail_of_a_decided_campaign_says_so_and_offers_no_new_nomination(
    client, seed_campaign, member
):
    """Issue 15.11: told before any form opens, on the campaign's page."""
    import datetime as dt

    campaign = seed_campaign("001")
    Campaign.objects.filter(pk=campaign.pk).update(
        decided_at=dt.datetime(2022, 12, 1, 10, tzinfo=dt.UTC)
    )
    client.force_login(member("cc-chaoyang-hrss", Role.CLERK))

    html = client.get(reverse("campaigns:detail", args=[campaign.code])).content.decode()

    assert 'id="draft-refusal"' in html
    assert "不再受理新的推荐" in html
    assert "新建推荐" not in html


def test_detail_after_the_deadline_warns_before_a_draft_is_started(client, seed_campaign, member):
    campaign = seed_campaign("001")
    client.force_login(member("cc-chaoyang-hrss", Role.CLERK))

    html = client.get(reverse("campaigns:detail", args=[campaign.code])).content.decode()

    assert 'id="draft-warning"' in html
    assert "活动办公室批准延期后才能提交" in html
    assert "新建推荐" in html
