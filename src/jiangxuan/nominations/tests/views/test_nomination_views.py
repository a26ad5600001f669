"""The nomination pages: create, edit (save, autosave, add a row), evidence, submit,
withdraw, override, detail and list, and who gets 404/403."""

import re
from urllib.parse import quote

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.models import AuditEntry
from jiangxuan.nominations import services
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import EligibilityOverride, Evidence, Nomination
from jiangxuan.nominations.tests.conftest import make_id_number, png_bytes

INVALID_ID = "220104198503151230"  # check digit wrong


def _edit_post(**values) -> dict:
    """The edit form as a browser posts it: the marker, the consent box, ``values``."""
    return {"form_present": "1", **values}


def test_create_starts_draft_and_redirects_to_edit(client, seed_campaign, make_user):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    client.force_login(clerk)

    page = client.get(reverse("nominations:create"), {"campaign": campaign.code})
    response = client.post(
        reverse("nominations:create"), {"campaign": campaign.code, "award": "jishu-nengshou"}
    )

    assert "长春技术能手" in page.content.decode()
    nomination = Nomination.objects.get(created_by=clerk)
    assert nomination.award.code == "jishu-nengshou"
    assert nomination.state == NominationState.DRAFT
    assert response.url == reverse("nominations:edit", args=[nomination.pk])
    edit = client.get(response.url).content.decode()
    assert "长春技能大奖（长春技术能手）候选人推荐表" in edit
    assert "吉林银行一类账户账号" in edit
    autosave = reverse("nominations:autosave", args=[nomination.pk])
    assert f'hx-post="{autosave}"' in edit


def test_create_with_unknown_award_shows_message(client, seed_campaign, make_user):
    campaign = seed_campaign("001")
    client.force_login(make_user("cc-chaoyang-hrss", Role.CLERK))

    response = client.post(
        reverse("nominations:create"), {"campaign": campaign.code, "award": "no-such-award"}
    )

    assert response.status_code == 400
    assert "请选择评选活动和奖项。" in response.content.decode()
    assert Nomination.objects.count() == 0


def test_save_with_invalid_id_number_keeps_typed_values(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk, id_number="", name="王建国")
    client.force_login(clerk)

    response = client.post(
        reverse("nominations:edit", args=[nomination.pk]),
        _edit_post(name="李明", id_number=INVALID_ID, occupation="钳工"),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "身份证号码校验位不正确，请核对最后一位。" in html
    assert f'value="{INVALID_ID}"' in html
    assert 'value="李明"' in html
    assert 'aria-invalid="true"' in html
    nomination.refresh_from_db()
    assert (nomination.name, nomination.occupation, nomination.id_number) == ("李明", "钳工", "")


def test_save_valid_form_redirects_with_message(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)
    id_number = make_id_number(birth="19900101")

    response = client.post(
        reverse("nominations:edit", args=[nomination.pk]),
        _edit_post(name="赵刚", id_number=id_number, publication_consent="on"),
        follow=True,
    )

    assert "草稿已保存。" in response.content.decode()
    nomination.refresh_from_db()
    assert (nomination.name, nomination.id_number) == ("赵刚", id_number)
    assert nomination.birth_date.isoformat() == "1990-01-01"
    assert nomination.publication_consent is True


def test_autosave_answers_status_and_eligibility_fragment(
    client, seed_campaign, make_user, nominate
):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)

    response = client.post(
        reverse("nominations:autosave", args=[nomination.pk]),
        _edit_post(name="孙丽", skill_level="intermediate", phone="12345"),
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert "其余内容已自动保存" in html
    assert '<span class="unsaved">手机未保存：手机号码应为以1开头的11位数字。</span>' in html
    assert '<section class="card eligibility" id="eligibility-panel"' in html
    assert 'hx-swap-oob="true"' in html
    assert "技能等级为中级工（四级），须达到高级工（三级）及以上。" in html
    assert "手机号码应为以1开头的11位数字。" in html
    assert "<html" not in html
    nomination.refresh_from_db()
    assert (nomination.name, nomination.skill_level) == ("孙丽", "intermediate")
    assert nomination.phone == "13912345678"


def test_autosave_with_already_nominated_id_saves_the_rest_and_names_the_id(
    client, seed_campaign, make_user, nominate
):
    """Issue 15.1: the refused ID number keeps its stored value, every other field is
    saved, the status line says exactly what was not saved, and the edit page shows the
    typed number and the reason again after a reload."""
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    taken = nominate(campaign, "jishu-nengshou", clerk).id_number
    own_id = make_id_number(birth="19900101")
    nomination = nominate(campaign, "jineng-dajiang", clerk, id_number=own_id, name="王建国")
    client.force_login(clerk)

    response = client.post(
        reverse("nominations:autosave", args=[nomination.pk]),
        _edit_post(name="孙丽", occupation="钳工", id_number=taken),
        headers={"HX-Request": "true"},
    )
    page = client.get(reverse("nominations:edit", args=[nomination.pk])).content.decode()

    notice = (
        "身份证号码未保存：此身份证号码在本活动中已有推荐，"
        "同一人只能申报一个奖项（依据：三(二)3）。"
    )
    html = response.content.decode()
    assert re.search(r'<span class="saved">其余内容已自动保存 [\d:]+</span>', html)
    assert f'<span class="unsaved">{notice}</span>' in html
    assert '<div id="unsaved-alert" hx-swap-oob="true">' in html
    nomination.refresh_from_db()
    assert (nomination.name, nomination.occupation) == ("孙丽", "钳工")
    assert nomination.id_number == own_id
    assert f"<li>{notice}</li>" in page
    assert re.search(rf'name="id_number" value="{taken}"[^>]*aria-invalid="true"', page)
    assert 'value="孙丽"' in page


def test_autosave_of_a_closed_campaign_does_not_say_saved(
    client, seed_campaign, make_user, nominate
):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk, name="王建国")
    client.force_login(clerk)
    Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.CLOSED)

    response = client.post(
        reverse("nominations:autosave", args=[nomination.pk]),
        _edit_post(name="孙丽"),
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert "已自动保存" not in html
    assert '<span class="unsaved">未保存：' in html
    nomination.refresh_from_db()
    assert nomination.name == "王建国"


def test_autosave_without_session_answers_401_not_the_login_page(
    client, seed_campaign, make_user, nominate
):
    """Issue 15.2: htmx followed the login redirect and drew the login page in the form."""
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk, name="王建国")
    edit = reverse("nominations:edit", args=[nomination.pk])

    response = client.post(
        reverse("nominations:autosave", args=[nomination.pk]),
        _edit_post(name="孙丽"),
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{edit}"},
    )

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["code"], body["errors"]) == ("unauthenticated", {})
    assert body["detail"] == "登录已过期，本次修改未保存。请重新登录，登录后将自动保存。"
    assert body["login_url"] == f"{reverse('accounts:login')}?next={quote(edit)}"
    nomination.refresh_from_db()
    assert nomination.name == "王建国"


def test_htmx_401_ignores_a_foreign_current_url(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    nomination = nominate(campaign, "jishu-nengshou", make_user("cc-chaoyang-hrss"))

    response = client.post(
        reverse("nominations:autosave", args=[nomination.pk]),
        _edit_post(name="孙丽"),
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/phish"},
    )

    assert response.status_code == 401
    assert response.json()["login_url"] == f"{reverse('accounts:login')}?next=/"


def test_page_without_session_still_redirects_to_login(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    nomination = nominate(campaign, "jishu-nengshou", make_user("cc-chaoyang-hrss"))
    edit = reverse("nominations:edit", args=[nomination.pk])

    response = client.get(edit)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={quote(edit)}"


def test_htmx_upload_answers_the_evidence_section_only(client, seed_campaign, make_user, nominate):
    """Issue 15.2: uploads run in the background, so the form being typed stays."""
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)
    upload = SimpleUploadedFile("身份证.png", png_bytes(), content_type="image/png")

    response = client.post(
        reverse("nominations:evidence_upload", args=[nomination.pk]),
        {"material": "id-card", "file": upload},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    evidence = Evidence.objects.get(nomination=nomination)
    assert response.status_code == 200
    assert html.startswith('<section class="card" id="evidence"')
    assert "材料“身份证.png”已上传。" in html
    assert reverse("nominations:evidence_download", args=[nomination.pk, evidence.pk]) in html
    assert 'id="nomination-form"' not in html


def test_htmx_upload_refusal_is_shown_next_to_its_item(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)

    response = client.post(
        reverse("nominations:evidence_upload", args=[nomination.pk]),
        {"material": "id-card"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert html.startswith('<section class="card" id="evidence"')
    assert '<div class="field-errors" id="upload-id-card_error" role="alert">' in html
    assert "请选择要上传的文件。" in html
    assert Evidence.objects.count() == 0


def test_add_row_saves_and_offers_one_more_row(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)

    response = client.post(
        reverse("nominations:edit", args=[nomination.pk]),
        _edit_post(
            add_row="work_history",
            work_history__0__period="2005.07—2010.06",
            work_history__0__place="一汽轿车",
        ),
    )

    html = response.content.decode()
    assert 'name="work_history__1__period"' in html
    assert 'name="work_history__2__period"' not in html
    assert 'name="patents__1__name"' not in html
    assert 'value="一汽轿车"' in html
    nomination.refresh_from_db()
    assert nomination.work_history == [
        {"period": "2005.07—2010.06", "place": "一汽轿车", "witness": ""}
    ]


def test_upload_png_is_stored(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)
    upload = SimpleUploadedFile("身份证.png", png_bytes(), content_type="image/png")

    response = client.post(
        reverse("nominations:evidence_upload", args=[nomination.pk]),
        {"material": "id-card", "file": upload},
        follow=True,
    )

    evidence = Evidence.objects.get(nomination=nomination)
    assert (evidence.material, evidence.original_name) == ("id-card", "身份证.png")
    assert evidence.content_type == "image/png"
    html = response.content.decode()
    assert "材料“身份证.png”已上传。" in html
    assert reverse("nominations:evidence_download", args=[nomination.pk, evidence.pk]) in html
    download = client.get(
        reverse("nominations:evidence_download", args=[nomination.pk, evidence.pk])
    )
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_upload_html_renamed_jpg_is_refused(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)
    fake = SimpleUploadedFile(
        "证书.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )

    response = client.post(
        reverse("nominations:evidence_upload", args=[nomination.pk]),
        {"material": "id-card", "file": fake},
    )

    assert response.status_code == 400
    assert "只接受 JPG、PNG 图片、PDF 或 Word（.docx）文件。" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_upload_without_file_says_so(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)

    response = client.post(
        reverse("nominations:evidence_upload", args=[nomination.pk]), {"material": "id-card"}
    )

    assert "请选择要上传的文件。" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_delete_evidence_removes_row(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)
    client.post(
        reverse("nominations:evidence_upload", args=[nomination.pk]),
        {"material": "id-card", "file": SimpleUploadedFile("a.png", png_bytes())},
    )
    evidence = Evidence.objects.get()

    response = client.post(
        reverse("nominations:evidence_delete", args=[nomination.pk, evidence.pk]), follow=True
    )

    assert "材料已删除。" in response.content.decode()
    assert Evidence.objects.count() == 0


def test_submit_refused_when_hard_rule_fails(
    client, seed_campaign, make_user, nominate, complete, within
):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(
        campaign, "jishu-nengshou", clerk, skill_level="intermediate", professional_title="none"
    )
    complete(nomination, clerk)
    client.force_login(clerk)

    with time_machine.travel(within(campaign), tick=False):
        response = client.post(reverse("nominations:submit", args=[nomination.pk]))

    html = response.content.decode()
    assert "不符合以下评选条件，不能提交：" in html
    assert "高级工及以上职业资格（或职业技能等级），或中级以上乡村振兴" in html
    nomination.refresh_from_db()
    assert nomination.state == NominationState.DRAFT


def test_submit_succeeds_after_fixing_skill_level(
    client, seed_campaign, make_user, nominate, complete, within
):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(
        campaign, "jishu-nengshou", clerk, skill_level="intermediate", professional_title="none"
    )
    complete(nomination, clerk)
    client.force_login(clerk)
    form = client.get(reverse("nominations:edit", args=[nomination.pk])).context["form"]
    posted = {
        name: value
        for name, value in ((f.html_name, f.value()) for f in form)
        if value not in (None, "", [])
    }
    posted.update(form_present="1", skill_level="senior", publication_consent="on")
    posted = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in posted.items()}

    with time_machine.travel(within(campaign), tick=False):
        confirmation = client.post(reverse("nominations:submit", args=[nomination.pk]), posted)
        nomination.refresh_from_db()
        assert nomination.state == NominationState.DRAFT
        response = client.post(
            reverse("nominations:submit", args=[nomination.pk]), {"confirmed": "1"}, follow=True
        )

    page = confirmation.content.decode()
    assert "确认提交" in page
    assert f"将送交{nomination.nominating_unit.name}审核" in page
    html = response.content.decode()
    assert "推荐已提交。" in html
    nomination.refresh_from_db()
    assert nomination.state == NominationState.SUBMITTED
    assert nomination.skill_level == "senior"
    assert nomination.publication_consent is True
    assert response.redirect_chain[-1][0] == reverse("nominations:detail", args=[nomination.pk])


def test_submit_outside_window_keeps_draft(client, seed_campaign, make_user, nominate, complete):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    complete(nomination, clerk)
    client.force_login(clerk)

    response = client.post(reverse("nominations:submit", args=[nomination.pk]))

    assert (
        "申报已于 2022-10-26 23:59 截止（依据：六），逾期不予受理。草稿已保存。"
        in response.content.decode()
    )
    nomination.refresh_from_db()
    assert nomination.state == NominationState.DRAFT


def test_other_unit_clerk_gets_404(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    evidence = services.add_evidence(
        nomination,
        actor=clerk,
        material="id-card",
        upload=SimpleUploadedFile("a.png", png_bytes()),
    )
    client.force_login(make_user("cc-nanguan-hrss", Role.CLERK))

    urls = [
        reverse("nominations:edit", args=[nomination.pk]),
        reverse("nominations:detail", args=[nomination.pk]),
        reverse("nominations:evidence_download", args=[nomination.pk, evidence.pk]),
    ]

    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    assert client.post(reverse("nominations:autosave", args=[nomination.pk])).status_code == 404
    assert "王建国" not in client.get(reverse("nominations:list")).content.decode()


def test_anonymous_is_redirected_to_login(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    nomination = nominate(campaign, "jishu-nengshou", make_user("cc-chaoyang-hrss"))

    responses = [
        client.get(reverse("nominations:list")),
        client.get(reverse("nominations:edit", args=[nomination.pk])),
        client.get(reverse("campaigns:detail", args=[campaign.code])),
    ]

    login = reverse("accounts:login")
    assert [r.url.split("?")[0] for r in responses] == [login, login, login]


def test_detail_masks_personal_data_for_reviewer(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    id_number = make_id_number()
    nomination = nominate(campaign, "jishu-nengshou", clerk, id_number=id_number)
    client.force_login(make_user("cc-chaoyang-hrss", Role.REVIEWER))

    html = client.get(reverse("nominations:detail", args=[nomination.pk])).content.decode()

    assert id_number not in html
    assert id_number[:3] + "*" * 11 + id_number[-4:] in html
    assert "139****5678" in html
    assert "王建国" in html
    assert "创建推荐" in html  # the history, by the action's name


def test_detail_masks_by_default_and_unmasking_is_audited(
    client, seed_campaign, make_user, nominate
):
    from jiangxuan.core.models import AuditEntry

    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    id_number = make_id_number()
    nomination = nominate(campaign, "jishu-nengshou", clerk, id_number=id_number)
    client.force_login(clerk)
    url = reverse("nominations:detail", args=[nomination.pk])

    masked = client.get(url).content.decode()
    views_before = AuditEntry.objects.filter(action="nomination.view_unmasked").count()
    full = client.get(url, {"unmasked": "1"}).content.decode()

    assert id_number not in masked
    assert "显示完整个人信息" in masked
    assert reverse("documents:nomination_docx", args=[nomination.pk]) in masked
    assert reverse("documents:summary_xlsx", args=[campaign.code]) in masked
    assert id_number in full
    entry = AuditEntry.objects.filter(action="nomination.view_unmasked").latest("id")
    assert AuditEntry.objects.filter(action="nomination.view_unmasked").count() == views_before + 1
    assert (entry.actor, entry.after["where"]) == (clerk, "detail")
    assert "id_number" in entry.after["fields"]


def test_withdraw_needs_reason_then_withdraws(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)
    url = reverse("nominations:withdraw", args=[nomination.pk])

    refused = client.post(url, {"reason": "  "}, follow=True)
    nomination.refresh_from_db()
    state_after_refusal = nomination.state
    done = client.post(url, {"reason": "本人放弃申报"}, follow=True)

    assert "请填写撤回原因。" in refused.content.decode()
    assert state_after_refusal == NominationState.DRAFT
    assert "推荐已撤回。" in done.content.decode()
    nomination.refresh_from_db()
    assert nomination.state == NominationState.WITHDRAWN
    assert "本人放弃申报" in done.content.decode()


def test_withdraw_by_reviewer_is_forbidden_in_chinese(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    nomination = nominate(campaign, "jishu-nengshou", make_user("cc-chaoyang-hrss"))
    client.force_login(make_user("cc-chaoyang-hrss", Role.REVIEWER))

    response = client.post(
        reverse("nominations:withdraw", args=[nomination.pk]), {"reason": "试图撤回"}
    )

    assert response.status_code == 403
    assert "您无权对此推荐执行“撤回”。" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.state == NominationState.DRAFT


def test_campaign_office_overrides_failed_rule(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    nomination = nominate(
        campaign,
        "jishu-nengshou",
        make_user("cc-chaoyang-hrss"),
        skill_level="intermediate",
        professional_title="none",
    )
    office = make_user("cc-hrss", Role.CAMPAIGN_OFFICE)
    client.force_login(office)
    page = client.get(reverse("nominations:detail", args=[nomination.pk])).content.decode()

    response = client.post(
        reverse("nominations:override", args=[nomination.pk]),
        {"rule_code": "skill-or-title", "reason": "持有相当于高级工的企业技能等级认定"},
        follow=True,
    )

    assert 'name="rule_code" value="skill-or-title"' in page
    assert "已特批该项条件。" in response.content.decode()
    assert "特批" in response.content.decode()
    override = EligibilityOverride.objects.get(nomination=nomination)
    assert (override.rule_code, override.decided_by) == ("skill-or-title", office)


def test_list_filters_by_state(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nominate(campaign, "jishu-nengshou", clerk, name="甲某")
    withdrawn = nominate(campaign, "jishu-nengshou", clerk, name="乙某")
    services.withdraw_nomination(withdrawn, actor=clerk, reason="放弃")
    client.force_login(clerk)

    everything = client.get(reverse("nominations:list")).content.decode()
    drafts = client.get(
        reverse("nominations:list"), {"campaign": campaign.code, "state": "draft"}
    ).content.decode()

    assert ("甲某" in everything, "乙某" in everything) == (True, True)
    assert ("甲某" in drafts, "乙某" in drafts) == (True, False)
    assert "220104" not in everything


def test_list_queries_do_not_grow_with_rows(
    client, seed_campaign, make_user, nominate, django_assert_num_queries
):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)
    client.get(reverse("nominations:list"))  # the first request also writes the session
    # the page's queries, its campaigns among them (nominations.selectors.list_rows)
    with django_assert_num_queries(9):
        client.get(reverse("nominations:list"))
    nominate(campaign, "jishu-nengshou", clerk)
    nominate(campaign, "jineng-dajiang", clerk)

    with django_assert_num_queries(9):
        response = client.get(reverse("nominations:list"))

    assert len(response.context["page"].object_list) == 3


def test_history_lists_audit_entries(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)

    history = client.get(reverse("nominations:detail", args=[nomination.pk])).context["history"]

    expected = list(
        AuditEntry.objects.filter(
            object_type="nominations.nomination", object_id=str(nomination.pk)
        )
    )
    assert [e.action for e in history] == ["nomination.create", "nomination.save"]
    assert list(history) == expected


def test_submit_shows_every_missing_required_material_and_submits_nothing(
    client, seed_campaign, make_user, nominate, complete, within
):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = complete(nominate(campaign, "jishu-nengshou", clerk), clerk)
    nomination.evidence.filter(material__in=["id-card", "diploma"]).delete()
    client.force_login(clerk)

    with time_machine.travel(within(campaign), tick=False):
        confirmation = client.post(reverse("nominations:submit", args=[nomination.pk]))
        confirmed = client.post(
            reverse("nominations:submit", args=[nomination.pk]), {"confirmed": "1"}
        )

    page = confirmation.content.decode()
    assert "尚不能提交" in page
    assert "以下必备材料尚未上传：身份证复印件；毕业证书复印件。" in page
    assert 'name="confirmed"' not in page
    assert "以下必备材料尚未上传：身份证复印件；毕业证书复印件。" in confirmed.content.decode()
    nomination.refresh_from_db()
    assert nomination.state == NominationState.DRAFT


def test_nomination_history_shows_action_names(client, seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk)
    client.force_login(clerk)

    html = client.get(reverse("nominations:detail", args=[nomination.pk])).content.decode()

    assert "创建推荐" in html
    assert "nomination.create" not in html
    assert "nomination.save" not in html


def test_a_damaged_stored_value_reads_as_undecryptable_and_is_kept(
    client, seed_campaign, make_user, nominate, caplog
):
    # Issue 16 "integrity errors are handled": an altered ciphertext is no 500; the
    # authorised viewer sees 无法解密, the administrator an ERROR record and the audit trail
    # an entry, and saving the row keeps what is stored for a key that might still open it.
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss", Role.CLERK)
    nomination = nominate(campaign, "jishu-nengshou", clerk, phone="13912345678")
    with connection.cursor() as cursor:  # what a wrong key or a tampered backup looks like
        cursor.execute("SELECT phone FROM nominations_nomination WHERE id = %s", [nomination.pk])
        (token,) = cursor.fetchone()
        damaged = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
        cursor.execute(
            "UPDATE nominations_nomination SET phone = %s WHERE id = %s", [damaged, nomination.pk]
        )
    client.force_login(clerk)

    with caplog.at_level("ERROR", logger="jiangxuan.integrity"):
        page = client.get(reverse("nominations:detail", args=[nomination.pk]) + "?unmasked=1")
        again = client.get(reverse("nominations:detail", args=[nomination.pk]) + "?unmasked=1")

    assert page.status_code == 200
    assert again.status_code == 200
    assert "无法解密" in page.content.decode()
    assert nomination.name in page.content.decode()  # the rest of the page works
    assert len([r for r in caplog.records if "failed authentication" in r.message]) == 1
    assert AuditEntry.objects.filter(action="crypto.decrypt_failed").count() == 1
    reloaded = Nomination.objects.get(pk=nomination.pk)
    reloaded.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM nominations_nomination WHERE id = %s", [nomination.pk])
        assert cursor.fetchone() == (damaged,)
