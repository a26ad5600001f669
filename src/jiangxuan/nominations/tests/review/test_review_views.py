"""The review pages: work queue, sign-off, ranked forwarding, the level's summary sheet
and nomination letter; who may act and who gets 404 or a refusal."""

import io

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiangxuan.nominations import review
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, Forwarding, SignOff
from jiangxuan.nominations.tests.conftest import png_bytes

pytestmark = pytest.mark.django_db


def _sign(client, nomination, **data):
    return client.post(reverse("nominations:sign_off", args=[nomination.pk]), data)


def _forward_url(level, body, campaign):
    return f"{reverse('nominations:forward', args=[level, body.pk])}?campaign={campaign.code}"


# --------------------------------------------------------------------------- queue


def test_review_queue_shows_signed_and_waiting_bodies(client, weihai_at_district, weihai_people):
    n = weihai_at_district(name="李海涛")
    review.sign_off(
        n, actor=weihai_people["district_union"], signer="union", decision=Decision.APPROVE
    )
    client.force_login(weihai_people["district_hr"])

    page = client.get(reverse("nominations:review_queue")).content.decode()

    assert "区（市）总工会、人社局（社会团体）意见 · 威海市环翠区人力资源和社会保障局" in page
    assert reverse("nominations:detail", args=[n.pk]) in page
    row = page.split("李海涛", 1)[1].split("</tr>", 1)[0]
    signed = row.split('class="signed">', 1)[1].split("</td>", 1)[0]
    waiting = row.split('class="waiting">', 1)[1].split("</td>", 1)[0]
    assert "同意推荐" in signed
    assert "威海市环翠区总工会" in signed
    assert "威海市环翠区人力资源和社会保障局" in waiting
    assert "待您签署" in page


def test_review_queue_of_another_county_is_empty(client, weihai_at_district, weihai_people):
    weihai_at_district(name="李海涛")
    client.force_login(weihai_people["other_union"])

    page = client.get(reverse("nominations:review_queue")).content.decode()

    assert "李海涛" not in page
    assert "目前没有等待您签署意见的推荐。" in page


def test_review_queue_queries_do_not_grow_with_rows(client, weihai_at_district, weihai_people):
    weihai_at_district(name="甲")
    client.force_login(weihai_people["district_union"])
    client.get(reverse("nominations:review_queue"))  # the session's first request saves it
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("nominations:review_queue"))
    weihai_at_district(name="乙")
    weihai_at_district(name="丙")
    with CaptureQueriesContext(connection) as three:
        page = client.get(reverse("nominations:review_queue")).content.decode()

    assert [name in page for name in "甲乙丙"] == [True, True, True]
    assert len(three) == len(one)


# --------------------------------------------------------------------------- sign-off


def test_sign_off_by_district_union_records_and_shows_history(
    client, weihai_at_district, weihai_people
):
    n = weihai_at_district()
    client.force_login(weihai_people["district_union"])
    form = client.get(reverse("nominations:detail", args=[n.pk])).content.decode()

    response = _sign(client, n, decision="approve", opinion="同意推荐。")

    assert 'id="sign-off-form"' in form
    assert response.status_code == 302
    assert response.url == reverse("nominations:detail", args=[n.pk])
    entry = SignOff.objects.get(nomination=n, level="district")
    assert (entry.body.code, entry.decision, entry.decided_by) == (
        "wh-huancui-union",
        Decision.APPROVE,
        weihai_people["district_union"],
    )
    detail = client.get(response.url).content.decode()
    assert "区（市）总工会、人社局（社会团体）意见 · 第 1 轮" in detail
    assert 'id="sign-off-form"' not in detail  # the union signed; the HR bureau still waits


def test_sign_off_with_several_seats_asks_for_the_signer(
    client, weihai_at_district, make_user, orgs
):
    from jiangxuan.accounts.enums import Role
    from jiangxuan.accounts.models import Membership

    n = weihai_at_district()
    both = make_user("wh-huancui-union", Role.REVIEWER)
    Membership.objects.create(user=both, org_unit=orgs["wh-huancui-hrss"], role=Role.REVIEWER)
    client.force_login(both)

    page = client.get(reverse("nominations:sign_off", args=[n.pk])).content.decode()
    response = _sign(client, n, signer="hr_bureau", decision="approve")

    assert 'name="signer"' in page
    assert "威海市环翠区人力资源和社会保障局（人社部门）" in page
    assert response.status_code == 302
    assert SignOff.objects.get(nomination=n, level="district").body.code == "wh-huancui-hrss"


def test_sign_off_with_scan_stores_it(client, weihai_at_district, weihai_people):
    n = weihai_at_district()
    client.force_login(weihai_people["district_union"])
    scan = SimpleUploadedFile("盖章页.png", png_bytes(), content_type="image/png")

    _sign(client, n, decision="approve", scan=scan)

    entry = SignOff.objects.get(nomination=n, level="district")
    assert entry.scan.name.startswith("signoffs/")
    assert (
        "已上传盖章页扫描件"
        in client.get(reverse("nominations:detail", args=[n.pk])).content.decode()
    )


def test_sign_off_by_another_county_is_404(client, weihai_at_district, weihai_people):
    n = weihai_at_district()
    client.force_login(weihai_people["other_union"])

    response = _sign(client, n, signer="union", decision="approve")

    assert response.status_code == 404
    assert SignOff.objects.filter(nomination=n, level="district").count() == 0


def test_sign_off_by_city_while_district_pending_is_refused(
    client, weihai_at_district, weihai_people
):
    n = weihai_at_district()
    client.force_login(weihai_people["city_union"])

    detail = client.get(reverse("nominations:detail", args=[n.pk])).content.decode()
    response = _sign(client, n, signer="union", decision="approve", opinion="同意")

    assert 'id="sign-off-form"' not in detail
    assert response.status_code == 409
    assert (
        "目前在“区（市）总工会、人社局（社会团体）意见”环节，尚未进入“市总工会、市人社局意见”"
        in (response.content.decode())
    )
    n.refresh_from_db()
    assert (n.state, n.level, n.level_ready) == (NominationState.IN_REVIEW, "district", False)
    assert SignOff.objects.filter(nomination=n, level="district").count() == 0


def test_return_without_reason_is_refused_and_keeps_the_choice(
    client, weihai_at_district, weihai_people
):
    n = weihai_at_district()
    client.force_login(weihai_people["district_union"])

    response = _sign(client, n, decision="return", opinion="  ")

    page = response.content.decode()
    assert response.status_code == 400
    assert "退回或不予推荐须填写理由。" in page
    assert 'value="return" checked' in page
    n.refresh_from_db()
    assert n.state == NominationState.IN_REVIEW
    assert SignOff.objects.filter(nomination=n, level="district").count() == 0


def test_returned_nomination_shows_the_reasons_to_the_clerk(
    client, weihai_at_district, weihai_people
):
    n = weihai_at_district()
    client.force_login(weihai_people["district_union"])
    _sign(client, n, decision="return", opinion="请补充近三年技术革新成果的具体数据。")
    client.force_login(weihai_people["clerk"])

    edit = client.get(reverse("nominations:edit", args=[n.pk])).content.decode()

    n.refresh_from_db()
    assert n.state == NominationState.RETURNED
    assert 'id="return-reasons"' in edit
    assert "威海市环翠区总工会于" in edit
    assert "请补充近三年技术革新成果的具体数据。" in edit


# --------------------------------------------------------------------------- forwarding


def test_forward_page_lists_ready_nominations_with_quota(
    client, changchun_ready, changchun_people, orgs
):
    ready = changchun_ready(2)
    client.force_login(changchun_people["county"])

    page = client.get(_forward_url("nominating-unit", orgs["cc-chaoyang-hrss"], ready[0].campaign))

    text = page.content.decode()
    assert page.status_code == 200
    assert [n.name in text for n in ready] == [True, True]
    assert "长春市朝阳区人力资源和社会保障局（长春技术能手）：已报送 0 名，至多 3 名" in text
    assert "公示无异议" in text


def test_forward_over_quota_is_refused_and_keeps_the_order(
    client, changchun_ready, changchun_people, orgs
):
    ready = changchun_ready(4)
    body = orgs["cc-chaoyang-hrss"]
    client.force_login(changchun_people["county"])
    ranks = {f"rank_{n.pk}": str(r) for n, r in zip(ready, [4, 1, 3, 2], strict=True)}

    response = client.post(
        _forward_url("nominating-unit", body, ready[0].campaign),
        {"include": [n.pk for n in ready], "action": "forward", **ranks},
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert "至多推荐3名（依据：附件1），本次报送后将为4名。" in text
    positions = [text.index(f'id="rank-{n.pk}"') for n in (ready[1], ready[3], ready[2], ready[0])]
    assert positions == sorted(positions)
    assert Forwarding.objects.filter(level="nominating-unit").count() == 0


def test_forward_in_chosen_order_ranks_and_moves_on(
    client, changchun_ready, changchun_people, orgs
):
    ready = changchun_ready(3)
    body = orgs["cc-chaoyang-hrss"]
    client.force_login(changchun_people["county"])
    url = _forward_url("nominating-unit", body, ready[0].campaign)
    # Move the third one up once: order 1, 3, 2.
    moved = client.post(
        url,
        {
            "include": [n.pk for n in ready],
            "move": f"{ready[2].pk}:up",
            **{f"rank_{n.pk}": str(i) for i, n in enumerate(ready, start=1)},
        },
    ).content.decode()
    order = sorted(ready, key=lambda n: moved.index(f'id="rank-{n.pk}"'))

    chosen = {
        "include": [n.pk for n in order],
        **{f"rank_{n.pk}": str(i) for i, n in enumerate(order, start=1)},
    }

    # 报送 first says what will be forwarded, in order and where to (issue 15.3) ...
    preview = client.post(url, {**chosen, "action": "forward"})
    confirm = preview.content.decode()
    confirm = confirm[confirm.index('id="forward-confirm"') :]
    confirm = confirm[: confirm.index("</div>")]
    assert preview.status_code == 200
    assert "确认报送以下3名？" in confirm
    listed = [confirm.index(f"<li>{n.name}（") for n in order]
    assert listed == sorted(listed)
    assert "→ 市人社局审核" in confirm
    assert Forwarding.objects.filter(level="nominating-unit").count() == 0
    # ... and 确认报送 forwards.
    response = client.post(url, {**chosen, "action": "confirm_forward"})

    assert [n.pk for n in order] == [ready[0].pk, ready[2].pk, ready[1].pk]
    assert response.status_code == 302
    ranks = dict(
        Forwarding.objects.filter(level="nominating-unit").values_list("nomination", "rank")
    )
    assert ranks == {ready[0].pk: 1, ready[2].pk: 2, ready[1].pk: 3}


def test_forward_page_for_a_body_the_user_does_not_sign_for_is_404(
    client, changchun_ready, changchun_people, orgs
):
    ready = changchun_ready(1)
    client.force_login(changchun_people["other_county"])

    url = _forward_url("nominating-unit", orgs["cc-chaoyang-hrss"], ready[0].campaign)
    page = client.get(url)
    post = client.post(url, {"include": [ready[0].pk], "action": "forward"})

    assert (page.status_code, post.status_code) == (404, 404)
    assert Forwarding.objects.filter(level="nominating-unit").count() == 0


# --------------------------------------------------------------------------- downloads


def _forward_three(changchun_ready, changchun_people, orgs):
    ready = changchun_ready(3, names=["赵一", "钱二", "孙三"])
    order = [ready[1].pk, ready[2].pk, ready[0].pk]
    review.forward_nominations(
        ready[0].campaign,
        level="nominating-unit",
        body=orgs["cc-chaoyang-hrss"],
        actor=changchun_people["county"],
        order=order,
    )
    return ready[0].campaign


def test_summary_sheet_lists_forwarded_in_rank_order(
    client, changchun_ready, changchun_people, orgs
):
    campaign = _forward_three(changchun_ready, changchun_people, orgs)
    client.force_login(changchun_people["county"])
    url = reverse(
        "nominations:forward_summary", args=["nominating-unit", orgs["cc-chaoyang-hrss"].pk]
    )

    response = client.get(url, {"campaign": campaign.code})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value]
    names = [v for v in values if v in ("赵一", "钱二", "孙三")]
    assert names == ["钱二", "孙三", "赵一"]


def test_summary_sheet_for_another_county_is_404(client, changchun_ready, changchun_people, orgs):
    campaign = _forward_three(changchun_ready, changchun_people, orgs)
    client.force_login(changchun_people["other_county"])
    url = reverse(
        "nominations:forward_summary", args=["nominating-unit", orgs["cc-chaoyang-hrss"].pk]
    )

    assert client.get(url, {"campaign": campaign.code}).status_code == 404


def test_nomination_letter_lists_the_ranked_nominees(
    client, changchun_ready, changchun_people, orgs
):
    campaign = _forward_three(changchun_ready, changchun_people, orgs)
    client.force_login(changchun_people["county"])
    url = reverse(
        "nominations:forward_letter", args=["nominating-unit", orgs["cc-chaoyang-hrss"].pk]
    )

    response = client.get(url, {"campaign": campaign.code})

    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    text = [p.text for p in document.paragraphs]
    assert text[0] == "推荐函"  # seed 001 lists its nomination letter as 推荐函
    assert text[1] == "关于推荐钱二等3名同志为长春技术能手人选的报告"
    assert text[2] == "长春市人力资源和社会保障局："
    ranked = [t for t in text if t.strip()[:2] in ("1.", "2.", "3.")]
    assert [t.strip()[3:5] for t in ranked] == ["钱二", "孙三", "赵一"]
    assert "长春市朝阳区人力资源和社会保障局（盖章）" in text
