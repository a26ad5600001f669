"""The nomination letter (推荐报告 / 推荐函): heading, addressees, ranked nominees, the
level's public-notice and background-check results, contact, seal line."""

import datetime as dt
import io

import docx
import pytest
import time_machine

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership
from jiangxuan.nominations import review, services
from jiangxuan.nominations.letters import letter_heading, render_nomination_letter
from jiangxuan.nominations.models import Decision
from jiangxuan.nominations.review_selectors import forwarded_by
from jiangxuan.nominations.tests.conftest import make_id_number
from jiangxuan.notices import services as notices

pytestmark = pytest.mark.django_db


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _office(campaign, make_user):
    user = make_user("cc-hrss", Role.REVIEWER)
    Membership.objects.create(
        user=user, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    return user


def test_letter_reports_the_closed_workplace_notice(
    seed_campaign, make_user, nominate, complete, within, orgs
):
    """seed 001 三(一)2: 在本单位进行5个工作日的公示; 推荐函含公示情况."""
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss")
    reviewer = make_user("cc-huarui-machinery", Role.REVIEWER)
    office = _office(campaign, make_user)
    workplace = orgs["cc-huarui-machinery"]
    n = nominate(
        campaign,
        "jishu-nengshou",
        clerk,
        workplace=workplace,
        skill_level="senior",
        id_number=make_id_number(),
        name="周立新",
        post="数控班班长",
        achievement_summary="攻克薄壁件变形难题，年节约成本80万元。带徒12名。",
        publication_consent=True,
    )
    n = complete(n, clerk)
    services.save_nomination(n, actor=clerk, core={}, extra={}, publication_consent=True)
    with time_machine.travel(within(campaign), tick=False):
        services.submit_nomination(n, actor=clerk)
    review.sign_off(n, actor=reviewer, signer="workplace", decision=Decision.APPROVE)
    with time_machine.travel(dt.datetime(2022, 10, 28, 9, 0, tzinfo=dt.UTC), tick=False):
        notice = notices.open_public_notice(
            campaign,
            stage="workplace",
            body=workplace,
            nominations=[n],
            starts_on=dt.date(2022, 10, 31),
            actor=office,
        )
    with time_machine.travel(dt.datetime(2022, 11, 7, 9, 0, tzinfo=dt.UTC), tick=False):
        notices.close_public_notice(notice, actor=office)
    review.forward_nominations(
        campaign, level="workplace", body=workplace, actor=reviewer, order=[n.pk]
    )

    data = render_nomination_letter(
        campaign,
        level="workplace",
        body=workplace,
        nominations=forwarded_by(campaign, "workplace", workplace),
        contact="刘敏",
        phone="0431-88000000",
        today=dt.date(2022, 11, 8),
    )

    text = _paragraphs(data)
    assert text[:3] == [
        "推荐函",
        "关于推荐周立新同志为长春技术能手人选的报告",
        "长春市朝阳区人力资源和社会保障局：",
    ]
    assert (
        "　　1. 周立新，长春华锐精密机械有限公司数控班班长。攻克薄壁件变形难题，年节约成本80万元。"
        in text
    )
    assert (
        "　　周立新经在长春华锐精密机械有限公司公示5个工作日（2022年10月31日至2022年11月4日），"
        "无异议。" in text
    )
    assert "　　联系人：刘敏　　联系电话：0431-88000000" in text
    assert text[-2:] == ["长春华锐精密机械有限公司（盖章）", "2022年11月8日"]


def test_letter_heading_without_a_letter_document_is_the_report_title(
    weihai_at_district, weihai_people
):
    first = weihai_at_district(name="李海涛")
    second = weihai_at_district(name="王洋")

    headline, subject = letter_heading(first.campaign, [first, second])

    assert headline == subject == "关于推荐李海涛等2名同志为威海工匠人选的报告"


def test_letter_reports_the_background_check(seed_campaign, make_user, nominate, complete, orgs):
    """seed 000 四1: 征求公安部门意见."""
    campaign = seed_campaign("000")
    clerk = make_user("cc-huarui-machinery")
    office = make_user("jl-union", Role.REVIEWER)
    Membership.objects.create(
        user=office, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    honours = [
        {"code": h.code, "name": h.name, "level": h.level} for h in campaign.specification.honours
    ]
    n = complete(nominate(campaign, "jilin-gongjiang", clerk, honours=honours, name="陈刚"), clerk)
    with time_machine.travel("2021-12-01 10:00 +0800", tick=False):
        services.submit_nomination(n, actor=clerk)
        (check,) = notices.request_background_checks(
            campaign, [n], stage="workplace", due_on=dt.date(2021, 12, 10), actor=office
        )
        notices.record_background_opinion(
            check, actor=office, opinion="经查，该同志无违法犯罪记录。", adverse=False
        )

    data = render_nomination_letter(
        campaign,
        level="workplace",
        body=orgs["cc-huarui-machinery"],
        nominations=[n],
        contact="刘敏",
    )

    text = _paragraphs(data)
    assert "　　经征求公安部门意见，陈刚无违法违纪等不宜推荐的情形。" in text
    assert text[1] == "长春市人力资源和社会保障局、长春市总工会："
