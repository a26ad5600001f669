"""Nomination services: window by server time, quotas, one award per person, evidence,
encryption at rest."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from jiangxuan.core.models import AuditEntry
from jiangxuan.nominations import services
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Evidence, Nomination
from jiangxuan.nominations.selectors import unsaved_values
from jiangxuan.nominations.workflow import NominationError

from .conftest import clear_level, make_id_number, png_bytes

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    """An aware Asia/Shanghai datetime."""
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SH)


@pytest.fixture
def changchun(seed_campaign):
    return seed_campaign("001")


@pytest.fixture
def chaoyang_clerk(make_user):
    return make_user("cc-chaoyang-hrss")


@pytest.fixture
def ready(changchun, chaoyang_clerk, nominate, complete):
    """An eligible, complete 长春技术能手 draft from 朝阳区人社局."""
    nomination = nominate(changchun, "jishu-nengshou", chaoyang_clerk, skill_level="senior")
    nomination = services.save_nomination(
        nomination, actor=chaoyang_clerk, core={"claimed_conditions": ["mentoring"]}, extra={}
    )
    return complete(nomination, chaoyang_clerk)


# --------------------------------------------------------------------------- window


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        (at(2022, 10, 23, 23, 59, 59), False),  # 提前不予受理 (seed 001 六)
        (at(2022, 10, 24, 0, 0, 0), True),
        (at(2022, 10, 26, 23, 59, 59), True),
        (at(2022, 10, 27, 0, 0, 0), False),  # 逾期不予受理
    ],
)
def test_submit_window_by_server_time(ready, chaoyang_clerk, moment, accepted):
    with time_machine.travel(moment, tick=False):
        if accepted:
            services.submit_nomination(ready, actor=chaoyang_clerk)
        else:
            with pytest.raises(NominationError) as excinfo:
                services.submit_nomination(ready, actor=chaoyang_clerk)
            assert excinfo.value.code == "window"
            assert ("尚未开始" in excinfo.value.message) == (moment.day == 23)
    ready.refresh_from_db()
    assert ready.state == (NominationState.SUBMITTED if accepted else NominationState.DRAFT)
    assert ready.name == "王建国"  # the draft is kept when refused


def test_submit_refused_until_every_required_material_is_uploaded(ready, chaoyang_clerk):
    """seed 001 四: the 材料目录 items marked 必备 come with the nomination."""
    ready.evidence.filter(material="integrity-certificate").delete()

    with time_machine.travel(at(2022, 10, 25, 10, 0), tick=False):
        check = services.check_submission(ready)
        with pytest.raises(NominationError) as excinfo:
            services.submit_nomination(ready, actor=chaoyang_clerk)
        upload = SimpleUploadedFile("证明.png", png_bytes(), "image/png")
        services.add_evidence(
            ready, actor=chaoyang_clerk, material="integrity-certificate", upload=upload
        )
        services.submit_nomination(ready, actor=chaoyang_clerk)

    assert excinfo.value.code == "incomplete"
    assert "所在单位出具的廉洁自律情况证明" in excinfo.value.message
    assert check.problems == [excinfo.value.message]
    assert check.reviewer == ready.nominating_unit.name
    ready.refresh_from_db()
    assert ready.state == NominationState.SUBMITTED


def test_internal_deadline_of_forwarding_body(seed_campaign, make_user, nominate, complete):
    """seed 000: 省直机关工会 sets 2021-12-03 16:00 for its units; a city is not bound by it."""
    campaign = seed_campaign("000")
    award = campaign.awards.first().code
    szjg_clerk = make_user("jl-szjg-union")
    city_clerk = make_user("cc-union")
    honours = [
        {"code": c.code, "name": c.name, "level": c.level} for c in campaign.specification.honours
    ]
    late = at(2021, 12, 3, 16, 0, 1)
    provincial = complete(
        nominate(campaign, award, szjg_clerk, workplace=None, honours=honours), szjg_clerk
    )
    city = complete(nominate(campaign, award, city_clerk, honours=honours), city_clerk)

    with time_machine.travel(late, tick=False):
        with pytest.raises(NominationError) as excinfo:
            services.submit_nomination(provincial, actor=szjg_clerk)
        services.submit_nomination(city, actor=city_clerk)

    assert "2021-12-03 16:00" in excinfo.value.message
    provincial.refresh_from_db()
    city.refresh_from_db()
    assert (provincial.state, city.state) == (NominationState.DRAFT, NominationState.SUBMITTED)


# --------------------------------------------------------------------------- quotas


def test_submission_is_not_limited_by_the_quota(
    changchun, chaoyang_clerk, nominate, complete, within
):
    """A unit may receive more candidates than its quota; the quota binds what it forwards
    (test_review.test_forwarding_respects_the_quota_and_ranks)."""
    with time_machine.travel(within(changchun), tick=False):
        for _ in range(4):
            n = nominate(
                changchun,
                "jishu-nengshou",
                chaoyang_clerk,
                skill_level="senior",
                id_number=make_id_number(),
            )
            services.submit_nomination(complete(n, chaoyang_clerk), actor=chaoyang_clerk)
    assert Nomination.objects.filter(state=NominationState.SUBMITTED).count() == 4


def test_quota_minimum_refuses_a_short_list(seed_campaign, make_user, nominate, complete, orgs):
    """seed 000 四: each city recommends 5-10. A city may send its list in batches, but
    cannot declare it complete (报送完毕) with only 4."""
    from jiangxuan.accounts.enums import Role
    from jiangxuan.nominations import review
    from jiangxuan.nominations.models import Decision

    campaign = seed_campaign("000")
    clerk = make_user("cc-huarui-machinery")
    workplace = make_user("cc-huarui-machinery", Role.REVIEWER)
    union = make_user("cc-union", Role.REVIEWER)
    hr = make_user("cc-hrss", Role.REVIEWER)
    honours = [
        {"code": c.code, "name": c.name, "level": c.level} for c in campaign.specification.honours
    ]
    ready = []
    with time_machine.travel(at(2021, 12, 1, 10), tick=False):
        for _ in range(4):
            n = complete(
                nominate(
                    campaign, "jilin-gongjiang", clerk, id_number=make_id_number(), honours=honours
                ),
                clerk,
            )
            services.submit_nomination(n, actor=clerk)
            review.sign_off(n, actor=workplace, signer="workplace", decision=Decision.APPROVE)
            clear_level(n)
            review.forward_nominations(
                campaign, level="workplace", body=n.workplace, actor=workplace, order=[n.pk]
            )
            review.sign_off(n, actor=union, signer="union", decision=Decision.APPROVE)
            review.sign_off(n, actor=hr, signer="hr_bureau", decision=Decision.APPROVE)
            clear_level(n)  # the city's 推荐报告 and 汇总表 (附件3 1、6)
            ready.append(n)

    with pytest.raises(NominationError) as excinfo:
        review.forward_nominations(
            campaign,
            level="city",
            body=orgs["cc-union"],
            actor=union,
            order=[n.pk for n in ready],
            final=True,
        )

    assert excinfo.value.code == "quota"
    assert "至少推荐5名（依据：四）" in excinfo.value.message
    assert Nomination.objects.filter(level="province").count() == 0

    review.forward_nominations(
        campaign, level="city", body=orgs["cc-union"], actor=union, order=[ready[0].pk]
    )
    assert Nomination.objects.filter(level="province").count() == 1
    with pytest.raises(NominationError):
        review.forward_nominations(
            campaign,
            level="city",
            body=orgs["cc-union"],
            actor=union,
            order=[n.pk for n in ready[1:]],
            final=True,
        )


# --------------------------------------------------------------------------- one per person


def test_one_award_per_person_per_campaign(changchun, chaoyang_clerk, nominate):
    """seed 001 三(二)3: 同一候选人不得同时申报长春技能大奖和长春技术能手."""
    first = nominate(changchun, "jishu-nengshou", chaoyang_clerk)
    second = services.create_nomination(
        campaign=changchun,
        award=changchun.awards.get(code="jineng-dajiang"),
        actor=chaoyang_clerk,
    )

    services.save_nomination(
        second, actor=chaoyang_clerk, core={"id_number": first.id_number}, extra={}
    )

    second.refresh_from_db()
    assert second.id_number == ""
    assert [(u.field, u.value) for u in unsaved_values(second)] == [("id_number", first.id_number)]


def test_save_keeps_valid_fields_when_id_number_is_already_nominated(
    changchun, chaoyang_clerk, nominate
):
    """Issue 15.1: the refused ID number keeps its stored value, everything else is saved,
    and the refusal is recorded so the page can say what was not saved."""
    first = nominate(changchun, "jishu-nengshou", chaoyang_clerk)
    own_id = make_id_number(birth="19900101")
    second = nominate(changchun, "jineng-dajiang", chaoyang_clerk, id_number=own_id, name="甲")

    services.save_nomination(
        second,
        actor=chaoyang_clerk,
        core={"id_number": first.id_number, "name": "李明", "occupation": "钳工"},
        extra={},
    )

    second.refresh_from_db()
    assert (second.name, second.occupation, second.id_number) == ("李明", "钳工", own_id)
    assert [u.notice for u in unsaved_values(second)] == [
        "身份证号码未保存：此身份证号码在本活动中已有推荐，同一人只能申报一个奖项（依据：三(二)3）。"
    ]
    entry = AuditEntry.objects.filter(action="nomination.save").latest("id")
    assert entry.after["unsaved"] == ["id_number"]
    assert first.id_number not in str(entry.after) + str(entry.before)


def test_id_number_fills_birth_date_and_sex(changchun, chaoyang_clerk, nominate):
    draft = nominate(changchun, "jishu-nengshou", chaoyang_clerk, id_number="")
    number = make_id_number(birth="19850612", male=False)

    services.save_nomination(
        draft,
        actor=chaoyang_clerk,
        core={"id_number": number, "birth_date": None},
        extra={},
        fill_from_id_number=True,
    )

    draft.refresh_from_db()
    assert (draft.id_number, str(draft.birth_date), draft.sex) == (number, "1985-06-12", "女")


def test_refused_id_number_fills_nothing(changchun, chaoyang_clerk, nominate):
    """The birth date and sex of a refused number would contradict the number saved
    later (issue 15.1)."""
    first = nominate(changchun, "jishu-nengshou", chaoyang_clerk)
    second = nominate(changchun, "jineng-dajiang", chaoyang_clerk, id_number="")
    services.save_nomination(
        second,
        actor=chaoyang_clerk,
        core={"id_number": "", "birth_date": None, "sex": ""},
        extra={},
    )

    services.save_nomination(
        second,
        actor=chaoyang_clerk,
        core={"id_number": first.id_number},
        extra={},
        fill_from_id_number=True,
    )

    second.refresh_from_db()
    assert (second.id_number, second.birth_date, second.sex) == ("", None, "")


def test_save_clears_the_refusal_once_the_id_number_is_fixed(changchun, chaoyang_clerk, nominate):
    first = nominate(changchun, "jishu-nengshou", chaoyang_clerk)
    second = nominate(changchun, "jineng-dajiang", chaoyang_clerk, id_number="")
    services.save_nomination(
        second, actor=chaoyang_clerk, core={"id_number": first.id_number}, extra={}
    )
    fixed = make_id_number(birth="19920202")

    services.save_nomination(second, actor=chaoyang_clerk, core={"id_number": fixed}, extra={})

    second.refresh_from_db()
    assert second.id_number == fixed
    assert unsaved_values(second) == []
    assert second.unsaved == ""


def test_submission_is_refused_while_a_refused_value_is_pending(
    changchun, chaoyang_clerk, nominate, within
):
    first = nominate(changchun, "jishu-nengshou", chaoyang_clerk)
    second = nominate(changchun, "jineng-dajiang", chaoyang_clerk)
    services.save_nomination(
        second, actor=chaoyang_clerk, core={"id_number": first.id_number}, extra={}
    )

    check = services.check_submission(second, now=within(changchun))

    assert check.problems[0] == (
        "以下填写内容未保存，请先改正：身份证号码未保存：此身份证号码在本活动中已有推荐，"
        "同一人只能申报一个奖项（依据：三(二)3）。"
    )


def test_withdrawn_nomination_frees_the_id_number(changchun, chaoyang_clerk, nominate):
    first = nominate(changchun, "jishu-nengshou", chaoyang_clerk)
    services.withdraw_nomination(first, actor=chaoyang_clerk, reason="本人放弃")
    second = nominate(changchun, "jineng-dajiang", chaoyang_clerk, id_number=first.id_number)
    assert second.id_index == first.id_index


# --------------------------------------------------------------------------- evidence


def test_evidence_png_is_reencoded_and_stored(ready, chaoyang_clerk):
    upload = SimpleUploadedFile("证书.png", png_bytes(), content_type="image/png")
    evidence = services.add_evidence(ready, actor=chaoyang_clerk, material="other", upload=upload)
    assert (evidence.content_type, evidence.original_name) == ("image/png", "证书.png")
    with evidence.file.open("rb") as stored:
        assert stored.read().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("证书.jpg", b"<html><script>alert(1)</script></html>", "只接受"),
        ("扫描件.pdf", b"MZ\x90\x00" + b"\x00" * 200, "只接受"),
        ("材料.docx", b"PK\x03\x04not really a zip", "Word"),
        ("空.png", b"", "空"),
    ],
)
def test_evidence_refuses_disguised_files(ready, chaoyang_clerk, name, content, message):
    before = Evidence.objects.count()
    with pytest.raises(NominationError) as excinfo:
        services.add_evidence(
            ready,
            actor=chaoyang_clerk,
            material="other",
            upload=SimpleUploadedFile(name, content, "image/jpeg"),
        )
    assert message in excinfo.value.message
    assert Evidence.objects.count() == before


def test_evidence_refuses_polyglot_png_with_html_tail(ready, chaoyang_clerk):
    evidence = services.add_evidence(
        ready,
        actor=chaoyang_clerk,
        material="other",
        upload=SimpleUploadedFile("x.png", png_bytes() + b"<html><script>x</script></html>"),
    )
    with evidence.file.open("rb") as stored:
        assert b"<html" not in stored.read()


# --------------------------------------------------------------------------- at rest


def test_raw_rows_hold_no_plain_personal_data(ready, chaoyang_clerk):
    services.save_nomination(
        ready, actor=chaoyang_clerk, core={"bank_account": "6214830100012345"}, extra={}
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM nominations_nomination")
        raw = " ".join(str(cell) for row in cursor.fetchall() for cell in row)

    assert ready.id_number not in raw
    assert "13912345678" not in raw
    assert "6214830100012345" not in raw
    assert re.search(r"(?<!\d)\d{17}[\dX](?!\d)", raw) is None
    reloaded = Nomination.objects.get(pk=ready.pk)
    assert (reloaded.phone, reloaded.bank_account) == ("13912345678", "6214830100012345")


def test_unit_level_material_is_not_uploaded_per_nomination(ready, chaoyang_clerk):
    """seed 001 四(一): the 推荐函 is the unit's, one per list, not one per nominee."""
    with pytest.raises(NominationError) as excinfo:
        services.add_evidence(
            ready,
            actor=chaoyang_clerk,
            material="nomination-letter",
            upload=SimpleUploadedFile("推荐函.png", png_bytes()),
        )
    assert excinfo.value.field == "material"
