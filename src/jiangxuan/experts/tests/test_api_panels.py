"""API of the pool, panels, draws, recusal and confidentiality: the same rules as the
pages (office selectors, own memberships), with 404 outside the caller's reach and 409
when the panel's state forbids the action."""

import pytest
from django.test import Client

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.api.tests.conftest import ApiClient
from jiangxuan.core.models import AuditEntry
from jiangxuan.experts.enums import MemberRole
from jiangxuan.experts.models import Assignment, ExpertRelationship, Panel, PanelMember
from jiangxuan.nominations.tests.factories import UserFactory

from .draw_setup import ExpertFactory, expert_user, nominee, office_of

pytestmark = pytest.mark.django_db

SEED = "2026-11-23 双色球开奖号码 03 11 19 22 27 31 + 07"
DRAW = {"seed": SEED, "seed_source": "双色球第2026135期", "witnesses": ["市纪委 王某"]}


def api(user) -> ApiClient:
    return ApiClient(issue_api_token(user, name="test", scope="read_write"))


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
def clerk(orgs):
    user = UserFactory()
    Membership.objects.create(user=user, org_unit=orgs["jz-jiefang-union"], role=Role.CLERK)
    return user


@pytest.fixture
def nominees(jiaozuo):
    return [
        nominee(jiaozuo, workplace="jz-dfd", nominating_unit="jz-zhongzhan-union", name="张立新"),
        nominee(
            jiaozuo, workplace="jz-qinyang-paper", nominating_unit="jz-qinyang-union", name="李德胜"
        ),
    ]


@pytest.fixture
def panel_id(jiaozuo, office, nominees):
    """A panel of 3 with 2 reserves, created and drawn through the API from 8 experts."""
    ExpertFactory.create_batch(8)
    client = api(office)
    created = client.post(
        f"/campaigns/{jiaozuo.code}/panels",
        {"name": "综合评审组", "size": 3, "reserves": 2},
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    drawn = client.post(f"/panels/{pk}/draw", DRAW)
    assert drawn.status_code == 201, drawn.content
    return pk


def _member(panel_id, position):
    return PanelMember.objects.select_related("expert").get(panel_id=panel_id, position=position)


# --------------------------------------------------------------------------- pool


def test_pool_lists_experts_with_masked_phones_for_office(office):
    ExpertFactory(name="欧阳明", phone="13912345678", speciality="焊接")
    ExpertFactory(name="司马光", speciality="数控")

    response = api(office).get("/experts", speciality="焊接")

    assert response.status_code == 200
    body = response.json()
    assert [e["name"] for e in body["items"]] == ["欧阳明"]
    assert body["count"] == 1
    assert body["items"][0]["phone"] == "139****5678"
    assert "13912345678" not in response.content.decode()


def test_pool_is_404_for_a_clerk_and_401_without_auth(clerk):
    expert = ExpertFactory()

    assert api(clerk).get("/experts").status_code == 404
    assert api(clerk).get(f"/experts/{expert.pk}").json()["code"] == "not_found"
    assert Client().get("/api/v1/experts").status_code == 401


def test_declare_relationship_by_office_is_recorded(office):
    expert = ExpertFactory()

    response = api(office).post(
        f"/experts/{expert.pk}/relationships",
        {"kind": "colleague", "org_unit": "jz-dfd", "note": "曾在该厂任职"},
    )

    assert response.status_code == 201, response.content
    [relation] = response.json()["relationships"]
    assert relation["kind"] == "colleague"
    assert relation["org_unit"]["code"] == "jz-dfd"
    assert ExpertRelationship.objects.get(expert=expert).note == "曾在该厂任职"


def test_declare_relationship_unknown_unit_names_the_field(office):
    expert = ExpertFactory()

    response = api(office).post(
        f"/experts/{expert.pk}/relationships", {"kind": "colleague", "org_unit": "no-such"}
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["org_unit"]
    assert not ExpertRelationship.objects.exists()


# --------------------------------------------------------------------------- panels and draw


def test_draw_through_api_saves_the_record_and_check_reproduces_it(office, panel_id):
    client = api(office)

    record = client.get(f"/panels/{panel_id}/draw").json()
    check = client.get(f"/panels/{panel_id}/draw/check").json()
    detail = client.get(f"/panels/{panel_id}").json()

    assert record["seed"] == SEED
    assert record["witnesses"] == ["市纪委 王某"]
    assert len(record["result"]) == 5
    assert check == {"recorded": record["result"], "recomputed": record["result"], "matches": True}
    assert [m["expert"] for m in detail["members"]] == record["result"]
    assert [m["role"] for m in detail["members"]] == ["member"] * 3 + ["reserve"] * 2
    assert {n["name"] for n in detail["nominees"]} == {"张立新", "李德胜"}


def test_second_draw_is_a_conflict(office, panel_id):
    response = api(office).post(f"/panels/{panel_id}/draw", DRAW)

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "不能更改" in response.json()["detail"]


def test_draw_without_witnesses_is_refused_with_field(office, jiaozuo, nominees):
    ExpertFactory.create_batch(5)
    client = api(office)
    pk = client.post(f"/campaigns/{jiaozuo.code}/panels", {"name": "组", "size": 2}).json()["id"]

    response = client.post(f"/panels/{pk}/draw", {**DRAW, "witnesses": []})

    assert response.status_code == 422
    assert "witnesses" in response.json()["errors"]
    assert Panel.objects.get(pk=pk).state == "draft"


def test_panels_of_another_campaign_are_404(stranger, jiaozuo, panel_id):
    client = api(stranger)

    assert client.get(f"/panels/{panel_id}").status_code == 404
    assert client.get(f"/panels/{panel_id}/draw").status_code == 404
    assert client.get(f"/campaigns/{jiaozuo.code}/panels").status_code == 404
    assert client.post(f"/panels/{panel_id}/chair", {"member": 1}).status_code == 404


def test_list_panels_and_unknown_award(office, jiaozuo, panel_id):
    client = api(office)

    listed = client.get(f"/campaigns/{jiaozuo.code}/panels").json()
    refused = client.post(
        f"/campaigns/{jiaozuo.code}/panels", {"name": "组", "size": 2, "award": "nope"}
    )

    assert [p["id"] for p in listed] == [panel_id]
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["award"]


def test_appoint_chair_and_refuse_a_reserve(office, panel_id):
    client = api(office)
    member, reserve = _member(panel_id, 2), _member(panel_id, 4)

    ok = client.post(f"/panels/{panel_id}/chair", {"member": member.pk})
    refused = client.post(f"/panels/{panel_id}/chair", {"member": reserve.pk})

    assert ok.status_code == 200
    assert [m["role"] for m in ok.json()["members"]][:2] == ["member", "chair"]
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["member"]


def test_draw_more_reserves(office, panel_id):
    response = api(office).post(
        f"/panels/{panel_id}/reserves", {**DRAW, "seed": "掷骰 4 5", "count": 1}
    )

    assert response.status_code == 201, response.content
    assert [m["role"] for m in response.json()["members"]].count("reserve") == 3


# --------------------------------------------------------------------------- recusal


def test_office_recusal_calls_the_first_reserve(office, panel_id, nominees):
    member, reserve = _member(panel_id, 1), _member(panel_id, 4)

    response = api(office).post(
        f"/panels/{panel_id}/recusals",
        {"member": member.pk, "nomination": nominees[0].pk, "kind": "relative"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["recused"] is True
    assert response.json()["replacement_expert"] == reserve.expert.name
    assert Assignment.objects.get(member=reserve, nomination=nominees[0]).active


def test_recusal_without_free_reserve_is_a_conflict(office, panel_id, nominees):
    client = api(office)
    for position in (1, 2):
        client.post(
            f"/panels/{panel_id}/recusals",
            {
                "member": _member(panel_id, position).pk,
                "nomination": nominees[0].pk,
                "kind": "relative",
            },
        )

    response = client.post(
        f"/panels/{panel_id}/recusals",
        {"member": _member(panel_id, 3).pk, "nomination": nominees[0].pk, "kind": "relative"},
    )

    assert response.status_code == 409
    assert response.json()["code"] == "no_reserve"
    assert Assignment.objects.get(member=_member(panel_id, 3), nomination=nominees[0]).active


# --------------------------------------------------------------------------- the expert


def test_expert_confirms_confidentiality_before_seeing_nominees(panel_id, nominees):
    member = _member(panel_id, 1)
    client = api(expert_user(member.expert))

    [listed] = client.get("/expert/memberships").json()
    before = client.get(f"/expert/memberships/{member.pk}").json()
    refused = client.post(f"/expert/memberships/{member.pk}/confidentiality", {"agree": False})
    after = client.post(f"/expert/memberships/{member.pk}/confidentiality", {"agree": True})

    assert listed["id"] == member.pk
    assert before["assignments"] == []
    assert "严格保密" in before["undertaking"]
    assert refused.status_code == 400
    assert after.status_code == 200
    assert after.json()["confidentiality_confirmed_at"] is not None
    assert {a["label"] for a in after.json()["assignments"]} == {"张立新", "李德胜"}
    assert AuditEntry.objects.filter(action="experts.confirm_confidentiality").count() == 1


def test_expert_declares_own_conflict_and_a_reserve_takes_over(panel_id, nominees):
    member, reserve = _member(panel_id, 2), _member(panel_id, 4)
    client = api(expert_user(member.expert))
    client.post(f"/expert/memberships/{member.pk}/confidentiality", {"agree": True})

    response = client.post(
        f"/expert/memberships/{member.pk}/recusals",
        {"nomination": nominees[1].pk, "kind": "mentor", "note": "曾为其师傅"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["replacement_expert"] == reserve.expert.name
    assert not Assignment.objects.get(member=member, nomination=nominees[1]).active


def test_old_conflicts_path_still_records_a_recusal_and_is_deprecated(
    panel_id, nominees, openapi_schema
):
    """Issue 11.4: ``…/conflicts`` became ``…/recusals``; the old path answers the same for
    one release and OpenAPI marks it deprecated (the new one is not)."""
    member, reserve = _member(panel_id, 2), _member(panel_id, 4)
    client = api(expert_user(member.expert))
    client.post(f"/expert/memberships/{member.pk}/confidentiality", {"agree": True})

    response = client.post(
        f"/expert/memberships/{member.pk}/conflicts",
        {"nomination": nominees[1].pk, "kind": "mentor"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["replacement_expert"] == reserve.expert.name
    paths = openapi_schema["paths"]
    assert paths["/api/v1/expert/memberships/{membership_id}/conflicts"]["post"]["deprecated"]
    assert "deprecated" not in paths["/api/v1/expert/memberships/{membership_id}/recusals"]["post"]


def test_expert_cannot_reach_anothers_membership_or_unassigned_nominee(panel_id, nominees):
    mine, other = _member(panel_id, 1), _member(panel_id, 2)
    client = api(expert_user(mine.expert))
    expert_user(other.expert)

    assert client.get(f"/expert/memberships/{other.pk}").status_code == 404
    refused = client.post(
        f"/expert/memberships/{mine.pk}/recusals",
        {"nomination": nominees[0].pk, "kind": "relative"},
    )
    # Not confirmed yet: no nominee is the expert's to declare against.
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["nomination"]
    assert _member(panel_id, 4).role == MemberRole.RESERVE


ENDPOINTS = {
    ("get", "/api/v1/experts"),
    ("get", "/api/v1/experts/{expert_id}"),
    ("post", "/api/v1/experts/{expert_id}/relationships"),
    ("get", "/api/v1/campaigns/{code}/panels"),
    ("post", "/api/v1/campaigns/{code}/panels"),
    ("get", "/api/v1/panels/{panel_id}"),
    ("post", "/api/v1/panels/{panel_id}/draw"),
    ("get", "/api/v1/panels/{panel_id}/draw"),
    ("get", "/api/v1/panels/{panel_id}/draw/check"),
    ("post", "/api/v1/panels/{panel_id}/reserves"),
    ("post", "/api/v1/panels/{panel_id}/chair"),
    ("post", "/api/v1/panels/{panel_id}/recusals"),
    ("get", "/api/v1/expert/memberships"),
    ("get", "/api/v1/expert/memberships/{membership_id}"),
    ("post", "/api/v1/expert/memberships/{membership_id}/confidentiality"),
    ("post", "/api/v1/expert/memberships/{membership_id}/recusals"),
    ("post", "/api/v1/expert/memberships/{membership_id}/conflicts"),
    ("get", "/api/v1/expert/assignments"),
    ("get", "/api/v1/expert/assignments/{assignment_id}/score-sheet"),
    ("put", "/api/v1/expert/assignments/{assignment_id}/score-sheet"),
    ("get", "/api/v1/expert/assignments/{assignment_id}/evidence/{evidence_id}"),
    ("get", "/api/v1/panels/{panel_id}/progress"),
    ("get", "/api/v1/panels/{panel_id}/ranking"),
    ("post", "/api/v1/panels/{panel_id}/reminders"),
    ("post", "/api/v1/panels/{panel_id}/close-scoring"),
    ("get", "/api/v1/panels/{panel_id}/ballots"),
    ("post", "/api/v1/panels/{panel_id}/ballots"),
    ("get", "/api/v1/expert/ballots"),
    ("get", "/api/v1/ballots/{ballot_id}"),
    ("post", "/api/v1/ballots/{ballot_id}/votes"),
    ("post", "/api/v1/ballots/{ballot_id}/close"),
    ("post", "/api/v1/ballots/{ballot_id}/sign"),
    ("get", "/api/v1/panels/{panel_id}/inspections"),
    ("post", "/api/v1/panels/{panel_id}/inspections"),
    ("get", "/api/v1/panels/{panel_id}/inspections/{inspection_id}"),
    ("post", "/api/v1/panels/{panel_id}/inspections/{inspection_id}/record"),
    ("post", "/api/v1/panels/{panel_id}/inspections/{inspection_id}/cancel"),
    ("get", "/api/v1/campaigns/{code}/inspections"),
}


def test_openapi_lists_the_expert_review_endpoints(openapi_schema):
    schema = openapi_schema
    operations = {(method, path) for path, item in schema["paths"].items() for method in item}

    assert operations >= ENDPOINTS
    for method, path in ENDPOINTS:
        op = schema["paths"][path][method]
        assert op["tags"] == ["专家评审"]
        assert op["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]
        assert op["operationId"].isidentifier()


@pytest.mark.parametrize("rows", [1, 3])
def test_pool_and_panel_lists_queries_do_not_grow_with_rows(
    rows, office, jiaozuo, django_assert_num_queries
):
    ExpertFactory.create_batch(rows)
    client = api(office)
    for i in range(rows):
        client.post(f"/campaigns/{jiaozuo.code}/panels", {"name": f"第{i + 1}组", "size": 1})

    with django_assert_num_queries(4):
        experts = client.get("/experts")
    with django_assert_num_queries(4):
        panels = client.get(f"/campaigns/{jiaozuo.code}/panels")

    assert experts.json()["count"] == rows
    assert len(panels.json()) == rows
