"""API: the specification's versions, a reasoned edit, a campaign-wide extension and a new
campaign (issue 12.6), each refused with a Chinese message that names what to fix."""

import json

import pytest

from jiangxuan.accounts.enums import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def changchun(seed_campaign):
    return seed_campaign("001")


def test_office_edits_with_a_reason_and_lists_versions(changchun, make_user, api_as):
    api = api_as(make_user("cc-hrss", Role.CAMPAIGN_OFFICE))
    base = f"/campaigns/{changchun.code}/spec"
    edited = changchun.spec_yaml.replace("第三届长春技能大奖", "第三届长春技能大奖（修订）", 1)

    refused = api.raw("put", base, _json({"spec_yaml": edited}), "application/json")
    saved = api.raw(
        "put", base, _json({"spec_yaml": edited, "reason": "更正标题"}), "application/json"
    )

    assert (refused.status_code, list(refused.json()["errors"])) == (400, ["reason"])
    assert (saved.status_code, saved.json()["number"], saved.json()["reason"]) == (
        200,
        2,
        "更正标题",
    )
    listed = api.get(f"{base}/versions").json()
    assert [(v["number"], v["change_label"]) for v in listed] == [
        (2, "在线修改"),
        (1, "由文件导入"),
    ]
    assert api.get(f"{base}/versions/2").json()["spec_yaml"] == edited


def test_a_broken_spec_lists_each_problem_with_its_line(changchun, make_user, api_as):
    api = api_as(make_user("cc-hrss", Role.CAMPAIGN_OFFICE))
    broken = changchun.spec_yaml.replace("year: 2022", "year: 1999", 1)

    response = api.raw(
        "put",
        f"/campaigns/{changchun.code}/spec",
        _json({"spec_yaml": broken, "reason": "改年度"}),
        "application/json",
    )

    assert response.status_code == 400
    [problem] = response.json()["errors"]["spec_yaml"]
    assert problem.startswith("changchun-jineng-2022.yaml:")
    assert "year" in problem


def test_extension_and_refusals(changchun, make_user, api_as):
    office = api_as(make_user("cc-hrss", Role.CAMPAIGN_OFFICE))
    clerk = api_as(make_user("cc-chaoyang-hrss", Role.CLERK))
    url = f"/campaigns/{changchun.code}/spec/extension"
    body = {"closes_at": "2022-11-04T17:00:00+08:00", "reason": "统一延期"}

    assert clerk.post(url, body).status_code == 403
    assert clerk.get(f"/campaigns/{changchun.code}/spec/versions").status_code == 403
    earlier = office.post(url, {**body, "closes_at": "2022-10-20T17:00:00+08:00"})
    assert (earlier.status_code, list(earlier.json()["errors"])) == (400, ["closes_at"])
    created = office.post(url, body)
    assert (created.status_code, created.json()["change"]) == (201, "extension")


def test_office_creates_a_campaign_from_a_copy(changchun, make_user, api_as):
    api = api_as(make_user("cc-hrss", Role.CAMPAIGN_OFFICE))
    text = changchun.spec_yaml.replace("code: changchun-jineng-2022", "code: changchun-jineng-2024")

    again = api.post("/campaigns", {"spec_yaml": changchun.spec_yaml})
    created = api.post("/campaigns", {"spec_yaml": text})

    assert again.status_code == 400
    assert "已被使用" in again.json()["errors"]["spec_yaml"][0]
    assert (created.status_code, created.json()["state"]) == (201, "draft")


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)


def test_office_adjusts_counts_and_quotas_with_a_reason(changchun, make_user, api_as):
    office = api_as(make_user("cc-hrss", Role.CAMPAIGN_OFFICE))
    clerk = api_as(make_user("cc-chaoyang-hrss", Role.CLERK))
    url = f"/campaigns/{changchun.code}/spec/numbers"
    body = {
        "awards": [{"award": "jineng-dajiang", "count": 12}],
        "quotas": [{"index": 0, "max": 4}],
        "reason": "名额调整",
    }

    assert clerk.post(url, body).status_code == 403
    too_many = office.post(url, {**body, "quotas": [{"index": 0, "max": 40}]})
    unknown = office.post(url, {**body, "awards": [{"award": "nope", "count": 3}]})
    created = office.post(url, body)

    assert too_many.status_code == 400
    assert "表彰名额 12" in too_many.json()["errors"]["spec_yaml"][0]
    assert (unknown.status_code, list(unknown.json()["errors"])) == (400, ["awards"])
    assert (created.status_code, created.json()["reason"]) == (201, "名额调整")
    changchun.refresh_from_db()
    assert changchun.specification.award("jineng-dajiang").count == 12
    assert changchun.specification.quotas[0].max == 4


def test_office_reads_and_edits_notice_texts_with_a_reason(changchun, make_user, api_as):
    office = api_as(make_user("cc-hrss", Role.CAMPAIGN_OFFICE))
    clerk = api_as(make_user("cc-chaoyang-hrss", Role.CLERK))
    url = f"/campaigns/{changchun.code}/spec/texts"
    listed = {t["key"]: t for t in office.get(url).json()}
    body = "经单位推荐和社会公示，决定授予{first_name}等{count}名同志“{awards}”称号。"

    assert clerk.get(url).status_code == 403
    assert listed["decision.cc"]["text"] == "长春市总工会"
    assert "first_name" in [p["name"] for p in listed["decision.body[0]"]["placeholders"]]
    wrong = office.post(
        url, {"texts": [{"key": "decision.body[0]", "text": "{frist_name}"}], "reason": "试"}
    )
    created = office.post(
        url, {"texts": [{"key": "decision.body[0]", "text": body}], "reason": "正文精简"}
    )

    assert wrong.status_code == 400
    assert "不认识的占位 {frist_name}" in wrong.json()["detail"]
    assert (created.status_code, created.json()["reason"]) == (201, "正文精简")
    assert (
        office.get(url).json()[
            [t["key"] for t in office.get(url).json()].index("decision.body[0]")
        ]["text"]
        == body
    )
