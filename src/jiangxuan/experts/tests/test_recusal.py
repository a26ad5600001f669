"""Recusal after the draw (a reserve takes the place) and the confidentiality gate."""

import pytest
from django.core.exceptions import PermissionDenied

from jiangxuan.core.models import AuditEntry
from jiangxuan.experts import selectors, services
from jiangxuan.experts.enums import MemberRole, RelationshipKind
from jiangxuan.experts.models import Assignment, Draw, ExpertRelationship, PanelMember
from jiangxuan.experts.rules import conflict_reasons

from .draw_setup import ExpertFactory, expert_user, nominee, office_of


@pytest.fixture
def jiaozuo(seed_campaign):
    return seed_campaign("002")


@pytest.fixture
def office(jiaozuo):
    return office_of(jiaozuo)


@pytest.fixture
def nominees(jiaozuo):
    return [
        nominee(jiaozuo, workplace="jz-dfd", nominating_unit="jz-zhongzhan-union"),
        nominee(jiaozuo, workplace="jz-jiefang-precision", nominating_unit="jz-jiefang-union"),
        nominee(jiaozuo, workplace="jz-qinyang-paper", nominating_unit="jz-qinyang-union"),
    ]


def _drawn(campaign, office, *, size=3, reserves=2, experts=10):
    ExpertFactory.create_batch(experts)
    panel = services.create_panel(
        campaign, name="综合评审组", size=size, reserves=reserves, actor=office
    )
    services.draw_panel(
        panel, seed="掷骰 6 1 4 4", seed_source="现场掷骰", witnesses=["王某"], actor=office
    )
    members = list(PanelMember.objects.filter(panel=panel).select_related("expert"))
    return (
        [m for m in members if m.role != MemberRole.RESERVE],
        [m for m in members if m.role == MemberRole.RESERVE],
    )


def _assert_no_conflicted_assignment():
    """Over every active assignment: the expert has no conflict with the nominee."""
    for a in Assignment.objects.filter(active=True).select_related("member__expert", "nomination"):
        expert = a.member.expert
        assert conflict_reasons(expert, a.nomination, selectors.relationships_of(expert)) == []


def test_record_recusal_calls_first_reserve(jiaozuo, office, nominees):
    members, reserves = _drawn(jiaozuo, office)
    target = nominees[1]

    replacement = services.record_recusal(
        members[0], target, kind=RelationshipKind.RELATIVE, note="表兄弟", actor=office
    )

    recused = Assignment.objects.get(member=members[0], nomination=target)
    assert recused.active is False
    assert recused.recused_reason == "亲属关系：表兄弟"
    assert replacement.member == reserves[0]
    assert replacement.nomination == target
    assert replacement.replaces == recused
    reviewers = set(
        Assignment.objects.filter(nomination=target, active=True).values_list(
            "member_id", flat=True
        )
    )
    assert reviewers == {members[1].pk, members[2].pk, reserves[0].pk}
    relation = ExpertRelationship.objects.get(expert=members[0].expert)
    assert relation.after_draw is True
    assert relation.nomination == target
    assert AuditEntry.objects.filter(action="experts.recuse").count() == 1
    _assert_no_conflicted_assignment()


def test_record_recusal_skips_reserve_with_conflict(jiaozuo, office, nominees):
    members, reserves = _drawn(jiaozuo, office)
    target = nominees[0]
    ExpertRelationship.objects.create(
        expert=reserves[0].expert, kind=RelationshipKind.COLLEAGUE, person_index=target.id_index
    )

    replacement = services.record_recusal(
        members[2], target, kind=RelationshipKind.MENTOR, actor=office
    )

    assert replacement.member == reserves[1]
    _assert_no_conflicted_assignment()


def test_record_recusal_second_recusal_takes_next_reserve(jiaozuo, office, nominees):
    members, reserves = _drawn(jiaozuo, office)
    target = nominees[2]

    first = services.record_recusal(members[0], target, kind="other", actor=office)
    second = services.record_recusal(members[1], target, kind="other", actor=office)

    assert [first.member, second.member] == reserves
    assert Assignment.objects.filter(nomination=target, active=True).count() == 3
    _assert_no_conflicted_assignment()


def test_record_recusal_by_replacement_reserve_calls_next(jiaozuo, office, nominees):
    members, reserves = _drawn(jiaozuo, office)
    target = nominees[0]
    services.record_recusal(members[0], target, kind="other", actor=office)

    again = services.record_recusal(reserves[0], target, kind="relative", actor=office)

    assert again.member == reserves[1]
    assert Assignment.objects.filter(nomination=target, active=True).count() == 3
    _assert_no_conflicted_assignment()


def test_record_recusal_without_free_reserve_raises_and_keeps_state(jiaozuo, office, nominees):
    members, _reserves = _drawn(jiaozuo, office, reserves=1)
    target = nominees[0]
    services.record_recusal(members[0], target, kind="other", actor=office)

    with pytest.raises(services.NoReserveError, match="请增补抽取候补专家"):
        services.record_recusal(members[1], target, kind="other", actor=office)

    assert Assignment.objects.get(member=members[1], nomination=target).active is True
    assert not ExpertRelationship.objects.filter(expert=members[1].expert).exists()


def test_record_recusal_other_nominees_untouched(jiaozuo, office, nominees):
    members, reserves = _drawn(jiaozuo, office)

    services.record_recusal(members[0], nominees[0], kind="other", actor=office)

    active = set(
        Assignment.objects.filter(member=members[0], active=True).values_list(
            "nomination_id", flat=True
        )
    )
    assert active == {nominees[1].pk, nominees[2].pk}
    assert not Assignment.objects.filter(member=reserves[0], nomination=nominees[1]).exists()


def test_record_recusal_by_the_expert_themselves(jiaozuo, office, nominees):
    members, reserves = _drawn(jiaozuo, office)
    user = expert_user(members[1].expert)

    replacement = services.record_recusal(members[1], nominees[1], kind="mentor", actor=user)

    assert replacement.member == reserves[0]


def test_record_recusal_by_another_expert_denied(jiaozuo, office, nominees):
    members, _reserves = _drawn(jiaozuo, office)
    other = expert_user(members[2].expert)

    with pytest.raises(PermissionDenied):
        services.record_recusal(members[1], nominees[1], kind="mentor", actor=other)
    assert Assignment.objects.filter(active=False).count() == 0


def test_declare_relationship_after_draw_recuses(jiaozuo, office, nominees, orgs):
    members, reserves = _drawn(jiaozuo, office)

    services.declare_relationship(
        members[0].expert, kind="colleague", org_unit=orgs["jz-qinyang-paper"], actor=office
    )

    assert Assignment.objects.get(member=members[0], nomination=nominees[2]).active is False
    assert Assignment.objects.get(member=reserves[0], nomination=nominees[2]).active is True
    assert ExpertRelationship.objects.get(expert=members[0].expert).after_draw is True
    _assert_no_conflicted_assignment()


def test_assignments_for_expert_needs_confidentiality(jiaozuo, office, nominees):
    members, _reserves = _drawn(jiaozuo, office)
    user = expert_user(members[0].expert)
    assert list(selectors.assignments_for_expert(user)) == []

    services.confirm_confidentiality(members[0], actor=user)

    seen = [a.nomination_id for a in selectors.assignments_for_expert(user)]
    assert seen == [n.pk for n in nominees]
    entry = AuditEntry.objects.get(action="experts.confirm_confidentiality")
    assert entry.after["undertaking_sha256"] == services.undertaking_digest()


def test_assignments_for_expert_drops_recused(jiaozuo, office, nominees):
    members, _reserves = _drawn(jiaozuo, office)
    user = expert_user(members[0].expert)
    services.confirm_confidentiality(members[0], actor=user)

    services.record_recusal(members[0], nominees[0], kind="other", actor=user)

    seen = [a.nomination_id for a in selectors.assignments_for_expert(user)]
    assert seen == [nominees[1].pk, nominees[2].pk]


def test_confirm_confidentiality_only_by_the_expert(jiaozuo, office, nominees):
    members, _reserves = _drawn(jiaozuo, office)
    expert_user(members[0].expert)

    with pytest.raises(PermissionDenied):
        services.confirm_confidentiality(members[0], actor=office)
    members[0].refresh_from_db()
    assert members[0].confidentiality_confirmed_at is None


def test_assignments_for_expert_anonymous_is_empty(jiaozuo, office, nominees):
    from django.contrib.auth.models import AnonymousUser

    assert list(selectors.assignments_for_expert(AnonymousUser())) == []


def test_draw_more_reserves_then_recusal_succeeds(jiaozuo, office, nominees):
    members, reserves = _drawn(jiaozuo, office, reserves=1)
    target = nominees[0]
    services.record_recusal(members[0], target, kind="other", actor=office)
    with pytest.raises(services.NoReserveError):
        services.record_recusal(members[1], target, kind="other", actor=office)

    added = services.draw_more_reserves(
        members[0].panel,
        count=2,
        seed="2026-11-25 掷骰 2 2 5",
        seed_source="现场掷骰",
        witnesses=["王某"],
        actor=office,
    )
    replacement = services.record_recusal(members[1], target, kind="other", actor=office)

    assert [m.position for m in added] == [5, 6]
    assert replacement.member == added[0]
    draw = Draw.objects.get(panel=members[0].panel)
    assert services.redraw(draw) == draw.result
    assert draw.result[-2:] == [m.expert_id for m in added]
    assert draw.constraints["supplements"][0]["witnesses"] == ["王某"]
    assert not {m.expert_id for m in added} & {m.expert_id for m in members + reserves}
    _assert_no_conflicted_assignment()


def test_draw_more_reserves_beyond_snapshot_refused(jiaozuo, office, nominees):
    members, _reserves = _drawn(jiaozuo, office, reserves=1, experts=5)

    with pytest.raises(services.ExpertError, match="不足增补的2人"):
        services.draw_more_reserves(
            members[0].panel, count=2, seed="x", seed_source="", witnesses=["王某"], actor=office
        )
    assert PanelMember.objects.filter(panel=members[0].panel).count() == 4
