"""Issue 16.3: the Django admin shows no TOTP key and no expert phone, every admin write
enters the audit chain, privileged roles and locked panels are refused, no one's password
is set there; grants and resets go through audited commands."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.core.audit import verify_audit_chain
from jiangxuan.core.models import AuditEntry, HolidayYear
from jiangxuan.experts.models import Draw, Panel, PanelMember
from jiangxuan.experts.tests.draw_setup import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    admin = User.objects.create_superuser(username="root", password="x" * 12)
    client = Client()
    client.force_login(admin)
    return client, admin


def test_admin_change_and_delete_are_audited(admin_client):
    client, admin = admin_client
    year = HolidayYear.objects.create(year=2031, source="国务院办公厅通知")
    url = f"/admin/core/holidayyear/{year.pk}/change/"

    changed = client.post(url, {"year": 2031, "source": "改过的来源"})
    deleted = client.post(f"/admin/core/holidayyear/{year.pk}/delete/", {"post": "yes"})

    assert (changed.status_code, deleted.status_code) == (302, 302)
    entries = AuditEntry.objects.filter(action__startswith="admin.").order_by("id")
    assert [(e.action, e.actor_id, e.object_type, e.object_id) for e in entries] == [
        ("admin.change", admin.pk, "core.holidayyear", str(year.pk)),
        ("admin.delete", admin.pk, "core.holidayyear", str(year.pk)),
    ]
    assert verify_audit_chain() is None


def test_admin_has_no_bulk_delete(admin_client):
    client, _admin = admin_client
    HolidayYear.objects.create(year=2032, source="x")

    page = client.get("/admin/core/holidayyear/")

    assert page.status_code == 200
    assert "delete_selected" not in page.content.decode()


def test_admin_shows_no_totp_key(admin_client):
    client, admin = admin_client
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)

    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    config = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/")

    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert config.status_code in (403, 404)


def test_admin_shows_no_expert_phone(admin_client):
    client, _admin = admin_client
    expert = ExpertFactory(phone="13912345678")

    page = client.get(f"/admin/experts/expert/{expert.pk}/change/")

    assert page.status_code == 200
    assert "13912345678" not in page.content.decode()
    assert "sm4gcm" not in page.content.decode()


# ------------------------------------------- issue 16.3, the rest: privileged roles, locks,
# passwords (accounts.admin, core.admin_locks, accounts.grants)


def _refusal(response) -> str:
    assert response.status_code == 403
    return response.content.decode()


@pytest.mark.parametrize("role", [Role.CAMPAIGN_OFFICE, Role.AUDITOR, Role.PLATFORM_ADMIN])
def test_admin_refuses_to_grant_a_privileged_role(admin_client, orgs, role):
    client, _admin = admin_client
    user = User.objects.create_user(username="zhang")

    page = client.post(
        "/admin/accounts/membership/add/",
        {"user": user.pk, "org_unit": orgs["cc-hrss"].pk, "role": role, "campaign": ""},
    )

    assert page.status_code == 200
    assert "jiangxuan grantrole" in page.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_admin_refuses_to_turn_a_clerk_into_an_auditor(admin_client, orgs):
    client, _admin = admin_client
    clerk = User.objects.create_user(username="li")
    membership = Membership.objects.create(
        user=clerk, org_unit=orgs["cc-huarui-machinery"], role=Role.CLERK
    )

    page = client.post(
        f"/admin/accounts/membership/{membership.pk}/change/",
        {"user": clerk.pk, "org_unit": membership.org_unit_id, "role": Role.AUDITOR},
    )

    assert page.status_code == 200
    assert "不能在后台授予" in page.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.CLERK


def test_admin_can_still_grant_an_ordinary_role(admin_client, orgs):
    client, _admin = admin_client
    user = User.objects.create_user(username="wang")

    page = client.post(
        "/admin/accounts/membership/add/",
        {"user": user.pk, "org_unit": orgs["cc-huarui-machinery"].pk, "role": Role.CLERK},
    )

    assert page.status_code == 302
    assert Membership.objects.filter(user=user, role=Role.CLERK).exists()


def test_admin_refuses_to_change_or_delete_a_privileged_membership(admin_client, orgs):
    client, _admin = admin_client
    auditor = User.objects.create_user(username="shen")
    membership = Membership.objects.create(
        user=auditor, org_unit=orgs["cc-hrss"], role=Role.AUDITOR
    )
    url = f"/admin/accounts/membership/{membership.pk}/"

    view = client.get(url + "change/")
    change = client.post(
        url + "change/", {"user": auditor.pk, "org_unit": membership.org_unit_id, "role": "clerk"}
    )
    delete = client.post(url + "delete/", {"post": "yes"})

    assert view.status_code == 200  # shown read-only
    assert 'name="role"' not in view.content.decode()
    assert "jiangxuan grantrole" in _refusal(change)
    assert "revokerole" in _refusal(delete)
    membership.refresh_from_db()
    assert membership.role == Role.AUDITOR


def test_admin_cannot_make_a_superuser_nor_deactivate_or_delete_a_privileged_user(
    admin_client, orgs
):
    client, _admin = admin_client
    clerk = User.objects.create_user(username="zhao")
    auditor = User.objects.create_user(username="qian")
    Membership.objects.create(user=auditor, org_unit=orgs["cc-hrss"], role=Role.AUDITOR)

    page = client.get(f"/admin/accounts/user/{clerk.pk}/change/")
    client.post(
        f"/admin/accounts/user/{clerk.pk}/change/",
        {
            "username": "zhao",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    auditor_page = client.get(f"/admin/accounts/user/{auditor.pk}/change/")
    delete = client.post(f"/admin/accounts/user/{auditor.pk}/delete/", {"post": "yes"})

    assert 'name="is_superuser"' not in page.content.decode()
    clerk.refresh_from_db()
    assert not clerk.is_superuser
    assert not clerk.is_staff
    assert 'name="is_active"' not in auditor_page.content.decode()
    assert "特权角色" in _refusal(delete)
    assert User.objects.filter(pk=auditor.pk).exists()


def test_admin_sets_no_password(admin_client):
    client, admin = admin_client
    other = User.objects.create_user(username="sun", password="Old-password-1")

    form = client.get(f"/admin/accounts/user/{other.pk}/password/")
    posted = client.post(
        f"/admin/accounts/user/{other.pk}/password/",
        {"password1": "Admin-chosen-1!", "password2": "Admin-chosen-1!"},
    )
    own = client.get(f"/admin/accounts/user/{admin.pk}/password/")
    add_page = client.get("/admin/accounts/user/add/")
    added = client.post("/admin/accounts/user/add/", {"username": "new", "display_name": "新人"})

    assert "jiangxuan resetpassword" in _refusal(form)
    assert "jiangxuan resetpassword" in _refusal(posted)
    assert own.status_code == 403
    other.refresh_from_db()
    assert other.check_password("Old-password-1")
    assert add_page.status_code == 200
    assert 'name="password1"' not in add_page.content.decode()
    assert added.status_code == 302
    assert not User.objects.get(username="new").has_usable_password()


def test_grantrole_and_revokerole_are_audited(orgs):
    admin = User.objects.create_superuser(username="root2", password="x" * 12)
    user = User.objects.create_user(username="zhou")
    out = io.StringIO()

    call_command(
        "grantrole",
        "zhou",
        "auditor",
        "cc-hrss",
        "--by",
        "root2",
        "--reason",
        "吉人社〔2026〕9号",
        stdout=out,
    )
    assert Membership.objects.filter(user=user, role=Role.AUDITOR).exists()
    call_command(
        "revokerole",
        "zhou",
        "auditor",
        "cc-hrss",
        "--by",
        "root2",
        "--reason",
        "任期届满",
        stdout=out,
    )

    assert not Membership.objects.filter(user=user).exists()
    grant, revoke = AuditEntry.objects.filter(action__startswith="account.role_").order_by("id")
    assert (grant.action, grant.actor_id, grant.after["role"], grant.after["reason"]) == (
        "account.role_grant",
        admin.pk,
        "auditor",
        "吉人社〔2026〕9号",
    )
    assert (revoke.action, revoke.after["reason"]) == ("account.role_revoke", "任期届满")
    assert verify_audit_chain() is None


def test_grantrole_needs_an_administrator_and_a_reason(orgs):
    User.objects.create_user(username="clerk1")
    User.objects.create_user(username="zhou")

    with pytest.raises(CommandError, match="平台管理员"):
        call_command("grantrole", "zhou", "auditor", "cc-hrss", "--by", "clerk1", "--reason", "x")
    User.objects.create_superuser(username="root3")
    with pytest.raises(CommandError, match="理由"):
        call_command("grantrole", "zhou", "auditor", "cc-hrss", "--by", "root3", "--reason", " ")
    assert not Membership.objects.exists()


def test_resetpassword_prints_a_working_password_and_audits_without_it(orgs):
    User.objects.create_superuser(username="root4")
    user = User.objects.create_user(username="wu", password="Old-password-1")
    out = io.StringIO()

    call_command("resetpassword", "wu", "--by", "root4", "--reason", "本人来电", stdout=out)

    password = out.getvalue().strip()
    user.refresh_from_db()
    assert user.check_password(password)
    entry = AuditEntry.objects.get(action="account.password_reset")
    assert entry.object_id == str(user.pk)
    assert password not in str(entry.after)


def test_a_drawn_panel_its_members_and_draw_are_locked_in_the_admin(admin_client, seed_campaign):
    client, _admin = admin_client
    campaign = seed_campaign("001")
    expert = ExpertFactory()
    panel = Panel.objects.create(campaign=campaign, name="第一评审组", size=1, state="drawn")
    member = PanelMember.objects.create(panel=panel, expert=expert, role="member", position=1)
    draw = Draw.objects.create(
        panel=panel,
        seed="42",
        seed_source="骰子",
        pool=[],
        result=[],
        algorithm="v1",
        drawn_by=_admin,
        witnesses=["纪检组 李某"],
    )
    panel_form = {"campaign": campaign.pk, "name": "改过", "size": 9, "reserves": 0, "mix": "{}"}

    refused = [
        client.post(f"/admin/experts/panel/{panel.pk}/change/", panel_form),
        client.post(f"/admin/experts/panel/{panel.pk}/delete/", {"post": "yes"}),
        client.post(f"/admin/experts/panelmember/{member.pk}/change/", {"role": "chair"}),
        client.post(f"/admin/experts/panelmember/{member.pk}/delete/", {"post": "yes"}),
        client.post(f"/admin/experts/draw/{draw.pk}/delete/", {"post": "yes"}),
    ]

    assert all("见证锁定" in _refusal(r) for r in refused)
    assert client.get("/admin/experts/draw/add/").status_code == 403
    panel.refresh_from_db()
    member.refresh_from_db()
    assert (panel.name, panel.size, member.role) == ("第一评审组", 1, "member")
    assert Draw.objects.filter(pk=draw.pk).exists()


def test_a_draft_panel_can_still_be_edited(admin_client, seed_campaign):
    client, _admin = admin_client
    campaign = seed_campaign("001")
    panel = Panel.objects.create(campaign=campaign, name="第二评审组", size=5)

    page = client.post(
        f"/admin/experts/panel/{panel.pk}/change/",
        {
            "campaign": campaign.pk,
            "name": "第二评审组（改）",
            "size": 7,
            "reserves": 0,
            "mix": "{}",
        },
    )

    assert page.status_code == 302
    panel.refresh_from_db()
    assert panel.size == 7


@pytest.mark.parametrize("model", ["approvallist", "approvalentry", "ballot", "ballotvote"])
def test_approval_lists_and_ballots_are_not_in_the_admin(admin_client, model):
    client, _admin = admin_client
    app = "decisions" if model.startswith("approval") else "experts"

    assert client.get(f"/admin/{app}/{model}/").status_code == 404
