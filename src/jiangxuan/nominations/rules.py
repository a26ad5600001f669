"""Object permissions on nominations (the ``rules`` package).

Every predicate takes (user, nomination), except ``signs_for_body`` (user, org unit).
Views and the API fetch objects through ``nominations_visible_to`` first, so these decide
what a user may *do* to a visible one.
"""

import rules

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.selectors import path_in_scope, scope_paths
from jiangxuan.campaigns.rules import office_of

from .chain import signers_for_user, signing_units
from .enums import NominationState


@rules.predicate
def is_campaign_office(user, nomination) -> bool:
    return office_of(user, nomination.campaign_id)


@rules.predicate
def is_unit_clerk(user, nomination) -> bool:
    paths = scope_paths(user, {Role.CLERK})
    units = [u for u in (nomination.workplace, nomination.nominating_unit) if u is not None]
    return nomination.created_by_id == user.id or any(path_in_scope(u.path, paths) for u in units)


@rules.predicate
def is_editable(user, nomination) -> bool:
    return nomination.state in NominationState.EDITABLE


@rules.predicate
def is_draft(user, nomination) -> bool:
    return nomination.state == NominationState.DRAFT


rules.add_perm("nominations.change_nomination", is_unit_clerk & is_editable)
rules.add_perm("nominations.submit_nomination", is_unit_clerk & is_editable)
rules.add_perm("nominations.delete_nomination", is_unit_clerk & is_draft)
rules.add_perm("nominations.withdraw_nomination", is_unit_clerk)
rules.add_perm("nominations.override_eligibility", is_campaign_office)
rules.add_perm("nominations.view_personal_data", is_unit_clerk | is_campaign_office)


@rules.predicate
def can_sign_current_level(user, nomination) -> bool:
    return bool(signers_for_user(nomination, user))


rules.add_perm("nominations.start_review_nomination", can_sign_current_level)
rules.add_perm("nominations.return_nomination", can_sign_current_level)
rules.add_perm("nominations.reject_nomination", can_sign_current_level)
rules.add_perm("nominations.approve_nomination", can_sign_current_level)
rules.add_perm("nominations.revoke_nomination", is_campaign_office)


@rules.predicate
def signs_for_body(user, body) -> bool:
    """The user is a reviewer or clerk of ``body`` itself, and so signs and forwards for it."""
    return body is not None and body.id in signing_units(user)


#: The object is the body whose ranked list goes up (review.forward_nominations).
rules.add_perm("nominations.forward_nominations", signs_for_body)
