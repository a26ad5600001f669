"""The decisions services refuse a wrong role themselves (issue 11.3: views and the API
declare, services enforce), whatever path calls them: the leading group reads but does not
act, another campaign's office and a clerk do nothing, finance only downloads payments."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions import selectors, services
from jiangxuan.decisions.models import ApprovalList, AuthoritySubmission

from .conftest import MEETING, user_with_role

pytestmark = pytest.mark.django_db

WRONG_ROLES = {
    "leading_group": ("jz-union", Role.LEADING_GROUP, True),
    "finance": ("jz-union", Role.FINANCE, True),
    "other_office": ("cc-hrss", Role.CAMPAIGN_OFFICE, False),
    "clerk": ("jz-jiefang-union", Role.CLERK, False),
}


def _wrong(campaign, role: str):
    unit, kind, tied = WRONG_ROLES[role]
    return user_with_role(unit, kind, campaign=campaign if tied else None)


def _calls(campaign, award, noms, draft, approved, decision):
    ids = [n.pk for n in noms[:2]]
    return {
        "propose_list": lambda u: services.propose_list(campaign, award, nominations=ids, actor=u),
        "update_entries": lambda u: services.update_entries(draft, nominations=ids, actor=u),
        "approve_list": lambda u: services.approve_list(draft, actor=u, **MEETING),
        "revise_list": lambda u: services.revise_list(
            approved, nominations=ids, reason="复核", actor=u
        ),
        "submit_to_authority": lambda u: services.submit_to_authority(
            campaign, submitted_on=dt.date(2018, 9, 5), actor=u
        ),
        "record_authority_decision": lambda u: services.record_authority_decision(
            AuthoritySubmission(campaign=campaign, authority="焦作市人民政府"),
            document_number="焦政〔2018〕1号",
            decided_on=dt.date(2018, 9, 6),
            actor=u,
        ),
        "publish_decision": lambda u: services.publish_decision(
            campaign,
            number="焦工发〔2018〕10号",
            title="关于命名表彰首届焦作工匠的决定",
            issued_on=dt.date(2018, 9, 10),
            actor=u,
        ),
        "issue_certificates": lambda u: services.issue_certificates(decision, actor=u),
    }


SERVICES = [
    "propose_list",
    "update_entries",
    "approve_list",
    "revise_list",
    "submit_to_authority",
    "record_authority_decision",
    "publish_decision",
    "issue_certificates",
]


@pytest.mark.parametrize("role", list(WRONG_ROLES))
@pytest.mark.parametrize("service", SERVICES)
def test_only_the_campaigns_office_acts(published, service, role):
    campaign, award, noms, office, decision = published
    approved = ApprovalList.objects.get(award=award)
    # A draft list of another award's shape would do; a fresh draft of the same award is
    # what revise_list leaves, so use one for update/approve.
    draft = ApprovalList(campaign=campaign, award=award, version=2, state="draft")
    user = _wrong(campaign, role)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied) as excinfo:
        _calls(campaign, award, noms, draft, approved, decision)[service](user)

    assert "领导小组办公室" in str(excinfo.value)
    assert AuditEntry.objects.count() == entries
    # The office itself passes the same check (the refusal is about the role).
    assert selectors.can_manage(office, campaign)


@pytest.mark.parametrize("role", ["leading_group", "other_office", "clerk"])
def test_payment_sheet_is_for_finance_and_the_office(published, role):
    campaign, _award, _noms, office, decision = published
    with pytest.raises(PermissionDenied):
        services.payment_sheet(decision, actor=_wrong(campaign, role))
    finance = _wrong(campaign, "finance")
    assert services.payment_sheet(decision, actor=finance)[1] is True
    assert services.payment_sheet(decision, actor=office)[1] is False
