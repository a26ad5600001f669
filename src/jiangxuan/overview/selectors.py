"""Reads for the campaign overview (活动总览): where one campaign stands, for its campaign
office and leading group (issue 3, "Overview for the campaign office").

Every read runs a fixed number of queries whatever the number of nominations, units,
notices or objections (docs/conventions.md 8.5). The review chain's bodies and the
nominating-unit categories therefore come from the chain's own rules
(:mod:`jiangxuan.nominations.chain`) over one read of the organization tree around the
campaign's nominations (:class:`~jiangxuan.nominations.chain.OrgIndex`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.enums import Signer, SkillLevel
from jiangxuan.campaigns.models import Award, Campaign
from jiangxuan.campaigns.selectors import awards_of, office_campaign_ids
from jiangxuan.campaigns.spec import SHANGHAI
from jiangxuan.nominations.chain import OrgIndex, bodies_at, level_named
from jiangxuan.nominations.enums import NominationState, Sex
from jiangxuan.nominations.models import Decision, Forwarding, Nomination, SignOff
from jiangxuan.nominations.services import QuotaUsage
from jiangxuan.notices.enums import BackgroundCheckState, NoticeState, ObjectionState
from jiangxuan.notices.models import BackgroundCheck, Objection, PublicNotice

#: Who may open a campaign's overview; only the office acts on what it shows.
OVERVIEW_ROLES = {Role.CAMPAIGN_OFFICE, Role.LEADING_GROUP}
#: Nominations waiting for opinions at their current level.
REVIEW_STATES = (NominationState.SUBMITTED, NominationState.IN_REVIEW)
#: Sign-offs waiting shown on one page of the overview.
WAITING_PAGE_SIZE = 50
#: Columns of the nominations table besides the chain's levels.
DRAFT, RETURNED, APPROVED, ENDED = "draft", "returned", "approved", "ended"


# --------------------------------------------------------------------------- access


def overview_campaign(user: User, code: str) -> Campaign | None:
    """The campaign ``code`` if ``user`` is its campaign office or leading group, else None
    (the view answers 404)."""
    ids = office_campaign_ids(user, OVERVIEW_ROLES)
    return Campaign.objects.filter(id__in=ids, code=code).first() if ids else None


def acts_for_office(user: User, campaign: Campaign) -> bool:
    """Whether ``user`` is the campaign office of ``campaign`` (the leading group sees the
    overview but the notice and background-check pages are the office's)."""
    return user.has_perm("campaigns.change_campaign", campaign)


# --------------------------------------------------------------------------- the overview


@dataclass(frozen=True)
class Column:
    """A column of the nominations table (a state, or a level of the chain)."""

    key: str
    label: str
    tone: str


@dataclass
class UnitRow:
    """One nominating unit's nominations for one award, counted per column."""

    unit_id: int | None
    name: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class AwardTally:
    """The nominations table of one award: a row per nominating unit."""

    award: Award
    rows: list[UnitRow]
    totals: list[int]

    @property
    def total(self) -> int:
        return sum(self.totals)


@dataclass(frozen=True)
class QuotaRow:
    """How one nominating unit's quota (for one award, or all awards) stands."""

    unit: OrgUnit
    usage: QuotaUsage
    award_name: str

    @property
    def status(self) -> str:
        """ "over", "full", "below" (under the minimum) or "open"."""
        maximum, used = self.usage.maximum, self.usage.used
        if maximum is not None and used > maximum:
            return "over"
        if self.usage.full:
            return "full"
        return "below" if used < self.usage.minimum else "open"


@dataclass(frozen=True)
class WaitingBody:
    """A body that has not yet given its opinion at a nomination's current level."""

    signer: str
    signer_label: str
    body: OrgUnit | None

    @property
    def name(self) -> str:
        return self.body.name if self.body is not None else _("（组织架构中未找到）")


@dataclass(frozen=True)
class WaitingSignOff:
    """A nomination whose current level still waits for some bodies' opinions, since
    ``since`` (its submission or its latest forwarding, Asia/Shanghai)."""

    nomination: Nomination
    level: s.ReviewLevel
    waiting: list[WaitingBody]
    since: dt.datetime
    waited: dt.timedelta

    @property
    def waited_days(self) -> int:
        return self.waited.days

    @property
    def waited_hours(self) -> int:
        """Hours beyond :attr:`waited_days`."""
        return self.waited.seconds // 3600


@dataclass(frozen=True)
class BalanceRow:
    """One value of a balance dimension: its label, how many nominees have it, their share
    of the nominees counted (percent, one decimal)."""

    label: str
    count: int
    share: float


@dataclass(frozen=True)
class BalanceTable:
    """The nominees of a campaign split by one dimension (性别, 年龄段 ...)."""

    key: str
    title: str
    rows: list[BalanceRow]


#: Age bands the organizers report on (upper bounds, exclusive), by age on the reference day.
AGE_BANDS = (
    (35, gettext_lazy("35岁以下")),
    (45, gettext_lazy("35—44岁")),
    (55, gettext_lazy("45—54岁")),
    (200, gettext_lazy("55岁及以上")),
)
#: A value not given, in every dimension.
NOT_GIVEN = gettext_lazy("未填写")


def _regions(paths: set[str]) -> dict[str, str]:
    """Each workplace path's region for the balance: the county (区县) above it, else the
    city; one query for every region above the given paths."""
    step = OrgUnit.steplen
    prefixes = {path[:end] for path in paths for end in range(step, len(path), step)}
    regions = {
        unit.path: unit
        for unit in OrgUnit.objects.filter(path__in=prefixes, kind="region").only(
            "path", "name", "level"
        )
    }
    found = {}
    for path in paths:
        above = [
            regions[path[:end]] for end in range(step, len(path), step) if path[:end] in regions
        ]
        county = [r for r in above if r.level == "county"]
        city = [r for r in above if r.level == "city"]
        chosen = county or city or above
        found[path] = chosen[-1].name if chosen else str(NOT_GIVEN)
    return found


def campaign_balance(campaign: Campaign, *, on: dt.date | None = None) -> list[BalanceTable]:
    """The balance the organizers report on, over the nominees submitted and not ended
    (drafts and those withdrawn, revoked or not recommended left out): by sex, age band on
    ``on`` (default: the submission deadline, else today, Asia/Shanghai), skill level,
    industry, region of the workplace (its county, else its city) and the workplace's kind
    of ownership (单位性质). Seven queries (a count per dimension, the regions), whatever
    the number of nominees; no personal data beyond counts.
    """
    closes = campaign.submission_closes_at
    on = on or (closes.astimezone(SHANGHAI).date() if closes else timezone.localdate())
    live = [state for state in NominationState.LIVE if state != NominationState.DRAFT]
    nominees = Nomination.objects.filter(campaign=campaign, state__in=live).order_by()
    # Each dimension's stored values are counted by the database and each distinct value
    # labelled once (a campaign of 20,000 nominees has a few dozen, and some thousands of
    # birth dates; reading and labelling every row took most of the overview's time at
    # that size, issue 17.3).
    columns = ("sex", "birth_date", "skill_level", "industry", "ownership_type", "workplace__path")
    stored = {
        column: dict(nominees.values_list(column).annotate(n=Count("id")).values_list(column, "n"))
        for column in columns
    }
    total = sum(stored["sex"].values())
    not_given = str(NOT_GIVEN)
    sexes = {key: str(label) for key, label in Sex.choices}
    skills = {key: str(label) for key, label in SkillLevel.choices}
    bands = [(upper, str(label)) for upper, label in AGE_BANDS]

    def age_band(birth: dt.date | None) -> str:
        if birth is None:
            return not_given
        age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
        return next(label for upper, label in bands if age < upper)

    regions = _regions({path for path in stored["workplace__path"] if path})
    dimensions: list[tuple[str, str, str, Any]] = [
        ("sex", _("性别"), "sex", lambda v: sexes.get(v, "")),
        ("age", _("年龄段"), "birth_date", age_band),
        ("skill_level", _("技能等级"), "skill_level", lambda v: skills.get(v, "")),
        ("industry", _("所属行业"), "industry", lambda v: v),
        ("region", _("所在地区"), "workplace__path", lambda v: regions.get(v or "", "")),
        ("ownership", _("单位性质"), "ownership_type", lambda v: v),
    ]
    tables = []
    for key, title, column, label_of in dimensions:
        counts: dict[str, int] = defaultdict(int)
        for value, count in stored[column].items():
            counts[str(label_of(value) or not_given)] += count
        if key == "age":  # age bands in their own order, the rest the most frequent first
            order = [label for _upper, label in bands] + [not_given]
            ordered = sorted(counts.items(), key=lambda item: order.index(item[0]))
        else:
            ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        tables.append(
            BalanceTable(
                key=key,
                title=str(title),
                rows=[
                    BalanceRow(label, count, round(100 * count / total, 1))
                    for label, count in ordered
                ],
            )
        )
    return tables


@dataclass
class CampaignOverview:
    """Everything the overview page shows about one campaign at ``now``."""

    campaign: Campaign
    now: dt.datetime
    today: dt.date
    columns: list[Column]
    awards: list[AwardTally]
    quotas: list[QuotaRow]
    waiting: list[WaitingSignOff]
    waiting_page: Page
    notices: Sequence[PublicNotice]
    objections: list[Objection]
    checks_requested: int
    checks_overdue: list[BackgroundCheck]
    live_count: int = 0
    award_names: dict[str | None, str] = field(default_factory=dict)

    @property
    def open_objection_count(self) -> int:
        return len(self.objections)

    @property
    def waiting_count(self) -> int:
        """Nominations under review at a level not yet complete, on every page."""
        return self.waiting_page.paginator.count


def _columns(spec: s.CampaignSpec) -> list[Column]:
    levels = [Column(lv.code, lv.name, "level") for lv in spec.review_chain.levels]
    return [
        Column(DRAFT, _("草稿"), "draft"),
        *levels,
        Column(RETURNED, _("退回修改"), "returned"),
        Column(APPROVED, _("已通过逐级审核"), "approved"),
        Column(ENDED, _("不予推荐、撤回或撤销"), "ended"),
    ]


def _column_of(state: str, level: str) -> str:
    if state == NominationState.DRAFT:
        return DRAFT
    if state == NominationState.RETURNED:
        return RETURNED
    if state == NominationState.APPROVED:
        return APPROVED
    if state in NominationState.FINAL:
        return ENDED
    return level


def _award_tallies(
    campaign: Campaign, awards: list[Award], columns: list[Column]
) -> list[AwardTally]:
    """Counts per award, nominating unit and column: one grouped query."""
    grouped = (
        Nomination.objects.filter(campaign=campaign)
        .values("award_id", "nominating_unit_id", "nominating_unit__name", "state", "level")
        .annotate(n=Count("id"))
        .order_by("award_id", "nominating_unit__path", "nominating_unit_id")
    )
    index = {column.key: i for i, column in enumerate(columns)}
    rows: dict[int, dict[int | None, UnitRow]] = defaultdict(dict)
    for g in grouped:
        key = _column_of(g["state"], g["level"])
        if key not in index:
            # A level the specification no longer names: shown as its code.
            index[key] = len(columns)
            columns.append(Column(key, key, "level"))
            for by_unit in rows.values():
                for row in by_unit.values():
                    row.counts.append(0)
        row = rows[g["award_id"]].setdefault(
            g["nominating_unit_id"],
            UnitRow(
                g["nominating_unit_id"],
                g["nominating_unit__name"] or _("（无推荐单位）"),
                [0] * len(columns),
            ),
        )
        row.counts[index[key]] += g["n"]
    tallies = []
    for award in awards:
        award_rows = list(rows.get(award.id, {}).values())
        for row in award_rows:
            row.counts += [0] * (len(columns) - len(row.counts))
        totals = [sum(r.counts[i] for r in award_rows) for i in range(len(columns))]
        tallies.append(AwardTally(award, award_rows, totals))
    return tallies


def _quota_rows(
    campaign: Campaign, index: OrgIndex, award_names: dict[str | None, str]
) -> list[QuotaRow]:
    """Each nominating unit's quotas and their use, as nominations.services.quota_usage
    counts it (live nominations the unit forwarded at the level where it signs; seed 000
    四: 5-10; seed 001 附件1; seed 002 三): two queries."""
    spec = campaign.specification
    if not spec.quotas:
        return []
    kinds = {kind for c in spec.unit_categories for kind in c.match.kinds}
    codes = {code for c in spec.unit_categories for code in c.match.orgs}
    candidates = OrgUnit.objects.filter(Q(kind__in=kinds) | Q(code__in=codes)).order_by("path")
    used: dict[tuple[int, str | None], int] = defaultdict(int)
    for g in (
        Forwarding.objects.filter(
            nomination__campaign=campaign,
            quota_unit__isnull=False,
            nomination__state__in=NominationState.LIVE,
        )
        .values("quota_unit_id", "nomination__award__code")
        .annotate(n=Count("id"))
    ):
        used[(g["quota_unit_id"], g["nomination__award__code"])] += g["n"]
        # Key (unit, None): across awards, for quotas without an award.
        used[(g["quota_unit_id"], None)] += g["n"]
    rows = []
    for unit in candidates:
        category = index.category_of(unit, spec)
        if category is None:
            continue
        for quota in (q for q in spec.quotas if q.category == category.code):
            count = used.get((unit.id, quota.award), 0)
            name = award_names.get(quota.award, "") if quota.award else ""
            usage = QuotaUsage(
                category.code, category.name, quota.award, count, quota.min, quota.max, name
            )
            rows.append(QuotaRow(unit, usage, name))
    return rows


def _waiting_sign_offs(
    index: OrgIndex, nominations: Sequence[Nomination], now: dt.datetime
) -> list[WaitingSignOff]:
    """Of ``nominations`` (annotated with ``since``: their submission or latest
    forwarding), those whose current level's bodies have not all approved in the current
    round (seed 000 附件2; seed 003 附件: 盖章 ×2), in the given order: one query."""
    approved: dict[tuple[int, str, int], set[int]] = defaultdict(set)
    for so in SignOff.objects.filter(
        nomination__in=[n.pk for n in nominations], decision=Decision.APPROVE
    ).values("nomination_id", "level", "round", "body_id"):
        approved[(so["nomination_id"], so["level"], so["round"])].add(so["body_id"])
    signer_labels = dict(Signer.choices)
    rows = []
    for n in nominations:
        level = level_named(n, n.level, tree=index)
        if level is None:
            continue
        signed = approved[(n.pk, level.code, n.review_round)]
        waiting: list[WaitingBody] = []
        seen: set[int] = set()
        for signer, body in bodies_at(n, level, tree=index):
            # A body named for two signers (a workplace without its own union) signs once.
            if body is not None and (body.id in signed or body.id in seen):
                continue
            if body is not None:
                seen.add(body.id)
            waiting.append(WaitingBody(signer, str(signer_labels.get(signer, signer)), body))
        if not waiting:
            continue
        since = n.since.astimezone(SHANGHAI)  # type: ignore[attr-defined]
        rows.append(WaitingSignOff(n, level, waiting, since, now - since))
    return rows


def campaign_overview(
    campaign: Campaign, *, now: dt.datetime | None = None, waiting_page: Any = 1
) -> CampaignOverview:
    """Where ``campaign`` stands at ``now`` (default: server time), read in a fixed number
    of queries (thirteen at most, whatever the number of rows).

    - nominations per award, nominating unit and column (draft, each level of the chain
      for those under review there, returned, approved, ended);
    - each nominating unit's quota fill (min/max from the specification);
    - sign-offs waiting, oldest first, :data:`WAITING_PAGE_SIZE` a page (``waiting_page``,
      a page number as Django's ``Paginator.get_page`` takes it), with their number;
    - public notices running (with end date and open objections) and unresolved objections;
    - background checks requested, and those past their due date (``due_on`` before today
      in Asia/Shanghai).
    """
    now = (now or timezone.now()).astimezone(SHANGHAI)
    today = now.date()
    spec = campaign.specification
    awards = awards_of(campaign)
    award_names: dict[str | None, str] = {a.code: a.name for a in awards}
    columns = _columns(spec)
    tallies = _award_tallies(campaign, awards, columns)
    # Every nomination under review at a level not yet complete waits for some body's
    # opinion; the oldest waits first, one page of them read (issue 17.3: a campaign of
    # 20,000 nominations is not listed on one page), the others counted.
    under_review = (
        Nomination.objects.filter(
            campaign=campaign,
            state__in=REVIEW_STATES,
            level_ready=False,
            submitted_at__isnull=False,
        )
        .exclude(level="")
        .annotate(
            since=Greatest("submitted_at", Coalesce(Max("forwardings__created_at"), "submitted_at"))
        )
        .select_related("award", "nominating_unit", "workplace")
        # The encrypted columns are never needed here: not read, not decrypted.
        .only(
            "id",
            "name",
            "state",
            "level",
            "channel",
            "review_round",
            "submitted_at",
            "campaign_id",
            "award__name",
            "award__code",
            "nominating_unit",
            "workplace",
        )
        .order_by("since", "id")
    )
    page = Paginator(under_review, WAITING_PAGE_SIZE).get_page(waiting_page)
    rows = list(page.object_list)
    for n in rows:
        n.campaign = campaign  # one campaign, its specification parsed once, for the chain
    index = OrgIndex.around([u for n in rows for u in (n.workplace, n.nominating_unit)], spec)
    waiting = _waiting_sign_offs(index, rows, now) if rows else []
    quotas = _quota_rows(campaign, index, award_names)
    notices = list(
        PublicNotice.objects.filter(campaign=campaign, state=NoticeState.RUNNING)
        .select_related("body")
        .annotate(
            entry_count=Count("entries", distinct=True),
            open_objections=Count(
                "objections",
                filter=Q(objections__state__in=ObjectionState.UNRESOLVED),
                distinct=True,
            ),
        )
        .order_by("ends_on", "id")
    )
    objections = list(
        Objection.objects.filter(notice__campaign=campaign, state__in=ObjectionState.UNRESOLVED)
        .select_related("notice", "nomination", "assigned_to")
        .only(
            "id",
            "state",
            "created_at",
            "notice__id",
            "notice__title",
            "nomination__id",
            "nomination__name",
            "assigned_to__username",
            "assigned_to__display_name",
        )
        .order_by("created_at", "id")
    )
    checks = list(
        BackgroundCheck.objects.filter(
            nomination__campaign=campaign, state=BackgroundCheckState.REQUESTED
        )
        .select_related("nomination")
        .only(
            "id",
            "department_name",
            "due_on",
            "requested_at",
            "state",
            "nomination__id",
            "nomination__name",
        )
        .order_by("due_on", "id")
    )
    live = sum(
        t.totals[i] for t in tallies for i, c in enumerate(columns) if c.key not in (DRAFT, ENDED)
    )
    return CampaignOverview(
        campaign=campaign,
        now=now,
        today=today,
        columns=columns,
        awards=tallies,
        quotas=quotas,
        waiting=waiting,
        waiting_page=page,
        notices=notices,
        objections=objections,
        checks_requested=len(checks),
        checks_overdue=[c for c in checks if c.due_on < today],
        live_count=live,
        award_names=award_names,
    )


def chart_data(overview: CampaignOverview) -> dict[str, Any]:
    """The charts' data for the page's JSON island (``json_script``): plain lists and
    strings only, no personal data.

    ``{"nominations": [{"award", "units", "series": [{"key", "name", "tone", "shade",
    "data"}]}],
    "quotas": [{"title", "units", "used", "minimum", "maximum"}], "labels": {...}}``:
    one nominations chart per award with nominations, one quota chart per quota award
    (or across awards); series with no nomination are left out, ``shade`` is a level's
    position in the chain (null for the other columns), ``maximum`` is null
    where the quota has no upper bound, and ``labels`` are the quota charts' legend.
    """
    # A level keeps its shade in every chart: its position in the chain.
    shades = {c.key: i for i, c in enumerate(c for c in overview.columns if c.tone == "level")}
    nominations = []
    for tally in overview.awards:
        if not tally.rows:
            continue
        series = [
            {
                "key": column.key,
                "name": column.label,
                "tone": column.tone,
                "shade": shades.get(column.key),
                "data": [row.counts[i] for row in tally.rows],
            }
            for i, column in enumerate(overview.columns)
            if tally.totals[i]
        ]
        nominations.append(
            {"award": tally.award.name, "units": [r.name for r in tally.rows], "series": series}
        )
    quotas: dict[str | None, dict[str, Any]] = {}
    for row in overview.quotas:
        chart = quotas.setdefault(
            row.usage.award,
            {
                "title": row.award_name or _("各奖项合计"),
                "units": [],
                "used": [],
                "minimum": [],
                "maximum": [],
            },
        )
        chart["units"].append(row.unit.name)
        chart["used"].append(row.usage.used)
        chart["minimum"].append(row.usage.minimum)
        chart["maximum"].append(row.usage.maximum)
    labels = {"used": _("已报送"), "remaining": _("尚余名额"), "minimum": _("下限")}
    return {"nominations": nominations, "quotas": list(quotas.values()), "labels": labels}
