"""The demo's last stretch: from expert review to the published commendation decision.

:func:`run_to_decision` takes a campaign whose sample nominations the review chain has
approved (handed over to expert review) and plays every later step of its specification
through the public services of ``experts``, ``notices`` and ``decisions``, as the office,
the experts and the leading group would:

0. the steps the specification puts before the expert review run first: the
   departments' opinions of a qualification step (seed 003 二(二)2) are asked and
   recorded (one of them adverse: that nominee leaves the list), the public vote (seed
   003 二(二)3) is held, sample citizens vote, and it is closed;
1. the sample expert pool (``specs/experts/sample-pool.yaml``) is imported once; a panel
   of :data:`PANEL_SIZE` experts and :data:`PANEL_RESERVES` reserves is drawn with a fixed,
   recorded seed and two named witnesses (recusal applies), the first member chairs it;
2. every drawn expert signs in with a demo account (``expert01`` …) and confirms the
   confidentiality undertaking;
3. the spec's method decides: ``scoring`` (seed 000 四3, 001 三(一)4, 003 二(二)4,
   004 三(三)2) scores every nominee on the rubric, the office closes the scoring and the
   expert ranking orders the candidates; ``ballot`` (seed 002 四(三)) opens a competitive
   ballot, every member votes, the chair closes it (runoffs among the tied included) and
   signs the result;
4. where the spec has a site inspection (seed 004 三(三)2), the shortlisted nominees are
   inspected and the outcome recorded; a nominee whose inspection failed is not proposed;
5. the later steps follow in the specification's order (campaigns.steps gates them),
   each on a date inside its phase: at the first approval step the office proposes each
   award's list (the first ``count`` candidates; for seed 002 the ballot's elected, the
   other approved candidates get the finalist award, 六) and the leading group approves
   it in a recorded meeting; each social notice (seed 000 四5, 001 三(一)5, 002 四(五),
   003 二(二)6, 004 三(四) 首先…然后) runs over the proposed awardees and is closed before
   the next step; the approving authority (seed 000 四6, 001 三(一)6, 003 二(二)5) gets
   the locked lists and its decision is recorded;
6. the decision is published in the name the spec gives and the certificates numbered.

Scores and votes are simulated from a seeded "merit" per nominee, so a run is repeatable.
Dates follow the campaign's own (historical) calendar: the first step after the expert
review 30 days after the last submission (or the first day of its phase, seed 004: 11月1日),
each notice from the day after the previous step, the decision the day after the last.
In seed 003 the public vote's tally then weighs 0.2 beside the experts' scores (its
``blend``), and the department's adverse opinion on one approved nominee (the least
deserving, so the awards stay full) revokes that nomination before the experts meet.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.enums import ExpertMethod, StepKind
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.steps import PlannedStep, first_approval_key, planned_steps
from jiangxuan.decisions import selectors as decision_selectors
from jiangxuan.decisions import services as decisions
from jiangxuan.experts import selectors as expert_selectors
from jiangxuan.experts import services as experts
from jiangxuan.experts import services_ballots as ballots
from jiangxuan.experts import services_inspections as inspections
from jiangxuan.experts import services_scoring as scoring
from jiangxuan.experts.enums import MemberRole
from jiangxuan.experts.models import Ballot, InspectionOutcome, Panel, PanelMember
from jiangxuan.experts.rules import conflict_reasons
from jiangxuan.experts.selectors_inspections import inspection_outcomes
from jiangxuan.experts.selectors_scoring import review_step, voting_members
from jiangxuan.nominations.models import Nomination
from jiangxuan.notices import services as notices
from jiangxuan.notices.models import PublicNotice
from jiangxuan.voting import selectors as vote_selectors
from jiangxuan.voting import services as voting
from jiangxuan.voting import sms

from .passwords import demo_password_hash

PANEL_SIZE = 5
PANEL_RESERVES = 2
#: The leading group members named in the demo meetings (fictitious, marked as samples).
LEADING_GROUP = tuple(f"示例成员{n}" for n in "甲乙丙丁戊己庚")
#: Days from the last submission to the leading group's meeting.
MEETING_AFTER_DAYS = 30
#: Days the approving authority takes to decide on the submitted lists (示例).
AUTHORITY_DAYS = 5
#: Citizens casting a ballot in the demo's public vote (seed 003 二(二)3).
SAMPLE_VOTERS = 60


@dataclass(frozen=True)
class AwardResult:
    """One award of a published decision: campaign code, award name, how many received
    the award and the finalist award."""

    campaign: str
    award: str
    awardees: int
    finalists: int


def run_to_decision(
    campaign: Campaign,
    *,
    office: User,
    pool_file: Path,
    password: str,
    note: Callable[[str], None],
    refused: Callable[[str], None],
) -> list[AwardResult]:
    """Play expert review, approval, social notices and the decision for ``campaign``.

    Args:
        campaign: a campaign whose sample nominations are approved by the review chain.
        office: a campaign office user of ``campaign`` (the actor of office steps).
        pool_file: the expert pool YAML (imported when the pool is empty).
        password: the password of the expert demo accounts it creates.
        note: receives a Chinese sentence for each step that could not be done.
        refused: receives a Chinese sentence for the act out of the notice's order the
            demo tries (the decision published right after the lists are approved) and the
            platform refused, with its reason.
    Returns:
        One :class:`AwardResult` per award of the published decision, in award order;
        empty when no nomination was approved or a step was refused (see ``note``; the
        steps of this call are then rolled back).
        A campaign whose decision is published already is only reported.
    """
    existing = decision_selectors.decision_of(campaign)
    if existing is None or not existing.published_at:
        try:
            # All or nothing: a refused step leaves the campaign as the chain left it.
            with transaction.atomic():
                _decide(
                    campaign,
                    office=office,
                    pool_file=pool_file,
                    password=password,
                    refused=refused,
                )
        except _Stop as stop:
            note(f"{campaign.title}：{stop}")
            return []
        except (
            experts.ExpertError,
            decisions.DecisionError,
            notices.NoticeError,
            voting.VoteError,
            PermissionDenied,
        ) as exc:
            message = getattr(exc, "message", None) or str(exc)
            note(f"{campaign.title}：未能发布表彰决定（{message}）")
            return []
    decision = decision_selectors.decision_of(campaign)
    if decision is None:
        return []
    return [
        AwardResult(
            campaign.code,
            section["award"].name,
            len(section["awardees"]),
            len(section["finalists"]),
        )
        for section in decision_selectors.decision_sections(decision)
    ]


def _account_of(member: PanelMember) -> User:
    """The member's sign-in account (every voting demo expert has one, _panel)."""
    user = member.expert.user
    if user is None:
        raise RuntimeError(f"demo expert {member.expert_id} has no account")
    return user


class _Stop(Exception):
    """Nothing to decide (no approved nominations); the message says so in Chinese."""


def _decide(
    campaign: Campaign,
    *,
    office: User,
    pool_file: Path,
    password: str,
    refused: Callable[[str], None],
) -> None:
    awards = list(campaign.awards.order_by("position"))
    if not any(decision_selectors.candidates(a).exists() for a in awards):
        raise _Stop("没有审核通过的推荐对象，未进行专家评审")
    day = _meeting_day(campaign)
    planned = planned_steps(campaign.specification)
    # The steps before the expert review, in the notice's order (seed 003 二(二)2-3:
    # 人选审核 with the departments' opinions, then 网络投票).
    for step in planned:
        if step.step.kind == StepKind.EXPERT_REVIEW:
            break
        if step.step.background_check is not None:
            _opinions(campaign, step.key, office=office)
        elif step.step.kind == StepKind.PUBLIC_VOTE:
            _public_vote(campaign, office=office)
    panel = _panel(campaign, office=office, pool_file=pool_file, password=password)
    review = review_step(campaign)
    method = (review.method if review else None) or (
        ExpertMethod.SCORING if review and review.rubric else ExpertMethod.BALLOT
    )
    elected: list[int] = []
    if method == ExpertMethod.BALLOT:
        elected = _ballot(panel, campaign, office=office)
    else:
        _score(panel)
    scoring.close_scoring(panel, actor=office)
    inspect = any(p.step.kind == StepKind.SITE_INSPECTION for p in planned)
    approval = first_approval_key(campaign.specification)
    chosen: dict[int, tuple[list[Nomination], list[Nomination]]] = {}
    shown: list[Nomination] = []
    for award in awards:
        if method == ExpertMethod.BALLOT:
            by_pk = {n.pk: n for n in decision_selectors.candidates(award)}
            order = [by_pk[pk] for pk in elected if pk in by_pk]
            others = [n for pk, n in by_pk.items() if pk not in elected]
        else:
            order, others = decision_selectors.expert_order(award), []
        count = award.count or len(order)
        if inspect:
            order = _inspect(
                panel, order, count, office=office, day=_in_phase(planned, approval, day)
            )
        awardees, rest = order[:count], order[count:]
        finalists = (rest + others) if award.spec.finalist_award else []
        chosen[award.pk] = (awardees, finalists)
        shown += awardees + finalists
    # The steps after the expert review, in the notice's order and each in its phase
    # (seed 000 四4-6, seed 001 三(一)5-7, seed 003 二(二)5-6, seed 004 三(四)-(五)).
    started = False
    for step in planned:
        kind = step.step.kind
        if kind in (StepKind.EXPERT_REVIEW, StepKind.SITE_INSPECTION):
            started = True
            continue
        if not started:
            continue
        day = _in_phase(planned, step.key, day)
        if step.key == approval:
            _approve_lists(campaign, awards, chosen, office=office, day=day)
            _publish_too_early(campaign, office=office, day=day, refused=refused)
        if kind == StepKind.SOCIAL_NOTICE and step.step.notice is not None:
            notice = notices.open_public_notice(
                campaign, stage=step.key, body=None, nominations=shown, starts_on=day, actor=office
            )
            notices.close_public_notice(notice, actor=office)
            day = notice.ends_on + dt.timedelta(days=1)
        elif kind == StepKind.GOVERNMENT_APPROVAL:
            submission = decisions.submit_to_authority(campaign, submitted_on=day, actor=office)
            day += dt.timedelta(days=AUTHORITY_DAYS)
            decisions.record_authority_decision(
                submission,
                document_number=f"（示例）{campaign.year}年审定第1号",
                decided_on=day,
                note="同意报送的名单。（示例数据）",
                actor=office,
            )
            day += dt.timedelta(days=1)
        elif kind == StepKind.LEADING_GROUP_APPROVAL:
            day += dt.timedelta(days=1)
    decision = decisions.publish_decision(
        campaign,
        number=f"（示例）{campaign.year}年第1号",
        title=f"关于表彰{'、'.join(a.name for a in awards)}的决定（示例数据）",
        issued_on=_in_phase(planned, "decision", day),
        actor=office,
    )
    decisions.issue_certificates(decision, actor=office)


class _NotRefused(Exception):
    """An act out of the notice's order went through (rolled back, then reported)."""


def _publish_too_early(
    campaign: Campaign, *, office: User, day: dt.date, refused: Callable[[str], None]
) -> None:
    """The office tries to publish the decision as soon as the lists are approved, before
    the steps every seed notice puts between (the social notice, the approving authority:
    seed 000 四5-6, 001 三(一)6-7, 002 四(五), 003 二(二)5-6, 004 三(四)); the platform must
    refuse it. Were it published, the demo stops for this campaign (nothing kept)."""
    planned = planned_steps(campaign.specification)
    try:
        with transaction.atomic():
            decisions.publish_decision(
                campaign,
                number=f"（示例）{campaign.year}年第1号",
                title="提前发布的表彰决定（示例数据）",
                issued_on=_in_phase(planned, "decision", day),
                actor=office,
            )
            raise _NotRefused
    except decisions.DecisionError as exc:
        refused(f"{campaign.title}：名单审定后立即发布表彰决定，被拒绝（{exc.message}）")
    except _NotRefused:
        raise _Stop("名单审定后立即发布表彰决定未被拒绝（应按通知顺序拒绝）") from None


def _in_phase(planned: list[PlannedStep], key: str | None, day: dt.date) -> dt.date:
    """``day``, or the first day of the step's phase when that is later (seed 004 三(四):
    审定公示阶段 from 11月1日)."""
    step = next((p for p in planned if p.key == key), None)
    starts = step.phase.starts_on if step and step.phase else None
    return max(day, starts) if starts else day


def _approve_lists(
    campaign: Campaign,
    awards: list,
    chosen: dict[int, tuple[list[Nomination], list[Nomination]]],
    *,
    office: User,
    day: dt.date,
) -> None:
    """The office proposes each award's list and the leading group approves it."""
    for award in awards:
        awardees, finalists = chosen[award.pk]
        approval_list = decisions.propose_list(
            campaign,
            award,
            nominations=[n.pk for n in awardees],
            finalists=[n.pk for n in finalists],
            actor=office,
        )
        decisions.approve_list(
            approval_list,
            held_on=day,
            present=LEADING_GROUP,
            votes_for=len(LEADING_GROUP),
            votes_against=0,
            votes_abstain=0,
            resolution="审定通过拟表彰名单。（示例数据）",
            actor=office,
        )


def _opinions(campaign: Campaign, stage: str, *, office: User) -> None:
    """Ask the department the step names for its opinion on every approved nominee and
    record it (seed 003 二(二)2: 是否存在违法违纪行为): favourable, except for the least
    deserving nominee (:func:`_merit`), whose adverse opinion stops the already approved
    nomination (notices.services.record_background_opinion)."""
    nominees = [n for a in campaign.awards.all() for n in decision_selectors.candidates(a)]
    checks = notices.request_background_checks(
        campaign,
        nominees,
        stage=stage,
        due_on=timezone.localdate() + dt.timedelta(days=7),
        actor=office,
    )
    flagged = min(checks, key=lambda c: _merit(c.nomination)) if len(checks) > 1 else None
    for check in checks:
        if check is flagged:
            notices.record_background_opinion(
                check,
                actor=office,
                opinion="该同志近三年内受过行政处分，不宜推荐。（示例数据）",
                adverse=True,
            )
        else:
            notices.record_background_opinion(
                check, actor=office, opinion="未发现违法违纪行为。（示例数据）", adverse=False
            )


def _public_vote(campaign: Campaign, *, office: User) -> None:
    """Hold the public vote (seed 003 二(二)3) over the approved nominees in the two weeks
    after the deadline, and close it before the experts meet. :data:`SAMPLE_VOTERS`
    citizens each ask for a code, verify it and cast one ballot through the vote's own
    services, so the rule's limits and the recount apply as to real ballots; each
    chooses up to five candidates, the more deserving (:func:`_merit`) more often."""
    deadline = campaign.submission_closes_at or timezone.now()
    opens, closes = deadline + dt.timedelta(days=2), deadline + dt.timedelta(days=16)
    vote = voting.prepare_public_vote(campaign, actor=office, opens_at=opens, closes_at=closes)
    vote = voting.open_public_vote(vote, actor=office)
    candidates = {c.public_id: c for c in vote_selectors.candidates_of(vote)}
    rule = vote_selectors.rule_of(vote)
    most = min(rule.max_choices or 5, 5, len(candidates))
    weights = {pid: _merit(c.nomination) ** 4 for pid, c in candidates.items()}
    seeded = random.Random(f"vote:{vote.pk}")  # noqa: S311 (simulation)
    moment = opens + dt.timedelta(hours=1)
    step = (closes - moment) / (SAMPLE_VOTERS + 1)
    # The codes go by text message; the demo's citizens read theirs from the in-memory
    # outbox instead of a phone.
    with override_settings(JX_SMS_BACKEND="jiangxuan.voting.sms.LocmemBackend"):
        for n in range(SAMPLE_VOTERS):
            phone = f"1390000{n:04d}"
            voting.request_code(vote, phone=phone, ip=None, now=moment)
            code = re.findall(r"\d{6}", sms.outbox.pop().text)[0]
            voter = voting.verify_code(vote, phone=phone, code=code, now=moment)
            chosen: list[str] = []
            size = seeded.randint(rule.min_choices or 1, most)
            while len(chosen) < size:
                pick = seeded.choices(list(weights), weights=list(weights.values()))[0]
                if pick not in chosen:
                    chosen.append(pick)
            voting.cast_vote(
                vote,
                voter_id=voter.pk,
                verified_at=moment,
                choices=chosen,
                candidates=candidates,
                ip=None,
                device=f"demo-{n}",
                now=moment,
            )
            moment += step
    voting.close_public_vote(vote, actor=office)


def _meeting_day(campaign: Campaign) -> dt.date:
    """:data:`MEETING_AFTER_DAYS` after the submission deadline or the last level notice,
    whichever is later (1 November of the campaign's year when the notice set no deadline,
    as :func:`jiangxuan.demo.build._submit_moment` assumes)."""
    closes = campaign.submission_closes_at
    start = timezone.localdate(closes) if closes else dt.date(campaign.year, 11, 1)
    last = PublicNotice.objects.filter(campaign=campaign).aggregate(last=Max("ends_on"))["last"]
    return max(start, last or start) + dt.timedelta(days=MEETING_AFTER_DAYS)


# --------------------------------------------------------------------------- panel


def _pool_rows(pool_file: Path) -> list[dict]:
    """The pool file's rows, each with the username of its demo account (``expert01`` from
    ``expert01@example.com``)."""
    rows = yaml.safe_load(pool_file.read_text(encoding="utf-8"))["experts"]
    for index, row in enumerate(rows, start=1):
        email = row.get("email") or ""
        row["user"] = email.split("@")[0] if email else f"expert{index:02d}"
    return rows


def _expert_user(username: str, name: str, password: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=f"{name}（示例专家）")
        validate_password(password, user)
        user.password = demo_password_hash(password)
        user.save()
    return user


def _panel(campaign: Campaign, *, office: User, pool_file: Path, password: str) -> Panel:
    """Draw the campaign's panel and have its experts confirm confidentiality."""
    rows = _pool_rows(pool_file)
    if not expert_selectors.available_experts():
        for row in rows:
            _expert_user(row["user"], row["name"], password)
        experts.import_experts(rows, actor=office)
    panel = experts.create_panel(
        campaign,
        name=f"{campaign.specification.short_title or campaign.title}评审组（示例）",
        size=PANEL_SIZE,
        reserves=PANEL_RESERVES,
        actor=office,
    )
    experts.draw_panel(
        panel,
        seed=f"{campaign.code}-2026",
        seed_source="演示数据：固定种子（示例）",
        witnesses=["示例见证人甲（纪检监察）", "示例见证人乙（公证处）"],
        actor=office,
    )
    members = expert_selectors.members_of(panel)
    # A pool imported without logins (jiangxuan importexperts) gets them for the drawn.
    unlinked = {(m.expert.name, m.expert.organization) for m in members if not m.expert.user_id}
    linked = [r for r in rows if (r["name"], r["organization"]) in unlinked]
    if linked:
        for row in linked:
            _expert_user(row["user"], row["name"], password)
        experts.import_experts(linked, actor=office)
        members = expert_selectors.members_of(panel)
    chair = next(m for m in members if m.role != MemberRole.RESERVE)
    experts.appoint_chair(panel, chair, actor=office)
    for member in members:
        if (user := member.expert.user) is not None:
            experts.confirm_confidentiality(member, actor=user)
    return panel


def _merit(nomination: Nomination) -> float:
    """A nominee's simulated standing, 0.6-0.95, fixed by its id and name."""
    seeded = random.Random(f"{nomination.pk}:{nomination.name}")  # noqa: S311 (simulation)
    return seeded.uniform(0.6, 0.95)


def _opinion(member: PanelMember, nomination: Nomination) -> float:
    """One expert's view of a nominee: the merit plus a small personal deviation."""
    seeded = random.Random(f"{member.pk}:{nomination.pk}")  # noqa: S311 (simulation)
    noise = seeded.uniform(-0.05, 0.05)
    return min(1.0, max(0.0, _merit(nomination) + noise))


def _score(panel: Panel) -> None:
    """Every member scores every active assignment on the spec's rubric."""
    step = review_step(panel.campaign)
    rubric = list(step.rubric) if step else []
    for member in voting_members(panel):
        user = _account_of(member)
        for assignment in expert_selectors.assignments_for_expert(user).filter(member__panel=panel):
            share = _opinion(member, assignment.nomination)
            scoring.submit_scores(
                assignment,
                actor=user,
                scores={c.code: round(c.max * share, 1) for c in rubric},
                comment="（示例数据）",
            )


def _ballot(panel: Panel, campaign: Campaign, *, office: User) -> list[int]:
    """A competitive ballot among the panel's nominees (seed 002 四(三)); returns the
    elected nomination ids, most votes first, runoffs included."""
    step = review_step(campaign)
    nominees = expert_selectors.panel_nominees(panel)
    award_count = max((a.count or 0) for a in campaign.awards.all()) or len(nominees)
    seats = min(len(nominees), (step.shortlist_max if step else None) or award_count)
    ballot = ballots.open_ballot(
        panel,
        title="差额投票（示例）",
        candidates=nominees,
        choose_min=1,
        choose_max=seats,
        seats=seats,
        actor=office,
    )
    chair = next(m for m in voting_members(panel) if m.role == MemberRole.CHAIR)
    elected: list[int] = []
    current: Ballot | None = ballot
    while current is not None:
        counted = _vote_and_count(current, chair)
        elected += counted.result["elected"]
        current = Ballot.objects.filter(pk=counted.result["runoff"]).first()
    return elected


def _vote_and_count(ballot: Ballot, chair: PanelMember) -> Ballot:
    """Each member chooses the candidates they rate well (at most ``choose_max``); the
    chair counts and signs."""
    candidates = list(ballot.candidates.all())
    for member in voting_members(ballot.panel):
        rated = sorted(candidates, key=lambda n: -_opinion(member, n))
        chosen = [n for n in rated if _opinion(member, n) >= 0.72][: ballot.choose_max]
        ballots.cast_ballot_vote(
            ballot,
            member,
            nominations=chosen or rated[: ballot.choose_min],
            actor=_account_of(member),
        )
    user = _account_of(chair)
    ballot = ballots.close_ballot(ballot, actor=user)
    return ballots.sign_ballot(ballot, chair_member=chair, actor=user)


def _inspect(
    panel: Panel, order: list[Nomination], count: int, *, office: User, day: dt.date
) -> list[Nomination]:
    """Inspect the first ``count`` candidates in ranking order (seed 004 三(三)2: 50) ten
    days before the meeting, by two members without a conflict; returns the candidates
    whose latest inspection passed, in order (the demo records every one as passed)."""
    members = list(voting_members(panel))
    for n in order[:count]:
        inspectors = [
            m
            for m in members
            if not conflict_reasons(m.expert, n, expert_selectors.relationships_of(m.expert))
        ][:2]
        inspection = inspections.schedule_inspection(
            panel,
            n,
            scheduled_for=timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))
            - dt.timedelta(days=10),
            place=n.workplace_name or "推荐对象所在单位",
            inspectors=inspectors,
            actor=office,
        )
        inspections.record_inspection(
            inspection,
            findings="现场查看工作岗位和技术成果，与事迹材料相符。（示例数据）",
            outcome=InspectionOutcome.PASS,
            actor=office,
        )
    outcomes = inspection_outcomes(panel.campaign)
    return [n for n in order if outcomes.get(n.pk) == InspectionOutcome.PASS]


def award_lines(results: list[AwardResult]) -> list[str]:
    """The command's output lines: ``campaign code<TAB>award name<TAB>awardees``."""
    return [f"{r.campaign}\t{r.award}\t{r.awardees}" for r in results]


__all__ = ["AwardResult", "award_lines", "run_to_decision"]
