"""The outbox services refuse a wrong role themselves (docs/conventions.md 8.4: views and
the API declare, services enforce): only the campaign's office edits, approves and discards
a draft; its leading group, another campaign's office, the nominee's clerk and the
platform administrator (a superuser) are refused, and nothing is written or sent."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry

from .. import services
from ..enums import OutboxState
from .conftest import office_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(changchun, submitted):
    return services.queue_message_to_nominee(
        submitted(),
        subject="请补充获奖证书扫描件",
        body="王建国同志：请于三日内补充上传获奖证书扫描件。",
        actor=office_of(changchun),
    )


def _user(role, changchun, people, seed_campaign, role_user):
    if role == "leading_group":
        return role_user(changchun.organizer_unit, Role.LEADING_GROUP, campaign=changchun)
    if role == "other_office":
        return office_of(seed_campaign("003"))
    if role == "clerk":
        return people["clerk"]
    return role_user(None, None)


CALLS = {
    "edit_outbox_message": lambda m, u: services.edit_outbox_message(
        m, subject="改后的主题", body="改后的正文。", actor=u
    ),
    "approve_outbox_message": lambda m, u: services.approve_outbox_message(m, actor=u),
    "discard_outbox_message": lambda m, u: services.discard_outbox_message(m, actor=u),
}


@pytest.mark.parametrize("role", ["leading_group", "other_office", "clerk", "superuser"])
@pytest.mark.parametrize("service", list(CALLS))
def test_only_the_campaigns_office_reviews_the_outbox(
    changchun, people, draft, seed_campaign, role_user, service, role
):
    user = _user(role, changchun, people, seed_campaign, role_user)
    entries = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied) as excinfo:
        CALLS[service](draft, user)

    assert str(excinfo.value) == "只有本活动的领导小组办公室可以审核待发邮件。"
    assert AuditEntry.objects.count() == entries
    draft.refresh_from_db()
    assert (draft.state, draft.subject) == (OutboxState.DRAFT, "请补充获奖证书扫描件")
    assert mail.outbox == []
