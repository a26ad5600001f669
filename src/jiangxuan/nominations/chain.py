"""Reads about a nomination's review chain: its levels and the bodies that sign at each.

The chain comes from the campaign specification (``review_chain.levels``); the bodies are
found in the organization tree from the nomination's workplace and nominating unit:

- ``workplace``: the workplace itself; ``workplace_union``: the workplace's own union
  (a child of kind union), else the workplace;
- ``nominating_unit``: the nomination's nominating unit;
- ``union`` / ``hr_bureau`` at a county, city or province level: the area body of that kind
  (``governs_region``) of the region at that level above the workplace, or the nominating
  unit itself where no region lies at that level (a unit reporting directly upwards);
- at level ``nominating_unit`` a ``union``/``hr_bureau`` signer means the nominating unit's
  area body of that kind (seed 003: 区（市）总工会 and 人社局 sign together).

Levels marked ``skipped_by_direct`` are skipped for units of a ``direct`` category
(seed 001 三(一)3: SOEs and 技工院校 submit straight to the city).
"""

from __future__ import annotations

from typing import Any

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit
from jiangxuan.accounts.selectors import memberships_of
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.selectors import category_of

AREA_LEVELS = ("county", "city", "province")
SIGNING_ROLES = {Role.REVIEWER, Role.CLERK}


def levels_for(nomination: Any) -> list[s.ReviewLevel]:
    """The levels this nomination passes through, in order."""
    spec = nomination.campaign.specification
    unit = nomination.nominating_unit
    category = category_of(unit, spec) if unit is not None else None
    direct = bool(category and category.direct)
    return [lv for lv in spec.review_chain.levels if not (direct and lv.skipped_by_direct)]


def level_named(nomination: Any, code: str) -> s.ReviewLevel | None:
    """The level ``code`` of this nomination's chain, or None."""
    return next((lv for lv in levels_for(nomination) if lv.code == code), None)


def next_level(nomination: Any, code: str) -> s.ReviewLevel | None:
    """The level after ``code``, or None when ``code`` is the last."""
    levels = levels_for(nomination)
    codes = [lv.code for lv in levels]
    index = codes.index(code)
    return levels[index + 1] if index + 1 < len(levels) else None


def _region_at(unit: OrgUnit, level: str) -> OrgUnit | None:
    for node in [unit, *reversed(OrgUnit.objects.get_ancestors(unit))]:
        if node.kind == "region" and node.level == level:
            return node
    return None


def _area_body(region: OrgUnit | None, kind: str) -> OrgUnit | None:
    if region is None:
        return None
    return OrgUnit.objects.get_children(region).filter(kind=kind, governs_region=True).first()


def body_for(nomination: Any, level: s.ReviewLevel, signer: str) -> OrgUnit | None:
    """The organization that signs for ``signer`` at ``level``, or None if the tree has none."""
    workplace = nomination.workplace or nomination.nominating_unit
    unit = nomination.nominating_unit or workplace
    if signer == "workplace":
        return workplace
    if signer == "workplace_union":
        union = OrgUnit.objects.get_children(workplace).filter(kind="union").first()
        return union or workplace
    if signer == "nominating_unit":
        return unit
    if signer in ("union", "hr_bureau"):
        if level.level in AREA_LEVELS:
            region = _region_at(workplace, level.level)
            # A unit reporting straight to a higher level (seed 000 省直机关工会) has no
            # area at this level: it signs for the level itself.
            return _area_body(region, signer) if region is not None else unit
        if unit is not None and unit.kind == signer:
            return unit
        parent = OrgUnit.objects.get_parent(unit) if unit is not None else None
        return (
            _area_body(parent, signer) if parent is not None and parent.kind == "region" else unit
        )
    if signer == "government":
        region = _region_at(workplace, level.level) if level.level in AREA_LEVELS else None
        return _area_body(region, "government") if region else None
    return None


def bodies_at(nomination: Any, level: s.ReviewLevel) -> list[tuple[str, OrgUnit | None]]:
    """(signer, body) for every signer the chain names at ``level``."""
    return [(signer, body_for(nomination, level, signer)) for signer in level.signers]


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
