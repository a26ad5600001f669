"""The demo: seed campaigns, a practice campaign open now, demo accounts, sample nominations.

:func:`build_demo` is what ``jiangxuan demo`` runs. It is idempotent and never deletes:
org trees and campaign specifications are upserted by code; accounts and memberships are
created only when missing (an existing account keeps its password); a campaign that
already holds sample nominations gets no new ones.

The five seed campaigns are loaded exactly as their specifications say, with their real
(historical) dates. So that visitors can try nominating, a *practice copy* of seed 001 is
added under its own code and a title marked 【演示】, with its submission window open from
today for 60 days; the YAML stored with it says so in its header.

Sample nominations go through the same services as a clerk's and a reviewer's (create,
save, evidence, submit; then sign-off and ranked forwarding up to the level where the
nominating unit forwards, nominations.review); for historical windows submission is made
at a moment inside the window. They carry ``is_sample=True`` and their texts start with
【示例数据】. Bodies that must sign and have no demo account get a reviewer account named
``<org code>_reviewer``, listed with the others.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.accounts.selectors import jurisdiction_of
from jiangxuan.accounts.services import load_org_tree
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import Award, Campaign
from jiangxuan.campaigns.selectors import category_of, deadline_for, window_state
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.core.media import still_video
from jiangxuan.nominations import forward_documents, review
from jiangxuan.nominations import services as nomination_services
from jiangxuan.nominations.chain import bodies_at, level_named, tree_snapshot
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Decision, Nomination
from jiangxuan.nominations.workflow import NominationError
from jiangxuan.notices import services as notice_services
from jiangxuan.notices.selectors import background_check_stages
from jiangxuan.voting import selectors as vote_selectors
from jiangxuan.voting import services as vote_services

from .decision import AwardResult, run_to_decision
from .passwords import demo_password_hash
from .samples import (
    SAMPLE_VIDEO_SECONDS,
    SHORT_VIDEO_SECONDS,
    SampleGenerator,
    SamplePerson,
    failures_for,
    region_prefix,
)

#: One password for every demo account. It is public (printed and documented): demo only.
DEMO_PASSWORD = "Jiangxuan-Demo-2026!"  # noqa: S105 (public by design, demo accounts only)
SPECS_DIR = Path(settings.BASE_DIR).parent.parent / "specs"
#: ``--through`` stages: ``chain`` (default) stops where the nominating units forwarded;
#: ``decision`` takes the five seed campaigns to their published decisions.
THROUGH_STAGES = ("chain", "decision")
#: Extra eligible samples per award beyond its ``count`` with ``--through decision``, so
#: the ranking has a cut line (awards without a count get this many in all).
FIELD_MARGIN = 3

PRACTICE_SOURCE = "001"
PRACTICE_CODE = "demo-changchun-practice"
PRACTICE_TITLE = "【演示】第三届长春技能大奖和长春技术能手（练习）"
PRACTICE_DAYS = 60

#: Readable account-name prefixes for the seed campaigns' offices.
OFFICE_PREFIX = {
    "jilin-gongjiang-2021": "jilin",
    "changchun-jineng-2022": "changchun",
    "jiaozuo-gongjiang-2018": "jiaozuo",
    "weihai-gongjiang-2023": "weihai",
    "harbin-dagongjiang-2021": "harbin",
    PRACTICE_CODE: "practice",
}


@dataclass(frozen=True)
class DemoAccount:
    """A demo account: one membership (``campaign`` None means every campaign)."""

    username: str
    display_name: str
    role: str
    org: str
    campaign: str | None = None
    superuser: bool = False


#: Accounts not tied to one campaign's office. Clerks are untied, so one clerk serves
#: every campaign whose nominating-unit categories include their unit.
STANDING_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "平台管理员（演示）", Role.PLATFORM_ADMIN, "jilin", superuser=True),
    DemoAccount("changchun_chaoyang_clerk", "朝阳区人社局经办人", Role.CLERK, "cc-chaoyang-hrss"),
    DemoAccount("changchun_nanguan_clerk", "南关区人社局经办人", Role.CLERK, "cc-nanguan-hrss"),
    DemoAccount("faw_clerk", "一汽集团经办人", Role.CLERK, "cc-faw"),
    DemoAccount("school_clerk", "吉林工程技师学院经办人", Role.CLERK, "cc-jlgc-technician-college"),
    DemoAccount("changchun_union_clerk", "长春市总工会经办人", Role.CLERK, "cc-union"),
    DemoAccount("jilin_organs_clerk", "省直机关工会经办人", Role.CLERK, "jl-szjg-union"),
    DemoAccount("jiaozuo_jiefang_clerk", "解放区总工会经办人", Role.CLERK, "jz-jiefang-union"),
    DemoAccount("jiaomei_clerk", "焦煤集团工会经办人", Role.CLERK, "jz-jiaomei-union"),
    DemoAccount("weihai_huancui_clerk", "环翠区总工会经办人", Role.CLERK, "wh-huancui-union"),
    DemoAccount("weihai_wendeng_clerk", "文登区人社局经办人", Role.CLERK, "wh-wendeng-hrss"),
    DemoAccount("harbin_pingfang_clerk", "平房区总工会经办人", Role.CLERK, "hrb-pingfang-union"),
    DemoAccount("harbin_machinery_clerk", "机械冶金工会经办人", Role.CLERK, "hrb-machinery-union"),
    DemoAccount("changchun_reviewer", "长春市人社局审核人", Role.REVIEWER, "cc-hrss"),
    DemoAccount("changchun_expert", "评审专家（演示）", Role.EXPERT, "cc-hrss", PRACTICE_CODE),
    DemoAccount(
        "changchun_leader", "领导小组成员（演示）", Role.LEADING_GROUP, "cc-hrss", PRACTICE_CODE
    ),
    DemoAccount("auditor", "审计员（演示）", Role.AUDITOR, "jilin"),
)


@dataclass(frozen=True)
class AccountRow:
    """One line of the accounts table the command prints."""

    username: str
    role: str
    unit: str
    campaign: str


@dataclass
class DemoSummary:
    """What :func:`build_demo` did, for the command to print."""

    password: str
    accounts: list[AccountRow] = field(default_factory=list)
    campaigns: list[tuple[str, str, str]] = field(default_factory=list)  # code, title, window
    users_created: int = 0
    nominations_created: int = 0
    nominations_submitted: int = 0
    lists_forwarded: int = 0
    notes: list[str] = field(default_factory=list)
    #: Acts the demo tries against the notice (a too-short video, a step out of order)
    #: and the platform refused, each with its Chinese reason.
    refusals: list[str] = field(default_factory=list)
    decisions: list[AwardResult] = field(default_factory=list)


# --------------------------------------------------------------------------- entry point


class Writer(Protocol):
    """Where progress lines go: a text stream, or a management command's ``self.stdout``."""

    def write(self, text: str, /) -> object: ...


def build_demo(
    *,
    seed: int = 2026,
    stdout: Writer | None = None,
    specs_dir: Path | None = None,
    through: str = "chain",
    only: Sequence[str] = (),
) -> DemoSummary:
    """Load the demo data into the current database (idempotent; never deletes).

    Args:
        seed: seeds the sample people (same seed, same people).
        stdout: where progress lines go (Chinese); None for silence.
        specs_dir: the folder of the seed specifications (default: the repository's
            ``specs/``, with org trees in ``specs/orgs/`` and the expert pool in
            ``specs/experts/sample-pool.yaml``).
        through: ``"chain"`` leaves the samples where the nominating units forwarded them;
            ``"decision"`` gives each seed campaign enough samples to fill its awards
            (``count`` + :data:`FIELD_MARGIN` each, within the quotas of the units of its
            organizer's region, each unit nominating through a clerk account), takes them
            through the whole chain at historical dates and then to the published
            decision (:func:`jiangxuan.demo.decision.run_to_decision`). A field
            smaller than an award's count (quotas) gives fewer awardees.
        only: with ``through="decision"``, the seed campaign codes to decide (default all
            five); the others get the ordinary samples.
    Returns:
        A :class:`DemoSummary`: the accounts with the shared password, the campaigns,
        counts of what was created and, with ``through="decision"``, one
        :class:`AwardResult` per award decided.
    Raises:
        jiangxuan.accounts.services.OrgTreeError, jiangxuan.campaigns.spec.SpecError: a
            specification file is invalid.
        django.core.exceptions.ValidationError: :data:`DEMO_PASSWORD` fails the
            password validators of the settings.
    """
    specs_dir = specs_dir or SPECS_DIR

    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text + "\n")

    summary = DemoSummary(password=DEMO_PASSWORD)
    for path in sorted((specs_dir / "orgs").glob("*.yaml")):
        count = load_org_tree(path)
        say(f"组织树 {path.name}：{count} 个单位")
    campaigns = [_load(path) for path in sorted(specs_dir.glob("[0-9][0-9][0-9]-*.yaml"))]
    source = next(specs_dir.glob(f"{PRACTICE_SOURCE}-*.yaml"))
    campaigns.append(_load_practice(source, timezone.localdate()))
    for campaign in campaigns:
        say(f"评选活动 {campaign.title}（{campaign.code}）")
    names = _accounts(campaigns, summary)
    clerks = {
        a.username: User.objects.get(username=a.username)
        for a in STANDING_ACCOUNTS
        if a.role == Role.CLERK
    }
    seeds = [c for c in campaigns if c.code != PRACTICE_CODE]
    deciding = [c for c in seeds if through == "decision" and (not only or c.code in only)]
    unknown = sorted(set(only) - {c.code for c in seeds})
    if unknown:
        summary.notes.append(f"没有这些种子活动，已忽略：{'、'.join(unknown)}")
    # The org trees are loaded: from here on the chains of hundreds of nominations read
    # each unit of the tree once (nominations.chain.tree_snapshot).
    with tree_snapshot():
        for index, campaign in enumerate(campaigns):
            if Nomination.objects.filter(campaign=campaign, is_sample=True).exists():
                say(f"{campaign.title}：已有示例推荐，跳过")
                continue
            _sample_nominations(campaign, clerks, seed + index, summary, full=campaign in deciding)
            say(f"{campaign.title}：示例推荐已生成")
        for campaign in seeds:
            if campaign not in deciding and vote_selectors.vote_rule(campaign) is not None:
                _open_demo_vote(campaign, summary)
        if deciding:
            summary.notes.append(
                "评审专家演示账号：expert01 至 expert40（取自示例专家库的邮箱），密码同上。"
            )
        for campaign in deciding:
            office = _office(campaign)
            if office is None:
                summary.notes.append(f"{campaign.title}：没有活动办公室账号，未发布表彰决定")
                continue
            say(f"{campaign.title}：专家评审、审定、公示、发布表彰决定……")
            summary.decisions += run_to_decision(
                campaign,
                office=office,
                pool_file=specs_dir / "experts" / "sample-pool.yaml",
                password=DEMO_PASSWORD,
                note=summary.notes.append,
                refused=summary.refusals.append,
            )
    summary.accounts = _account_rows(names)
    now = timezone.now()
    for campaign in campaigns:
        state = window_state(campaign, None, now)
        summary.campaigns.append((campaign.code, campaign.title, state))
    return summary


# --------------------------------------------------------------------------- campaigns


def _load(path: Path) -> Campaign:
    """Upsert a specification; a new campaign is published, an existing one keeps its state."""
    code = yaml.safe_load(path.read_text(encoding="utf-8"))["code"]
    exists = Campaign.objects.filter(code=code).exists()
    return load_campaign(path, state=None if exists else CampaignState.PUBLISHED)


def practice_spec_text(source_text: str, today: dt.date) -> str:
    """The practice copy of a seed specification: new code and title, the submission window
    open from ``today`` 00:00 for :data:`PRACTICE_DAYS` days (Asia/Shanghai), every other
    dated phase shifted by the same number of days, ``year`` set to today's year.

    Returns the YAML text with a header saying what was changed and why.
    """
    data = yaml.safe_load(source_text)
    original_code = data["code"]
    submission = data.setdefault("timeline", {}).setdefault("submission", {})
    old_open = submission.get("opens_at") or submission.get("closes_at")
    old_start = old_open.date() if isinstance(old_open, dt.datetime) else today
    shift = today - old_start
    new_close = today + dt.timedelta(days=PRACTICE_DAYS)
    old_window = (
        _as_date(submission.get("opens_at")),
        _as_date(submission.get("closes_at")),
    )
    for phase in data["timeline"].get("phases", []):
        if (phase.get("starts_on"), phase.get("ends_on")) == old_window:
            phase["starts_on"], phase["ends_on"] = today, new_close
            continue
        for key in ("starts_on", "ends_on"):
            if isinstance(phase.get(key), dt.date):
                phase[key] = phase[key] + shift
    for deadline in data["timeline"].get("internal_deadlines", []):
        deadline["closes_at"] = deadline["closes_at"] + shift
    submission["opens_at"] = dt.datetime.combine(today, dt.time(0, 0))
    submission["closes_at"] = dt.datetime.combine(new_close, dt.time(23, 59, 59))
    data["code"] = PRACTICE_CODE
    data["title"] = PRACTICE_TITLE
    data["short_title"] = "【演示】" + (data.get("short_title") or data["title"])
    data["year"] = today.year
    header = (
        f"# 演示用练习活动：由 {original_code} 复制，仅修改了 code、title、short_title、year，\n"
        f"# 并把申报受理时间改为 {today} 起 {PRACTICE_DAYS} 天，"
        f"其余阶段日期顺延 {shift.days} 天，\n"
        "# 以便在演示中试填、提交推荐。原活动按原规范（历史日期）保留，不受影响。\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


def _as_date(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def _load_practice(source: Path, today: dt.date) -> Campaign:
    text = practice_spec_text(source.read_text(encoding="utf-8"), today)
    exists = Campaign.objects.filter(code=PRACTICE_CODE).exists()
    return load_campaign(
        text,
        source=f"{PRACTICE_CODE}.yaml",
        state=None if exists else CampaignState.PUBLISHED,
    )


# --------------------------------------------------------------------------- accounts


def _accounts(campaigns: list[Campaign], summary: DemoSummary) -> list[str]:
    """Create the missing demo accounts and memberships; returns the usernames in the
    order the accounts table lists them."""
    wanted = list(STANDING_ACCOUNTS)
    for campaign in campaigns:
        if campaign.organizer_unit is None:
            continue
        prefix = OFFICE_PREFIX.get(campaign.code, campaign.code.replace("-", "_"))
        wanted.insert(
            1 + len([w for w in wanted if w.role == Role.CAMPAIGN_OFFICE]),
            DemoAccount(
                f"{prefix}_office",
                f"{campaign.specification.short_title or campaign.title}办公室",
                Role.CAMPAIGN_OFFICE,
                campaign.organizer_unit.code,
                campaign.code,
            ),
        )
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={a.org for a in wanted})}
    by_code = {c.code: c for c in campaigns}
    for account in wanted:
        unit = units.get(account.org)
        if unit is None:
            summary.notes.append(f"组织树中没有 {account.org}，未创建账号 {account.username}")
            continue
        user = _ensure_user(account, summary)
        tied_to = by_code.get(account.campaign) if account.campaign else None
        Membership.objects.get_or_create(
            user=user, org_unit=unit, role=account.role, campaign=tied_to
        )
    return [account.username for account in wanted]


def _account_rows(names: list[str]) -> list[AccountRow]:
    """The accounts table: ``names`` in order, then the body reviewers the review created."""
    memberships = list(
        Membership.objects.filter(role=Role.REVIEWER)
        .select_related("user", "org_unit")
        .order_by("user__username")
    )
    memberships += list(
        Membership.objects.filter(role=Role.CLERK)
        .select_related("user", "org_unit")
        .order_by("user__username")
    )
    names = names + [
        m.user.username
        for m in memberships
        if m.user.username in (_reviewer_name(m.org_unit), _clerk_name(m.org_unit))
        and m.user.username not in names
    ]
    rows = []
    found = Membership.objects.filter(user__username__in=names).select_related(
        "user", "org_unit", "campaign"
    )
    by_name: dict[str, list[Membership]] = {}
    for membership in found.order_by("id"):
        by_name.setdefault(membership.user.username, []).append(membership)
    for name in names:
        for m in by_name.get(name, []):
            campaign = m.campaign.title if m.campaign else "不限活动"
            rows.append(AccountRow(name, str(Role(m.role).label), m.org_unit.name, campaign))
    return rows


def _ensure_user(account: DemoAccount, summary: DemoSummary) -> User:
    user = User.objects.filter(username=account.username).first()
    if user is not None:
        return user
    user = User(
        username=account.username,
        display_name=account.display_name,
        is_staff=account.superuser,
        is_superuser=account.superuser,
    )
    validate_password(DEMO_PASSWORD, user)
    user.password = demo_password_hash(DEMO_PASSWORD)
    user.save()
    summary.users_created += 1
    return user


# --------------------------------------------------------------------------- nominations


@dataclass
class _Slot:
    clerk: User
    workplaces: list[OrgUnit]
    unit: OrgUnit
    channel: str | None = None


def _slots(
    campaign: Campaign, clerks: dict[str, User], summary: DemoSummary, *, full: bool = False
) -> list[_Slot]:
    """Clerks whose unit is one of the campaign's nominating units inside the organizer's
    region, with the workplaces they may nominate from. With ``full``, every nominating
    unit of the region that has workplaces takes part, through a clerk account named
    ``<org code>_clerk`` where the demo has none."""
    spec = campaign.specification
    region = jurisdiction_of(campaign.organizer_unit).path if campaign.organizer_unit else ""
    units: dict[int, tuple[OrgUnit, User | None]] = {}
    for clerk in clerks.values():
        membership = Membership.objects.filter(user=clerk, role=Role.CLERK).first()
        unit = membership.org_unit if membership else None
        if unit is None or not unit.path.startswith(region) or category_of(unit, spec) is None:
            continue
        units[unit.pk] = (unit, clerk)
    if full:
        for unit in OrgUnit.objects.filter(path__startswith=region).order_by("path"):
            if unit.pk not in units and category_of(unit, spec) is not None:
                units[unit.pk] = (unit, None)
    slots = []
    for unit, unit_clerk in units.values():
        scope = jurisdiction_of(unit)
        workplaces = list(
            OrgUnit.objects.filter(path__startswith=scope.path, level="workplace").order_by("path")
        )
        if not workplaces and unit.kind in ("enterprise", "school", "institution"):
            workplaces = [unit]
        if workplaces:
            user = unit_clerk or _unit_clerk(unit, summary)
            slots.append(_Slot(User.objects.get(pk=user.pk), workplaces, unit))
    return slots


def _unit_clerk(unit: OrgUnit, summary: DemoSummary) -> User:
    """The demo clerk of a nominating unit without a standing demo clerk (listed with the
    demo accounts)."""
    account = DemoAccount(
        _clerk_name(unit), f"{unit.short_name or unit.name}经办人", Role.CLERK, unit.code
    )
    user = _ensure_user(account, summary)
    Membership.objects.get_or_create(user=user, org_unit=unit, role=Role.CLERK, campaign=None)
    return user


def _clerk_name(unit: OrgUnit) -> str:
    return unit.code.replace("-", "_") + "_clerk"


def _field_plan(
    campaign: Campaign, slots: list[_Slot], awards: list[Award]
) -> list[tuple[_Slot, Award]]:
    """Per award, ``count`` + :data:`FIELD_MARGIN` nominations spread over the slots in
    turn, each unit within the maxima of its category's quotas (per award and across
    awards; seed 000 四, seed 001 附件1, seed 002 三). Returns ``(slot, award)`` per
    planned nomination, award after award."""
    spec = campaign.specification
    used: dict[tuple[int, str | None], int] = {}

    def room(slot: _Slot, award: Award) -> int:
        category = category_of(slot.unit, spec)
        if category is None:  # _slots keeps only units of a nominating category
            return 0
        caps = [
            q.max - used.get((slot.unit.pk, q.award), 0)
            for q in spec.quotas
            if q.category == category.code and q.max is not None and q.award in (None, award.code)
        ]
        return min(caps, default=1)

    plan: list[tuple[_Slot, Award]] = []
    for award in awards:
        wanted = (award.count or 0) + FIELD_MARGIN
        placed = True
        while wanted and placed:
            placed = False
            for slot in slots:
                if wanted and room(slot, award) > 0:
                    plan.append((slot, award))
                    wanted -= 1
                    placed = True
                    for key in ((slot.unit.pk, None), (slot.unit.pk, award.code)):
                        used[key] = used.get(key, 0) + 1
    return plan


def _submit_moment(
    campaign: Campaign, unit: OrgUnit | None, *, historical: bool = False
) -> dt.datetime | None:
    """A moment inside the unit's submission window: two weeks before its deadline (the
    campaign's, or an earlier internal one), so that a workplace's five working days of
    notice end before a deadline that binds its forward, or the middle of the window when
    it opens later; None (now) when the deadline is ahead.
    Without a deadline it is now, or with ``historical`` 1 November of the campaign's
    year, 10:00 Asia/Shanghai (seed 000 gives no deadline; its decision came that winter).
    """
    deadline = deadline_for(campaign, unit)
    if deadline is None and historical:
        return timezone.make_aware(dt.datetime(campaign.year, 11, 1, 10, 0))
    if deadline is None or deadline > timezone.now():
        return None
    moment = deadline - dt.timedelta(days=14)
    opens = campaign.specification.timeline.submission.opens_at
    if opens is not None and moment < opens:
        moment = opens + (deadline - opens) / 2
    return moment


def _sample_nominations(
    campaign: Campaign,
    clerks: dict[str, User],
    seed: int,
    summary: DemoSummary,
    *,
    full: bool = False,
) -> None:
    """3-8 sample nominations: eligible ones (submitted where the workflow allows, then
    reviewed and forwarded, see :func:`_review`) and failing ones (left as drafts), spread
    over nominating units and awards. With ``full``, enough eligible ones to fill every
    award (:func:`_field_plan`), submitted at historical moments and reviewed up to the
    last level (approved, handed over to expert review)."""
    slots = _slots(campaign, clerks, summary, full=full)
    if not slots:
        summary.notes.append(f"{campaign.title}：没有可用的推荐单位经办人，未生成示例推荐")
        return
    spec = campaign.specification
    awards = list(campaign.awards.order_by("position"))
    form_keys = {f.key for f in spec.form.all_fields()}
    minimum = max((q.min for q in spec.quotas), default=0)
    eligible = max(4, minimum)
    gen = SampleGenerator(
        seed, on=timezone.localdate(campaign.submission_closes_at or timezone.now())
    )
    prefix = region_prefix(campaign.organizer_unit)
    plan: list[tuple[_Slot, Award, str | None]] = []
    if full:
        plan += [(slot, award, None) for slot, award in _field_plan(campaign, slots, awards)]
        plan += _channel_slots(campaign, slots, awards, summary)
    for i in range(0 if full else eligible):
        # A quota minimum (seed 000 四: 5 per unit) is met by filling the first unit.
        slot = slots[0] if minimum else slots[i % len(slots)]
        plan.append((slot, awards[i % len(awards)], None))
    failing = 0
    for i, award in enumerate(awards * 2):
        modes = [m for m in failures_for(spec.award(award.code)) if _field_of(m) in form_keys]
        if modes and failing < 2:
            plan.append((slots[(i + 1) % len(slots)], award, modes[failing % len(modes)]))
            failing += 1
    if not failing:
        summary.notes.append(f"{campaign.title}：表单中没有可演示不符合条件的字段")
    created: list[tuple[Nomination, _Slot, bool]] = []
    for n, (slot, award, failure) in enumerate(plan):
        workplace = slot.workplaces[n % len(slot.workplaces)]
        person = gen.person(
            division_prefix=prefix,
            workplace_name=workplace.name,
            campaign_spec=spec,
            award=spec.award(award.code),
            failure=failure,
        )
        # A social organization's nominee works elsewhere: its clerk types the employer.
        place = None if slot.unit.kind == "social_org" else workplace
        nomination = _create(
            campaign, award, slot.clerk, place, person, summary, channel=slot.channel
        )
        if nomination is not None:
            created.append((nomination, slot, failure is None))
    if created and _needs_upload(campaign, "video"):
        _try_short_video(created[0][0], created[0][1].clerk, summary)
    certificates = 0
    for nomination, slot, ok in created:
        if ok and certificates < 2 and _attach_certificate(nomination, slot.clerk, summary):
            certificates += 1
    for nomination, slot, ok in created:
        if ok:
            _submit(nomination, slot.clerk, summary, historical=full)
    submitted = [n for n, _slot, ok in created if ok and n.state == "submitted"]
    _review(campaign, submitted, summary, to_top=full)


def _channel_slots(
    campaign: Campaign, slots: list[_Slot], awards: list[Award], summary: DemoSummary
) -> list[tuple[_Slot, Award, str | None]]:
    """One eligible nomination through each channel besides the units' own (seed 003
    二(二)1 社团推荐、个人自荐): a self-nomination received by the channel's intake unit's
    clerk (四(三)) for a nominee of one of the field's workplaces, and one by each social
    organization of the region, through its own clerk."""
    spec = campaign.specification
    region = jurisdiction_of(campaign.organizer_unit).path if campaign.organizer_unit else ""
    workplaces = [w for slot in slots for w in slot.workplaces if w.level == "workplace"]
    extra: list[tuple[_Slot, Award, str | None]] = []
    for channel in spec.channels:
        if channel.intake:
            units = list(OrgUnit.objects.filter(code__in=channel.intake).order_by("path"))
        elif channel.kind == "social_org":
            units = [
                u
                for u in OrgUnit.objects.filter(path__startswith=region, kind="social_org")
                if category_of(u, spec) is not None
            ]
        else:
            continue
        for unit in units[:1]:
            clerk = _unit_clerk(unit, summary)
            employer = workplaces[len(extra) % len(workplaces)] if workplaces else unit
            slot = _Slot(clerk, [employer], unit, channel.code)
            extra.append((slot, awards[len(extra) % len(awards)], None))
    return extra


def _field_of(failure: str) -> str:
    return {"retired": "is_retired", "unit_leader": "is_unit_leader"}.get(failure, failure)


def _create(
    campaign: Campaign,
    award: Award,
    clerk: User,
    workplace: OrgUnit | None,
    person: SamplePerson,
    summary: DemoSummary,
    *,
    channel: str | None = None,
) -> Nomination | None:
    try:
        with transaction.atomic():
            nomination = nomination_services.create_nomination(
                campaign=campaign, award=award, actor=clerk, workplace=workplace, channel=channel
            )
            # The services have no sample flag: it marks demo data, set once at creation.
            Nomination.objects.filter(pk=nomination.pk).update(is_sample=True)
            nomination.is_sample = True
            core, extra = person.values_for(
                campaign.specification,
                award_name=award.name,
                nominating_unit_name=nomination.nominating_unit.name
                if nomination.nominating_unit
                else "",
                on=timezone.localdate(campaign.submission_closes_at or timezone.now()),
            )
            nomination_services.save_nomination(
                nomination, actor=clerk, core=core, extra=extra, publication_consent=True
            )
            if _needs_upload(campaign, "photo"):
                nomination_services.add_evidence(
                    nomination, actor=clerk, material="photo", upload=_photo_upload(person)
                )
            if _needs_upload(campaign, "video"):
                nomination_services.add_evidence(
                    nomination, actor=clerk, material="video", upload=_video_upload()
                )
            for material in nomination_services.materials_for(nomination):
                if material.code == "video" and _needs_upload(campaign, "video"):
                    continue  # the form's video, uploaded above
                if material.required and material.upload and material.per == "nomination":
                    nomination_services.add_evidence(
                        nomination,
                        actor=clerk,
                        material=material.code,
                        upload=_material_upload(material.code, material.name),
                    )
    except (NominationError, PermissionDenied) as exc:
        summary.notes.append(f"{campaign.title}：{person.name} 未能创建（{exc}）")
        return None
    summary.nominations_created += 1
    return nomination


def _needs_upload(campaign: Campaign, kind: str) -> bool:
    return any(
        f.effective_type == kind and f.required for f in campaign.specification.form.all_fields()
    )


def _try_short_video(nomination: Nomination, clerk: User, summary: DemoSummary) -> None:
    """The clerk tries a one-minute video where the notice asks about five (seed 003 四(三):
    5分钟左右的事迹介绍视频); the platform must refuse it and keep the nomination's video."""
    title = nomination.campaign.title
    upload = SimpleUploadedFile(
        "short-video.mp4", still_video(SHORT_VIDEO_SECONDS), content_type="video/mp4"
    )
    try:
        with transaction.atomic():
            nomination_services.add_evidence(
                nomination, actor=clerk, material="video", upload=upload
            )
    except NominationError as exc:
        summary.refusals.append(f"{title}：{nomination.name} 的一分钟视频被拒绝（{exc.message}）")
        return
    summary.notes.append(f"{title}：过短的视频未被拒绝（应按通知拒绝）")


def _attach_certificate(nomination: Nomination, clerk: User, summary: DemoSummary) -> bool:
    spec = nomination.campaign.specification
    uploadable = [m for m in spec.materials if m.upload and m.per == "nomination"]
    preferred = [
        m for m in uploadable if any(w in m.code for w in ("honour", "certificate", "evidence"))
    ]
    if not (preferred or uploadable):
        return False
    material = (preferred or uploadable)[0]
    honour = nomination.honours[0]["name"] if nomination.honours else "先进生产者"
    try:
        nomination_services.add_evidence(
            nomination,
            actor=clerk,
            material=material.code,
            upload=_certificate_upload(nomination.name, honour, nomination.workplace_name),
        )
    except NominationError as exc:
        summary.notes.append(f"{nomination.campaign.title}：证书图片未能上传（{exc}）")
        return False
    return True


def _submit(
    nomination: Nomination, clerk: User, summary: DemoSummary, *, historical: bool = False
) -> None:
    campaign = nomination.campaign
    moment = _submit_moment(campaign, nomination.nominating_unit, historical=historical)
    try:
        with transaction.atomic():
            nomination_services.submit_nomination(nomination, actor=clerk, now=moment)
    except (NominationError, PermissionDenied) as exc:
        message = getattr(exc, "message", str(exc))
        summary.notes.append(f"{campaign.title}：{nomination.name} 保留为草稿（{message}）")
        return
    summary.nominations_submitted += 1


def _review(
    campaign: Campaign, submitted: list[Nomination], summary: DemoSummary, *, to_top: bool = False
) -> None:
    """Take submitted samples up the review chain (nominations.review): every body of the
    current level approves, then one of them forwards its nominations ranked (排序), level
    after level, until the level where the nominating unit itself forwards (its quota
    applies there, seed 000 四; seed 001 附件1). The next level is left to the demo users;
    with ``to_top`` the review goes on to the last level, whose forwarding approves.
    """
    pending = list(submitted)
    for _level in campaign.specification.review_chain.levels:
        batches: dict[tuple[str, int], list[Nomination]] = {}
        bodies: dict[int, OrgUnit] = {}
        for nomination in pending:
            forwarder = _sign_level(nomination, summary)
            if forwarder is not None:
                bodies[forwarder.pk] = forwarder
                batches.setdefault((nomination.level, forwarder.pk), []).append(nomination)
        pending = []
        for (level_code, body_pk), batch in batches.items():
            body = bodies[body_pk]
            level = level_named(batch[0], level_code)
            if level is None:  # the batch was grouped by a level of its own chain
                continue
            cleared, moment = _clear_level(campaign, level, body, batch, summary, historical=to_top)
            if not cleared:
                continue
            try:
                with transaction.atomic():
                    _send_forward_documents(campaign, level_code, body, batch, summary)
                    review.forward_nominations(
                        campaign,
                        level=level_code,
                        body=body,
                        actor=_reviewer(body, summary),
                        order=[n.pk for n in batch],
                        now=moment,
                        final=True,
                    )
            except (NominationError, PermissionDenied) as exc:
                message = getattr(exc, "message", str(exc))
                summary.notes.append(f"{campaign.title}：{body.name}未报送（{message}）")
                continue
            summary.lists_forwarded += 1
            for nomination in batch:
                signers = [b for _signer, b in bodies_at(nomination, level)]
                nomination.refresh_from_db()
                if nomination.state != "approved" and (
                    to_top or nomination.nominating_unit not in signers
                ):
                    pending.append(nomination)
        if not pending:
            return


def _send_forward_documents(
    campaign: Campaign, level: str, body: OrgUnit, batch: list[Nomination], summary: DemoSummary
) -> None:
    """Upload a sample scan (PNG) for each required document the body sends with its list
    at ``level`` (review_chain.forward_documents: seed 000's 推荐报告 and 汇总表, seed 001's
    推荐报告 with its attachments and 汇总表), as its reviewer."""
    for document in forward_documents.missing_documents(campaign, level, body, batch):
        forward_documents.add_forward_document(
            campaign,
            level=level,
            body=body,
            actor=_reviewer(body, summary),
            document=document.code,
            upload=_material_upload(document.code, document.name),
        )


def _clear_level(
    campaign: Campaign,
    level: Any,
    body: OrgUnit,
    batch: list[Nomination],
    summary: DemoSummary,
    *,
    historical: bool = False,
) -> tuple[bool, dt.datetime | None]:
    """Hold the level's public notice and background check for ``batch`` as the office
    would (notices.services), starting on the day after submission. A notice still running
    today stays open, and the batch waits at this level, as it would in reality.

    Returns whether the level is cleared, and the moment its body forwards: the morning
    after the notice ends for a historical batch (a deadline binds the forward then, not
    years later), else None (now)."""
    moment = _submit_moment(campaign, batch[0].nominating_unit, historical=historical)
    if not (level.notice or level.background_check):
        return True, moment
    actor = _office(campaign)
    if actor is None:
        summary.notes.append(f"{campaign.title}：没有活动办公室账号，{level.name}未公示")
        return False, None
    start = timezone.localdate(moment or timezone.now()) + dt.timedelta(days=1)
    forward_on = start
    try:
        with transaction.atomic():
            if level.background_check:
                checks = notice_services.request_background_checks(
                    campaign,
                    batch,
                    stage=level.code,
                    # Requested today even for a historical batch: the service refuses a
                    # due date in the past.
                    due_on=max(start + dt.timedelta(days=10), timezone.localdate()),
                    actor=actor,
                )
                for check in checks:
                    notice_services.record_background_opinion(
                        check,
                        actor=actor,
                        opinion="经查，无违法犯罪记录。（示例数据）",
                        adverse=False,
                    )
            if level.notice:
                notice = notice_services.open_public_notice(
                    campaign,
                    stage=level.code,
                    body=body,
                    nominations=batch,
                    starts_on=start,
                    actor=actor,
                )
                if notice.ends_on >= timezone.localdate():
                    summary.notes.append(
                        f"{campaign.title}：{body.name}{level.notice.name}至"
                        f"{notice.ends_on.isoformat()}"
                    )
                    return False, None
                notice_services.close_public_notice(notice, actor=actor)
                forward_on = notice.ends_on + dt.timedelta(days=1)
    except (notice_services.NoticeError, PermissionDenied) as exc:
        message = getattr(exc, "message", str(exc))
        summary.notes.append(f"{campaign.title}：{body.name}{level.name}未能公示（{message}）")
        return False, None
    if moment is None:
        return True, None
    return True, timezone.make_aware(dt.datetime.combine(forward_on, dt.time(10, 0)))


def _open_demo_vote(campaign: Campaign, summary: DemoSummary) -> None:
    """Open the campaign's public vote (seed 003 二(二)3) from now for 14 days, so that the
    demo shows it on /vote/: the samples still under review go up the rest of the chain
    (approved: the 符合条件对象 the public votes for), then the office prepares and opens the
    vote. Voters' codes appear in the server's console (``ConsoleBackend``)."""
    if vote_selectors.vote_of(campaign) is not None:
        return
    office = _office(campaign)
    pending = list(
        Nomination.objects.filter(
            campaign=campaign, is_sample=True, state=NominationState.IN_REVIEW
        ).order_by("pk")
    )
    if office is None or not pending:
        return
    _review(campaign, pending, summary, to_top=True)
    now = timezone.now()
    try:
        with transaction.atomic():
            _qualification_opinions(campaign, office)
            vote = vote_services.prepare_public_vote(
                campaign, actor=office, opens_at=now, closes_at=now + dt.timedelta(days=14)
            )
            vote_services.open_public_vote(vote, actor=office)
    except (vote_services.VoteError, notice_services.NoticeError, PermissionDenied) as exc:
        summary.notes.append(f"{campaign.title}：未能开启网络投票（{exc}）")
        return
    summary.notes.append(
        f"{campaign.title}：网络投票已开放 14 天（/vote/{campaign.code}/），"
        "验证码显示在服务器控制台。"
    )


def _qualification_opinions(campaign: Campaign, office: User) -> None:
    """The step before the vote (seed 003 二(二)2 人选审核): every approved nominee's
    department opinion asked and recorded (favourable, sample data)."""
    approved = list(Nomination.objects.filter(campaign=campaign, state=NominationState.APPROVED))
    for stage in background_check_stages(campaign):
        if stage.is_level:
            continue
        checks = notice_services.request_background_checks(
            campaign,
            approved,
            stage=stage.key,
            due_on=timezone.localdate() + dt.timedelta(days=7),
            actor=office,
        )
        for check in checks:
            notice_services.record_background_opinion(
                check, actor=office, opinion="未发现违法违纪行为。（示例数据）", adverse=False
            )


def _office(campaign: Campaign) -> User | None:
    """The campaign's demo office user, or None."""
    office = (
        Membership.objects.filter(campaign=campaign, role=Role.CAMPAIGN_OFFICE)
        .order_by("id")
        .first()
    )
    return User.objects.get(pk=office.user_id) if office else None


def _sign_level(nomination: Nomination, summary: DemoSummary) -> OrgUnit | None:
    """Approve ``nomination`` at its current level for every body that signs there; returns
    the body that forwards it (the level's first), or None when the level is incomplete."""
    level = level_named(nomination, nomination.level)
    if level is None:
        return None
    signed: set[int] = set()
    first: OrgUnit | None = None
    for signer, body in bodies_at(nomination, level):
        if body is None:
            summary.notes.append(f"{nomination.name}：组织树中缺少“{level.name}”的签署单位")
            return None
        first = first or body
        if body.pk in signed:
            continue  # one body named for two signers signs once (chain.required_bodies)
        try:
            with transaction.atomic():
                review.sign_off(
                    nomination,
                    actor=_reviewer(body, summary),
                    signer=signer,
                    decision=Decision.APPROVE,
                    opinion="同意推荐。（示例数据）",
                )
        except (NominationError, PermissionDenied) as exc:
            message = getattr(exc, "message", str(exc))
            summary.notes.append(f"{nomination.name}：{body.name}未能签署（{message}）")
            return None
        signed.add(body.pk)
    nomination.refresh_from_db()
    return first if nomination.level_ready else None


def _reviewer_name(unit: OrgUnit) -> str:
    return unit.code.replace("-", "_") + "_reviewer"


def _reviewer(body: OrgUnit, summary: DemoSummary) -> User:
    """A demo user who signs for ``body``: its demo clerk or reviewer, else a new reviewer
    account named after the body's code (listed with the demo accounts)."""
    existing = (
        Membership.objects.filter(
            org_unit=body,
            role__in=[Role.CLERK, Role.REVIEWER],
            user__username__in=_demo_names(body),
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    if existing is not None:
        return User.objects.get(pk=existing.user_id)
    account = DemoAccount(
        _reviewer_name(body), f"{body.short_name or body.name}审核人", Role.REVIEWER, body.code
    )
    user = _ensure_user(account, summary)
    Membership.objects.get_or_create(user=user, org_unit=body, role=Role.REVIEWER, campaign=None)
    return User.objects.get(pk=user.pk)


def _demo_names(body: OrgUnit) -> list[str]:
    # The demo's accounts that can hold a role at ``body``: the standing ones and the
    # reviewer named after it (one named after another unit holds its role there).
    return [*(a.username for a in STANDING_ACCOUNTS), _reviewer_name(body)]


# --------------------------------------------------------------------------- images

FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def _font(size: int) -> ImageFont.FreeTypeFont | None:
    for path in FONT_FILES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


def _png_bytes(image: Image.Image) -> bytes:
    # A palette of 64 colours, as a scanner's "document" mode gives: the check re-encodes
    # every picture (nominations.validators), and a palette PNG costs a quarter of a
    # full-colour one there (about 4 ms instead of 12-16 ms), for ~1,000 demo uploads.
    out = io.BytesIO()
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=64).save(out, format="PNG")
    return out.getvalue()


def _png(image: Image.Image, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _png_bytes(image), content_type="image/png")


def _certificate_upload(name: str, honour: str, workplace: str) -> SimpleUploadedFile:
    """A sample certificate scan (PNG): Chinese text with a CJK font, else plain English."""
    image = Image.new("RGB", (900, 620), (253, 246, 227))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 879, 599), outline=(176, 32, 32), width=8)
    draw.rectangle((40, 40, 859, 579), outline=(196, 160, 64), width=2)
    title, body, small = _font(64), _font(30), _font(22)
    if title and body and small:
        draw.text((450, 130), "荣 誉 证 书", font=title, fill=(176, 32, 32), anchor="mm")
        draw.text((450, 250), f"{name} 同志：", font=body, fill=(40, 40, 40), anchor="mm")
        draw.text((450, 320), f"荣获“{honour}”称号。", font=body, fill=(40, 40, 40), anchor="mm")
        draw.text((450, 390), workplace, font=small, fill=(80, 80, 80), anchor="mm")
        draw.text(
            (450, 520),
            "【示例数据】仅供演示，非真实证书",
            font=small,
            fill=(176, 32, 32),
            anchor="mm",
        )
        draw.ellipse((640, 420, 780, 560), outline=(200, 30, 30), width=5)
    else:
        draw.text((380, 200), "SAMPLE CERTIFICATE", fill=(176, 32, 32))
        draw.text((380, 260), "Demo data - not a real certificate", fill=(40, 40, 40))
    return _png(image, "sample-certificate.png")


@functools.cache
def _material_png(title: str) -> bytes:
    """A sample scan of a checklist item: its name on a page, marked as a sample."""
    image = Image.new("RGB", (620, 877), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, 589, 846), outline=(120, 120, 120), width=2)
    body, small = _font(24), _font(20)
    if body and small:
        lines = [title[i : i + 22] for i in range(0, min(len(title), 110), 22)]
        for n, line in enumerate(lines):
            draw.text((310, 200 + 40 * n), line, font=body, fill=(40, 40, 40), anchor="mm")
        draw.text((310, 780), "【示例数据】仅供演示", font=small, fill=(176, 32, 32), anchor="mm")
    else:
        draw.text((200, 400), "SAMPLE", fill=(176, 32, 32))
    return _png_bytes(image)


def _material_upload(code: str, title: str) -> SimpleUploadedFile:
    """A sample scan for a required checklist item (材料目录 必备), so demo nominations
    can be submitted as the notice requires."""
    return SimpleUploadedFile(f"{code}.png", _material_png(title), content_type="image/png")


@functools.cache
def _sample_video() -> bytes:
    return still_video(SAMPLE_VIDEO_SECONDS)


def _video_upload() -> SimpleUploadedFile:
    """The sample video: a playable still (:data:`~.samples.SAMPLE_VIDEO_SECONDS`)."""
    return SimpleUploadedFile("sample-video.mp4", _sample_video(), content_type="video/mp4")


def _photo_upload(person: SamplePerson) -> SimpleUploadedFile:
    """A placeholder ID photo (PNG, 295×413 like a 1-inch photo): a silhouette, marked
    as a sample."""
    return SimpleUploadedFile(
        f"sample-photo-{person.sex}.png", _photo_png(), content_type="image/png"
    )


@functools.cache
def _photo_png() -> bytes:
    image = Image.new("RGB", (295, 413), (67, 142, 219))
    draw = ImageDraw.Draw(image)
    draw.ellipse((92, 70, 203, 200), fill=(238, 238, 238))
    draw.ellipse((37, 210, 258, 460), fill=(238, 238, 238))
    font = _font(26)
    if font:
        draw.text((147, 380), "示例照片", font=font, fill=(67, 67, 67), anchor="mm")
    else:
        draw.text((110, 380), "SAMPLE", fill=(67, 67, 67))
    return _png_bytes(image)


__all__ = [
    "DEMO_PASSWORD",
    "PRACTICE_CODE",
    "PRACTICE_TITLE",
    "AccountRow",
    "DemoSummary",
    "build_demo",
    "practice_spec_text",
]
