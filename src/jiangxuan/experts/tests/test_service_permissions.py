"""The expert review's services refuse a wrong role themselves (docs/conventions.md 8.4:
views and the API declare, services enforce). The campaign's office runs the pool, panels,
scoring, ballots and inspections; its leading group, another campaign's office, a clerk,
the platform administrator (a superuser) and an expert of the panel do none of that. A
recusal is the office's or the member's own; a ballot is closed by the chair or the office;
confidentiality is confirmed by the member alone."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.experts import services, services_ballots, services_inspections, services_scoring
from jiangxuan.experts.enums import PanelState, RelationshipKind
from jiangxuan.experts.models import Assignment, Panel, ScoreSheet

from .draw_setup import ExpertFactory, nominee
from .scoring_setup import add_evidence, assign_all, drawn_panel, pdf_bytes

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 12, 3, 9, 30)
OFFICE_ONLY = "只有本活动的领导小组办公室可以管理评审组。"


@pytest.fixture
def setup(seed_campaign, role_user):
    """Seed 002, its office, two approved nominees and a drawn panel of three (the first
    member chairs), every member reviewing both."""
    campaign = seed_campaign("002")
    office = role_user(campaign.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=campaign)
    nominees = [
        nominee(campaign, workplace="jz-dfd", nominating_unit="jz-zhongzhan-union"),
        nominee(campaign, workplace="jz-jiefang-precision", nominating_unit="jz-jiefang-union"),
    ]
    panel, members = drawn_panel(campaign, size=3)
    assign_all(members, nominees)
    return campaign, office, nominees, panel, members


def _wrong(role, campaign, members, seed_campaign, role_user):
    if role == "leading_group":
        return role_user(campaign.organizer_unit, Role.LEADING_GROUP, campaign=campaign)
    if role == "other_office":
        other = seed_campaign("003")
        return role_user(other.organizer_unit, Role.CAMPAIGN_OFFICE, campaign=other)
    if role == "clerk":
        return role_user("jz-jiefang-union", Role.CLERK)
    if role == "expert":
        # A member of the panel who is neither its chair nor the member acted upon.
        return members[2].expert.user
    return role_user(None, None)


def _calls(campaign, office, nominees, panel, members):
    """Each write service taking a user: the call, and the reason the refusal gives."""
    draft = Panel.objects.create(
        campaign=campaign, name="候补评审组", size=1, state=PanelState.DRAFT
    )
    ExpertFactory.create_batch(2)
    inspection = services_inspections.schedule_inspection(
        panel,
        nominees[0],
        scheduled_for=WHEN,
        place="焦作市解放区民主南路",
        inspectors=members[:2],
        actor=office,
    )
    ballot = services_ballots.open_ballot(
        panel,
        title="焦作工匠候选人投票",
        candidates=nominees,
        choose_min=1,
        choose_max=1,
        seats=1,
        actor=office,
    )
    draw = {"seed": "掷骰 3 5", "seed_source": "现场掷骰", "witnesses": ["王某"]}
    return {
        "declare_relationship": (
            lambda u: services.declare_relationship(
                members[1].expert, kind=RelationshipKind.OTHER, note="师徒", actor=u
            ),
            "只有活动办公室可以管理专家库。",
        ),
        "create_panel": (
            lambda u: services.create_panel(campaign, name="综合评审组", size=1, actor=u),
            OFFICE_ONLY,
        ),
        "draw_panel": (lambda u: services.draw_panel(draft, actor=u, **draw), OFFICE_ONLY),
        "draw_more_reserves": (
            lambda u: services.draw_more_reserves(panel, count=1, actor=u, **draw),
            OFFICE_ONLY,
        ),
        "appoint_chair": (
            lambda u: services.appoint_chair(panel, members[1], actor=u),
            OFFICE_ONLY,
        ),
        "record_recusal": (
            lambda u: services.record_recusal(
                members[1], nominees[0], kind=RelationshipKind.OTHER, actor=u
            ),
            "只有本活动的领导小组办公室或该专家本人可以申报回避。",
        ),
        "send_scoring_reminders": (
            lambda u: services_scoring.send_scoring_reminders(panel, actor=u),
            OFFICE_ONLY,
        ),
        "close_scoring": (lambda u: services_scoring.close_scoring(panel, actor=u), OFFICE_ONLY),
        "open_ballot": (
            lambda u: services_ballots.open_ballot(
                panel,
                title="复选",
                candidates=nominees,
                choose_min=1,
                choose_max=1,
                seats=1,
                actor=u,
            ),
            OFFICE_ONLY,
        ),
        "close_ballot": (
            lambda u: services_ballots.close_ballot(ballot, actor=u),
            "只有评审组组长或活动办公室可以截止投票。",
        ),
        "schedule_inspection": (
            lambda u: services_inspections.schedule_inspection(
                panel,
                nominees[1],
                scheduled_for=WHEN,
                place="焦作市解放区民主南路",
                inspectors=members[:2],
                actor=u,
            ),
            OFFICE_ONLY,
        ),
        "record_inspection": (
            lambda u: services_inspections.record_inspection(
                inspection, findings="现场演示合格。", outcome="pass", actor=u
            ),
            OFFICE_ONLY,
        ),
        "cancel_inspection": (
            lambda u: services_inspections.cancel_inspection(inspection, reason="改期", actor=u),
            OFFICE_ONLY,
        ),
    }


SERVICES = [
    "declare_relationship",
    "create_panel",
    "draw_panel",
    "draw_more_reserves",
    "appoint_chair",
    "record_recusal",
    "send_scoring_reminders",
    "close_scoring",
    "open_ballot",
    "close_ballot",
    "schedule_inspection",
    "record_inspection",
    "cancel_inspection",
]


WRONG_ROLES = ["leading_group", "other_office", "clerk", "superuser", "expert"]
#: The pool is shared by the campaigns: any campaign's office keeps it.
POOL_KEEPERS = {("declare_relationship", "other_office")}


@pytest.mark.parametrize(
    ("service", "role"),
    [(s, r) for s in SERVICES for r in WRONG_ROLES if (s, r) not in POOL_KEEPERS],
)
def test_only_the_campaigns_office_acts(setup, seed_campaign, role_user, service, role):
    campaign, office, nominees, panel, members = setup
    call, reason = _calls(campaign, office, nominees, panel, members)[service]
    user = _wrong(role, campaign, members, seed_campaign, role_user)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied) as excinfo:
        call(user)

    assert str(excinfo.value) == reason
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("role", ["office", "expert", "superuser"])
def test_confidentiality_is_confirmed_by_the_member_alone(setup, role_user, role):
    _campaign, office, _nominees, _panel, members = setup
    user = {"office": office, "expert": members[2].expert.user}.get(role) or role_user(None, None)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied) as excinfo:
        services.confirm_confidentiality(members[1], actor=user)

    assert str(excinfo.value) == "只能确认本人的保密承诺。"
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("role", ["office", "expert", "leading_group", "superuser"])
def test_an_assignment_is_scored_by_its_expert_alone(setup, seed_campaign, role_user, role):
    campaign, office, nominees, _panel, members = setup
    assignment = Assignment.objects.get(member=members[1], nomination=nominees[0])
    user = office if role == "office" else _wrong(role, campaign, members, seed_campaign, role_user)

    with pytest.raises(PermissionDenied) as excinfo:
        services_scoring.submit_scores(assignment, actor=user, scores={})

    assert str(excinfo.value) == "您没有权限为该推荐对象评分。"
    assert not ScoreSheet.objects.exists()


def test_a_recused_assignment_is_not_scored_by_its_expert(setup):
    _campaign, _office, nominees, _panel, members = setup
    assignment = Assignment.objects.get(member=members[1], nomination=nominees[0])
    Assignment.objects.filter(pk=assignment.pk).update(active=False)

    with pytest.raises(PermissionDenied):
        services_scoring.submit_scores(assignment, actor=members[1].expert.user, scores={})

    assert not ScoreSheet.objects.exists()


@pytest.mark.parametrize("role", ["office", "expert", "leading_group", "superuser"])
def test_evidence_is_opened_by_the_assignments_expert_alone(setup, seed_campaign, role_user, role):
    campaign, office, nominees, _panel, members = setup
    assignment = Assignment.objects.get(member=members[1], nomination=nominees[0])
    evidence = add_evidence(nominees[0], pdf_bytes(1), "application/pdf", "a.pdf", "photo")
    user = office if role == "office" else _wrong(role, campaign, members, seed_campaign, role_user)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied) as excinfo:
        services_scoring.open_review_evidence(assignment, evidence, actor=user, via="web")

    assert str(excinfo.value) == "只有评审该推荐对象的专家可以查看其佐证材料。"
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("case", ["recused", "blind", "other_nomination"])
def test_evidence_is_refused_to_its_own_expert_when_recused_blind_or_not_theirs(setup, case):
    _campaign, _office, nominees, panel, members = setup
    assignment = Assignment.objects.get(member=members[1], nomination=nominees[0])
    owner = nominees[1] if case == "other_nomination" else nominees[0]
    evidence = add_evidence(owner, pdf_bytes(1), "application/pdf", "a.pdf", "photo")
    if case == "recused":
        Assignment.objects.filter(pk=assignment.pk).update(active=False)
    if case == "blind":
        Panel.objects.filter(pk=panel.pk).update(blind=True)
    assignment = Assignment.objects.get(pk=assignment.pk)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied) as excinfo:
        services_scoring.open_review_evidence(
            assignment, evidence, actor=members[1].expert.user, via="web"
        )

    blind = str(excinfo.value).startswith("匿名评审不提供佐证材料原件")
    assert blind == (case == "blind")
    assert AuditEntry.objects.count() == entries
