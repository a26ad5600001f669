"""Object permissions on nominations (the ``rules`` package).

Every predicate takes (user, nomination), except ``signs_for_body`` (user, org unit) and
the forward documents' (user, ForwardDocument).
Views and the API fetch objects through ``nominations_visible_to`` first, so these decide
what a user may *do* to a visible one.
"""

import rules

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.selectors import path_in_scope, scope_paths
from jiangxuan.campaigns.rules import office_of

from .chain import bodies_at, next_level, signers_for_user, signing_units
from .enums import NominationState
from .models import ForwardDocument, Nomination


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
#: Uploading and removing a document of the body's forward (推荐报告, 汇总表): the object
#: is the body (forward_documents.add_forward_document).
rules.add_perm("nominations.add_forwarddocument", signs_for_body)


@rules.predicate
def is_forward_document_office(user, document: ForwardDocument) -> bool:
    return office_of(user, document.campaign_id)


@rules.predicate
def is_forward_document_sender(user, document: ForwardDocument) -> bool:
    return document.body_id in signing_units(user)


@rules.predicate
def receives_forward_document(user, document: ForwardDocument) -> bool:
    """The user signs for a body of the next level of a nomination the document's body
    forwarded from its level: the body that received the list with the document."""
    units = signing_units(user)
    if not units:
        return False
    forwarded = Nomination.objects.filter(
        campaign_id=document.campaign_id,
        forwardings__level=document.level,
        forwardings__body_id=document.body_id,
    ).select_related("campaign", "workplace", "nominating_unit")
    for nomination in forwarded:
        following = next_level(nomination, document.level)
        if following is None:
            continue
        if any(b is not None and b.id in units for _s, b in bodies_at(nomination, following)):
            return True
    return False


rules.add_perm(
    "nominations.view_forwarddocument",
    is_forward_document_sender | receives_forward_document | is_forward_document_office,
)
