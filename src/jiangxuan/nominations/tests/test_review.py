"""The level-by-level review: sign-offs, dual seals, returns, direct channels, forwarding
with ranks and quotas (also under concurrency on PostgreSQL)."""

import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection

from jiangxuan.accounts.enums import Role
from jiangxuan.nominations import review, services
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, Forwarding, Nomination
from jiangxuan.nominations.workflow import InvalidTransition, NominationError

from .conftest import clear_level, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def changchun(seed_campaign):
    return seed_campaign("001")


@pytest.fixture
def people(make_user):
    return {
        "clerk": make_user("cc-chaoyang-hrss"),
        "workplace": make_user("cc-huarui-machinery", Role.REVIEWER),
        "county": make_user("cc-chaoyang-hrss", Role.REVIEWER),
        "city": make_user("cc-hrss", Role.REVIEWER),
    }


@pytest.fixture
def submitted(changchun, people, nominate, complete, within, orgs):
    """A submitted 长春技术能手 nomination from a workplace in 朝阳区."""

    def make(**core):
        n = nominate(
            changchun,
            "jishu-nengshou",
            people["clerk"],
            workplace=orgs["cc-huarui-machinery"],
            skill_level="senior",
            id_number=make_id_number(),
            **core,
        )
        n = complete(n, people["clerk"])
        with time_machine.travel(within(changchun), tick=False):
            return services.submit_nomination(n, actor=people["clerk"])

    return make


def approve_level(nomination, actor, body, signers):
    for signer in signers:
        review.sign_off(nomination, actor=actor, signer=signer, decision=Decision.APPROVE)
    clear_level(nomination)
    review.forward_nominations(
        nomination.campaign, level=nomination.level, body=body, actor=actor, order=[nomination.pk]
    )
    nomination.refresh_from_db()


def test_changchun_chain_runs_to_hand_over(submitted, people, orgs):
    n = submitted()
    assert (n.state, n.level) == (NominationState.SUBMITTED, "workplace")

    approve_level(n, people["workplace"], orgs["cc-huarui-machinery"], ["workplace"])
    assert (n.state, n.level) == (NominationState.IN_REVIEW, "nominating-unit")
    approve_level(n, people["county"], orgs["cc-chaoyang-hrss"], ["nominating_unit"])
    assert n.level == "city"
    approve_level(n, people["city"], orgs["cc-hrss"], ["hr_bureau"])

    assert n.state == NominationState.APPROVED
    assert list(Forwarding.objects.filter(nomination=n).values_list("level", "rank")) == [
        ("city", 1),
        ("nominating-unit", 1),
        ("workplace", 1),
    ]


def test_direct_channel_skips_the_county(changchun, make_user, nominate, complete, within, orgs):
    """seed 001 三(一)3: 驻长国有企业 submit straight to the city."""
    clerk = make_user("cc-faw")
    n = complete(nominate(changchun, "jishu-nengshou", clerk, skill_level="senior"), clerk)
    with time_machine.travel(within(changchun), tick=False):
        services.submit_nomination(n, actor=clerk)
    reviewer = make_user("cc-faw", Role.REVIEWER)
    city = make_user("cc-hrss", Role.REVIEWER)

    approve_level(n, reviewer, orgs["cc-faw"], ["workplace"])
    assert n.level == "city"
    approve_level(n, city, orgs["cc-hrss"], ["hr_bureau"])
    assert n.state == NominationState.APPROVED


def test_city_cannot_act_while_the_workplace_is_pending(submitted, people):
    n = submitted()
    with pytest.raises(InvalidTransition) as excinfo:
        review.sign_off(n, actor=people["city"], signer="hr_bureau", decision=Decision.APPROVE)
    assert "尚未进入“市人社局审核”" in excinfo.value.message
    n.refresh_from_db()
    assert (n.state, n.level, n.sign_offs.count()) == (NominationState.SUBMITTED, "workplace", 0)


def test_no_opinion_after_withdrawal(submitted, people):
    n = submitted()
    services.withdraw_nomination(n, actor=people["clerk"], reason="本人放弃")
    with pytest.raises(InvalidTransition) as excinfo:
        review.sign_off(n, actor=people["workplace"], signer="workplace", decision=Decision.APPROVE)
    assert "已撤回" in excinfo.value.message
    n.refresh_from_db()
    assert (n.state, n.sign_offs.count()) == (NominationState.WITHDRAWN, 0)


def test_return_keeps_the_draft_and_a_new_round_starts(submitted, people, changchun, within):
    n = submitted()
    approve_level(n, people["workplace"], n.workplace, ["workplace"])
    review.sign_off(
        n,
        actor=people["county"],
        signer="nominating_unit",
        decision=Decision.RETURN,
        opinion="事迹简介过于笼统，请补充具体数据",
    )
    n.refresh_from_db()
    assert (n.state, n.level, n.name) == (NominationState.RETURNED, "nominating-unit", "王建国")

    services.save_nomination(
        n, actor=people["clerk"], core={"achievement_summary": "三年节约成本120万元。"}, extra={}
    )
    with time_machine.travel(within(changchun), tick=False):
        services.submit_nomination(n, actor=people["clerk"])
    n.refresh_from_db()
    assert (n.state, n.level, n.review_round) == (NominationState.SUBMITTED, "nominating-unit", 2)
    review.sign_off(n, actor=people["county"], signer="nominating_unit", decision=Decision.APPROVE)
    n.refresh_from_db()
    assert n.level_ready is True


def test_return_needs_reasons(submitted, people):
    n = submitted()
    with pytest.raises(NominationError) as excinfo:
        review.sign_off(n, actor=people["workplace"], signer="workplace", decision="return")
    assert excinfo.value.field == "opinion"


def test_city_level_of_jilin_needs_both_union_and_hr_bureau(
    seed_campaign, make_user, nominate, complete, orgs
):
    """seed 000 附件2: 市州人社工会审核意见 carries two seals."""
    campaign = seed_campaign("000")
    clerk = make_user("cc-huarui-machinery")
    honours = [
        {"code": h.code, "name": h.name, "level": h.level} for h in campaign.specification.honours
    ]
    n = complete(nominate(campaign, "jilin-gongjiang", clerk, honours=honours), clerk)
    with time_machine.travel("2021-12-01 10:00 +0800", tick=False):
        services.submit_nomination(n, actor=clerk)
    workplace = make_user("cc-huarui-machinery", Role.REVIEWER)
    union = make_user("cc-union", Role.REVIEWER)
    hr = make_user("cc-hrss", Role.REVIEWER)
    review.sign_off(n, actor=workplace, signer="workplace", decision=Decision.APPROVE)
    n.refresh_from_db()
    assert n.level_ready is True  # a workplace without its own union signs once
    clear_level(n)
    review.forward_nominations(
        campaign, level="workplace", body=orgs["cc-huarui-machinery"], actor=workplace, order=[n.pk]
    )

    review.sign_off(n, actor=union, signer="union", decision=Decision.APPROVE)
    n.refresh_from_db()
    assert (n.level, n.level_ready) == ("city", False)
    review.sign_off(n, actor=hr, signer="hr_bureau", decision=Decision.APPROVE)
    n.refresh_from_db()
    assert n.level_ready is True


def ready_at_county(count, submitted, people):
    noms = []
    for _ in range(count):
        n = submitted()
        approve_level(n, people["workplace"], n.workplace, ["workplace"])
        review.sign_off(
            n, actor=people["county"], signer="nominating_unit", decision=Decision.APPROVE
        )
        clear_level(n)
        noms.append(n)
    return noms


def test_forwarding_respects_the_quota_and_ranks(submitted, people, orgs, changchun):
    """附件1: 各县（市）区人社部门 3 长春技术能手."""
    noms = ready_at_county(4, submitted, people)
    body = orgs["cc-chaoyang-hrss"]

    with pytest.raises(NominationError) as excinfo:
        review.forward_nominations(
            changchun,
            level="nominating-unit",
            body=body,
            actor=people["county"],
            order=[n.pk for n in noms],
        )
    assert excinfo.value.code == "quota"
    assert Forwarding.objects.filter(level="nominating-unit").count() == 0

    order = [noms[2].pk, noms[0].pk, noms[1].pk]
    review.forward_nominations(
        changchun, level="nominating-unit", body=body, actor=people["county"], order=order
    )
    ranks = dict(
        Forwarding.objects.filter(level="nominating-unit").values_list("nomination", "rank")
    )
    assert ranks == {noms[2].pk: 1, noms[0].pk: 2, noms[1].pk: 3}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_forwards_never_exceed_the_quota(submitted, people, orgs, changchun):
    """5 forwards at once against a quota of 3: exactly 3 succeed (docs/security.md check 28)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    noms = ready_at_county(5, submitted, people)
    body = orgs["cc-chaoyang-hrss"]
    barrier = threading.Barrier(5)
    outcomes = []

    def forward(pk):
        from django.db import connection as thread_connection

        barrier.wait()
        try:
            review.forward_nominations(
                changchun, level="nominating-unit", body=body, actor=people["county"], order=[pk]
            )
            outcomes.append("ok")
        except NominationError as exc:
            outcomes.append(exc.code)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=forward, args=(n.pk,)) for n in noms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["ok", "ok", "ok", "quota", "quota"]
    assert Forwarding.objects.filter(level="nominating-unit", body=body).count() == 3
    assert sorted(
        Forwarding.objects.filter(level="nominating-unit").values_list("rank", flat=True)
    ) == [1, 2, 3]
    assert Nomination.objects.filter(level="city").count() == 3


def test_a_level_with_a_notice_forwards_only_after_it_cleared(submitted, people, orgs, changchun):
    """seed 001 三(一)2: 在本单位进行5个工作日的公示。公示无异议的……逐级推荐上报."""
    n = submitted()
    review.sign_off(n, actor=people["workplace"], signer="workplace", decision=Decision.APPROVE)
    body = orgs["cc-huarui-machinery"]

    with pytest.raises(NominationError) as excinfo:
        review.forward_nominations(
            changchun, level="workplace", body=body, actor=people["workplace"], order=[n.pk]
        )
    assert "本单位公示" in excinfo.value.message

    clear_level(n)
    review.forward_nominations(
        changchun, level="workplace", body=body, actor=people["workplace"], order=[n.pk]
    )
    n.refresh_from_db()
    assert n.level == "nominating-unit"


def test_a_reviewer_of_another_county_cannot_sign(submitted, make_user):
    n = submitted()
    stranger = make_user("cc-nanguan-hrss", Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        review.sign_off(n, actor=stranger, signer="workplace", decision=Decision.APPROVE)
    assert n.sign_offs.count() == 0


def test_ranks_restart_for_each_award(changchun, people, nominate, complete, within, orgs):
    """seed 001 附件3 numbers each award's candidates from 1."""
    body = orgs["cc-huarui-machinery"]
    noms = []
    for award, skill in (("jishu-nengshou", "senior"), ("jineng-dajiang", "senior_technician")) * 2:
        n = nominate(
            changchun,
            award,
            people["clerk"],
            workplace=body,
            skill_level=skill,
            id_number=make_id_number(),
            honours=[{"code": "model_worker", "name": "长春市劳动模范", "level": "city"}],
        )
        n = complete(n, people["clerk"])
        with time_machine.travel(within(changchun), tick=False):
            services.submit_nomination(n, actor=people["clerk"])
        review.sign_off(n, actor=people["workplace"], signer="workplace", decision=Decision.APPROVE)
        clear_level(n)
        noms.append(n)

    review.forward_nominations(
        changchun,
        level="workplace",
        body=body,
        actor=people["workplace"],
        order=[n.pk for n in noms],
    )

    ranks = {
        (f.nomination.award.code, f.rank)
        for f in Forwarding.objects.filter(level="workplace").select_related("nomination__award")
    }
    assert ranks == {
        ("jishu-nengshou", 1),
        ("jishu-nengshou", 2),
        ("jineng-dajiang", 1),
        ("jineng-dajiang", 2),
    }


def penalize(nomination, office, **fields):
    """Arrange a penalty as notices.services.answer_objection records it."""
    from jiangxuan.notices.models import DisciplinaryPenalty

    return DisciplinaryPenalty.objects.create(
        unit=nomination.nominating_unit,
        series=nomination.campaign.series,
        campaign=nomination.campaign,
        nomination=nomination,
        reason="伪造获奖证书",
        decided_by=office,
        **fields,
    )


def test_a_revoked_place_is_not_refilled_nor_the_person_renominated(
    submitted, people, orgs, changchun, make_user, nominate
):
    """seed 001 三(二)4: 撤销推荐对象资格，不得递补或重报."""
    from jiangxuan.nominations.selectors import unsaved_values
    from jiangxuan.nominations.workflow import transition

    office = make_user("cc-hrss", Role.CAMPAIGN_OFFICE, campaign=changchun)
    cheat, *others = ready_at_county(4, submitted, people)
    transition(cheat, "revoke", actor=None, opinion="经核查，获奖证书系伪造")
    penalize(cheat, office, kind="reduce_quota", amount=1, no_substitute=True)
    body = orgs["cc-chaoyang-hrss"]

    with pytest.raises(NominationError) as excinfo:
        review.forward_nominations(
            changchun,
            level="nominating-unit",
            body=body,
            actor=people["county"],
            order=[n.pk for n in others],
        )
    assert "至多推荐3名（依据：附件1），本次报送后将为4名" in excinfo.value.message
    review.forward_nominations(
        changchun,
        level="nominating-unit",
        body=body,
        actor=people["county"],
        order=[n.pk for n in others[:2]],
    )
    again = nominate(changchun, "jineng-dajiang", people["clerk"], id_number=cheat.id_number)
    again.refresh_from_db()
    assert again.id_number == ""
    assert [u.notice for u in unsaved_values(again)] == [
        "身份证号码未保存：此人在本活动中的推荐资格已被撤销，不得重报。"
    ]


def test_penalties_bind_the_next_edition(seed_campaign, make_user, orgs):
    """三(二)4: 取消推荐单位参加下一届评选的资格 — the unit cannot nominate next time."""
    from jiangxuan.campaigns.services import load_campaign
    from jiangxuan.conftest import seed_spec_path
    from jiangxuan.notices.models import DisciplinaryPenalty

    this = seed_campaign("001")
    office = make_user("cc-hrss", Role.CAMPAIGN_OFFICE, campaign=this)
    DisciplinaryPenalty.objects.create(
        unit=orgs["cc-chaoyang-hrss"],
        series=this.series,
        campaign=this,
        kind="lose_next_edition",
        reason="弄虚作假",
        decided_by=office,
    )
    text = seed_spec_path("001").read_text(encoding="utf-8")
    text = text.replace("code: changchun-jineng-2022", "code: changchun-jineng-2024")
    text = text.replace("year: 2022", "year: 2024").replace("第三届", "第四届")
    following = load_campaign(text, state="published")
    clerk = make_user("cc-chaoyang-hrss")

    with pytest.raises(NominationError) as excinfo:
        services.create_nomination(
            campaign=following, award=following.awards.get(code="jishu-nengshou"), actor=clerk
        )
    assert "取消本届推荐资格" in excinfo.value.message
    created = services.create_nomination(
        campaign=following,
        award=following.awards.get(code="jishu-nengshou"),
        actor=make_user("cc-nanguan-hrss"),
    )
    assert created.nominating_unit == orgs["cc-nanguan-hrss"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_one_nomination_at_once_give_one_decision(
    submitted, people, make_user
):
    """Two reviewers of one workplace sign at the same moment, one approving, one returning:
    one opinion is recorded, the other is refused as already given (docs/security.md
    check 28)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    n = submitted()
    second = make_user("cc-huarui-machinery", Role.REVIEWER)
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(actor, decision, opinion):
        from django.db import connection as thread_connection

        barrier.wait()
        try:
            review.sign_off(n, actor=actor, signer="workplace", decision=decision, opinion=opinion)
            outcomes[decision] = "ok"
        except InvalidTransition as exc:
            outcomes[decision] = exc.message
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=decide, args=(people["workplace"], Decision.APPROVE, "")),
        threading.Thread(target=decide, args=(second, Decision.RETURN, "材料不全，请补充。")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert list(outcomes.values()).count("ok") == 1
    refused = next(v for v in outcomes.values() if v != "ok")
    # Whoever came second finds the opinion given: the level complete (an approval), the
    # nomination back with its clerk (a return), or the body's opinion in this round.
    assert any(
        reason in refused for reason in ("已在本轮签署意见", "不能签署审核意见", "本级审核已完成")
    ), refused
    assert n.sign_offs.count() == 1
    n.refresh_from_db()
    winner = next(d for d, v in outcomes.items() if v == "ok")
    assert (n.state == NominationState.RETURNED) == (winner == Decision.RETURN)
