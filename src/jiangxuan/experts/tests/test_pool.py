"""The expert pool: importing, encrypted contacts, declared relationships, filters."""

import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jiangxuan.core.crypto import blind_index
from jiangxuan.experts import selectors, services
from jiangxuan.experts.models import Expert, ExpertRelationship
from jiangxuan.nominations.tests.conftest import make_id_number

from .draw_setup import ExpertFactory, office_of

SAMPLE = Path(__file__).resolve().parents[4] / "specs" / "experts" / "sample-pool.yaml"


@pytest.fixture
def office(seed_campaign):
    return office_of(seed_campaign("002"))


def test_sample_pool_imports_forty_experts(orgs):
    result = services.load_pool_file(SAMPLE)

    assert (result.created, result.updated) == (40, 0)
    assert Expert.objects.count() == 40
    assert len(set(Expert.objects.values_list("speciality", flat=True))) >= 10
    assert set(Expert.objects.values_list("region", flat=True)) == {
        "吉林省",
        "长春市",
        "焦作市",
        "威海市",
        "哈尔滨市",
    }
    assert ExpertRelationship.objects.filter(org_unit=orgs["jz-jiefang-precision"]).count() == 1
    assert Expert.objects.filter(org_unit=orgs["jz-dfd"]).exists()


def test_import_is_idempotent_and_updates(orgs):
    services.load_pool_file(SAMPLE)

    again = services.load_pool_file(SAMPLE)

    assert (again.created, again.updated) == (0, 40)
    assert Expert.objects.count() == 40
    assert ExpertRelationship.objects.count() == 2


def test_import_keeps_phone_encrypted_at_rest(orgs):
    services.import_experts(
        [
            {
                "name": "赵敏",
                "speciality": "焊接",
                "organization": "焦作大学",
                "phone": "13912345678",
            }
        ],
        actor=None,
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM experts_expert")
        (raw,) = cursor.fetchone()
    assert raw.startswith("sm4gcm:v1:")
    assert "13912345678" not in raw
    assert Expert.objects.get().phone == "13912345678"


def test_import_person_relationship_keeps_only_blind_index(orgs):
    number = make_id_number(area="410802")
    services.import_experts(
        [
            {
                "name": "钱进",
                "speciality": "数控",
                "organization": "焦作大学",
                "relationships": [{"kind": "relative", "id_number": number, "note": "配偶"}],
            }
        ],
        actor=None,
    )

    relation = ExpertRelationship.objects.get()
    assert relation.person_index == blind_index(number)
    assert relation.note == "配偶"


def test_import_unknown_org_imports_nothing(orgs):
    rows = [
        {"name": "孙立", "speciality": "电工", "organization": "甲"},
        {"name": "周平", "speciality": "电工", "organization": "乙", "org": "no-such-unit"},
    ]

    with pytest.raises(services.ExpertError, match="no-such-unit"):
        services.import_experts(rows, actor=None)
    assert Expert.objects.count() == 0


def test_import_missing_fields_named(orgs):
    with pytest.raises(services.ExpertError, match="第1条缺少：speciality"):
        services.import_experts([{"name": "吴刚", "organization": "甲"}], actor=None)


def test_importexperts_command(orgs):
    out = io.StringIO()

    call_command("importexperts", str(SAMPLE), stdout=out)

    assert "新增专家 40 位，更新 0 位，回避关系 2 条" in out.getvalue()
    with pytest.raises(CommandError, match="YAML") as refused:
        call_command("importexperts", str(Path(__file__)), stdout=io.StringIO())
    # Where, and what is wrong, in Chinese: none of the YAML library's English.
    message = str(refused.value)
    assert re.match(r"专家库文件第 \d+ 行不是有效的 YAML：", message)
    assert not re.search(r"[A-Za-z]{2,}", message.replace("YAML", ""))


def test_declare_relationship_by_office(office, orgs):
    expert = ExpertFactory()

    relation = services.declare_relationship(
        expert, kind="mentor", org_unit=orgs["jz-dfd"], note="曾在该单位带徒", actor=office
    )

    assert relation.after_draw is False
    assert selectors.relationships_of(expert) == [relation]


def test_declare_relationship_needs_a_target(office):
    with pytest.raises(services.ExpertError, match="之一"):
        services.declare_relationship(ExpertFactory(), kind="other", actor=office)


def test_declare_relationship_by_non_office_denied(orgs):
    from .draw_setup import UserFactory

    with pytest.raises(PermissionDenied):
        services.declare_relationship(
            ExpertFactory(), kind="other", org_unit=orgs["jz-dfd"], actor=UserFactory()
        )
    assert not ExpertRelationship.objects.exists()


def test_experts_for_office_filters(office):
    welder = ExpertFactory(speciality="焊接", region="焦作市", name="焊工甲")
    ExpertFactory(speciality="数控", region="焦作市")
    ExpertFactory(speciality="焊接", region="威海市", available=False)

    found = selectors.experts_for_office(office, speciality="焊接", region="焦作市", available=True)

    assert list(found) == [welder]
    assert list(selectors.experts_for_office(office, query="焊工")) == [welder]


def test_experts_for_non_office_is_empty(orgs):
    from .draw_setup import UserFactory

    ExpertFactory()

    assert list(selectors.experts_for_office(UserFactory())) == []
