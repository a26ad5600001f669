"""Issue 16.3 (part): the Django admin shows no TOTP key and no expert phone, and every
admin write enters the audit chain."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxuan.accounts.models import User
from jiangxuan.core.audit import verify_audit_chain
from jiangxuan.core.models import AuditEntry, HolidayYear
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
