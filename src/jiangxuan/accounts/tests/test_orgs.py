"""The organization trees in specs/orgs and their loader."""

import pytest
from django.db import transaction

from jiangxuan.accounts.models import OrgUnit
from jiangxuan.accounts.services import OrgTreeError, load_org_tree, parse_org_file
from jiangxuan.campaigns.spec import load_spec_file
from jiangxuan.conftest import _ORG_SNAPSHOT, ORG_FILES, SEED_NUMBERS, _load_orgs, seed_spec_path
from jiangxuan.core.audit import verify_audit_chain
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _parent_code(unit: OrgUnit) -> str | None:
    parent = OrgUnit.objects.get_parent(unit)
    return parent.code if parent else None


def test_org_files_load_a_valid_tree(orgs):
    assert [p.name for p in ORG_FILES] == [
        "harbin.yaml",
        "jiaozuo.yaml",
        "jilin.yaml",
        "weihai.yaml",
    ]
    assert len(orgs) == sum(len(parse_org_file(p)) for p in ORG_FILES)
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    assert sorted(u.code for u in OrgUnit.objects.get_root_nodes()) == [
        "heilongjiang",
        "henan",
        "jilin",
        "shandong",
    ]


def test_org_tree_places_changchun_bodies(orgs):
    chaoyang_hrss = orgs["cc-chaoyang-hrss"]
    assert [a.code for a in OrgUnit.objects.get_ancestors(chaoyang_hrss)] == [
        "jilin",
        "changchun",
        "cc-chaoyang",
    ]
    assert (chaoyang_hrss.kind, chaoyang_hrss.level, chaoyang_hrss.governs_region) == (
        "hr_bureau",
        "county",
        True,
    )
    assert orgs["cc-chaoyang"].division_code == "220104"
    assert orgs["changchun"].division_code == "220100"
    assert orgs["jilin"].division_code == "220000"
    faw = orgs["cc-faw"]
    assert (faw.name, faw.kind, faw.level, _parent_code(faw)) == (
        "中国第一汽车集团有限公司",
        "enterprise",
        "city",
        "changchun",
    )
    assert "国有" in faw.ownership_type
    assert (orgs["cc-jixie-school"].kind, orgs["cc-jixie-school"].name) == (
        "school",
        "长春市机械工业学校",
    )
    assert _parent_code(orgs["jl-expressway-group"]) == "jl-szjg-union"


def test_org_codes_are_unique_across_files():
    codes = [node.code for path in ORG_FILES for node in parse_org_file(path)]
    assert len(codes) == len(set(codes))


def test_org_codes_referenced_by_seed_specs_exist():
    codes = {node.code for path in ORG_FILES for node in parse_org_file(path)}
    for number in SEED_NUMBERS:
        spec = load_spec_file(seed_spec_path(number))
        referenced = {o.org for o in spec.organizers if o.org}
        referenced |= {d.org for d in spec.timeline.internal_deadlines}
        referenced |= {c for cat in spec.unit_categories for c in cat.match.orgs}
        assert referenced - codes == set(), number


def test_load_org_tree_is_idempotent(orgs):
    entries = AuditEntry.objects.count()
    paths = dict(OrgUnit.objects.values_list("code", "path"))
    assert load_org_tree(ORG_FILES[2]) == len(parse_org_file(ORG_FILES[2]))
    assert dict(OrgUnit.objects.values_list("code", "path")) == paths
    assert AuditEntry.objects.count() == entries


def _orgs_and_audit() -> tuple[list, list]:
    units = OrgUnit.objects.order_by("pk").values_list(
        "path",
        "depth",
        "numchild",
        "code",
        "name",
        "short_name",
        "kind",
        "level",
        "division_code",
        "governs_region",
        "ownership_type",
    )
    audit = AuditEntry.objects.order_by("pk").values_list(
        "actor_id",
        "actor_name",
        "actor_role",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "result",
        "source_ip",
    )
    return list(units), list(audit)


def test_orgs_fixture_matches_load_org_tree(db):
    # The `orgs` fixture replays what the first load in this process wrote (conftest.py):
    # the replay must write what load_org_tree writes, rows, order and audit entries alike.
    record = transaction.savepoint_create()
    _load_orgs()  # records the rows, if this process has not yet
    transaction.savepoint_rollback(record)
    assert _ORG_SNAPSHOT

    # Twice: the first replay in a process goes through bulk_create, later ones send its
    # statement again.
    replays = []
    for _ in range(2):
        replay = transaction.savepoint_create()
        _load_orgs()
        replays.append(_orgs_and_audit())
        assert verify_audit_chain() is None
        transaction.savepoint_rollback(replay)
    replayed = replays[0]
    assert replays[1] == replayed

    for path in ORG_FILES:
        load_org_tree(path)
    assert _orgs_and_audit() == replayed
    assert len(replayed[0]) == sum(len(parse_org_file(p)) for p in ORG_FILES)


def test_load_org_tree_audits_creation(db):
    count = load_org_tree(ORG_FILES[1])
    entry = AuditEntry.objects.get(action="orgs.load")
    assert entry.actor is None
    assert entry.object_id == "jiaozuo.yaml"
    assert len(entry.after["created"]) == count == OrgUnit.objects.count()


def test_load_org_tree_updates_and_moves_changed_nodes(orgs, tmp_path):
    path = tmp_path / "moved.yaml"
    path.write_text(
        """
orgs:
  - code: henan
    name: 河南省
    kind: region
    level: province
    division_code: "410000"
    children:
      - code: jz-union
        name: 焦作市总工会（改）
        kind: union
        level: city
        governs_region: true
""",
        encoding="utf-8",
    )
    load_org_tree(path)
    union = OrgUnit.objects.get(code="jz-union")
    assert union.name == "焦作市总工会（改）"
    assert _parent_code(union) == "henan"
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    entry = AuditEntry.objects.filter(action="orgs.load").latest("id")
    assert entry.after == {"created": [], "updated": ["jz-union"]}


def test_load_org_tree_adds_new_child_under_existing_node(orgs, tmp_path):
    path = tmp_path / "added.yaml"
    path.write_text(
        """
orgs:
  - code: heilongjiang
    name: 黑龙江省
    kind: region
    level: province
    division_code: "230000"
    children:
      - code: harbin
        name: 哈尔滨市
        kind: region
        level: city
        division_code: "230100"
        children:
          - code: hrb-new-plant
            name: 哈尔滨新建机械厂
            kind: enterprise
            level: workplace
            children:
              - {code: hrb-new-plant-shop, name: 一车间, kind: enterprise, level: workplace}
""",
        encoding="utf-8",
    )
    load_org_tree(path)
    shop = OrgUnit.objects.get(code="hrb-new-plant-shop")
    assert [a.code for a in OrgUnit.objects.get_ancestors(shop)] == [
        "heilongjiang",
        "harbin",
        "hrb-new-plant",
    ]
    assert OrgUnit.objects.find_problems() == ([], [], [], [], [])
    assert _parent_code(OrgUnit.objects.get(code="hrb-union")) == "harbin"


def test_load_org_tree_takes_a_park_below_the_county(orgs, tmp_path):
    """Sub-county areas (街道, 乡镇, 产业功能区, 园区) are regions of level ``subdistrict``
    with their own union (issue 12.4), not regions faked at workplace level."""
    path = tmp_path / "subdistricts.yaml"
    path.write_text(
        """
orgs:
  - code: henan
    name: 河南省
    kind: region
    level: province
    division_code: "410000"
    children:
      - code: jiaozuo
        name: 焦作市
        kind: region
        level: city
        division_code: "410800"
        children:
          - code: jz-park
            name: 焦作市产业园区
            kind: region
            level: subdistrict
            children:
              - {code: jz-park-union, name: 焦作市产业园区工会, kind: union, level: subdistrict,
                 governs_region: true}
""",
        encoding="utf-8",
    )

    load_org_tree(path)

    park, union = OrgUnit.objects.get(code="jz-park"), OrgUnit.objects.get(code="jz-park-union")
    assert (park.level, park.get_level_display()) == ("subdistrict", "乡镇（街道）级")
    assert (_parent_code(union), union.level, union.governs_region) == (
        "jz-park",
        "subdistrict",
        True,
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "orgs:\n  - {code: x1, name: 甲, kind: planet, level: city}\n",
            "orgs[0]：kind 取值 planet",
        ),
        ("orgs:\n  - {code: x1, name: 甲, kind: union}\n", "orgs[0]：缺少必填项 level"),
        (
            "orgs:\n  - {code: x1, name: 甲, kind: union, level: city, colour: red}\n",
            "不认识的字段 colour",
        ),
        (
            "orgs:\n  - {code: x1, name: 甲, kind: union, level: city,"
            " children: [{code: x1, name: 乙, kind: union, level: county}]}\n",
            "orgs[0].children[0].code：代码 x1 重复",
        ),
        ("orgs: [\n", "YAML 语法错误 第 2 行"),
    ],
)
def test_parse_org_file_reports_errors_in_chinese(tmp_path, body, message):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(OrgTreeError) as excinfo:
        parse_org_file(path)
    assert str(excinfo.value).startswith(f"{path}: ")
    assert message in str(excinfo.value)
