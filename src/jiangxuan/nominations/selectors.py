"""Reads about nominations; every list and object fetch in views and the API goes through
:func:`nominations_visible_to` (docs/conventions.md 8.4), so out-of-scope objects answer 404."""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.accounts.selectors import memberships_of, scope_paths
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.models import Award, Campaign, PastAwardee
from jiangxuan.campaigns.selectors import office_campaign_ids
from jiangxuan.core.fields import Undecryptable

from .chain import OrgIndex
from .eligibility import RuleResult, evaluate_many
from .enums import NominationState
from .models import EligibilityOverride, Nomination
from .validators import id_area_warning

UNIT_ROLES = {Role.CLERK, Role.REVIEWER}


def evidence_names(spec: s.CampaignSpec) -> dict[str, str]:
    """What each evidence kind of ``spec`` is called on a page (issue 15.9: no internal
    codes shown): the form's photo and video fields by their labels (joined with 、 when
    several share the kind), each material of the checklist by its name, and ``other``
    as 其他佐证材料. Input: a campaign's specification; output: ``{code: name}``."""
    labels: dict[str, list[str]] = {}
    for f in spec.form.all_fields():
        if f.effective_type in ("photo", "video"):
            labels.setdefault(f.effective_type, []).append(f.label)
    # Two photo fields (seed 003: 工作照, 证件照) share the kind: both labels are named.
    names = {kind: "、".join(found) for kind, found in labels.items()}
    names.update({m.code: m.name for m in spec.materials})
    names.setdefault("other", _("其他佐证材料"))
    return names


@dataclass(frozen=True)
class UnsavedValue:
    """A value the clerk typed that a save refused (issue 15.1).

    ``field`` is the form's field name (``id_number``, ``honours__0__year``), ``label``
    what the clerk reads, ``value`` the text as typed (a list for multiple choices), and
    ``message`` the reason in Chinese. ``notice`` is the sentence the page shows.
    """

    field: str
    label: str
    value: Any
    message: str

    @property
    def notice(self) -> str:
        return _("%(label)s未保存：%(reason)s") % {"label": self.label, "reason": self.message}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def unsaved_values(nomination: Nomination) -> list[UnsavedValue]:
    """What the last save of ``nomination`` refused and the clerk has not yet fixed, in
    form order (empty when everything typed was saved). Decrypts ``Nomination.unsaved``."""
    if not nomination.unsaved or isinstance(nomination.unsaved, Undecryptable):
        return []
    return [UnsavedValue(**item) for item in json.loads(nomination.unsaved)]


def nominations_visible_to(user: User) -> QuerySet[Nomination]:
    """Nominations the user may see.

    - campaign office, leading group, finance: every nomination of their campaigns;
    - clerks and reviewers: nominations whose workplace or nominating unit lies in their
      jurisdiction (a clerk sees only her unit's subtree);
    - anyone: nominations they created;
    - platform admins and auditors: none (三权分立: they administer, they do not read).
    """
    if not memberships_of(user):
        return Nomination.objects.none()
    condition = Q(created_by=user)
    campaign_ids = office_campaign_ids(user)
    if campaign_ids:
        condition |= Q(campaign_id__in=campaign_ids)
    for path in scope_paths(user, UNIT_ROLES):
        condition |= Q(workplace__path__startswith=path) | Q(nominating_unit__path__startswith=path)
    return Nomination.objects.filter(condition).select_related(
        "campaign", "award", "nominating_unit", "workplace"
    )


#: What a row of a nomination list (the page, the API's list) reads of a nomination:
#: nothing encrypted, no narrative, no JSON but what the row shows.
LIST_ROW_FIELDS = (
    "id",
    "campaign",
    "award",
    "nominating_unit",
    "workplace",
    "created_by",
    "channel",
    "name",
    "state",
    "level",
    "level_ready",
    "review_round",
    "rank",
    "eligibility_status",
    "submitted_at",
    "created_at",
    "updated_at",
)


def list_rows(nominations: QuerySet[Nomination]) -> QuerySet[Nomination]:
    """``nominations`` (from :func:`nominations_visible_to`) loaded for a list page: the
    :data:`LIST_ROW_FIELDS` only (no decryption), award and units joined, and the
    campaigns in one query of their own, one object each shared by their rows, instead of
    joined to every row (each copy decoding the campaign's whole specification: the
    difference between 60 and 300 ms for 50 rows). One query more than the plain
    queryset, whatever the number of rows; reading another field costs a query per row.
    """
    return (
        nominations.select_related(None)
        .select_related("award", "nominating_unit", "workplace")
        .prefetch_related("campaign")
        .only(*LIST_ROW_FIELDS)
    )


def nomination_for(user: User, pk: int) -> Nomination | None:
    """One nomination if visible to ``user``, else None (callers answer 404)."""
    return nominations_visible_to(user).filter(pk=pk).first()


def clerk_worklist(user: User) -> list[Nomination]:
    """The drafts and the nominations returned for correction (退回修改) that wait for
    ``user`` as clerk: those of the units where the user is a clerk (their subtrees) and
    those the user created, in campaigns still taking edits (not decided, not archived:
    campaigns.lifecycle), returned ones first, then by last change (oldest first).
    Campaign, award, nominating unit and workplace are loaded; one query."""
    paths = scope_paths(user, {Role.CLERK})
    if not paths and not memberships_of(user):
        return []
    condition = Q(created_by=user)
    for path in paths:
        condition |= Q(workplace__path__startswith=path) | Q(nominating_unit__path__startswith=path)
    rows = (
        Nomination.objects.filter(
            condition, state__in=NominationState.EDITABLE, campaign__decided_at__isnull=True
        )
        .exclude(campaign__state=CampaignState.CLOSED)
        .select_related("campaign", "award", "nominating_unit", "workplace")
        .order_by("updated_at", "id")
    )
    return sorted(rows, key=lambda n: n.state != NominationState.RETURNED)


def live_nominations(campaign: Campaign) -> QuerySet[Nomination]:
    """Nominations of ``campaign`` that still count (not withdrawn, rejected, revoked)."""
    return Nomination.objects.filter(campaign=campaign, state__in=NominationState.LIVE)


def screen_nominations(
    campaign: Campaign, *, nominations: QuerySet[Nomination] | None = None
) -> dict[int, tuple[str, list[RuleResult]]]:
    """The eligibility of many nominations of ``campaign`` evaluated now against its
    specification and the laureate registry as they stand (the stored
    ``Nomination.eligibility`` is not changed).

    Args:
        nominations: a subset of the campaign's nominations (default: the live ones).
    Returns:
        ``{nomination pk: (overall status, results)}`` (eligibility.evaluate_many).
        Queries: the nominations with their award and unit, their overrides, the registry
        entries of their ID numbers and the organization tree around their units: five,
        whatever their number.
    """
    qs = (live_nominations(campaign) if nominations is None else nominations).filter(
        campaign=campaign
    )
    rows = list(qs.select_related("award", "nominating_unit").order_by("pk"))
    overrides: dict[int, set[str]] = defaultdict(set)
    chosen = EligibilityOverride.objects.filter(nomination__in=qs.values("pk"))
    for pk, code in chosen.values_list("nomination_id", "rule_code"):
        overrides[pk].add(code)
    registry: dict[str, list[PastAwardee]] = defaultdict(list)
    people = qs.exclude(id_index="").values("id_index")
    for entry in PastAwardee.objects.filter(id_index__in=people).order_by("pk"):
        registry[entry.id_index].append(entry)
    spec = campaign.specification
    tree = OrgIndex.around([n.nominating_unit for n in rows], spec)
    return evaluate_many(rows, spec, overrides=overrides, registry=registry, tree=tree)


#: Fields every summary-sheet row carries (:func:`summary_sheet_rows` with ``fields``):
#: its campaign, award, units and author, which the award grouping and the permission
#: predicates (``nominations.rules``) read. The order needs no field fetched.
SUMMARY_ROW_FIELDS = ("campaign", "award", "nominating_unit", "workplace", "created_by")


def _summary_sheet_scope(campaign: Campaign, unit_ids: list[int] | None) -> QuerySet[Nomination]:
    qs = Nomination.objects.filter(campaign=campaign).exclude(
        state__in=[NominationState.DRAFT, *NominationState.FINAL]
    )
    return qs if unit_ids is None else qs.filter(nominating_unit_id__in=unit_ids)


def summary_sheet_count(campaign: Campaign, *, unit_ids: list[int] | None = None) -> int:
    """How many rows :func:`summary_sheet_rows` gives for the same arguments (one query)."""
    return _summary_sheet_scope(campaign, unit_ids).count()


def summary_sheet_rows(
    campaign: Campaign,
    *,
    unit_ids: list[int] | None = None,
    fields: Iterable[str] | None = None,
) -> list[Nomination]:
    """Submitted nominations for the summary sheet (汇总表), ordered by nominating unit,
    award, then the unit's rank (排序) and submission time; award, nominating unit and
    workplace loaded with them.

    ``fields`` limits what is fetched of each nomination to those fields, besides the ones
    the order, the award grouping and the permission predicates read (issue 17.4: the
    summary sheet of 10,000 nominations need not decrypt or decode what it does not
    print), and loads the awards and the units (nominating units and workplaces) in a
    query each, shared by the rows (three queries in all); reading another field then
    costs a query per nomination. None fetches every field, with the awards and units
    joined (one query; the campaign's file renders each nomination's form from these
    rows)."""
    qs = (
        _summary_sheet_scope(campaign, unit_ids)
        .select_related("award", "nominating_unit", "workplace")
        .order_by("nominating_unit__path", "award__position", "rank", "submitted_at", "id")
    )
    if fields is None:
        return list(qs)
    # Thousands of rows share a few awards and units: one query each, one object each,
    # instead of three objects built per row; set on the rows directly (what
    # prefetch_related does, without its per-row bookkeeping: 5% of a 10,000-row sheet).
    rows = _loaded_as_only(qs.select_related(None), {*SUMMARY_ROW_FIELDS, *fields})
    awards = Award.objects.in_bulk({row.award_id for row in rows})
    units = OrgUnit.objects.in_bulk(
        {unit for row in rows for unit in (row.nominating_unit_id, row.workplace_id)} - {None}
    )
    relations = (
        (Nomination.award.field, awards),
        (Nomination.nominating_unit.field, units),
        (Nomination.workplace.field, units),
    )
    for row in rows:
        for field, pool in relations:
            field.set_cached_value(row, pool.get(getattr(row, field.attname)))
    return rows


def _loaded_as_only(qs: QuerySet[Nomination], fields: set[str]) -> list[Nomination]:
    """The nominations of ``qs`` with only ``fields`` (and the id) loaded, the others
    deferred: what ``qs.only(*fields)`` gives, built from one ``values_list``.

    Why: Django's ``from_db`` passes a deferred instance's 61 columns through
    ``Model.__init__``; without that the fetch of a 10,000-row summary sheet took 0.32 s
    instead of 0.50 s (issue 17.4, docs/benchmarks.md). Each instance is made as Django's
    unpickling makes one (``Model.__new__``, then its ``__dict__``, with a ``_state``
    marking it as loaded from the database); Nomination has no ``pre_init`` or
    ``post_init`` receivers to miss (the test asserts it). Reading a field not fetched
    costs a query, as with ``only``."""
    names = [
        f.attname for f in Nomination._meta.concrete_fields if f.name in fields or f.primary_key
    ]
    db = qs.db
    rows = []
    for values in qs.values_list(*names):
        row = Nomination.__new__(Nomination)
        state = ModelState()
        state.adding, state.db = False, db
        row.__dict__.update(zip(names, values, strict=True), _state=state)
        rows.append(row)
    return rows


def id_number_warning(nomination: Nomination) -> str:
    """The note a reviewer sees on an ID number whose area code the code tables do not list
    for the birth year (:func:`validators.id_area_warning`), or ""."""
    number = nomination.id_number or ""
    if len(number) != 18:
        return ""
    return id_area_warning(number)


def channels_open_to(user: User, campaign: Campaign) -> list[s.Channel]:
    """The channels through which ``user``, as a clerk, may start nominations of
    ``campaign``, in the specification's order: a channel received at intake units
    where the user is a clerk (seed 003 四(三): 个人自荐 received by 威海市总工会); the
    social organizations' channel for a clerk of a social organization (seed 003
    二(二)1 社团推荐), the units' channel for a clerk of another unit; a self-nomination
    channel without intake for every clerk. Empty when the user is no clerk."""
    units = [m.org_unit for m in memberships_of(user) if m.role == Role.CLERK]
    codes = {u.code for u in units}
    societies = any(u.kind == "social_org" for u in units)
    others = any(u.kind != "social_org" for u in units)

    def open_to(channel: s.Channel) -> bool:
        if channel.intake:
            return bool(codes & set(channel.intake))
        if channel.kind == "social_org":
            return societies
        if channel.kind == "unit":
            return others
        return bool(units)

    return [c for c in campaign.specification.channels if open_to(c)]
