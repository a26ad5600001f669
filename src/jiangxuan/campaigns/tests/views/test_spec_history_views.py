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


def _numbers(page: str) -> dict[str, str]:
    """The numbers form as the page fills it: field name → value, by its label."""
    import re

    return dict(re.findall(r'name="((?:award|quota)_\d+(?:_m(?:in|ax))?)" value="(\d+)"', page))


def test_office_changes_a_quota_with_a_reason_and_only_that_number_changes(
    office_client, seed_campaign
):
    # Issue 15.4: the office adjusts numbers in a form, not by typing YAML.
    campaign = seed_campaign("001")
    url = reverse("campaigns:numbers", args=[campaign.code])
    page = office_client.get(url).content.decode()
    assert "各县（市）区人社部门 · 长春技能大奖 最多推荐" in page
    values = _numbers(page)
    assert values["quota_0_max"] == "3"
    before = campaign.spec_yaml

    response = office_client.post(
        url, {**values, "quota_0_max": "4", "reason": "长春市人社局通知：县区名额增加"}
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.specification.quotas[0].max == 4
    changed = [
        (old, new)
        for old, new in zip(before.splitlines(), campaign.spec_yaml.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [
        (
            "  - {category: county-hrss, award: jineng-dajiang, max: 3, source: 附件1}",
            "  - {category: county-hrss, award: jineng-dajiang, max: 4, source: 附件1}",
        )
    ]
    versions = office_client.get(reverse("campaigns:versions", args=[campaign.code]))
    assert "长春市人社局通知：县区名额增加" in versions.content.decode()


def test_a_quota_above_the_award_count_is_refused_and_the_numbers_stay(
    office_client, seed_campaign
):
    campaign = seed_campaign("001")
    url = reverse("campaigns:numbers", args=[campaign.code])
    values = _numbers(office_client.get(url).content.decode())

    no_reason = office_client.post(url, {**values, "quota_0_max": "4", "reason": ""})
    too_many = office_client.post(url, {**values, "quota_0_max": "40", "reason": "试"})

    assert no_reason.status_code == 400
    assert too_many.status_code == 400
    html = too_many.content.decode()
    assert 'value="40"' in html
    # Said on the field in the form's words, without the specification's lines and codes
    # (issue 15.9).
    assert "推荐名额 40 超过“长春技能大奖”的表彰名额 10。" in html
    assert "quotas[0]" not in html
    assert "jineng-dajiang" not in html
    campaign.refresh_from_db()
    assert campaign.specification.quotas[0].max == 3


def test_another_office_cannot_adjust_numbers(client, member, seed_campaign):
    campaign = seed_campaign("001")
    client.force_login(member("wh-union", Role.CAMPAIGN_OFFICE))

    response = client.get(reverse("campaigns:numbers", args=[campaign.code]))

    assert response.status_code in (403, 404)


def _texts(page: str) -> dict[str, str]:
    """The notice texts form as the page fills it: field name → value (inputs and
    textareas)."""
    import html
    import re

    values = dict(re.findall(r'<input[^>]*name="(text_\d+)"[^>]*value="([^"]*)"', page))
    values.update(
        re.findall(r'<textarea[^>]*name="(text_\d+)"[^>]*>\n?(.*?)</textarea>', page, re.S)
    )
    return {k: html.unescape(v) for k, v in values.items()}


def test_office_edits_a_notice_text_with_a_reason_and_sees_the_version(
    office_client, seed_campaign
):
    # Issue 15.4: notice texts in a form with their Chinese labels and placeholders.
    campaign = seed_campaign("001")
    url = reverse("campaigns:texts", args=[campaign.code])
    page = office_client.get(url).content.decode()
    assert "公示：市级公示" in page
    assert "正文第 1 段" in page
    assert "第一位受表彰者的姓名" in page
    values = _texts(page)
    assert values["text_0"] == "本单位公示"
    cc = next(k for k, v in values.items() if v == "长春市总工会")

    response = office_client.post(url, {**values, cc: "长春市总工会办公室", "reason": "抄送更正"})

    assert response.status_code == 302
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.specification.decision.cc == "长春市总工会办公室"
    versions = office_client.get(reverse("campaigns:versions", args=[campaign.code]))
    html = versions.content.decode()
    assert "抄送更正" in html
    assert "长春市总工会办公室" in html


def test_an_unknown_placeholder_is_named_beside_its_text_and_the_text_stays(
    office_client, seed_campaign
):
    campaign = seed_campaign("001")
    url = reverse("campaigns:texts", args=[campaign.code])
    values = _texts(office_client.get(url).content.decode())
    body = next(k for k, v in values.items() if v.startswith("为深入实施人才强市战略"))
    typed = "决定授予{frist_name}等{count}名同志称号。"

    response = office_client.post(url, {**values, body: typed, "reason": "试"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "不认识的占位 {frist_name}" in html
    assert typed in html
    assert Campaign.objects.get(pk=campaign.pk).spec_yaml == campaign.spec_yaml


def test_another_office_cannot_edit_notice_texts(client, member, seed_campaign):
    campaign = seed_campaign("001")
    client.force_login(member("wh-union", Role.CAMPAIGN_OFFICE))

    response = client.get(reverse("campaigns:texts", args=[campaign.code]))

    assert response.status_code in (403, 404)


def test_a_bad_spec_shows_each_problem_beside_its_line_and_keeps_the_text(
    office_client, seed_campaign
):
    # Issue 15.4: validation shown next to the line, the list linking to it.
    campaign = seed_campaign("001")
    lines = campaign.spec_yaml.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if "max: 3, source: 附件1" in line)
    typed = campaign.spec_yaml.replace("max: 3, source: 附件1", "max: 30, source: 附件1", 1)

    response = office_client.post(
        reverse("campaigns:edit_spec", args=[campaign.code]), {"spec_yaml": typed, "reason": "试"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="#spec-line-{number}">' in html
    row = html.split(f'<tr id="spec-line-{number}" class="spec-line-bad">', 1)[1].split("</tr>")[0]
    assert "max: 30, source: 附件1" in row
    assert f"第 {number} 行：quotas[0].max：每个单位的名额 30 大于" in row
    assert f'<tr id="spec-line-{number - 1}">' in html  # the line before, for context
    assert "max: 30, source: 附件1}\n" in html.split('name="spec_yaml"', 1)[1]


@pytest.mark.parametrize(
    "typed",
    ["", "a: [", "- 1\n- 2", "code: x\n\tbad", "\x00", "code: " + "长" * 5000],
)
def test_any_text_is_refused_without_a_server_error(office_client, seed_campaign, typed):
    campaign = seed_campaign("001")

    response = office_client.post(
        reverse("campaigns:edit_spec", args=[campaign.code]), {"spec_yaml": typed, "reason": "试"}
    )

    assert response.status_code == 400
    assert 'id="spec-errors"' in response.content.decode()
