"""API: the signed-in user (roles, units) and the organizations in the user's scope."""

from __future__ import annotations

from ninja import Field, Router, Schema

from jiangxuan.accounts.http import ApiRequest

from .api_common import ALL_ROLES, UnitRef, unit_ref
from .models import OrgUnit
from .selectors import memberships_of, units_in_scope

router = Router()


class OrgUnitOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    division_code: str
    governs_region: bool
    depth: int
    parent: str | None = Field(description="上级组织代码；上级不在本人管辖范围内时为 null")


class MembershipOut(Schema):
    role: str
    role_label: str
    unit: UnitRef
    campaign: str | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[MembershipOut]
    units: list[UnitRef]


def _parent_code(unit: OrgUnit, codes_by_path: dict[str, str]) -> str | None:
    """The parent's code when the parent is listed too; a root of the user's scope has
    None, so the answer is a forest of the jurisdictions and tells nothing outside them."""
    return codes_by_path.get(unit.path[: -OrgUnit.steplen]) if unit.depth > 1 else None


@router.get("/organizations", response=list[OrgUnitOut], summary="组织列表", tags=["组织机构"])
def list_organizations(request: ApiRequest) -> list[OrgUnitOut]:
    """本人各角色管辖范围内的组织，按组织树顺序（先父后子）。"""
    units = list(units_in_scope(request.auth, ALL_ROLES))
    codes_by_path = {u.path: u.code for u in units}
    return [
        OrgUnitOut(
            id=u.pk,
            code=u.code,
            name=u.name,
            short_name=u.short_name,
            kind=u.kind,
            kind_label=str(u.get_kind_display()),
            level=u.level,
            level_label=str(u.get_level_display()),
            division_code=u.division_code,
            governs_region=u.governs_region,
            depth=u.depth,
            parent=_parent_code(u, codes_by_path),
        )
        for u in units
    ]


@router.get("/me", response=MeOut, summary="当前用户", tags=["用户"])
def get_me(request: ApiRequest) -> MeOut:
    """当前用户的姓名、角色（所在单位、限定的评选活动）和所在单位。"""
    user = request.auth
    memberships = memberships_of(user)
    units: dict[int, UnitRef] = {}
    for m in memberships:
        units.setdefault(m.org_unit_id, unit_ref(m.org_unit))
    return MeOut(
        id=user.pk,
        username=user.get_username(),
        display_name=user.display_name or user.get_username(),
        roles=[
            MembershipOut(
                role=m.role,
                role_label=str(m.get_role_display()),
                unit=unit_ref(m.org_unit),
                campaign=m.campaign.code if m.campaign else None,
            )
            for m in memberships
        ],
        units=list(units.values()),
    )
