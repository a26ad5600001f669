"""Reads about a nomination's review chain: its levels and the bodies that sign at each.

The chain comes from the campaign specification (``review_chain.levels``); the bodies are
found in the organization tree from the nomination's workplace and nominating unit:

- ``workplace``: the workplace itself; ``workplace_union``: the workplace's own union
  (a child of kind union), else the workplace;
- ``nominating_unit``: the nomination's nominating unit;
- ``union`` / ``hr_bureau`` at a county, city or province level: the area body of that kind
  (``governs_region``) of the region at that level above the workplace, or the nominating
  unit itself where no region lies at that level (a unit reporting directly upwards);
- ``union`` / ``hr_bureau`` / ``government`` at a ``subdistrict`` level (街道, 乡镇, 产业功能区,
  园区 below the county): the area body of that kind of the subdistrict region above the
  workplace (街道总工会, 园区工会);
- at level ``nominating_unit`` a ``union``/``hr_bureau`` signer means the nominating unit's
  area body of that kind (seed 003: 区（市）总工会 and 人社局 sign together).

Levels marked ``skipped_by_direct`` are skipped for units of a ``direct`` category
(seed 001 三(一)3: SOEs and 技工院校 submit straight to the city). A ``subdistrict`` level
is skipped for a workplace under no subdistrict region (an enterprise directly under the
county): it has no body there. A subdistrict region without its union is not skipped: that
is a gap in the tree, shown as a level nobody signs, never a review silently left out.

The rules read the tree through an :class:`OrgTree`: by default :data:`DATABASE`, a few
queries per call; for many nominations at once, an :class:`OrgIndex` holds the tree
around them in memory (two queries in all), so a page listing them stays N+1-safe.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol

from django.db.models import F, Q
from django.db.models.functions import Substr
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit
from jiangxuan.accounts.selectors import memberships_of
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.selectors import category_of, within_roots_of

AREA_LEVELS = ("county", "city", "province")
#: Levels below the county; a nomination whose workplace lies in no region at such a level
#: skips it.
SUBCOUNTY_LEVELS = ("subdistrict",)
#: Area bodies the chain may name below a region or a workplace.
AREA_BODY_KINDS = ("union", "hr_bureau", "government")
SIGNING_ROLES = {Role.REVIEWER, Role.CLERK}


# --------------------------------------------------------------------------- the tree


class OrgTree(Protocol):
    """The reads of the organization tree that the chain's rules make."""

    def ancestors(self, unit: OrgUnit) -> list[OrgUnit]:
        """The unit's ancestors, root first."""
        ...

    def parent(self, unit: OrgUnit) -> OrgUnit | None:
        """The unit's parent, or None for a root."""
        ...

    def child(self, unit: OrgUnit, kind: str, *, area_body: bool = False) -> OrgUnit | None:
        """The first child (tree order) of ``kind``; an area body (``governs_region``) when
        asked."""
        ...

    def category_of(self, unit: OrgUnit, spec: s.CampaignSpec) -> s.UnitCategory | None:
        """The nominating-unit category of ``unit`` (campaigns.selectors.category_of)."""
        ...


#: Reads of the tree remembered inside :func:`tree_snapshot`, else None.
_SNAPSHOT: ContextVar[dict[tuple, Any] | None] = ContextVar("jx_tree_snapshot", default=None)


@contextmanager
def tree_snapshot() -> Iterator[None]:
    """Within the block, :data:`DATABASE` remembers what it reads of the organization tree
    (ancestors, parents, children, the ``within`` roots of a specification), so that a
    service working through many nominations — forwarding a batch, the demo taking five
    campaigns to their decisions — asks the database once per unit instead of once per
    nomination and signer. Saving or deleting an organization unit in the block forgets
    everything remembered; leaving the block too. Nested blocks share the outer one's."""
    if _SNAPSHOT.get() is not None:
        yield
        return
    token = _SNAPSHOT.set({})
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


@receiver([post_save, post_delete], sender=OrgUnit)
def _forget_tree(**_kwargs: Any) -> None:
    memo = _SNAPSHOT.get()
    if memo is not None:
        memo.clear()


def _remembered[T](key: tuple, read: Callable[[], T]) -> T:
    memo = _SNAPSHOT.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


class DatabaseTree:
    """The tree read from the database at each call (once per unit inside
    :func:`tree_snapshot`)."""

    def ancestors(self, unit: OrgUnit) -> list[OrgUnit]:
        """The unit's ancestors, root first (one query)."""
        return _remembered(
            ("ancestors", unit.path), lambda: list(OrgUnit.objects.get_ancestors(unit))
        )

    def parent(self, unit: OrgUnit) -> OrgUnit | None:
        """The unit's parent, or None for a root."""
        return _remembered(("parent", unit.path), lambda: OrgUnit.objects.get_parent(unit))

    def child(self, unit: OrgUnit, kind: str, *, area_body: bool = False) -> OrgUnit | None:
        """The first child of ``kind`` (an area body when asked; one query)."""

        def read() -> OrgUnit | None:
            children = OrgUnit.objects.get_children(unit).filter(kind=kind)
            return (children.filter(governs_region=True) if area_body else children).first()

        return _remembered(("child", unit.path, kind, area_body), read)

    def category_of(self, unit: OrgUnit, spec: s.CampaignSpec) -> s.UnitCategory | None:
        """The unit's nominating-unit category (a query per ``within`` match; inside a
        snapshot one query per specification for its ``within`` roots)."""
        if _SNAPSHOT.get() is None:
            return category_of(unit, spec)
        codes = tuple(sorted({c for cat in spec.unit_categories for c in cat.match.within}))
        roots = _remembered(("within", codes), lambda: within_roots_of([spec]))
        return category_of(unit, spec, roots=roots)


#: The default tree of the rules below.
DATABASE = DatabaseTree()


class OrgIndex:
    """Organization units held in memory, with the reads of :class:`OrgTree`.

    Built from the given units (workplaces, nominating units), every ancestor of those, and
    the unions, HR bureaus and governments directly below any of them, plus the roots named
    by the specification's ``within`` matches: enough for the chain of every nomination
    whose workplace and nominating unit are among the units.
    """

    def __init__(self, units: Iterable[OrgUnit], roots: Mapping[str, OrgUnit]):
        self.by_path = {unit.path: unit for unit in units}
        self.children: dict[str, list[OrgUnit]] = defaultdict(list)
        for unit in sorted(self.by_path.values(), key=lambda u: u.path):
            self.children[unit.path[: -OrgUnit.steplen]].append(unit)
        self.roots = roots

    @classmethod
    def around(cls, units: Iterable[OrgUnit | None], spec: s.CampaignSpec) -> OrgIndex:
        """Two queries: the tree around ``units`` and the specification's ``within`` roots."""
        return cls.around_all(units, [spec])

    @classmethod
    def around_all(
        cls, units: Iterable[OrgUnit | None], specs: Iterable[s.CampaignSpec]
    ) -> OrgIndex:
        """:meth:`around` for nominations of several campaigns: two queries, the tree
        around ``units`` and the ``within`` roots of all ``specs``."""
        step = OrgUnit.steplen
        prefixes = {
            unit.path[:end]
            for unit in units
            if unit is not None
            for end in range(step, len(unit.path) + 1, step)
        }
        rows = (
            list(
                OrgUnit.objects.annotate(parent_path=Substr("path", 1, (F("depth") - 1) * step))
                .filter(
                    Q(path__in=prefixes)
                    | Q(parent_path__in=prefixes, kind__in=AREA_BODY_KINDS, depth__gt=1)
                )
                .order_by("path")
            )
            if prefixes
            else []
        )
        return cls(rows, within_roots_of(specs))

    def ancestors(self, unit: OrgUnit) -> list[OrgUnit]:
        """The unit's ancestors, root first."""
        step = OrgUnit.steplen
        paths = (unit.path[:end] for end in range(step, len(unit.path), step))
        return [self.by_path[path] for path in paths if path in self.by_path]

    def parent(self, unit: OrgUnit) -> OrgUnit | None:
        """The unit's parent, or None for a root."""
        return self.by_path.get(unit.path[: -OrgUnit.steplen])

    def child(self, unit: OrgUnit, kind: str, *, area_body: bool = False) -> OrgUnit | None:
        """The first child (tree order) of ``kind``; an area body when asked."""
        return next(
            (
                c
                for c in self.children.get(unit.path, [])
                if c.kind == kind and (c.governs_region or not area_body)
            ),
            None,
        )

    def category_of(self, unit: OrgUnit, spec: s.CampaignSpec) -> s.UnitCategory | None:
        """The unit's nominating-unit category, with the ``within`` roots held here."""
        return category_of(unit, spec, roots=self.roots)


# --------------------------------------------------------------------------- the rules


def levels_for(nomination: Any, *, tree: OrgTree = DATABASE) -> list[s.ReviewLevel]:
    """The levels this nomination passes through, in order: the specification's chain
    without the levels its direct category skips (``skipped_by_direct``), without the
    sub-county levels where its workplace lies in no region of that level, and, for a
    channel received at an intake point, from its ``starts_at`` level on
    (campaigns.spec.Channel)."""
    spec = nomination.campaign.specification
    unit = nomination.nominating_unit
    category = tree.category_of(unit, spec) if unit is not None else None
    direct = bool(category and category.direct)
    workplace = nomination.workplace or unit
    levels = [
        lv
        for lv in spec.review_chain.levels
        if not (direct and lv.skipped_by_direct)
        and (
            lv.level not in SUBCOUNTY_LEVELS
            or (workplace is not None and _region_at(workplace, lv.level, tree) is not None)
        )
    ]
    channel = next((c for c in spec.channels if c.code == nomination.channel), None)
    if channel is not None and channel.starts_at is not None:
        codes = [lv.code for lv in levels]
        if channel.starts_at in codes:
            levels = levels[codes.index(channel.starts_at) :]
    return levels


def level_named(nomination: Any, code: str, *, tree: OrgTree = DATABASE) -> s.ReviewLevel | None:
    """The level ``code`` of this nomination's chain, or None."""
    return next((lv for lv in levels_for(nomination, tree=tree) if lv.code == code), None)


def next_level(nomination: Any, code: str) -> s.ReviewLevel | None:
    """The level after ``code``, or None when ``code`` is the last."""
    levels = levels_for(nomination)
    codes = [lv.code for lv in levels]
    index = codes.index(code)
    return levels[index + 1] if index + 1 < len(levels) else None


def _region_at(unit: OrgUnit, level: str, tree: OrgTree) -> OrgUnit | None:
    for node in [unit, *reversed(tree.ancestors(unit))]:
        if node.kind == "region" and node.level == level:
            return node
    return None


def _area_body(region: OrgUnit | None, kind: str, tree: OrgTree) -> OrgUnit | None:
    return tree.child(region, kind, area_body=True) if region is not None else None


def body_for(
    nomination: Any, level: s.ReviewLevel, signer: str, *, tree: OrgTree = DATABASE
) -> OrgUnit | None:
    """The organization that signs for ``signer`` at ``level``, or None if the tree has none."""
    workplace = nomination.workplace or nomination.nominating_unit
    unit = nomination.nominating_unit or workplace
    if workplace is None:
        return None
    if signer == "workplace":
        return workplace
    if signer == "workplace_union":
        return tree.child(workplace, "union") or workplace
    if signer == "nominating_unit":
        return unit
    if level.level in SUBCOUNTY_LEVELS:
        # No fallback to the nominating unit: a workplace under no street or park skips
        # the level (levels_for).
        return _area_body(_region_at(workplace, level.level, tree), signer, tree)
    if signer in ("union", "hr_bureau"):
        if level.level in AREA_LEVELS:
            region = _region_at(workplace, level.level, tree)
            # A unit reporting straight to a higher level (seed 000 省直机关工会) has no
            # area at this level: it signs for the level itself.
            return _area_body(region, signer, tree) if region is not None else unit
        if unit.kind == signer:
            return unit
        parent = tree.parent(unit)
        if parent is not None and parent.kind == "region":
            return _area_body(parent, signer, tree)
        return unit
    if signer == "government" and level.level in AREA_LEVELS:
        return _area_body(_region_at(workplace, level.level, tree), "government", tree)
    return None


def bodies_at(
    nomination: Any, level: s.ReviewLevel, *, tree: OrgTree = DATABASE
) -> list[tuple[str, OrgUnit | None]]:
    """(signer, body) for every signer the chain names at ``level``."""
    return [(signer, body_for(nomination, level, signer, tree=tree)) for signer in level.signers]


def required_bodies(nomination: Any, level: s.ReviewLevel) -> set[int]:
    """Ids of the distinct bodies whose approval completes ``level``; a body named for two
    signers (a workplace without its own union) signs once."""
    return {body.id for _signer, body in bodies_at(nomination, level) if body is not None}


def signing_units(user: Any) -> set[int]:
    """Ids of the organizations a user may sign for (reviewers and clerks of that unit)."""
    return {m.org_unit_id for m in memberships_of(user) if m.role in SIGNING_ROLES}


def signers_for_user(nomination: Any, user: Any) -> list[tuple[str, OrgUnit]]:
    """The (signer, body) pairs of the current level that ``user`` may sign for."""
    level = level_named(nomination, nomination.level)
    if level is None:
        return []
    units = signing_units(user)
    return [(sg, body) for sg, body in bodies_at(nomination, level) if body and body.id in units]


def other_level_of(nomination: Any, user: Any) -> s.ReviewLevel | None:
    """The level of the chain where ``user`` signs, when it is not the current one (the
    city while the county is pending); None when the user signs here or nowhere."""
    current = level_named(nomination, nomination.level)
    if current is None:
        return None
    units = signing_units(user)
    if {body.id for _sg, body in bodies_at(nomination, current) if body} & units:
        return None
    for level in levels_for(nomination):
        if (
            level.code != current.code
            and {body.id for _sg, body in bodies_at(nomination, level) if body} & units
        ):
            return level
    return None
