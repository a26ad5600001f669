"""Personal data of nominees who were not awarded is removed after the campaign's
retention period (PIPL; issue 13), by a job with a dry run and an audit entry; awardees and
finalists keep theirs, and the statistics' facts stay."""

import datetime as dt
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from jiangxuan.core.models import AuditEntry
from jiangxuan.decisions import services
from jiangxuan.decisions.retention import anonymise_non_awardees
from jiangxuan.nominations.models import Evidence, ForwardDocument, Nomination

from .conftest import MEETING, approved, hold_social_notices

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(jiaozuo):
    """Seed 002 decided: 3 awardees, 1 finalist and 1 candidate not awarded, who uploaded
    a file. Returns ``(campaign, awarded, finalist, loser)``."""
    campaign, award, noms, office = jiaozuo
    (loser,) = approved(campaign, "002", "jiaozuo-gongjiang", 1)
    Nomination.objects.filter(pk=loser.pk).update(sex="男", birth_date=dt.date(1985, 3, 15))
    evidence = Evidence(
        nomination=loser,
        material="photo",
        original_name="证件照.png",
        content_type="image/png",
        size=3,
        sha256="0" * 64,
        uploaded_by=office,
    )
    evidence.file.save("photo.png", ContentFile(b"png"), save=False)
    evidence.save()
    lst = services.propose_list(
        campaign, award, nominations=[n.pk for n in noms[:3]], finalists=[noms[3].pk], actor=office
    )
    services.approve_list(lst, actor=office, **MEETING)
    hold_social_notices(campaign, office)
    services.publish_decision(
        campaign,
        number="焦工发〔2018〕10号",
        title="决定",
        issued_on=dt.date(2018, 9, 10),
        actor=office,
    )
    campaign.refresh_from_db()
    return campaign, noms[0], noms[3], Nomination.objects.get(pk=loser.pk)


def after_days(campaign, days: int) -> dt.datetime:
    return campaign.decided_at + dt.timedelta(days=days)


def test_nothing_is_removed_before_the_period_ends(decided):
    campaign, _awarded, _finalist, loser = decided

    report = anonymise_non_awardees(now=after_days(campaign, 364))

    assert report.nominations == 0
    loser.refresh_from_db()
    assert loser.id_number
    assert loser.anonymised_at is None


def test_after_the_period_a_non_awardee_keeps_only_what_statistics_need(decided):
    campaign, awarded, finalist, loser = decided
    sex, birth_year, skill = loser.sex, loser.birth_date.year, loser.skill_level
    stored = Evidence.objects.get(nomination=loser).file.name

    report = anonymise_non_awardees(now=after_days(campaign, 366))

    assert report.campaigns == {campaign.code: 1}
    assert report.files == 1
    loser.refresh_from_db()
    assert (loser.name, loser.id_number, loser.id_index, loser.phone, loser.bank_account) == (
        "已删除",
        "",
        "",
        "",
        "",
    )
    assert (loser.address, loser.achievement_summary, loser.work_history) == ("", "", [])
    assert (loser.sex, loser.birth_date, loser.skill_level) == (
        sex,
        dt.date(birth_year, 1, 1),
        skill,
    )
    assert loser.anonymised_at is not None
    assert not Evidence.objects.filter(nomination=loser).exists()
    assert not Evidence.file.field.storage.exists(stored)
    for kept in (awarded, finalist):
        kept.refresh_from_db()
        assert kept.id_number
        assert kept.anonymised_at is None
    entry = AuditEntry.objects.filter(action="nomination.anonymise").latest("pk")
    assert entry.after["nominations"] == 1
    assert loser.name not in str(entry.after)


def test_a_dry_run_changes_nothing_and_a_second_run_finds_nothing(decided):
    campaign, _awarded, _finalist, loser = decided
    later = after_days(campaign, 400)

    dry = anonymise_non_awardees(now=later, dry_run=True)
    loser.refresh_from_db()
    assert dry.nominations == 1
    assert loser.id_number
    assert not AuditEntry.objects.filter(action="nomination.anonymise").exists()

    anonymise_non_awardees(now=later)
    assert anonymise_non_awardees(now=later).nominations == 0


def test_the_command_reports_per_campaign(decided, time_machine):
    campaign, _awarded, _finalist, _loser = decided
    time_machine.move_to(after_days(campaign, 366), tick=False)
    out = StringIO()

    call_command("anonymisenominees", "--dry-run", stdout=out)

    assert f"{campaign.code}：将删除 1 名未获表彰者的个人信息" in out.getvalue()
    assert "试运行" in out.getvalue()
    assert timezone.now() >= after_days(campaign, 366)


def test_the_documents_bodies_forwarded_go_with_the_period(decided):
    # A stamped 汇总表 lists the non-awardee beside the others and cannot be cut in part.
    campaign, _awarded, _finalist, loser = decided
    office = loser.created_by
    sheet = ForwardDocument(
        campaign=campaign,
        level="city",
        body=loser.nominating_unit,
        document="summary-sheet",
        original_name="汇总表.pdf",
        content_type="application/pdf",
        size=3,
        sha256="1" * 64,
        uploaded_by=office,
    )
    sheet.file.save("sheet.pdf", ContentFile(b"pdf"), save=False)
    sheet.save()
    stored = sheet.file.name

    assert anonymise_non_awardees(now=after_days(campaign, 364)).files == 0
    assert ForwardDocument.objects.filter(pk=sheet.pk).exists()
    dry = anonymise_non_awardees(now=after_days(campaign, 366), dry_run=True)
    assert dry.files == 2
    assert ForwardDocument.file.field.storage.exists(stored)

    anonymise_non_awardees(now=after_days(campaign, 366))

    assert not ForwardDocument.objects.filter(campaign=campaign).exists()
    assert not ForwardDocument.file.field.storage.exists(stored)
    entry = AuditEntry.objects.filter(action="nomination.anonymise").latest("pk")
    assert entry.after["forward_documents"] == 1
