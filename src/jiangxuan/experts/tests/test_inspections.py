"""Site inspections (实地考察, seed 004 三(三)2): scheduling with recusal, recording with
photos, cancelling and the outcomes the final list reads."""

from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from jiangxuan.core.models import AuditEntry
from jiangxuan.experts import services, services_inspections
from jiangxuan.experts.enums import MemberRole, RelationshipKind
from jiangxuan.experts.models import (
    ExpertRelationship,
    InspectionPhoto,
    InspectionState,
    PanelMember,
    SiteInspection,
)
from jiangxuan.experts.selectors_inspections import inspection_outcomes
from jiangxuan.experts.services import ExpertError
from jiangxuan.nominations.tests.conftest import png_bytes

from .draw_setup import ExpertFactory, nominee, office_of

WHEN = datetime(2026, 12, 3, 9, 30)


@pytest.fixture
def jiaozuo(seed_campaign):
    return seed_campaign("002")


@pytest.fixture
def office(jiaozuo):
    return office_of(jiaozuo)


@pytest.fixture
def nominees(jiaozuo):
    return [
        nominee(jiaozuo, workplace="jz-dfd", nominating_unit="jz-zhongzhan-union"),
        nominee(jiaozuo, workplace="jz-jiefang-precision", nominating_unit="jz-jiefang-union"),
    ]


@pytest.fixture
def members(jiaozuo, office, nominees):
    ExpertFactory.create_batch(6)
    panel = services.create_panel(jiaozuo, name="考察组", size=3, reserves=1, actor=office)
    services.draw_panel(
        panel, seed="掷骰 3 5", seed_source="现场掷骰", witnesses=["王某"], actor=office
    )
    return list(
        PanelMember.objects.filter(panel=panel)
        .exclude(role=MemberRole.RESERVE)
        .select_related("expert", "panel")
    )


def _schedule(members, nomination, office, **kw):
    return services_inspections.schedule_inspection(
        members[0].panel,
        nomination,
        scheduled_for=WHEN,
        place="焦作市解放区民主南路",
        inspectors=kw.pop("inspectors", members[:2]),
        actor=office,
    )


def test_schedule_inspection_records_inspectors_and_audit(members, nominees, office):
    inspection = _schedule(members, nominees[0], office)

    assert inspection.state == InspectionState.SCHEDULED
    assert set(inspection.inspectors.all()) == set(members[:2])
    assert inspection.scheduled_for.utcoffset() is not None
    assert AuditEntry.objects.filter(action="experts.inspection.schedule").count() == 1


def test_schedule_inspection_conflicted_inspector_refused(members, nominees, office):
    ExpertRelationship.objects.create(
        expert=members[1].expert,
        kind=RelationshipKind.RELATIVE,
        nomination=nominees[0],
        note="表兄弟",
    )

    with pytest.raises(ExpertError) as exc:
        _schedule(members, nominees[0], office)

    assert "须回避" in exc.value.message
    assert "亲属关系" in exc.value.message
    assert exc.value.field == "inspectors"
    assert not SiteInspection.objects.exists()


def test_schedule_inspection_other_campaign_office_denied(members, nominees, seed_campaign):
    stranger = office_of(seed_campaign("003"))

    with pytest.raises(PermissionDenied):
        _schedule(members, nominees[0], stranger)


def test_record_inspection_with_png_photo(members, nominees, office):
    inspection = _schedule(members, nominees[0], office)
    photo = SimpleUploadedFile("现场.png", png_bytes(), content_type="image/png")

    done = services_inspections.record_inspection(
        inspection,
        findings="车间整洁，绝技绝活现场演示合格。",
        outcome="pass",
        actor=office,
        photos=[photo],
    )

    assert done.state == InspectionState.DONE
    assert done.get_outcome_display() == "考察通过"
    assert done.recorded_by == office
    stored = InspectionPhoto.objects.get(inspection=done)
    assert stored.file.name.endswith(".png")
    assert AuditEntry.objects.filter(action="experts.inspection.record").count() == 1


def test_record_inspection_disguised_html_refused(members, nominees, office):
    inspection = _schedule(members, nominees[0], office)
    fake = SimpleUploadedFile(
        "photo.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
    )

    with pytest.raises(ExpertError) as exc:
        services_inspections.record_inspection(
            inspection, findings="情况属实", outcome="pass", actor=office, photos=[fake]
        )

    assert exc.value.field == "photos"
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SCHEDULED
    assert not InspectionPhoto.objects.exists()


def test_record_inspection_unknown_outcome_refused(members, nominees, office):
    inspection = _schedule(members, nominees[0], office)

    with pytest.raises(ExpertError) as exc:
        services_inspections.record_inspection(
            inspection, findings="情况属实", outcome="maybe", actor=office
        )

    assert exc.value.message == "考察结论无效。"


def test_cancelled_inspection_cannot_be_recorded(members, nominees, office):
    inspection = _schedule(members, nominees[0], office)
    services_inspections.cancel_inspection(inspection, reason="企业停产检修", actor=office)

    with pytest.raises(ExpertError):
        services_inspections.record_inspection(
            inspection, findings="情况属实", outcome="pass", actor=office
        )

    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CANCELLED
    assert inspection.cancel_reason == "企业停产检修"


def test_inspection_outcomes_only_done(members, nominees, jiaozuo, office):
    done = _schedule(members, nominees[0], office)
    services_inspections.record_inspection(
        done, findings="存在安全隐患", outcome="concerns", actor=office
    )
    _schedule(members, nominees[1], office)  # still scheduled
    cancelled = _schedule(members, nominees[1], office)
    services_inspections.cancel_inspection(cancelled, reason="改期", actor=office)

    assert inspection_outcomes(jiaozuo) == {nominees[0].pk: "concerns"}
