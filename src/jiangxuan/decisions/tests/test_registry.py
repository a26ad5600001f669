"""The laureate registry of editions held before the platform (issue 12): imported from a
spreadsheet with the document that named them, so that "previous winners are excluded"
(seed 001 一(一)) works from the first edition on the platform."""

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.campaigns.models import PastAwardee
from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions import registry
from jiangxuan.nominations import services as nomination_services
from jiangxuan.nominations.tests.conftest import make_id_number, person

from .conftest import user_with_role

pytestmark = pytest.mark.django_db

SOURCE = "关于表彰第二届长春技能大奖获得者的决定（长人社发〔2019〕12号）"
EARLIER = make_id_number("110101", "19750315")
OTHER = make_id_number("110101", "19800720", male=False)


def xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD: list[list[Any]] = [
    ["序号", "姓名", "身份证号码", "年度"],
    [1, "王建国", EARLIER, 2019],
    [2, "李秀兰", OTHER, 2019],
]


@pytest.fixture
def changchun(seed_campaign):
    campaign = seed_campaign("001")
    office = user_with_role("cc-hrss", Role.CAMPAIGN_OFFICE, campaign=campaign)
    return campaign, campaign.awards.get(code="jineng-dajiang"), office


def test_an_imported_earlier_winner_is_excluded_from_the_same_award(changchun):
    campaign, award, office = changchun

    result = registry.import_past_awardees(
        campaign, award, data=xlsx(GOOD), filename="第二届.xlsx", source=SOURCE, actor=office
    )

    assert (result.added, result.present) == (2, 0)
    row = PastAwardee.objects.get(name="王建国")
    assert (row.series, row.year, row.title, row.source) == (award.series, 2019, award.name, SOURCE)
    assert EARLIER not in str(PastAwardee.objects.values())  # the ID number is not kept
    clerk = user_with_role("cc-chaoyang-hrss", Role.CLERK)
    nomination = nomination_services.create_nomination(campaign=campaign, award=award, actor=clerk)
    nomination_services.save_nomination(
        nomination, actor=clerk, core=person(id_number=EARLIER), extra={}
    )
    verdict = {r["code"]: r for r in nomination.eligibility}
    assert verdict["not-previous-awardee"]["status"] == "failed"
    entry = AuditEntry.objects.filter(action="decision.import_past_awardees").latest("pk")
    assert entry.after["added"] == 2


def test_an_import_rescreens_nominations_already_entered(changchun):
    # Entered before the registry knew the winner: passed then, failed after the import.
    campaign, award, office = changchun
    clerk = user_with_role("cc-chaoyang-hrss", Role.CLERK)
    nomination = nomination_services.create_nomination(campaign=campaign, award=award, actor=clerk)
    nomination_services.save_nomination(
        nomination, actor=clerk, core=person(id_number=EARLIER), extra={}
    )
    before = {r["code"]: r["status"] for r in nomination.eligibility}
    untouched = nomination_services.create_nomination(campaign=campaign, award=award, actor=clerk)
    nomination_services.save_nomination(
        untouched,
        actor=clerk,
        core=person(id_number=make_id_number("110101", "19820101")),
        extra={},
    )

    registry.import_past_awardees(
        campaign, award, data=xlsx(GOOD), filename="第二届.xlsx", source=SOURCE, actor=office
    )

    nomination.refresh_from_db()
    after = {r["code"]: r for r in nomination.eligibility}
    assert before["not-previous-awardee"] == "passed"
    assert after["not-previous-awardee"]["status"] == "failed"
    assert nomination.eligibility_status == "failed"
    entries = AuditEntry.objects.filter(action="nomination.rescreen")
    assert [(e.object_id, e.actor_id) for e in entries] == [(str(nomination.pk), office.pk)]
    assert entries.get().after["cause"] == "decision.import_past_awardees"


def test_a_gb18030_csv_is_read_and_a_second_import_adds_nobody(changchun):
    campaign, award, office = changchun
    text = f"姓名,身份证号码,年度,称号\n王建国,{EARLIER},2016年,长春市技能大奖\n"
    data = text.encode("gb18030")

    first = registry.import_past_awardees(
        campaign, award, data=data, filename="名单.csv", source=SOURCE, actor=office
    )
    again = registry.import_past_awardees(
        campaign, award, data=data, filename="名单.csv", source=SOURCE, actor=office
    )

    assert (first.added, again.added, again.present) == (1, 0, 1)
    assert PastAwardee.objects.get().title == "长春市技能大奖"


def test_a_file_with_problems_names_each_row_and_imports_nothing(changchun):
    campaign, award, office = changchun
    wrong_digit = EARLIER[:-1] + ("0" if EARLIER[-1] != "0" else "1")
    rows = [
        ["姓名", "身份证号码", "年度"],
        ["王建国", wrong_digit, 2019],
        ["", OTHER, 2019],
        ["赵志强", make_id_number("110101", "19700101"), 2022],
        ["李秀兰", OTHER, 2019],
    ]

    with pytest.raises(registry.RegistryImportError) as refused:
        registry.import_past_awardees(
            campaign, award, data=xlsx(rows), filename="x.xlsx", source=SOURCE, actor=office
        )

    assert refused.value.problems == [
        "第 2 行（王建国）：身份证号码校验位不正确，请核对最后一位。",
        "第 3 行：缺少姓名。",
        "第 4 行（赵志强）：年度“2022”应为本届（2022年）之前的年份。",
        "第 5 行（李秀兰）：与前面一行是同一人。",
    ]
    assert not PastAwardee.objects.exists()


@pytest.mark.parametrize(
    ("data", "filename", "source", "message"),
    [
        (xlsx(GOOD), "x.xlsx", " ", "请填写依据文件"),
        (xlsx([["姓名", "年度"], ["王建国", 2019]]), "x.xlsx", SOURCE, "缺少：身份证号码"),
        (b"not a workbook", "x.xlsx", SOURCE, "无法读取该 XLSX 文件"),
        (b"\xff\xfe\x00", "x.csv", SOURCE, "UTF-8 或 GB 18030"),
        (b"data", "x.txt", SOURCE, "请上传 XLSX 或 CSV 文件"),
    ],
)
def test_unusable_files_are_refused_with_what_to_fix(changchun, data, filename, source, message):
    campaign, award, office = changchun

    with pytest.raises(registry.RegistryImportError) as refused:
        registry.import_past_awardees(
            campaign, award, data=data, filename=filename, source=source, actor=office
        )

    assert message in refused.value.message


def test_only_the_office_imports(changchun):
    campaign, award, _office = changchun
    clerk = user_with_role("cc-chaoyang-hrss", Role.CLERK)

    with pytest.raises(PermissionDenied):
        registry.import_past_awardees(
            campaign, award, data=xlsx(GOOD), filename="x.xlsx", source=SOURCE, actor=clerk
        )
    assert not PastAwardee.objects.exists()


def test_the_office_page_imports_and_keeps_what_was_typed_on_a_refusal(changchun, client):
    campaign, award, office = changchun
    client.force_login(office)
    url = reverse("decisions:past_awardees", args=[campaign.code])

    bad = io.BytesIO(xlsx([["姓名", "年度"], ["王建国", 2019]]))
    bad.name = "名单.xlsx"
    refused = client.post(url, {"award": award.pk, "source": SOURCE, "file": bad})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "缺少：身份证号码" in page
    assert f'value="{SOURCE}"' in page

    good = io.BytesIO(xlsx(GOOD))
    good.name = "名单.xlsx"
    done = client.post(url, {"award": award.pk, "source": SOURCE, "file": good}, follow=True)
    assert "已导入 2 人" in done.content.decode()
    assert PastAwardee.objects.filter(series=award.series).count() == 2


def test_the_api_imports_and_answers_problems_under_file(changchun, client):
    campaign, award, office = changchun
    client.force_login(office)
    url = f"/api/v1/campaigns/{campaign.code}/awards/{award.code}/past-awardees"

    bad = io.BytesIO(xlsx([["姓名", "身份证号码", "年度"], ["王建国", EARLIER, 2030]]))
    bad.name = "x.xlsx"
    refused = client.post(url, {"source": SOURCE, "file": bad})
    assert refused.status_code == 400
    assert "应为本届（2022年）之前的年份" in refused.json()["errors"]["file"][0]

    good = io.BytesIO(xlsx(GOOD))
    good.name = "x.xlsx"
    created = client.post(url, {"source": SOURCE, "file": good})
    assert created.status_code == 201
    assert created.json()["added"] == 2
    rows = client.get(f"/api/v1/campaigns/{campaign.code}/past-awardees").json()
    assert {r["award"]: r["imported"] for r in rows}["jineng-dajiang"] == 2


def test_the_command_imports_and_fails_loudly(changchun, tmp_path: Path):
    campaign, award, _office = changchun
    good = tmp_path / "名单.xlsx"
    good.write_bytes(xlsx(GOOD))
    out = io.StringIO()

    call_command(
        "importpastawardees", campaign.code, award.code, str(good), source=SOURCE, stdout=out
    )

    assert "已导入 2 人" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,年度\n王建国,2019\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "importpastawardees", campaign.code, award.code, str(bad), source=SOURCE, stderr=out
        )
