"""The reproducible draw: the pure algorithm and ``services.draw_panel`` (seed 002 四(三))."""

import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import given
from hypothesis import strategies as st

from jiangxuan.core.models import AuditEntry
from jiangxuan.experts import services
from jiangxuan.experts.draw import DrawError, draw_from_record, seed_number
from jiangxuan.experts.enums import MemberRole, PanelState, RelationshipKind
from jiangxuan.experts.models import Assignment, Draw, ExpertRelationship, PanelMember

from .draw_setup import ExpertFactory, nominee, office_of

LOTTERY = "2026-11-23 双色球开奖号码 03 11 19 22 27 31 + 07"


def _pool(n: int) -> list[dict]:
    kinds = ("焊接", "数控", "电工")
    return [
        {"id": i, "speciality": kinds[i % 3], "industry": "", "region": ""} for i in range(1, n + 1)
    ]


# --------------------------------------------------------------------------- pure


def test_seed_number_is_sha256_of_the_text():
    expected = int.from_bytes(hashlib.sha256(LOTTERY.encode()).digest(), "big")
    assert seed_number(LOTTERY) == expected


def test_draw_from_record_same_record_same_panel():
    constraints = {"size": 5, "reserves": 2, "mix": {}}
    first = draw_from_record(_pool(30), LOTTERY, constraints)
    assert draw_from_record(_pool(30), LOTTERY, constraints) == first
    assert len(first) == 7
    assert len(set(first)) == 7


def test_draw_from_record_known_result_is_stable():
    """Pinned output: a change of algorithm must bump ``ALGORITHM``, not alter v1 results."""
    assert draw_from_record(_pool(10), "4 2 6 1", {"size": 3, "reserves": 1}) == [5, 1, 8, 3]


def test_draw_from_record_other_seed_other_panel():
    constraints = {"size": 5, "reserves": 2, "mix": {}}
    assert draw_from_record(_pool(30), LOTTERY, constraints) != draw_from_record(
        _pool(30), LOTTERY + " ", constraints
    )


@given(seed=st.text(min_size=1, max_size=30), welders=st.integers(0, 4), cnc=st.integers(0, 3))
def test_draw_from_record_mix_honoured(seed, welders, cnc):
    pool = _pool(24)
    constraints = {"size": 7, "reserves": 3, "mix": {"speciality": {"焊接": welders, "数控": cnc}}}
    result = draw_from_record(pool, seed, constraints)
    members = result[:7]
    kinds = {row["id"]: row["speciality"] for row in pool}
    assert sum(kinds[i] == "焊接" for i in members) >= welders
    assert sum(kinds[i] == "数控" for i in members) >= cnc
    assert len(set(result)) == 10


def test_draw_from_record_mix_counts_when_scarce():
    pool = [{"id": 1, "speciality": "焊接"}] + [
        {"id": i, "speciality": "电工"} for i in range(2, 30)
    ]
    for seed in ("a", "b", "c", "d"):
        assert (
            1 in draw_from_record(pool, seed, {"size": 3, "mix": {"speciality": {"焊接": 1}}})[:3]
        )


def test_draw_from_record_pool_too_small_raises():
    with pytest.raises(DrawError, match="不足评审专家5人加候补2人"):
        draw_from_record(_pool(6), LOTTERY, {"size": 5, "reserves": 2})


def test_draw_from_record_missing_speciality_raises():
    with pytest.raises(DrawError, match="“钳工”专家不足1人"):
        draw_from_record(_pool(12), LOTTERY, {"size": 5, "mix": {"speciality": {"钳工": 1}}})


def test_draw_from_record_mix_larger_than_panel_raises():
    with pytest.raises(DrawError, match="超过评审组人数"):
        draw_from_record(_pool(12), LOTTERY, {"size": 2, "mix": {"speciality": {"焊接": 3}}})


# --------------------------------------------------------------------------- service


@pytest.fixture
def jiaozuo(seed_campaign):
    return seed_campaign("002")


@pytest.fixture
def office(jiaozuo):
    return office_of(jiaozuo)


@pytest.fixture
def nominees(jiaozuo):
    return [
        nominee(jiaozuo, workplace="jz-dfd", nominating_unit="jz-zhongzhan-union", name="张师傅"),
        nominee(
            jiaozuo,
            workplace="jz-jiefang-precision",
            nominating_unit="jz-jiefang-union",
            name="李师傅",
        ),
    ]


def _panel(campaign, office, **kwargs):
    values = {"name": "焦作工匠综合评审组", "size": 5, "reserves": 2} | kwargs
    return services.create_panel(campaign, actor=office, **values)


def _draw(panel, office, seed=LOTTERY):
    return services.draw_panel(
        panel, seed=seed, seed_source="双色球第2026135期", witnesses=["市纪委 王某"], actor=office
    )


def test_draw_panel_record_rerun_gives_same_panel(jiaozuo, office, nominees):
    ExpertFactory.create_batch(20)
    panel = _panel(jiaozuo, office, mix={"speciality": {"焊接": 2, "数控": 1}})

    draw = _draw(panel, office)

    draw = Draw.objects.get(pk=draw.pk)
    assert services.redraw(draw) == draw.result
    members = list(PanelMember.objects.filter(panel=panel).order_by("position"))
    assert [m.expert_id for m in members] == draw.result
    assert [m.role for m in members] == [MemberRole.MEMBER] * 5 + [MemberRole.RESERVE] * 2
    specialities = [m.expert.speciality for m in members[:5]]
    assert specialities.count("焊接") >= 2
    assert specialities.count("数控") >= 1
    assert draw.algorithm == "v1"
    assert draw.witnesses == ["市纪委 王某"]
    assert draw.constraints == {
        "size": 5,
        "reserves": 2,
        "mix": {"speciality": {"焊接": 2, "数控": 1}},
    }
    panel.refresh_from_db()
    assert panel.state == PanelState.DRAWN


def test_draw_panel_other_seed_gives_other_panel(jiaozuo, office, nominees):
    ExpertFactory.create_batch(20)
    draw = _draw(_panel(jiaozuo, office), office)

    other = draw_from_record(draw.pool, "2026-11-24 掷骰 3 5 2", draw.constraints)

    assert other != draw.result


def test_draw_panel_assigns_each_member_each_nominee(jiaozuo, office, nominees):
    ExpertFactory.create_batch(10)
    draw = _draw(_panel(jiaozuo, office, size=3, reserves=1), office)

    pairs = sorted(
        Assignment.objects.filter(member__panel=draw.panel).values_list(
            "member__expert_id", "nomination_id"
        )
    )

    assert pairs == sorted((e, n.pk) for e in draw.result[:3] for n in nominees)


def test_draw_panel_award_panel_sees_only_its_award(jiaozuo, office, nominees):
    award = jiaozuo.awards.order_by("position").first()
    ExpertFactory.create_batch(6)
    draw = _draw(_panel(jiaozuo, office, size=2, reserves=0, award=award), office)

    seen = set(Assignment.objects.filter(member__panel=draw.panel).values_list("nomination_id"))

    assert seen == {(n.pk,) for n in nominees if n.award_id == award.pk}


def test_draw_panel_excludes_conflicts_with_reasons(jiaozuo, office, nominees, orgs):
    clean = ExpertFactory.create_batch(8)
    same_workplace = ExpertFactory(org_unit=orgs["jz-dfd"])
    nominating_unit = ExpertFactory(org_unit=orgs["jz-jiefang-union"])
    relative = ExpertFactory()
    ExpertRelationship.objects.create(
        expert=relative, kind=RelationshipKind.RELATIVE, person_index=nominees[1].id_index
    )
    mentor = ExpertFactory()
    ExpertRelationship.objects.create(
        expert=mentor, kind=RelationshipKind.MENTOR, org_unit=orgs["jz-jiefang-precision"]
    )
    unavailable = ExpertFactory(available=False)

    draw = _draw(_panel(jiaozuo, office), office)

    excluded = {row["id"]: row for row in draw.excluded}
    assert sorted(excluded) == sorted(
        e.pk for e in (same_workplace, nominating_unit, relative, mentor)
    )
    assert excluded[same_workplace.pk]["conflicts"] == [
        {"nomination": nominees[0].pk, "name": "张师傅", "reasons": ["与推荐对象同一工作单位"]}
    ]
    assert excluded[nominating_unit.pk]["conflicts"][0]["reasons"] == [
        "所在单位为推荐对象的推荐单位"
    ]
    assert excluded[relative.pk]["conflicts"][0]["reasons"] == ["申报的亲属关系"]
    assert excluded[mentor.pk]["conflicts"][0]["nomination"] == nominees[1].pk
    assert [row["id"] for row in draw.pool] == sorted(e.pk for e in clean)
    assert unavailable.pk not in {row["id"] for row in draw.pool} | set(excluded)
    assert set(draw.result) <= {e.pk for e in clean}


def test_draw_panel_is_audited(jiaozuo, office, nominees):
    ExpertFactory.create_batch(8)

    draw = _draw(_panel(jiaozuo, office), office)

    entry = AuditEntry.objects.get(action="experts.draw")
    assert entry.object_id == str(draw.pk)
    assert entry.after["seed"] == LOTTERY
    assert entry.after["result"] == draw.result
    assert entry.actor == office


def test_draw_panel_twice_refused(jiaozuo, office, nominees):
    ExpertFactory.create_batch(8)
    panel = _panel(jiaozuo, office)
    _draw(panel, office)

    with pytest.raises(services.ExpertError, match="已抽取"):
        _draw(panel, office, seed="another")
    assert Draw.objects.filter(panel=panel).count() == 1


def test_draw_panel_without_witness_refused(jiaozuo, office, nominees):
    ExpertFactory.create_batch(8)
    panel = _panel(jiaozuo, office)

    with pytest.raises(services.ExpertError, match="见证人"):
        services.draw_panel(panel, seed="1", seed_source="掷骰", witnesses=[" "], actor=office)
    assert not Draw.objects.exists()


def test_draw_panel_small_pool_refused_in_chinese(jiaozuo, office, nominees):
    ExpertFactory.create_batch(4)

    with pytest.raises(services.ExpertError, match="可抽取的专家只有4人"):
        _draw(_panel(jiaozuo, office), office)
    assert not PanelMember.objects.exists()


def test_draw_panel_other_campaign_office_denied(jiaozuo, nominees, seed_campaign):
    ExpertFactory.create_batch(8)
    panel = _panel(jiaozuo, office_of(jiaozuo))
    stranger = office_of(seed_campaign("003"))

    with pytest.raises(PermissionDenied):
        _draw(panel, stranger)
    assert not Draw.objects.exists()


def test_create_panel_rejects_bad_mix(jiaozuo, office):
    with pytest.raises(services.ExpertError, match="专业领域、所属行业或地区"):
        _panel(jiaozuo, office, mix={"age": {"50": 1}})
    with pytest.raises(services.ExpertError, match="超过评审组人数"):
        _panel(jiaozuo, office, size=2, mix={"industry": {"化工": 3}})


def test_appoint_chair_moves_the_chair(jiaozuo, office, nominees):
    ExpertFactory.create_batch(8)
    draw = _draw(_panel(jiaozuo, office), office)
    first, second = PanelMember.objects.filter(panel=draw.panel).order_by("position")[:2]

    services.appoint_chair(draw.panel, first, actor=office)
    services.appoint_chair(draw.panel, second, actor=office)

    roles = dict(PanelMember.objects.filter(panel=draw.panel).values_list("pk", "role"))
    assert roles[first.pk] == MemberRole.MEMBER
    assert roles[second.pk] == MemberRole.CHAIR
    reserve = PanelMember.objects.filter(panel=draw.panel, role=MemberRole.RESERVE).first()
    with pytest.raises(services.ExpertError, match="评审专家中指定组长"):
        services.appoint_chair(draw.panel, reserve, actor=office)


def test_redraw_command_reports_match_and_mismatch(jiaozuo, office, nominees):
    ExpertFactory.create_batch(8)
    draw = _draw(_panel(jiaozuo, office), office)
    out = io.StringIO()

    call_command("redraw", str(draw.panel_id), stdout=out)

    assert out.getvalue().strip().endswith("MATCH")
    Draw.objects.filter(pk=draw.pk).update(seed="tampered")
    with pytest.raises(CommandError, match="MISMATCH"):
        call_command("redraw", str(draw.panel_id), stdout=io.StringIO())


def test_draw_from_record_supplements_are_reproducible_and_disjoint():
    base = {"size": 3, "reserves": 1}
    constraints = base | {"supplements": [{"reserves": 2, "seed": "掷骰 1 6"}]}

    first = draw_from_record(_pool(12), LOTTERY, constraints)

    assert first[:4] == draw_from_record(_pool(12), LOTTERY, base)
    assert first == draw_from_record(_pool(12), LOTTERY, constraints)
    assert len(set(first)) == 6
