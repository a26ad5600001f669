"""Score sheets: validation against the rubric, weighted totals, editing until the panel
closes, progress, reminders and the office's ranking table (seed 002 四(三))."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.experts import selectors_scoring, services_scoring
from jiangxuan.experts.models import ScoreSheet
from jiangxuan.experts.services import ExpertError
from jiangxuan.notifications.models import Notification

from .scoring_setup import approved_nominations, assign_all, drawn_panel, user_with_role

FULL = {"political": 20, "skill": "22.5", "performance": 18, "peer-opinion": 24}
#: FULL as the sheet stores it (each score a string).
FULL_STORED = {code: str(score) for code, score in FULL.items()}


@pytest.fixture
def scoring(seed_campaign):
    campaign = seed_campaign("002")
    nominations = approved_nominations(campaign, 2)
    panel, members = drawn_panel(campaign, size=3)
    assignments = assign_all(members, nominations)
    office = user_with_role("jz-union", Role.CAMPAIGN_OFFICE, campaign=campaign)
    return campaign, panel, members, nominations, assignments, office


def _user(assignment):
    return assignment.member.expert.user


def test_rubric_of_seed_002_is_the_four_equal_criteria(scoring):
    _, panel, *_ = scoring
    rubric = selectors_scoring.rubric_of(panel)
    assert [c.name for c in rubric] == ["政治素质", "技能", "主要工作业绩", "职工群众评价"]
    assert selectors_scoring.rubric_maximum(rubric) == 100


def test_submit_scores_computes_weighted_total_and_audits(scoring):
    *_, assignments, _ = scoring
    sheet = services_scoring.submit_scores(
        assignments[0], actor=_user(assignments[0]), scores=FULL, comment="技能突出"
    )
    assert sheet.total == Decimal("84.50")
    assert sheet.scores["skill"] == "22.5"
    assert sheet.submitted_at is not None
    entry = AuditEntry.objects.filter(action="experts.submit_scores").latest("id")
    assert entry.after["total"] == "84.50"


def test_submit_scores_out_of_range_refused_in_chinese(scoring):
    *_, assignments, _ = scoring
    with pytest.raises(ExpertError) as excinfo:
        services_scoring.submit_scores(
            assignments[0], actor=_user(assignments[0]), scores={**FULL, "skill": 26}
        )
    assert excinfo.value.message == "“技能”的得分应在 0 至 25 分之间。"
    assert excinfo.value.field == "skill"


@pytest.mark.parametrize(
    ("scores", "text"),
    [
        ({"political": 20, "skill": 20, "performance": 20}, "请为“职工群众评价”打分。"),
        ({**FULL, "extra": 5}, "评分项“extra”不在评分细则中。"),
        ({**FULL, "political": "很好"}, "“政治素质”的得分应为数字。"),
        ({**FULL, "political": -1}, "“政治素质”的得分应在 0 至 25 分之间。"),
    ],
)
def test_submit_scores_invalid_sheet_refused(scoring, scores, text):
    *_, assignments, _ = scoring
    with pytest.raises(ExpertError) as excinfo:
        services_scoring.submit_scores(assignments[0], actor=_user(assignments[0]), scores=scores)
    assert excinfo.value.message == text


def test_submit_scores_by_another_expert_refused(scoring):
    *_, assignments, _ = scoring
    other = assignments[-1].member.expert.user
    with pytest.raises(PermissionDenied):
        services_scoring.submit_scores(assignments[0], actor=other, scores=FULL)


def test_submit_scores_needs_confidentiality_and_active_assignment(scoring):
    *_, assignments, _ = scoring
    member = assignments[0].member
    member.confidentiality_confirmed_at = None
    member.save()
    with pytest.raises(PermissionDenied):
        services_scoring.submit_scores(assignments[0], actor=_user(assignments[0]), scores=FULL)
    assignments[1].active = False
    assignments[1].save()
    with pytest.raises(PermissionDenied):
        services_scoring.submit_scores(assignments[1], actor=_user(assignments[1]), scores=FULL)


def test_submit_scores_editable_until_panel_closes(scoring):
    _, panel, _, _, assignments, office = scoring
    actor = _user(assignments[0])
    services_scoring.submit_scores(assignments[0], actor=actor, scores=FULL)
    sheet = services_scoring.submit_scores(
        assignments[0], actor=actor, scores={**FULL, "political": 25}
    )
    assert sheet.total == Decimal("89.50")
    # The revision rewrites the one sheet, and its audit entry keeps what it replaced.
    assert ScoreSheet.objects.filter(assignment=assignments[0]).get().pk == sheet.pk
    entry = AuditEntry.objects.filter(action="experts.submit_scores").latest("id")
    assert entry.before == {"scores": FULL_STORED, "total": "84.50"}
    assert entry.after["scores"]["political"] == "25"
    services_scoring.close_scoring(panel, actor=office)
    with pytest.raises(ExpertError) as excinfo:
        services_scoring.submit_scores(assignments[0], actor=actor, scores=FULL)
    assert "评审已结束" in excinfo.value.message


def test_close_scoring_only_by_office(scoring):
    _, panel, members, *_ = scoring
    with pytest.raises(PermissionDenied):
        services_scoring.close_scoring(panel, actor=members[0].expert.user)


def test_progress_per_expert_and_nomination(scoring):
    _, panel, members, nominations, assignments, _ = scoring
    first = [a for a in assignments if a.member_id == members[0].pk]
    for a in first:
        services_scoring.submit_scores(a, actor=_user(a), scores=FULL)
    by_expert = {
        p.subject.pk: (p.scored, p.assigned) for p in selectors_scoring.progress_by_expert(panel)
    }
    assert by_expert == {members[0].pk: (2, 2), members[1].pk: (0, 2), members[2].pk: (0, 2)}
    by_nomination = {
        p.subject.pk: (p.scored, p.assigned)
        for p in selectors_scoring.progress_by_nomination(panel)
    }
    assert by_nomination == {nominations[0].pk: (1, 3), nominations[1].pk: (1, 3)}
    assert selectors_scoring.unscored_members(panel) == members[1:]


def test_reminders_go_to_members_with_unscored_assignments_once_a_day(scoring):
    _, panel, members, _, assignments, office = scoring
    for a in assignments:
        if a.member_id == members[0].pk:
            services_scoring.submit_scores(a, actor=_user(a), scores=FULL)
    created = services_scoring.send_scoring_reminders(panel, actor=office)
    assert {n.recipient_id for n in created} == {m.expert.user_id for m in members[1:]}
    assert services_scoring.send_scoring_reminders(panel, actor=office) == []
    assert Notification.objects.filter(recipient=members[0].expert.user).count() == 0
    with pytest.raises(PermissionDenied):
        services_scoring.send_scoring_reminders(panel, actor=members[1].expert.user)


def test_ranking_table_ranks_by_trimmed_mean_with_formula(scoring):
    """Nomination A: 84.5, 80, 90 → trimmed mean 84.5; B: 60, 70, 100 → 70; A ranks first
    although B's plain mean (76.67) is closer than the trimmed gap suggests."""
    _, panel, members, nominations, assignments, _ = scoring
    totals = {
        (0, 0): FULL,
        (1, 0): {"political": 20, "skill": 20, "performance": 20, "peer-opinion": 20},
        (2, 0): {"political": 25, "skill": 20, "performance": 20, "peer-opinion": 25},
        (0, 1): {"political": 15, "skill": 15, "performance": 15, "peer-opinion": 15},
        (1, 1): {"political": 20, "skill": 15, "performance": 15, "peer-opinion": 20},
        (2, 1): {"political": 25, "skill": 25, "performance": 25, "peer-opinion": 25},
    }
    for a in assignments:
        key = (members.index(a.member), nominations.index(a.nomination))
        services_scoring.submit_scores(a, actor=_user(a), scores=totals[key])
    table = selectors_scoring.ranking_table(panel)
    assert table.ranking == "trimmed_mean"
    assert "去掉一个最高分和一个最低分" in table.formula
    assert [(r.rank, r.nomination.pk, r.value) for r in table.rows] == [
        (1, nominations[0].pk, 84.5),
        (2, nominations[1].pk, 70.0),
    ]
    assert table.rows[1].stats.mean == pytest.approx(230 / 3)
    assert table.blend_formula == ""
