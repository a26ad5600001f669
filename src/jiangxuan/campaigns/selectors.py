"""Reads about campaigns: which a user may see, open windows, deadlines, quotas."""

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Literal

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.accounts.selectors import memberships_of

from .enums import CampaignState
from .models import Award, Campaign, DeadlineKind, SpecVersion, UnitDeadline
from .spec import CampaignSpec, UnitCategory

OFFICE_ROLES = {Role.CAMPAIGN_OFFICE, Role.LEADING_GROUP, Role.FINANCE}


def office_campaign_ids(user: User, roles: AbstractSet[str] | None = None) -> set[int]:
    """Campaigns the user runs as office, leading group or finance (or ``roles``).

    A membership tied to a campaign covers that campaign; an untied one covers every
    campaign organized by the member's unit.
    """
    wanted = roles or OFFICE_ROLES
    ids: set[int] = set()
    untied_units = []
    for m in memberships_of(user):
        if m.role not in wanted:
            continue
        if m.campaign_id:
            ids.add(m.campaign_id)
        else:
            untied_units.append(m.org_unit_id)
    if untied_units:
        ids |= set(
            Campaign.objects.filter(organizer_unit_id__in=untied_units).values_list("id", flat=True)
        )
    return ids


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    """Published campaigns for everyone signed in with a role; drafts for their office."""
    if not memberships_of(user):
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(
            Q(state__in=[CampaignState.PUBLISHED, CampaignState.CLOSED])
            | Q(id__in=office_campaign_ids(user, {Role.CAMPAIGN_OFFICE}))
        )
        .prefetch_related("awards")
        .order_by("-year", "title")
    )


def awards_of(campaign: Campaign) -> list[Award]:
    """The campaign's awards in the specification's order."""
    return list(campaign.awards.order_by("position"))


def nominable_awards(campaign: Campaign) -> list[Award]:
    """The campaign's awards people are nominated for, in order: all but those chosen
    among another award's awardees (``awards[].derived_from``)."""
    return [award for award in awards_of(campaign) if award.spec.derived_from is None]


def unit_matches(
    unit: OrgUnit, category: UnitCategory, *, roots: Mapping[str, OrgUnit] | None = None
) -> bool:
    """Whether ``unit`` belongs to a nominating-unit category of the specification.

    A ``within`` match reads its root organizations from ``roots`` (by code, as
    :func:`within_roots` gives them) when given, else with one query.
    """
    match = category.match
    if match.orgs and unit.code not in match.orgs:
        return False
    if match.kinds and unit.kind not in match.kinds:
        return False
    if match.levels and unit.level not in match.levels:
        return False
    if match.governs_region is not None and unit.governs_region != match.governs_region:
        return False
    if match.within:
        within = (
            [roots[code] for code in match.within if code in roots]
            if roots is not None
            else OrgUnit.objects.filter(code__in=match.within).only("path")
        )
        if not any(unit.path.startswith(root.path) for root in within):
            return False
    return not (
        match.ownership and not any(word in unit.ownership_type for word in match.ownership)
    )


def category_of(
    unit: OrgUnit, spec: CampaignSpec, *, roots: Mapping[str, OrgUnit] | None = None
) -> UnitCategory | None:
    """The first nominating-unit category ``unit`` belongs to, or None; ``roots`` as in
    :func:`unit_matches`."""
    for category in spec.unit_categories:
        if unit_matches(unit, category, roots=roots):
            return category
    return None


def within_roots(spec: CampaignSpec) -> dict[str, OrgUnit]:
    """The organizations the specification's categories match ``within``, by code, for
    :func:`category_of` over many units: one query (none when no category has one)."""
    return within_roots_of([spec])


def within_roots_of(specs: Iterable[CampaignSpec]) -> dict[str, OrgUnit]:
    """:func:`within_roots` of several specifications at once (one query, none when no
    category of theirs has a ``within`` match)."""
    codes = {
        code
        for spec in specs
        for category in spec.unit_categories
        for code in category.match.within
    }
    return {unit.code: unit for unit in OrgUnit.objects.filter(code__in=codes)} if codes else {}


def nominating_unit_for(workplace: OrgUnit, spec: CampaignSpec) -> OrgUnit | None:
    """The nominating unit a workplace's nominations go through: the nearest of the
    workplace itself and its ancestors (and the area bodies governing them) that belongs
    to one of the specification's categories. Without categories, the workplace itself."""
    if not spec.unit_categories:
        return workplace
    for node in [workplace, *reversed(OrgUnit.objects.get_ancestors(workplace))]:
        if category_of(node, spec):
            return node
        if node.kind == "region":
            for body in OrgUnit.objects.get_children(node).filter(governs_region=True):
                if category_of(body, spec):
                    return body
    return None


def deadline_setters(unit: OrgUnit) -> list[OrgUnit]:
    """The unit, its ancestors, and the area bodies (union, HR bureau) governing those
    areas: every body whose deadline binds submissions from the unit."""
    ancestors = list(OrgUnit.objects.get_ancestors(unit))
    condition = Q()
    for region in (node for node in ancestors if node.kind == "region"):
        condition |= Q(path__startswith=region.path, depth=region.depth + 1)
    bodies = list(OrgUnit.objects.filter(condition, governs_region=True)) if condition else []
    return [unit, *ancestors, *bodies]


def _level_deadlines(
    spec: CampaignSpec, category: UnitCategory | None, *, from_level: str | None
) -> list[dt.datetime]:
    """Closing times of the specification's level deadlines that bind an action at
    ``from_level`` (None: the clerk's submission, before every level) for nominations of
    ``category``: the deadlines of that level and of every level after it, since their
    forwards come later. Levels a direct category skips bind it not."""
    levels = spec.review_chain.levels
    codes = [level.code for level in levels]
    start = codes.index(from_level) if from_level in codes else 0
    direct = category is not None and category.direct
    ahead = {level.code for level in levels[start:] if not (direct and level.skipped_by_direct)}
    return [
        deadline.closes_at
        for deadline in spec.timeline.level_deadlines
        if deadline.level in ahead
        and (
            not deadline.categories
            or (category is not None and category.code in deadline.categories)
        )
    ]


def _binding(
    campaign: Campaign,
    setters: list[OrgUnit],
    extended: list[OrgUnit],
    levels: list[dt.datetime],
    *,
    submission: bool,
    rows: list[UnitDeadline] | None = None,
) -> dt.datetime | None:
    """The earliest of the level deadlines ``levels``, the internal deadlines of ``setters``
    (in the specification or set on the platform) and, for a ``submission``, the campaign's
    closing time; replaced by the latest extension the office granted to one of
    ``extended`` when later. ``rows``: the campaign's deadlines set on the platform, when
    already read (:class:`DeadlineBook`), else one query."""
    spec = campaign.specification
    closes_at = spec.timeline.submission.closes_at
    candidates = [closes_at, *levels] if closes_at and submission else list(levels)
    codes = {node.code for node in setters}
    candidates += [d.closes_at for d in spec.timeline.internal_deadlines if d.org in codes]
    extensions: list[dt.datetime] = []
    extended_ids = {node.id for node in extended}
    setter_ids = {node.id for node in setters}
    if rows is None:
        rows = list(
            UnitDeadline.objects.filter(campaign=campaign, org_unit__in={*setters, *extended})
        )
    for row in rows:
        if row.kind == DeadlineKind.EXTENSION:
            if row.org_unit_id in extended_ids:
                extensions.append(row.closes_at)
        elif row.org_unit_id in setter_ids:
            candidates.append(row.closes_at)
    deadline = min(candidates) if candidates else None
    if extensions and (deadline is None or max(extensions) > deadline):
        return max(extensions)
    return deadline


def deadline_for(campaign: Campaign, unit: OrgUnit | None) -> dt.datetime | None:
    """The deadline binding submissions from ``unit`` (aware; Asia/Shanghai in the
    specification), or None.

    The earliest of: the campaign's closing time, the specification's internal deadlines
    of bodies above the unit (seed 000: 省直机关工会, 2021-12-03 16:00), internal deadlines
    such bodies set on the platform, and the level deadlines of the unit's category (a
    submission comes before every level's forward). An extension the campaign office
    granted to the unit or a body above it replaces that when later.
    """
    if unit is None:
        return _binding(campaign, [], [], [], submission=True)
    spec = campaign.specification
    setters = deadline_setters(unit)
    levels = _level_deadlines(spec, category_of(unit, spec), from_level=None)
    return _binding(campaign, setters, setters, levels, submission=True)


def forward_deadline(
    campaign: Campaign, body: OrgUnit, *, level: str, category: UnitCategory | None
) -> dt.datetime | None:
    """The deadline by which ``body``, signing at review level ``level``, must forward
    its list of nominations of ``category`` to the next level (aware), or None.

    The earliest of the level deadlines of ``level`` and the levels after it
    (timeline.level_deadlines) and the internal deadlines of the bodies above ``body``
    (seed 000 转发通知: 省直机关工会 receives its units' lists by 2021-12-03 16:00; not
    ``body``'s own, nor those of the bodies governing the same area with it: they bind the
    units below). An extension the office granted to ``body`` or a body above it replaces
    that when later. The campaign's submission window binds the clerks' submissions, not
    the forwards after them: the level notices (公示) that follow a submission may run past
    it (seed 001: 10月24日至26日 报送, then 5 working days of workplace notice). Used by
    nominations.review.forward_nominations; the last level's forward is the approval and
    has no deadline.
    """
    above = _setters_above(body, deadline_setters(body))
    levels = _level_deadlines(campaign.specification, category, from_level=level)
    return _binding(campaign, above, [body, *above], levels, submission=False)


def _setters_above(body: OrgUnit, setters: list[OrgUnit]) -> list[OrgUnit]:
    """Of ``body``'s deadline setters, those above it: not ``body`` itself, nor the bodies
    governing the same area with it (their deadlines bind the units below)."""
    parent_path = body.path[: -OrgUnit.steplen]
    return [
        node
        for node in setters
        if node != body
        and not (
            node.governs_region
            and node.depth == body.depth
            and node.path[: -OrgUnit.steplen] == parent_path
        )
    ]


class DeadlineBook:
    """The deadlines of many units in many campaigns, read in at most three queries
    whatever their number (the units' ancestors with the area bodies governing them, the
    specifications' ``within`` roots, the deadlines set on the platform): for pages that
    list nominations of several campaigns with their deadlines.

    Input: the campaigns and the units (nominating units, workplaces, signing bodies) that
    will be asked about. :meth:`submission` answers as :func:`deadline_for`,
    :meth:`forward` as :func:`forward_deadline`; asking about a unit or campaign not given
    raises ``KeyError``.
    """

    def __init__(self, campaigns: Iterable[Campaign], units: Iterable[OrgUnit | None]) -> None:
        self._campaigns = {campaign.id: campaign for campaign in campaigns}
        step = OrgUnit.steplen
        wanted = {unit.id: unit for unit in units if unit is not None}
        prefixes = {
            unit.path[:end] for unit in wanted.values() for end in range(step, len(unit.path), step)
        }
        tree = (
            list(
                OrgUnit.objects.annotate(parent_path=Substr("path", 1, (F("depth") - 1) * step))
                .filter(Q(path__in=prefixes) | Q(parent_path__in=prefixes, governs_region=True))
                .order_by("path")
            )
            if prefixes
            else []
        )
        by_path = {node.path: node for node in tree}
        area_bodies: dict[str, list[OrgUnit]] = defaultdict(list)
        for node in tree:
            if node.governs_region:
                area_bodies[node.path[:-step]].append(node)
        self._setters: dict[int, list[OrgUnit]] = {}
        for unit in wanted.values():
            paths = (unit.path[:end] for end in range(step, len(unit.path), step))
            ancestors = [by_path[path] for path in paths if path in by_path]
            bodies = [
                body
                for node in ancestors
                if node.kind == "region"
                for body in area_bodies.get(node.path, [])
            ]
            self._setters[unit.id] = [unit, *ancestors, *bodies]
        self._roots = within_roots_of(c.specification for c in self._campaigns.values())
        setter_ids = {node.id for nodes in self._setters.values() for node in nodes}
        self._rows: dict[int, list[UnitDeadline]] = defaultdict(list)
        if self._campaigns and setter_ids:
            for row in UnitDeadline.objects.filter(
                campaign_id__in=self._campaigns, org_unit_id__in=setter_ids
            ):
                self._rows[row.campaign_id].append(row)

    def category(self, campaign: Campaign, unit: OrgUnit) -> UnitCategory | None:
        """The nominating-unit category of ``unit`` in ``campaign`` (:func:`category_of`,
        with the roots read once)."""
        return category_of(unit, campaign.specification, roots=self._roots)

    def submission(self, campaign: Campaign, unit: OrgUnit | None) -> dt.datetime | None:
        """The deadline binding submissions from ``unit`` (aware), or None, as
        :func:`deadline_for` gives it."""
        if unit is None:
            return _binding(campaign, [], [], [], submission=True, rows=[])
        spec = self._campaigns[campaign.id].specification
        setters = self._setters[unit.id]
        levels = _level_deadlines(spec, self.category(campaign, unit), from_level=None)
        rows = self._rows[campaign.id]
        return _binding(campaign, setters, setters, levels, submission=True, rows=rows)

    def forward(
        self, campaign: Campaign, body: OrgUnit, *, level: str, category: UnitCategory | None
    ) -> dt.datetime | None:
        """The deadline by which ``body`` must forward from review level ``level`` its
        nominations of ``category`` (aware), or None, as :func:`forward_deadline` gives it."""
        above = _setters_above(body, self._setters[body.id])
        levels = _level_deadlines(campaign.specification, category, from_level=level)
        rows = self._rows[campaign.id]
        return _binding(campaign, above, [body, *above], levels, submission=False, rows=rows)


def cite(source: str) -> str:
    """A notice clause as refusals cite it, e.g. （依据：三(一)3）; "" when the specification
    names none (issue 12: every refusal cites the clause it applies)."""
    return _("（依据：%(source)s）") % {"source": source} if source else ""


def deadline_source(spec: CampaignSpec, at: dt.datetime | None) -> str:
    """The clause of the specification's deadline closing at ``at``: the submission
    window's, an internal deadline's or a level deadline's; "" when none states one."""
    stated = [
        (spec.timeline.submission.closes_at, spec.timeline.submission.source),
        *((d.closes_at, d.source) for d in spec.timeline.internal_deadlines),
        *((d.closes_at, d.source) for d in spec.timeline.level_deadlines),
    ]
    return next((source for closes_at, source in stated if closes_at == at and source), "")


#: The submission window as seen from one unit (window_state).
type WindowState = Literal["early", "open", "closed"]


def window_state(
    campaign: Campaign, unit: OrgUnit | None, now: dt.datetime | None = None
) -> WindowState:
    """ "early", "open" or "closed" for submissions from ``unit`` at server time ``now``.

    Before ``opens_at`` submissions are always refused: a window that opens on a date is
    not open before it (seed 003 四(三), seed 004 三(二); seed 001 六 says so outright,
    ``refuse_early``, which the refusal then cites).
    """
    now = now or timezone.now()
    submission = campaign.specification.timeline.submission
    if submission.opens_at and now < submission.opens_at:
        return "early"
    deadline = deadline_for(campaign, unit)
    # Second precision: a deadline of 23:59:59 accepts 23:59:59.9 and refuses 00:00:00.
    if deadline is not None and now.replace(microsecond=0) > deadline:
        return "closed"
    return "open"


def unit_deadlines_of(campaign: Campaign) -> list[UnitDeadline]:
    """Deadlines set for units of a campaign, with their units and setters, by time."""
    return list(
        UnitDeadline.objects.filter(campaign=campaign)
        .select_related("org_unit", "set_by")
        .order_by("closes_at", "id")
    )


def units_for_extension(campaign: Campaign) -> list[OrgUnit]:
    """Nominating units of the campaign's categories, for the office's extension form."""
    spec = campaign.specification
    kinds = {kind for c in spec.unit_categories for kind in c.match.kinds}
    codes = {code for c in spec.unit_categories for code in c.match.orgs}
    candidates = OrgUnit.objects.filter(Q(kind__in=kinds) | Q(code__in=codes)).order_by("path")
    return [node for node in candidates if category_of(node, spec)]


def spec_versions(campaign: Campaign) -> QuerySet[SpecVersion]:
    """The campaign's specification versions, newest first, with their actors."""
    return campaign.versions.select_related("actor").order_by("-number")


def creatable_campaign_sources(user: User) -> QuerySet[Campaign]:
    """Earlier campaigns whose text ``user`` may copy to start a new edition: those their
    office runs, newest first."""
    return Campaign.objects.filter(id__in=office_campaign_ids(user, {Role.CAMPAIGN_OFFICE}))


@dataclass(frozen=True)
class DiffRow:
    """One row of a side-by-side comparison: a line number and text on each side (None
    where that side has no line), and what happened (``equal``, ``replace``, ``delete``,
    ``insert``, or ``skip`` for a gap of unchanged lines left out)."""

    tag: str
    old_number: int | None
    old_text: str | None
    new_number: int | None
    new_text: str | None


def spec_diff(old: str, new: str, *, context: int = 3) -> list[DiffRow]:
    """The lines that differ between two specification texts, side by side, with
    ``context`` unchanged lines around each change and a ``skip`` row between groups.
    Empty when the texts are equal."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[DiffRow] = []
    groups = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(context)
    for index, group in enumerate(groups):
        if index:
            rows.append(DiffRow("skip", None, None, None, None))
        for tag, i1, i2, j1, j2 in group:
            for k in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                rows.append(
                    DiffRow(
                        tag,
                        i + 1 if i < i2 else None,
                        a[i] if i < i2 else None,
                        j + 1 if j < j2 else None,
                        b[j] if j < j2 else None,
                    )
                )
    return rows
