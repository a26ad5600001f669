"""The chain's rules read the organization tree through an OrgTree: the database (a few
queries per call) or an OrgIndex held in memory for pages that list many nominations
(the campaign overview). Both must read the same tree."""

import pytest

from jiangxuan.accounts.models import OrgUnit
from jiangxuan.campaigns.selectors import category_of, within_roots
from jiangxuan.nominations.chain import AREA_BODY_KINDS, DATABASE, OrgIndex, tree_snapshot

pytestmark = pytest.mark.django_db


def test_org_index_around_a_unit_reads_what_the_database_reads(seed_campaign):
    """Around one unit, the index holds its ancestors, its parent, and the unions, HR
    bureaus and governments (area bodies or not) below it and below every ancestor: what
    chain.body_for asks of the tree, for every unit of the four org trees."""
    spec = seed_campaign("000").specification
    compared = 0
    for unit in OrgUnit.objects.order_by("path"):
        index = OrgIndex.around([unit], spec)
        ancestors = DATABASE.ancestors(unit)
        assert index.ancestors(unit) == ancestors, unit.code
        assert index.parent(unit) == DATABASE.parent(unit), unit.code
        for node in [*ancestors, unit]:
            for kind in AREA_BODY_KINDS:
                for area_body in (False, True):
                    mine = index.child(node, kind, area_body=area_body)
                    assert mine == DATABASE.child(node, kind, area_body=area_body), (
                        unit.code,
                        node.code,
                        kind,
                        area_body,
                    )
                    compared += 1
    assert compared > 2000


def test_category_of_with_the_within_roots_read_once(all_seed_campaigns):
    """campaigns.selectors.category_of gives the same category with the ``within`` roots
    read once (within_roots, as the OrgIndex holds them) as with a query per call."""
    units = list(OrgUnit.objects.order_by("path"))
    matched = 0
    for campaign in all_seed_campaigns.values():
        spec = campaign.specification
        roots = within_roots(spec)
        for unit in units:
            category = category_of(unit, spec)
            assert category_of(unit, spec, roots=roots) == category, (campaign.code, unit.code)
            matched += category is not None
    assert matched > 50


def test_a_tree_snapshot_reads_each_unit_once_and_sees_a_new_unit(
    all_seed_campaigns, django_assert_num_queries
):
    """Inside chain.tree_snapshot the database tree answers as outside it, a repeated read
    costs no query, and a unit saved inside the block is seen by the next read."""
    spec = all_seed_campaigns["001"].specification
    units = list(OrgUnit.objects.order_by("path")[:40])

    def reads():
        return [
            (
                DATABASE.ancestors(unit),
                DATABASE.parent(unit),
                DATABASE.child(unit, "union"),
                DATABASE.child(unit, "union", area_body=True),
                DATABASE.category_of(unit, spec),
            )
            for unit in units
        ]

    outside = reads()
    with tree_snapshot():
        assert reads() == outside
        with django_assert_num_queries(0):
            assert reads() == outside
        bare = next(u for u in units if DATABASE.child(u, "union") is None)
        union = OrgUnit.objects.add_child(
            bare, {"code": "snap-union", "name": "新工会", "kind": "union"}
        )
        assert DATABASE.child(bare, "union") == union
    assert DATABASE.child(bare, "union") == union
