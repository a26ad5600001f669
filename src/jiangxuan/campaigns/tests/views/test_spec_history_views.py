"""The office's pages for specification history (issue 12.6): versions side by side, a
campaign-wide extension with a reason, a campaign created from an upload or a copy."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.campaigns.models import Campaign


@pytest.fixture
def member(orgs):
    def make(unit_code: str, role: str) -> User:
        user = User.objects.create_user(f"{role}-{unit_code}", password="x")
        Membership.objects.create(user=user, org_unit=orgs[unit_code], role=role)
        return user

    return make


@pytest.fixture
def office_client(client, member):
    client.force_login(member("cc-hrss", Role.CAMPAIGN_OFFICE))
    return client


def test_edit_without_reason_keeps_the_text_and_asks_for_one(office_client, seed_campaign):
    campaign = seed_campaign("001")
    edited = campaign.spec_yaml.replace("第三届长春技能大奖", "第三届长春技能大奖（修订）", 1)

    response = office_client.post(
        reverse("campaigns:edit_spec", args=[campaign.code]), {"spec_yaml": edited, "reason": ""}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "须填写变更理由" in html
    assert "第三届长春技能大奖（修订）" in html
    campaign.refresh_from_db()
    assert "（修订）" not in campaign.spec_yaml


def test_versions_page_shows_who_why_and_the_changed_lines(office_client, seed_campaign):
    campaign = seed_campaign("001")
    edited = campaign.spec_yaml.replace("第三届长春技能大奖", "第三届长春技能大奖（修订）", 1)
    office_client.post(
        reverse("campaigns:edit_spec", args=[campaign.code]),
        {"spec_yaml": edited, "reason": "更正标题"},
    )

    html = office_client.get(reverse("campaigns:versions", args=[campaign.code])).content.decode()

    for text in ("第 2 版", "更正标题", "在线修改"):
        assert text in html
    assert "第 1 版与第 2 版对比" in html
    assert 'class="diff-replace"' in html
    assert "（修订）" in html


def test_extension_page_saves_and_redirects_to_versions(office_client, seed_campaign):
    campaign = seed_campaign("001")
    url = reverse("campaigns:extend_window", args=[campaign.code])

    refused = office_client.post(url, {"closes_at": "2022-11-04T17:00", "reason": ""})
    assert refused.status_code == 400
    assert 'value="2022-11-04T17:00"' in refused.content.decode()

    response = office_client.post(
        url, {"closes_at": "2022-11-04T17:00", "reason": "统一延期"}, follow=True
    )
    html = response.content.decode()
    for text in ("申报截止时间已延长", "整体延期", "统一延期"):
        assert text in html


def test_clerk_cannot_open_history_pages(client, member, seed_campaign):
    campaign = seed_campaign("001")
    client.force_login(member("cc-chaoyang-hrss", Role.CLERK))
    for name in ("campaigns:versions", "campaigns:extend_window"):
        assert client.get(reverse(name, args=[campaign.code])).status_code == 403
    assert client.get(reverse("campaigns:create")).status_code == 403


def test_create_by_copying_an_earlier_edition(office_client, seed_campaign):
    campaign = seed_campaign("001")
    page = office_client.get(reverse("campaigns:create") + f"?copy={campaign.code}")
    assert "code: changchun-jineng-2022" in page.content.decode()

    text = campaign.spec_yaml.replace("code: changchun-jineng-2022", "code: changchun-jineng-2024")
    response = office_client.post(reverse("campaigns:create"), {"spec_yaml": text}, follow=True)

    assert response.status_code == 200
    assert Campaign.objects.get(code="changchun-jineng-2024").state == "draft"


def test_create_from_a_gbk_upload_with_an_error_keeps_the_text(office_client, seed_campaign):
    campaign = seed_campaign("001")
    upload = SimpleUploadedFile("新一届.yaml", campaign.spec_yaml.encode("gb18030"))

    response = office_client.post(reverse("campaigns:create"), {"spec_file": upload})

    assert response.status_code == 400
    html = response.content.decode()
    assert "已被使用" in html
    # The uploaded text is in the editor, decoded, for the office to fix in place.
    assert "第三届长春技能大奖" in html
    assert Campaign.objects.count() == 1
