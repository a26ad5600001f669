"""Site-inspection pages (campaign office): scheduling, recording with a photo, the
campaign list, and 404 for another campaign's office."""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jiangxuan.experts import services, services_inspections
from jiangxuan.experts.enums import MemberRole, RelationshipKind
from jiangxuan.experts.models import (
    ExpertRelationship,
    InspectionPhoto,
    InspectionState,
    PanelMember,
    SiteInspection,
)
from jiangxuan.nominations.tests.conftest import png_bytes

from ..draw_setup import ExpertFactory, nominee, office_of


@pytest.fixture
def jiaozuo(seed_campaign):
    return seed_campaign("002")


@pytest.fixture
def office(jiaozuo):
    return office_of(jiaozuo)


@pytest.fixture
def stranger(seed_campaign):
    """The office of another campaign (seed 003)."""
    return office_of(seed_campaign("003"))


@pytest.fixture
def target(jiaozuo):
    return nominee(jiaozuo, workplace="jz-dfd", nominating_unit="jz-zhongzhan-union", name="张立新")


@pytest.fixture
def members(jiaozuo, office, target):
    ExpertFactory.create_batch(6)
    panel = services.create_panel(jiaozuo, name="综合评审组", size=3, reserves=1, actor=office)
    services.draw_panel(
        panel, seed="掷骰 2 6", seed_source="现场掷骰", witnesses=["王某"], actor=office
    )
    return list(
        PanelMember.objects.filter(panel=panel)
        .exclude(role=MemberRole.RESERVE)
        .select_related("expert", "panel")
    )


def _post_schedule(client, members, target, inspectors):
    return client.post(
        reverse("experts:panel_inspections", args=[members[0].panel_id]),
        {
            "nomination": target.pk,
            "scheduled_for": "2026-12-03T09:30",
            "place": "焦作市中站区工业园",
            "inspectors": [m.pk for m in inspectors],
        },
    )


def test_schedule_page_creates_inspection(client, office, members, target):
    client.force_login(office)

    response = _post_schedule(client, members, target, members[:2])

    assert response.status_code == 302
    inspection = SiteInspection.objects.get()
    assert inspection.nomination == target
    assert inspection.scheduled_for.isoformat() == "2026-12-03T01:30:00+00:00"
    page = client.get(
        reverse("experts:campaign_inspections", args=[members[0].panel.campaign.code])
    )
    assert "张立新" in page.content.decode()
    assert "焦作市中站区工业园" in page.content.decode()


def test_schedule_page_conflicted_inspector_shows_chinese_error(client, office, members, target):
    ExpertRelationship.objects.create(
        expert=members[0].expert, kind=RelationshipKind.MENTOR, nomination=target
    )
    client.force_login(office)

    response = _post_schedule(client, members, target, members[:2])

    assert response.status_code == 400
    assert "须回避，不能参加考察" in response.content.decode()
    assert not SiteInspection.objects.exists()


def test_record_page_saves_outcome_and_photo(client, office, members, target):
    inspection = services_inspections.schedule_inspection(
        members[0].panel,
        target,
        scheduled_for=datetime(2026, 12, 3, 9),
        place="车间",
        inspectors=members[:1],
        actor=office,
    )
    client.force_login(office)
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")

    response = client.post(
        reverse("experts:inspection_record", args=[inspection.panel_id, inspection.pk]),
        {"findings": "现场演示合格", "outcome": "fail", "photos": [photo]},
    )

    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DONE
    assert inspection.get_outcome_display() == "考察未通过"
    assert InspectionPhoto.objects.filter(inspection=inspection).count() == 1


def test_inspection_pages_other_campaign_office_404(client, stranger, office, members, target):
    inspection = services_inspections.schedule_inspection(
        members[0].panel,
        target,
        scheduled_for=datetime(2026, 12, 3, 9),
        place="车间",
        inspectors=members[:1],
        actor=office,
    )
    client.force_login(stranger)
    panel_id = inspection.panel_id

    assert client.get(reverse("experts:panel_inspections", args=[panel_id])).status_code == 404
    assert (
        client.get(reverse("experts:inspection_record", args=[panel_id, inspection.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("experts:inspection_cancel", args=[panel_id, inspection.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("experts:campaign_inspections", args=[members[0].panel.campaign.code])
        ).status_code
        == 404
    )
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SCHEDULED
