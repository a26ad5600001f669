"""Schemas and small helpers the apps' API modules share: a unit as a reference, the
user's home unit. Here, in the lowest app they read, so that every app's router may import
them (docs/architecture.md, "The app order")."""

from __future__ import annotations

from typing import overload

from ninja import Schema

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.accounts.selectors import memberships_of

#: Every role: "units in the user's scope" counts each membership's jurisdiction.
ALL_ROLES = tuple(Role.values)


class UnitRef(Schema):
    """A reference to an organization."""

    id: int
    code: str
    name: str


@overload
def unit_ref(unit: OrgUnit) -> UnitRef: ...
@overload
def unit_ref(unit: None) -> None: ...
@overload
def unit_ref(unit: OrgUnit | None) -> UnitRef | None: ...
def unit_ref(unit: OrgUnit | None) -> UnitRef | None:
    """``unit`` as a :class:`UnitRef` (None stays None)."""
    if unit is None:
        return None
    return UnitRef(id=unit.pk, code=unit.code, name=unit.name)


def home_unit(user: User) -> OrgUnit | None:
    """The unit the user works for, for per-unit answers (window, quotas): the first clerk
    membership's unit, else the first reviewer's, else the first membership's."""
    memberships = memberships_of(user)
    for role in (Role.CLERK, Role.REVIEWER):
        for membership in memberships:
            if membership.role == role:
                return membership.org_unit
    return memberships[0].org_unit if memberships else None
