"""Forward documents (issue 13): the stamped 推荐报告, the 汇总表 and the 公示 screenshots a
body sends with its list (seed 001 四(一)(二)). A forward without a required one is
refused (service, page, API) naming it and its clause; with them it goes up, and the
body that receives the list and the office can download them, another unit cannot."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.campaigns.spec import SpecError, parse_spec
from jiangxuan.core.models import AuditEntry
from jiangxuan.nominations import forward_documents, review
from jiangxuan.nominations.models import ForwardDocument, Forwarding
from jiangxuan.nominations.tests.conftest import PDF_BYTES
from jiangxuan.nominations.workflow import NominationError

pytestmark = pytest.mark.django_db

LEVEL = "nominating-unit"
#: Seed 001's documents at the nominating unit's level (四(一)(二)), all required.
CODES = ["nomination-letter", "expert-opinions", "notice-screenshots", "summary-sheet"]


def pdf(name="推荐报告.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


def png(name="公示截图.png"):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), "image/png")


@pytest.fixture
def setting(changchun_ready, changchun_people, make_user, orgs):
    """One 长春技术能手 nomination ready at 朝阳区人社局 (the nominating unit's level, no
    document uploaded yet), the people around it and the county body."""
    ready = changchun_ready(1)
    ForwardDocument.objects.all().delete()  # the fixture's helper provided them
    return {
        "nomination": ready[0],
        "campaign": ready[0].campaign,
        "county": orgs["cc-chaoyang-hrss"],
        "reviewer": changchun_people["county"],
        "other_county": changchun_people["other_county"],
        "city": make_user("cc-hrss", Role.REVIEWER),
        "office": make_user("cc-hrss", Role.CAMPAIGN_OFFICE, campaign=ready[0].campaign),
    }


def upload_all(setting, codes=CODES):
    return [
        forward_documents.add_forward_document(
            setting["campaign"],
            level=LEVEL,
            body=setting["county"],
            actor=setting["reviewer"],
            document=code,
            upload=png() if code == "notice-screenshots" else pdf(),
        )
        for code in codes
    ]


def forward(setting):
    return review.forward_nominations(
        setting["campaign"],
        level=LEVEL,
        body=setting["county"],
        actor=setting["reviewer"],
        order=[setting["nomination"].pk],
    )


# --------------------------------------------------------------------------- service


def test_forward_without_required_documents_is_refused_naming_them(setting):
    upload_all(setting, codes=["nomination-letter"])

    with pytest.raises(NominationError) as refused:
        forward(setting)

    assert refused.value.code == "incomplete"
    assert refused.value.message == (
        "报送前须上传本级报送材料，尚缺：专家评审意见书（推荐报告附件）（依据：四(一)）；"
        "公示截图（推荐报告附件）（依据：四(一)）；"
        "长春技能大奖和长春技术能手候选人汇总表（加盖公章，已排序）（依据：四(二)）。"
        "已填写的排序和选择均已保留。"
    )
    assert list(Forwarding.objects.filter(level=LEVEL)) == []
    setting["nomination"].refresh_from_db()
    assert setting["nomination"].level == LEVEL


def test_forward_with_documents_goes_up_and_they_stay_for_later_batches(setting):
    upload_all(setting)

    done = forward(setting)

    assert [n.level for n in done] == ["city"]
    assert (
        forward_documents.missing_documents(setting["campaign"], LEVEL, setting["county"], done)
        == []
    )


def test_upload_checks_the_file_as_evidence_does_and_the_declared_types(setting):
    with pytest.raises(NominationError) as not_a_file:
        forward_documents.add_forward_document(
            setting["campaign"],
            level=LEVEL,
            body=setting["county"],
            actor=setting["reviewer"],
            document="nomination-letter",
            upload=SimpleUploadedFile("a.txt", b"hello", "text/plain"),
        )
    docx = SimpleUploadedFile("报告.docx", b"PK\x03\x04" + b"\0" * 40, "application/zip")
    with pytest.raises(NominationError) as not_valid_docx:
        forward_documents.add_forward_document(
            setting["campaign"],
            level=LEVEL,
            body=setting["county"],
            actor=setting["reviewer"],
            document="nomination-letter",
            upload=docx,
        )

    assert not_a_file.value.message == "只接受 JPG、PNG 图片、PDF 或 Word（.docx）文件。"
    assert not_a_file.value.field == "file"
    assert not_valid_docx.value.field == "file"
    assert list(ForwardDocument.objects.all()) == []


def test_upload_of_a_type_the_document_does_not_accept_is_refused(setting):
    """Seed 001's 推荐报告 accepts PDF, JPG and PNG: a valid Word file is refused."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    docx = SimpleUploadedFile("推荐报告.docx", out.getvalue(), "application/zip")

    with pytest.raises(NominationError) as refused:
        forward_documents.add_forward_document(
            setting["campaign"],
            level=LEVEL,
            body=setting["county"],
            actor=setting["reviewer"],
            document="nomination-letter",
            upload=docx,
        )

    assert refused.value.message == (
        "“推荐报告（推荐函，加盖公章；含推荐人选、专家评议情况和公示情况，注明联系人、联系方式）”"
        "只接受 PDF、JPG、PNG 文件（依据：四(一)）。"
    )


def test_upload_by_another_unit_is_refused(setting):
    with pytest.raises(PermissionDenied):
        forward_documents.add_forward_document(
            setting["campaign"],
            level=LEVEL,
            body=setting["county"],
            actor=setting["other_county"],
            document="nomination-letter",
            upload=pdf(),
        )
    assert list(ForwardDocument.objects.all()) == []


def test_upload_of_an_unknown_document_is_refused(setting):
    with pytest.raises(NominationError) as refused:
        forward_documents.add_forward_document(
            setting["campaign"],
            level=LEVEL,
            body=setting["county"],
            actor=setting["reviewer"],
            document="dossier",
            upload=pdf(),
        )
    assert refused.value.message == "材料项无效，请从本级报送材料中选择。"


def test_document_sent_with_a_forward_cannot_be_deleted(setting):
    stored = upload_all(setting)
    extra = upload_all(setting, codes=["nomination-letter"])[0]
    forward(setting)

    with pytest.raises(NominationError) as refused:
        forward_documents.delete_forward_document(stored[0], actor=setting["reviewer"])

    assert refused.value.code == "conflict"
    assert ForwardDocument.objects.filter(pk=extra.pk).exists()


def test_document_not_sent_yet_can_be_deleted_audited(setting):
    stored = upload_all(setting, codes=["nomination-letter"])[0]
    pk = stored.pk

    forward_documents.delete_forward_document(stored, actor=setting["reviewer"])

    assert list(ForwardDocument.objects.all()) == []
    actions = AuditEntry.objects.filter(
        object_type="nominations.forwarddocument", object_id=str(pk)
    ).order_by("id")
    assert list(actions.values_list("action", flat=True)) == [
        "forward_document.add",
        "forward_document.delete",
    ]


# --------------------------------------------------------------------------- pages


def test_forward_page_refuses_without_documents_and_keeps_the_choice(setting, client):
    n = setting["nomination"]
    client.force_login(setting["reviewer"])
    url = reverse("nominations:forward", args=[LEVEL, setting["county"].pk])

    response = client.post(
        url,
        {"campaign": "changchun-jineng-2022", "action": "forward", "include": [n.pk]},
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "报送前须上传本级报送材料，尚缺：推荐报告" in text
    assert "（依据：四(二)）" in text
    assert f'name="include" value="{n.pk}" id="include-{n.pk}" checked' in text
    assert list(Forwarding.objects.filter(level=LEVEL)) == []


def test_forward_page_uploads_with_the_forward(setting, client):
    n = setting["nomination"]
    client.force_login(setting["reviewer"])
    url = reverse("nominations:forward", args=[LEVEL, setting["county"].pk])

    response = client.post(
        url,
        {
            "campaign": "changchun-jineng-2022",
            "action": "forward",
            "include": [n.pk],
            "doc_nomination-letter": pdf(),
            "doc_expert-opinions": pdf("专家评审意见书.pdf"),
            "doc_notice-screenshots": [png("公示1.png"), png("公示2.png")],
            "doc_summary-sheet": pdf("汇总表.pdf"),
        },
    )
    # The files are stored with the first click, which shows what will be forwarded
    # (issue 15.3); 确认报送 forwards.
    assert response.status_code == 200
    assert 'id="forward-confirm"' in response.content.decode()
    assert list(Forwarding.objects.filter(level=LEVEL)) == []
    confirmed = client.post(
        url,
        {"campaign": "changchun-jineng-2022", "action": "confirm_forward", "include": [n.pk]},
    )

    assert confirmed.status_code == 302
    assert list(Forwarding.objects.filter(level=LEVEL).values_list("nomination_id", flat=True)) == [
        n.pk
    ]
    assert sorted(ForwardDocument.objects.values_list("document", flat=True)) == [
        "expert-opinions",
        "nomination-letter",
        "notice-screenshots",
        "notice-screenshots",
        "summary-sheet",
    ]


def test_forward_page_keeps_uploaded_files_when_one_is_refused(setting, client):
    n = setting["nomination"]
    client.force_login(setting["reviewer"])
    url = reverse("nominations:forward", args=[LEVEL, setting["county"].pk])

    response = client.post(
        url,
        {
            "campaign": "changchun-jineng-2022",
            "action": "forward",
            "include": [n.pk],
            "doc_nomination-letter": pdf(),
            "doc_summary-sheet": SimpleUploadedFile("汇总表.txt", b"text", "text/plain"),
        },
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "只接受 JPG、PNG 图片、PDF 或 Word（.docx）文件。" in text
    assert list(ForwardDocument.objects.values_list("document", flat=True)) == ["nomination-letter"]
    assert list(Forwarding.objects.filter(level=LEVEL)) == []


def test_forward_page_uploads_beforehand_and_lists_the_files(setting, client):
    n = setting["nomination"]
    client.force_login(setting["reviewer"])
    url = reverse("nominations:forward", args=[LEVEL, setting["county"].pk])

    response = client.post(
        url,
        {
            "campaign": "changchun-jineng-2022",
            "action": "upload",
            "include": [n.pk],
            "doc_nomination-letter": pdf("朝阳区推荐报告.pdf"),
        },
    )
    page = client.get(f"{url}?campaign=changchun-jineng-2022").content.decode()

    assert response.status_code == 200
    assert "已上传1份报送材料。" in response.content.decode()
    assert list(Forwarding.objects.filter(level=LEVEL)) == []
    stored = ForwardDocument.objects.get()
    assert (stored.document, stored.original_name) == ("nomination-letter", "朝阳区推荐报告.pdf")
    assert reverse("nominations:forward_document", args=[stored.pk]) in page
    assert "必交" in page


def test_forward_page_without_a_ready_list_still_takes_documents(setting, client):
    upload_all(setting)
    forward(setting)
    client.force_login(setting["reviewer"])
    url = reverse("nominations:forward", args=[LEVEL, setting["county"].pk])

    response = client.post(
        url,
        {"campaign": "changchun-jineng-2022", "action": "upload", "doc_summary-sheet": pdf()},
    )

    assert response.status_code == 200
    assert 'id="documents-form"' in response.content.decode()
    assert ForwardDocument.objects.filter(document="summary-sheet").count() == 2


def test_receiver_and_office_download_another_unit_gets_404(setting, client):
    stored = upload_all(setting)
    forward(setting)
    url = reverse("nominations:forward_document", args=[stored[0].pk])

    answers = {}
    for who in ("city", "office", "other_county", "reviewer"):
        client.force_login(setting[who])
        answers[who] = client.get(url)

    contents = {who: b"".join(r.streaming_content) for who, r in answers.items() if r.streaming}
    assert answers["city"].status_code == 200
    assert contents["city"] == PDF_BYTES
    assert answers["office"].status_code == 200
    assert answers["reviewer"].status_code == 200
    assert answers["other_county"].status_code == 404
    downloads = AuditEntry.objects.filter(
        action="forward_document.download", object_id=str(stored[0].pk)
    )
    assert sorted(e.actor_id for e in downloads) == sorted(
        setting[who].pk for who in ("city", "office", "reviewer")
    )


def test_receiver_sees_the_documents_on_the_nomination_page(setting, client):
    upload_all(setting)
    forward(setting)
    client.force_login(setting["city"])

    response = client.get(reverse("nominations:detail", args=[setting["nomination"].pk]))

    text = response.content.decode()
    assert "随名单报送的材料" in text
    assert "公示截图（推荐报告附件）：" in text


def test_receiver_sees_the_documents_in_its_review_queue(setting, client):
    stored = upload_all(setting)
    forward(setting)
    client.force_login(setting["city"])

    text = client.get(reverse("nominations:review_queue")).content.decode()

    assert "下级随名单报送的材料：" in text
    assert "长春市朝阳区人力资源和社会保障局：" in text
    links = [reverse("nominations:forward_document", args=[s.pk]) for s in stored]
    assert [link in text for link in links] == [True] * 4


def test_receiver_cannot_download_before_the_forward(setting, client):
    stored = upload_all(setting, codes=["nomination-letter"])[0]
    client.force_login(setting["city"])

    response = client.get(reverse("nominations:forward_document", args=[stored.pk]))

    assert response.status_code == 404


# --------------------------------------------------------------------------- API


class Api:
    def __init__(self, user):
        key = issue_api_token(user, name="test", scope="read_write")
        self.client = Client(headers={"Authorization": f"Bearer {key}"})

    def get(self, path):
        return self.client.get(f"/api/v1{path}")

    def post(self, path, data):
        body = json.dumps(data, ensure_ascii=False)
        return self.client.post(f"/api/v1{path}", body, content_type="application/json")


def test_api_forward_refused_then_accepted_after_uploads(setting):
    api = Api(setting["reviewer"])
    payload = {
        "campaign": "changchun-jineng-2022",
        "level": LEVEL,
        "body": setting["county"].pk,
        "order": [setting["nomination"].pk],
    }

    refused = api.post("/review/forward", payload)
    uploaded = [
        api.client.post(
            "/api/v1/review/forward/documents",
            {
                "campaign": "changchun-jineng-2022",
                "level": LEVEL,
                "body": setting["county"].pk,
                "document": code,
                "file": pdf(),
            },
        )
        for code in CODES
    ]
    listed = api.get(
        f"/review/forward/documents?campaign=changchun-jineng-2022&level={LEVEL}"
        f"&body={setting['county'].pk}"
    )
    accepted = api.post("/review/forward", payload)

    assert refused.status_code == 400
    assert refused.json()["code"] == "incomplete"
    assert refused.json()["detail"].startswith("报送前须上传本级报送材料，尚缺：推荐报告")
    assert [r.status_code for r in uploaded] == [201] * 4
    assert [(d["code"], len(d["files"])) for d in listed.json()] == [(c, 1) for c in CODES]
    assert accepted.status_code == 200
    assert [n["level"] for n in accepted.json()] == ["city"]


def test_api_upload_of_a_refused_file_answers_400(setting):
    response = Api(setting["reviewer"]).client.post(
        "/api/v1/review/forward/documents",
        {
            "campaign": "changchun-jineng-2022",
            "level": LEVEL,
            "body": setting["county"].pk,
            "document": "nomination-letter",
            "file": SimpleUploadedFile("a.txt", b"hello", "text/plain"),
        },
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "只接受 JPG、PNG 图片、PDF 或 Word（.docx）文件。"


def test_api_receiver_downloads_another_unit_gets_404(setting):
    stored = upload_all(setting)
    forward(setting)
    n = setting["nomination"]

    listed = Api(setting["city"]).get(f"/nominations/{n.pk}/forward-documents")
    url = listed.json()[0]["files"][0]["url"]
    by_city = Api(setting["city"]).client.get(url)
    by_other = Api(setting["other_county"]).get(f"/review/forward-documents/{stored[0].pk}")

    assert [(f["level"], f["body"]["code"]) for f in listed.json()] == [(LEVEL, "cc-chaoyang-hrss")]
    by_city_content = b"".join(by_city.streaming_content)
    assert by_city.status_code == 200
    assert by_city_content == PDF_BYTES
    assert by_other.status_code == 404
    assert by_other.json()["code"] == "not_found"


# --------------------------------------------------------------------------- specification


SPEC_001 = "specs/001-changchun-jineng-2022.yaml"


def _with_documents(block: str) -> str:
    from pathlib import Path

    text = Path(SPEC_001).read_text(encoding="utf-8")
    return text.replace("  forward_documents:\n", "  forward_documents:\n" + block, 1)


def test_spec_unknown_level_is_named_in_chinese():
    text = _with_documents("    - {level: county, code: report, name: 推荐报告}\n")

    with pytest.raises(SpecError) as error:
        parse_spec(text, "001.yaml")

    assert error.value.messages == [
        "review_chain.forward_documents[0].level：没有审核层级 county"
        "（可选：workplace、nominating-unit、city）"
    ]


def test_spec_bad_file_type_is_named_in_chinese():
    text = _with_documents(
        "    - {level: city, code: report, name: 推荐报告, types: [pdf, xlsx]}\n"
    )

    with pytest.raises(SpecError) as error:
        parse_spec(text, "001.yaml")

    assert error.value.messages == [
        "review_chain.forward_documents[0].types[1]：取值不在允许范围内，可选：pdf、jpg、png、docx"
    ]
