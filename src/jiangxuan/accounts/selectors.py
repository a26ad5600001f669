"""Reads about users' roles and the organization tree's scopes.

A membership's *jurisdiction* is the subtree its holder may see: the parent region for
the union and HR bureau of an area (``governs_region``), otherwise the unit itself.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .enums import Role
from .models import Membership, OrgUnit, User


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships with their units (and units' parents), cached on the user."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_jx_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, user__is_active=True).select_related(
                "org_unit", "campaign"
            )
        )
        user._jx_memberships = cached
    return cached


def jurisdiction_of(unit: OrgUnit) -> OrgUnit:
    """The subtree root a member of ``unit`` oversees."""
    if unit.governs_region:
        parent = OrgUnit.objects.get_parent(unit)
        if parent is not None:
            return parent
    return unit


def roles_of(user: User, *, campaign_id: int | None = None) -> set[str]:
    """Roles the user holds, optionally those valid for one campaign."""
    return {
        m.role
        for m in memberships_of(user)
        if campaign_id is None or m.campaign_id in (None, campaign_id)
    }


def has_role(user: User, role: Role, *, campaign_id: int | None = None) -> bool:
    """Whether the user holds ``role`` (for ``campaign_id`` when given)."""
    return role in roles_of(user, campaign_id=campaign_id)


def scope_paths(user: User, roles: Iterable[str]) -> list[str]:
    """Materialised paths of the jurisdictions of the user's memberships in ``roles``."""
    wanted = set(roles)
    return sorted(
        {jurisdiction_of(m.org_unit).path for m in memberships_of(user) if m.role in wanted}
    )


def path_in_scope(path: str, paths: Iterable[str]) -> bool:
    """Whether a node with ``path`` lies in any subtree rooted at ``paths``."""
    return any(path.startswith(root) for root in paths)


def units_in_scope(user: User, roles: Iterable[str]) -> QuerySet[OrgUnit]:
    """Organizations inside the user's jurisdictions for ``roles``, in tree order."""
    paths = scope_paths(user, roles)
    if not paths:
        return OrgUnit.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return OrgUnit.objects.filter(condition).order_by("path")


def unit_by_code(code: str) -> OrgUnit | None:
    """The organization with ``code``, or None."""
    return OrgUnit.objects.filter(code=code).first()
