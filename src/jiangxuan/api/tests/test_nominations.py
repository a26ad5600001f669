"""Nominations through the API: create, edit, submit, withdraw, read; scope and masking."""

import pytest

from jiangxuan.core.models import AuditEntry
from jiangxuan.nominations.models import Nomination

from .conftest import filled_fields, make_id_number, png_bytes

pytestmark = pytest.mark.django_db


def _upload_photo(client, nomination_id):
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("照片.png", png_bytes(), content_type="image/png")
    response = client.upload(f"/nominations/{nomination_id}/evidence", material="photo", file=photo)
    assert response.status_code == 201, response.content
    return response.json()


def _upload_materials(client, nomination_id):
    """Upload a scan for every required item of seed 001's materials checklist (四)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    spec = Nomination.objects.get(pk=nomination_id).campaign.specification
    for m in spec.materials:
        if m.required and m.upload and m.per == "nomination":
            scan = SimpleUploadedFile(f"{m.code}.png", png_bytes(), content_type="image/png")
            response = client.upload(
                f"/nominations/{nomination_id}/evidence", material=m.code, file=scan
            )
            assert response.status_code == 201, response.content


def _ready(client, nomination_id, **overrides):
    """Fill every required field, upload the photo and the required materials."""
    response = client.patch(f"/nominations/{nomination_id}", {"fields": filled_fields(**overrides)})
    assert response.status_code == 200
    assert response.json()["errors"] == {}
    _upload_photo(client, nomination_id)
    _upload_materials(client, nomination_id)


def test_create_nomination_starts_draft_in_clerks_district(campaign, clerk, api_as, orgs):
    response = api_as(clerk).post(
        "/nominations", {"campaign": campaign.code, "award": "jineng-dajiang"}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "draft"
    assert body["award"] == "jineng-dajiang"
    assert body["workplace"]["code"] == "cc-huarui-machinery"
    assert body["nominating_unit"]["code"] == "cc-chaoyang-hrss"
    assert body["permissions"]["submit_nomination"] is True
    assert Nomination.objects.get(pk=body["id"]).created_by == clerk


def test_create_nomination_unknown_award_400_names_field(campaign, clerk, api_as):
    response = api_as(clerk).post("/nominations", {"campaign": campaign.code, "award": "nope"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"award": ["该评选活动没有代码为 nope 的奖项。"]}
    assert Nomination.objects.count() == 0


def test_create_nomination_workplace_outside_scope_400(campaign, clerk, api_as, orgs):
    response = api_as(clerk).post(
        "/nominations",
        {
            "campaign": campaign.code,
            "award": "jineng-dajiang",
            "workplace": orgs["cc-yatai-heat"].pk,
        },
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["workplace"]


def test_create_nomination_by_reviewer_403(campaign, reviewer, api_as):
    response = api_as(reviewer).post(
        "/nominations", {"campaign": campaign.code, "award": "jineng-dajiang"}
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "只有推荐单位经办人可以新建推荐。"


def test_patch_invalid_id_number_saves_the_other_fields(draft, clerk, api_as):
    response = api_as(clerk).patch(
        f"/nominations/{draft}",
        {"fields": {"name": "王建国", "id_number": "22010419850315101", "phone": "13912345678"}},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["errors"] == {"id_number": ["身份证号码应为18位，当前为17位。"]}
    assert body["fields"]["name"] == "王建国"
    assert body["fields"]["phone"] == "139****5678"
    nomination = Nomination.objects.get(pk=draft)
    assert (nomination.name, nomination.phone, nomination.id_number) == (
        "王建国",
        "13912345678",
        "",
    )


def test_patch_already_nominated_id_number_saves_the_other_fields(draft, campaign, clerk, api_as):
    """Issue 15.1: the ID number of another live nomination is refused like an invalid
    value, the rest is saved (it answered 400 and saved nothing)."""
    client = api_as(clerk)
    taken = make_id_number()
    other = client.post("/nominations", {"campaign": campaign.code, "award": "jishu-nengshou"})
    client.patch(f"/nominations/{other.json()['id']}", {"fields": {"id_number": taken}})

    response = client.patch(
        f"/nominations/{draft}", {"fields": {"name": "王建国", "id_number": taken}}
    )

    assert response.status_code == 200
    assert response.json()["errors"] == {
        "id_number": ["此身份证号码在本活动中已有推荐，同一人只能申报一个奖项（依据：三(二)3）。"]
    }
    nomination = Nomination.objects.get(pk=draft)
    assert (nomination.name, nomination.id_number) == ("王建国", "")


def test_patch_structured_fields_replace_lists_and_report_bad_shapes(draft, clerk, api_as):
    client = api_as(clerk)
    client.patch(
        f"/nominations/{draft}",
        {"fields": {"honours": [{"code": "model_worker", "year": 2019}, {"code": "labour_medal"}]}},
    )

    response = client.patch(
        f"/nominations/{draft}",
        {
            "fields": {
                "honours": [{"code": "labour_medal", "year": 2021}],
                "technical_innovation": {"content": "改进夹具", "witness": "李明"},
                "contests": "第一名",
                "is_retired": "也许",
                "favourite_colour": "红",
            }
        },
    )

    body = response.json()
    assert body["errors"] == {
        "contests": ["应为对象列表（每行一个对象）"],
        "is_retired": ["应为 true、false 或 null"],
        "favourite_colour": ["不是本活动推荐表的字段。"],
    }
    nomination = Nomination.objects.get(pk=draft)
    assert [(h["code"], h["year"]) for h in nomination.honours] == [("labour_medal", 2021)]
    assert nomination.extra["technical_innovation"] == {"content": "改进夹具", "witness": "李明"}


def test_patch_invalid_row_cell_reported_with_row_path(draft, clerk, api_as):
    response = api_as(clerk).patch(
        f"/nominations/{draft}", {"fields": {"honours": [{"code": "model_worker", "year": "去年"}]}}
    )

    assert response.json()["errors"] == {"honours[0].year": ["输入整数。"]}
    assert Nomination.objects.get(pk=draft).honours == []


def test_patch_masked_value_sent_back_is_unchanged(draft, clerk, api_as):
    client = api_as(clerk)
    id_number = make_id_number()
    client.patch(f"/nominations/{draft}", {"fields": {"id_number": id_number}})
    masked = client.get(f"/nominations/{draft}").json()["fields"]

    response = client.patch(f"/nominations/{draft}", {"fields": masked})

    assert response.json()["errors"] == {}
    assert Nomination.objects.get(pk=draft).id_number == id_number


def test_patch_change_award_and_consent(draft, clerk, api_as):
    response = api_as(clerk).patch(
        f"/nominations/{draft}", {"award": "jishu-nengshou", "publication_consent": True}
    )

    assert response.status_code == 200
    assert response.json()["award"] == "jishu-nengshou"
    nomination = Nomination.objects.get(pk=draft)
    assert (nomination.award.code, nomination.publication_consent) == ("jishu-nengshou", True)


def test_patch_by_reviewer_who_sees_it_403(draft, reviewer, api_as):
    response = api_as(reviewer).patch(f"/nominations/{draft}", {"fields": {"name": "李四"}})

    assert response.status_code == 403
    assert response.json() == {
        "detail": "您无权修改此推荐。",
        "code": "permission_denied",
        "errors": {},
    }
    assert Nomination.objects.get(pk=draft).name == ""


def test_create_patch_submit_happy_path(campaign, clerk, api_as):
    client = api_as(clerk)
    created = client.post("/nominations", {"campaign": campaign.code, "award": "jineng-dajiang"})
    nomination_id = created.json()["id"]
    first = client.patch(
        f"/nominations/{nomination_id}", {"fields": filled_fields(id_number="123456")}
    )
    assert first.json()["errors"] == {"id_number": ["身份证号码应为18位，当前为6位。"]}

    _ready(client, nomination_id)
    response = client.post(f"/nominations/{nomination_id}/submit")

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"
    assert response.json()["editable"] is False
    nomination = Nomination.objects.get(pk=nomination_id)
    assert nomination.state == "submitted"
    assert nomination.sex == "男"
    assert str(nomination.birth_date) == "1985-03-15"
    assert AuditEntry.objects.filter(
        action="nomination.submit", object_id=str(nomination_id)
    ).exists()


def test_submit_incomplete_400_lists_missing_fields(draft, clerk, api_as):
    response = api_as(clerk).post(f"/nominations/{draft}/submit")

    assert response.status_code == 400
    assert response.json()["code"] == "incomplete"
    assert response.json()["detail"].startswith("以下必填项尚未填写：")
    assert Nomination.objects.get(pk=draft).state == "draft"


def test_submit_without_a_required_material_400_names_it(draft, clerk, api_as):
    client = api_as(clerk)
    _ready(client, draft)
    Nomination.objects.get(pk=draft).evidence.filter(material="diploma").delete()

    response = client.post(f"/nominations/{draft}/submit")

    assert response.status_code == 400
    assert response.json()["code"] == "incomplete"
    assert "以下必备材料尚未上传：毕业证书复印件。" in response.json()["detail"]
    assert Nomination.objects.get(pk=draft).state == "draft"


def test_submit_failing_hard_rule_400_ineligible(draft, clerk, api_as):
    client = api_as(clerk)
    _ready(client, draft, is_retired=True)

    response = client.post(f"/nominations/{draft}/submit")

    assert response.status_code == 400
    assert response.json()["code"] == "ineligible"
    assert "非退休人员" in response.json()["detail"]
    assert Nomination.objects.get(pk=draft).state == "draft"


def test_submit_twice_409(draft, clerk, api_as):
    client = api_as(clerk)
    _ready(client, draft)
    assert client.post(f"/nominations/{draft}/submit").status_code == 200

    response = client.post(f"/nominations/{draft}/submit")

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["detail"] == "当前状态为“已提交”，不能提交。"


def test_patch_submitted_nomination_409(draft, clerk, api_as):
    client = api_as(clerk)
    _ready(client, draft)
    client.post(f"/nominations/{draft}/submit")

    response = client.patch(f"/nominations/{draft}", {"fields": {"name": "李四"}})

    assert response.status_code == 409
    assert Nomination.objects.get(pk=draft).name == "王建国"


def test_submit_outside_window_400(draft, clerk, api_as, in_window):
    import datetime as dt

    client = api_as(clerk)
    _ready(client, draft)
    in_window.shift(dt.timedelta(days=2))

    response = client.post(f"/nominations/{draft}/submit")

    assert response.status_code == 400
    assert response.json()["code"] == "window"
    assert "2022-10-26 23:59" in response.json()["detail"]


def test_withdraw_needs_reason_then_withdraws(draft, clerk, api_as):
    client = api_as(clerk)
    _ready(client, draft)

    empty = client.post(f"/nominations/{draft}/withdraw", {"reason": " "})
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"reason": ["请填写撤回原因。"]}

    response = client.post(f"/nominations/{draft}/withdraw", {"reason": "本人放弃"})
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    assert client.post(f"/nominations/{draft}/submit").status_code == 409


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "", None),
        ("patch", "", {"fields": {"name": "李四"}}),
        ("post", "/submit", {}),
        ("post", "/withdraw", {"reason": "x"}),
        ("get", "/eligibility", None),
        ("post", "/eligibility/overrides", {"rule_code": "not-retired", "reason": "x"}),
        ("get", "/documents", None),
    ],
)
def test_other_units_clerk_gets_404(draft, other_clerk, api_as, method, path, data):
    client = api_as(other_clerk)
    url = f"/nominations/{draft}{path}"

    response = client.get(url) if method == "get" else getattr(client, method)(url, data)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    nomination = Nomination.objects.get(pk=draft)
    assert (nomination.state, nomination.name) == ("draft", "")


def test_other_units_clerk_gets_404_on_evidence(draft, clerk, other_clerk, api_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    evidence = _upload_photo(api_as(clerk), draft)
    intruder = api_as(other_clerk)
    photo = SimpleUploadedFile("x.png", png_bytes(), content_type="image/png")

    upload = intruder.upload(f"/nominations/{draft}/evidence", material="photo", file=photo)
    download = intruder.get(f"/nominations/{draft}/evidence/{evidence['id']}")
    delete = intruder.delete(f"/nominations/{draft}/evidence/{evidence['id']}")

    assert [upload.status_code, download.status_code, delete.status_code] == [404, 404, 404]
    assert Nomination.objects.get(pk=draft).evidence.count() == 1


def test_list_nominations_only_visible_and_filtered(campaign, clerk, other_clerk, api_as, draft):
    api_as(other_clerk).post("/nominations", {"campaign": campaign.code, "award": "jishu-nengshou"})

    mine = api_as(clerk).get("/nominations").json()
    filtered = api_as(clerk).get("/nominations", state="submitted").json()

    assert [item["id"] for item in mine["items"]] == [draft]
    assert mine["count"] == 1
    assert filtered == {"items": [], "count": 0, "page": 1, "page_size": 50}


@pytest.mark.parametrize("rows", [1, 3])
def test_list_nominations_query_count_does_not_grow(
    campaign, clerk, api_as, rows, django_assert_num_queries
):
    client = api_as(clerk)
    for _ in range(rows):
        client.post("/nominations", {"campaign": campaign.code, "award": "jineng-dajiang"})
    client.get("/me")  # token last-use is written once a minute: settle it first

    # token, memberships, page, its campaigns (nominations.selectors.list_rows), count
    with django_assert_num_queries(5):
        response = client.get("/nominations")

    assert response.json()["count"] == rows


def test_get_nomination_masks_personal_data_by_default(draft, clerk, api_as):
    client = api_as(clerk)
    id_number = make_id_number()
    client.patch(
        f"/nominations/{draft}",
        {"fields": {"id_number": id_number, "bank_account": "6214830100001234"}},
    )

    body = client.get(f"/nominations/{draft}").json()

    assert body["masked"] is True
    assert body["fields"]["id_number"] == id_number[:3] + "*" * 11 + id_number[-4:]
    assert body["fields"]["bank_account"] == "**** **** 1234"
    assert id_number not in str(body)
    assert not AuditEntry.objects.filter(action="nomination.view_unmasked").exists()


def test_get_nomination_unmasked_with_permission_is_audited(draft, clerk, api_as):
    client = api_as(clerk)
    id_number = make_id_number()
    client.patch(f"/nominations/{draft}", {"fields": {"id_number": id_number}})

    body = client.get(f"/nominations/{draft}", unmasked=1).json()

    assert body["masked"] is False
    assert body["fields"]["id_number"] == id_number
    entry = AuditEntry.objects.get(action="nomination.view_unmasked")
    assert (entry.actor, entry.object_id) == (clerk, str(draft))


def test_get_nomination_unmasked_without_permission_403(draft, clerk, reviewer, api_as):
    api_as(clerk).patch(f"/nominations/{draft}", {"fields": {"id_number": make_id_number()}})

    masked = api_as(reviewer).get(f"/nominations/{draft}")
    refused = api_as(reviewer).get(f"/nominations/{draft}", unmasked=1)

    assert masked.status_code == 200
    assert masked.json()["permissions"]["view_personal_data"] is False
    assert refused.status_code == 403
    assert refused.json()["detail"] == "您无权查看此推荐的完整个人信息。"
    assert not AuditEntry.objects.filter(action="nomination.view_unmasked").exists()


def test_eligibility_results_and_office_override(draft, clerk, office, api_as):
    client = api_as(clerk)
    client.patch(f"/nominations/{draft}", {"fields": filled_fields(is_retired=True)})

    results = client.get(f"/nominations/{draft}/eligibility").json()
    by_code = {r["code"]: r for r in results["results"]}
    assert results["status"] == "failed"
    assert (by_code["not-retired"]["status"], by_code["not-retired"]["status_label"]) == (
        "failed",
        "不符合",
    )
    assert [(i["code"], i["status"]) for i in by_code["one-of-five"]["items"]] == [
        ("model-worker-or-medal", "passed"),
        ("innovation", "failed"),
        ("unique-skill-mentoring", "failed"),
        ("advanced-technology", "failed"),
        ("national-games-bronze", "failed"),
    ]

    by_clerk = client.post(
        f"/nominations/{draft}/eligibility/overrides",
        {"rule_code": "not-retired", "reason": "返聘"},
    )
    assert by_clerk.status_code == 403

    response = api_as(office).post(
        f"/nominations/{draft}/eligibility/overrides",
        {"rule_code": "not-retired", "reason": "退休后返聘，仍在一线"},
    )
    assert response.status_code == 201
    assert response.json()["status"] == "passed"
    assert response.json()["overrides"][0]["rule_code"] == "not-retired"
    assert response.json()["overrides"][0]["decided_by"] == office.username


def test_documents_lists_download_links(draft, clerk, campaign, api_as):
    response = api_as(clerk).get(f"/nominations/{draft}/documents")

    assert response.status_code == 200
    assert [(d["kind"], d["format"], d["url"]) for d in response.json()] == [
        ("nomination_form", "docx", f"/api/v1/nominations/{draft}/form.docx"),
        ("nomination_form", "pdf", f"/api/v1/nominations/{draft}/form.pdf"),
        ("summary_sheet", "xlsx", f"/api/v1/campaigns/{campaign.code}/summary.xlsx"),
    ]


def test_token_client_downloads_the_documents(draft, clerk, other_clerk, campaign, api_as):
    """The links work with a bearer token, not only a session; other units get 404."""
    import io

    from docx import Document

    client = api_as(clerk)
    docx = client.get(f"/nominations/{draft}/form.docx")
    xlsx = client.get(f"/campaigns/{campaign.code}/summary.xlsx")
    stranger = api_as(other_clerk).get(f"/nominations/{draft}/form.docx")

    assert docx.status_code == 200
    assert "attachment" in docx["Content-Disposition"]
    text = "\n".join(
        p.text for p in Document(io.BytesIO(b"".join(docx.streaming_content))).paragraphs
    )
    assert campaign.specification.form.title in text
    assert xlsx.status_code == 200
    assert xlsx["Cache-Control"] == "no-store"
    assert stranger.status_code == 404


def test_patch_claimed_conditions_like_the_web_form(draft, clerk, api_as):
    client = api_as(clerk)
    client.patch(f"/nominations/{draft}", {"award": "jishu-nengshou"})

    bad = client.patch(f"/nominations/{draft}", {"fields": {"claimed_conditions": ["nope"]}})
    good = client.patch(f"/nominations/{draft}", {"fields": {"claimed_conditions": ["mentoring"]}})

    assert list(bad.json()["errors"]) == ["claimed_conditions"]
    assert good.json()["errors"] == {}
    assert good.json()["fields"]["claimed_conditions"] == ["mentoring"]
    results = {
        r["code"]: r for r in client.get(f"/nominations/{draft}/eligibility").json()["results"]
    }
    assert results["one-of-four"]["status"] == "needs_evidence"
