"""Fixtures for the nominations domain tests: clerks, office users, valid people."""

import datetime as dt
import itertools

import pytest
from stdnum.cn import ric

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, User
from jiangxuan.nominations import services

_seq = itertools.count(50)


def make_id_number(area: str = "220104", birth: str = "19850315", male: bool = True) -> str:
    """A valid resident ID number (GB 11643) for an area code python-stdnum knows."""
    seq = (next(_seq) * 2 + (1 if male else 0)) % 1000
    body = f"{area}{birth}{seq:03d}"
    number = body + ric.calc_check_digit(body + "0")
    assert ric.is_valid(number)
    return number


@pytest.fixture
def make_user(orgs):
    """``make_user("cc-chaoyang-hrss", Role.CLERK, campaign=None)`` → a user with that role."""
    counter = itertools.count(1)

    def make(unit_code: str, role: str = Role.CLERK, *, campaign=None) -> User:
        user = User.objects.create_user(f"{role}-{unit_code}-{next(counter)}", password="x")
        Membership.objects.create(user=user, org_unit=orgs[unit_code], role=role, campaign=campaign)
        return user

    return make


def person(**overrides) -> dict:
    """Core values of a plausible nominee; override any of them."""
    values = {
        "name": "王建国",
        "id_number": make_id_number(),
        "phone": "13912345678",
        "ethnic_group": "汉族",
        "native_place": "吉林长春",
        "political_status": "中共党员",
        "education": "大专（高职、技师学院）",
        "workplace_name": "长春华锐精密机械有限公司",
        "post": "数控班班长",
        "occupation": "数控车工",
        "skill_level": "senior_technician",
        "is_retired": False,
        "is_unit_leader": False,
        "achievement_summary": "长期从事精密零件加工，攻克多项工艺难题。",
    }
    values.update(overrides)
    return values


def judged_codes(rules) -> list[str]:
    """Codes of every judged condition among ``rules`` (claimed by default in tests)."""
    from jiangxuan.campaigns import spec as s

    codes = []
    for rule in rules:
        if isinstance(rule, s.Judged):
            codes.append(rule.code)
        elif isinstance(rule, s.AnyOf | s.AllOf):
            codes += judged_codes(rule.items)
    return codes


@pytest.fixture
def nominate():
    """``nominate(campaign, award_code, clerk, workplace=None, **core)`` → a saved draft."""

    def make(campaign, award_code, clerk, *, workplace=None, extra=None, **core):
        award = campaign.awards.get(code=award_code)
        core.setdefault("claimed_conditions", judged_codes(award.spec.eligibility))
        nomination = services.create_nomination(
            campaign=campaign, award=award, actor=clerk, workplace=workplace
        )
        return services.save_nomination(
            nomination, actor=clerk, core=person(**core), extra=extra or {}
        )

    return make


@pytest.fixture
def within():
    """``within(campaign)``: a moment inside the campaign's submission window."""

    def moment(campaign) -> dt.datetime:
        submission = campaign.specification.timeline.submission
        if submission.opens_at:
            return submission.opens_at + dt.timedelta(hours=1)
        return submission.closes_at - dt.timedelta(days=1)

    return moment


def png_bytes(size=(40, 30)) -> bytes:
    """A small real PNG image."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


SAMPLE_BY_TYPE = {
    "text": "示例",
    "textarea": "示例内容",
    "date": dt.date(1985, 3, 15),
    "year_month": dt.date(2005, 7, 1),
    "integer": 10,
    "boolean": False,
    "phone": "13912345678",
    "landline": "0431-88522559",
    "email": "sample@example.com",
    "bank_account": "6214830100000000",
    "work_history": [{"period": "2005.07-至今", "workplace": "示例单位", "post": "技术员"}],
    "honours": [{"code": "other", "name": "示例荣誉", "level": "enterprise", "year": 2020}],
    "patents": [{"name": "示例专利", "kind": "utility", "number": "ZL000", "year": 2020}],
    "contests": [{"name": "示例竞赛", "level": "city", "rank": 5, "year": 2020}],
}


@pytest.fixture
def complete():
    """``complete(nomination, clerk)`` fills every required field still empty and uploads a
    small image for every required material of the checklist not yet uploaded, so that a
    test can reach submission; fields and files the test set itself are kept."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jiangxuan.campaigns import spec as s
    from jiangxuan.nominations.forms import CHOICES

    def fill(nomination, clerk):
        core, extra = {}, {}
        for f in nomination.campaign.specification.form.all_fields():
            if not f.required:
                continue
            kind = f.effective_type
            if kind in ("photo", "video"):
                if not nomination.evidence.filter(material=kind).exists() and kind == "photo":
                    upload = SimpleUploadedFile("photo.png", png_bytes(), "image/png")
                    services.add_evidence(nomination, actor=clerk, material="photo", upload=upload)
                continue
            current = (
                getattr(nomination, f.key)
                if f.key in s.CORE_FIELDS
                else (nomination.extra or {}).get(f.key)
            )
            if current not in (None, "", [], {}):
                continue
            if kind == "choice":
                value = (CHOICES.get(f.key) or [("", ""), (f.choices[0], "")])[1][0]
            elif kind == "multichoice":
                value = f.choices[:1]
            elif kind == "table":
                value = [{f.columns[0].key: "示例"}]
            elif kind == "group":
                sub = f.fields[0]
                value = {
                    sub.key: sub.choices[:1] if sub.effective_type == "multichoice" else "示例"
                }
            else:
                value = SAMPLE_BY_TYPE[kind]
            if f.key not in s.CORE_FIELDS and isinstance(value, dt.date):
                value = value.isoformat()
            (core if f.key in s.CORE_FIELDS else extra)[f.key] = value
        uploaded = set(nomination.evidence.values_list("material", flat=True))
        for m in services.materials_for(nomination):
            if m.required and m.upload and m.per == "nomination" and m.code not in uploaded:
                upload = SimpleUploadedFile(f"{m.code}.png", png_bytes(), "image/png")
                services.add_evidence(nomination, actor=clerk, material=m.code, upload=upload)
        return services.save_nomination(nomination, actor=clerk, core=core, extra=extra)

    return fill


#: A tiny valid PDF: what the tests upload as a stamped document (推荐报告, 汇总表).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def provide_forward_documents(nomination, level_code=None):
    """Store the required forward documents (review_chain.forward_documents) of every
    body that forwards ``nomination`` from its current level (or ``level_code``), as if
    uploaded: the tests that are not about them forward as a body that has sent them."""
    from django.core.files.base import ContentFile

    from jiangxuan.nominations.chain import bodies_at, level_named
    from jiangxuan.nominations.forward_documents import documents_for_level
    from jiangxuan.nominations.models import ForwardDocument

    level = level_named(nomination, level_code or nomination.level)
    campaign = nomination.campaign
    for document in documents_for_level(campaign, level.code, [nomination]):
        if not document.required:
            continue
        for _signer, body in bodies_at(nomination, level):
            if body is None:
                continue
            stored, created = ForwardDocument.objects.get_or_create(
                campaign=campaign,
                level=level.code,
                body=body,
                document=document.code,
                defaults={
                    "original_name": f"{document.code}.pdf",
                    "content_type": "application/pdf",
                    "size": len(PDF_BYTES),
                    "sha256": "0" * 64,
                    "uploaded_by": nomination.created_by,
                },
            )
            if created:
                stored.file.save(f"{document.code}.pdf", ContentFile(PDF_BYTES))


def clear_level(nomination, actor=None):
    """Record what the nomination's current level requires before forwarding (its public
    notice closed, its background check answered), as the notices app does, and provide
    the level's required forward documents (provide_forward_documents)."""
    from jiangxuan.nominations.chain import level_named
    from jiangxuan.nominations.models import ClearanceKind

    provide_forward_documents(nomination)
    level = level_named(nomination, nomination.level)
    kinds = [
        kind
        for kind, needed in (
            (ClearanceKind.NOTICE, level.notice),
            (ClearanceKind.BACKGROUND_CHECK, level.background_check),
        )
        if needed
    ]
    for kind in kinds:
        services.record_clearance(
            nomination, level=level.code, kind=kind, reference="test", actor=actor
        )
