"""Predicates about roles, shared by the other apps' rules."""

import rules

from .enums import Role
from .selectors import roles_of


@rules.predicate
def is_platform_admin(user) -> bool:
    return Role.PLATFORM_ADMIN in roles_of(user)


@rules.predicate
def is_auditor(user) -> bool:
    return Role.AUDITOR in roles_of(user)


rules.add_perm("core.view_auditentry", is_auditor)
