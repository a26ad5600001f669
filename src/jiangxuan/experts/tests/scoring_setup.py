"""Arrangement helpers for the scoring and ballot tests: seed 002 nominations handed to a
panel (approved), a drawn panel of experts with logins, and assignments.

Rows are created directly (the draw has its own tests); only the nominations go through
the nominations services so that they carry real form values.
"""

from __future__ import annotations

import hashlib
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from pypdf import PdfWriter

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.experts.enums import MemberRole, PanelState
from jiangxuan.experts.models import Assignment, Expert, Panel, PanelMember
from jiangxuan.nominations import services as nomination_services
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Evidence, Nomination
from jiangxuan.nominations.tests.conftest import judged_codes, make_id_number, person

_seq = itertools.count(1)
NAMES = ["李红军", "张卫东", "王秀英", "赵建华", "刘志强", "陈国庆", "杨明", "黄海"]


def user_with_role(unit_code: str, role: str, *, campaign: Campaign | None = None) -> User:
    """A user holding ``role`` at the unit ``unit_code``."""
    user = User.objects.create_user(f"{role}-{unit_code}-{next(_seq)}", password="x")
    Membership.objects.create(
        user=user, org_unit=OrgUnit.objects.get(code=unit_code), role=role, campaign=campaign
    )
    return user


def approved_nominations(campaign: Campaign, count: int) -> list[Nomination]:
    """``count`` seed 002 nominations by a Jiefang district clerk, marked approved (handed
    over by the review chain), with distinct names, ID numbers and phones."""
    clerk = user_with_role("jz-jiefang-union", Role.CLERK)
    award = campaign.awards.get(code="jiaozuo-gongjiang")
    result = []
    for i in range(count):
        nomination = nomination_services.create_nomination(
            campaign=campaign, award=award, actor=clerk
        )
        nomination = nomination_services.save_nomination(
            nomination,
            actor=clerk,
            core=person(
                name=NAMES[i % len(NAMES)],
                id_number=make_id_number(area="410802"),
                phone=f"1391234{5600 + i:04d}",
                claimed_conditions=judged_codes(award.spec.eligibility),
            ),
            extra={},
        )
        result.append(nomination)
    Nomination.objects.filter(pk__in=[n.pk for n in result]).update(state=NominationState.APPROVED)
    return [Nomination.objects.get(pk=n.pk) for n in result]


def drawn_panel(
    campaign: Campaign, *, size: int = 5, blind: bool = False, confirmed: bool = True
) -> tuple[Panel, list[PanelMember]]:
    """A drawn panel of ``size`` experts with logins; the first is the chair."""
    panel = Panel.objects.create(
        campaign=campaign, name="综合评审组", size=size, state=PanelState.DRAWN, blind=blind
    )
    members = []
    for i in range(size):
        user = User.objects.create_user(f"expert-{next(_seq)}", password="x")
        expert = Expert.objects.create(
            user=user, name=f"专家{i + 1}", speciality="机械", organization="焦作大学"
        )
        members.append(
            PanelMember.objects.create(
                panel=panel,
                expert=expert,
                role=MemberRole.CHAIR if i == 0 else MemberRole.MEMBER,
                position=i + 1,
                confidentiality_confirmed_at=timezone.now() if confirmed else None,
            )
        )
    return panel, members


def assign_all(members: list[PanelMember], nominations: list[Nomination]) -> list[Assignment]:
    """Every member reviews every nomination."""
    return [Assignment.objects.create(member=m, nomination=n) for m in members for n in nominations]


def pdf_bytes(pages: int = 2) -> bytes:
    """A PDF of ``pages`` blank A4 pages (595 × 842 points)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (300, 200)) -> bytes:
    """A plain JPEG picture of ``size`` pixels."""
    out = io.BytesIO()
    Image.new("RGB", size, (240, 236, 220)).save(out, format="JPEG")
    return out.getvalue()


def add_evidence(
    nomination: Nomination, data: bytes, content_type: str, name: str, material: str
) -> Evidence:
    """An evidence file stored for ``nomination`` as an upload would store it."""
    return Evidence.objects.create(
        nomination=nomination,
        material=material,
        file=SimpleUploadedFile(name, data),
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=nomination.created_by,
    )
