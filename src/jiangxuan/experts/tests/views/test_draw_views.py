"""Pool, panel and draw pages (campaign office) and an expert's own membership pages:
role matrix, content, and the database changes behind each form."""

import re

import pytest
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership
from jiangxuan.experts import services
from jiangxuan.experts.enums import MemberRole
from jiangxuan.experts.models import Assignment, Draw, ExpertRelationship, Panel, PanelMember
from jiangxuan.nominations.tests.factories import UserFactory

from ..draw_setup import ExpertFactory, expert_user, nominee, office_of

SEED = "2026-11-23 双色球开奖号码 03 11 19 22 27 31 + 07"


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
            jiaozuo,
            workplace="jz-qinyang-paper",
            nominating_unit="jz-qinyang-union",
            name="李德胜",
        ),
    ]


@pytest.fixture
def drawn(jiaozuo, office, nominees):
    ExpertFactory.create_batch(8)
    panel = services.create_panel(jiaozuo, name="综合评审组", size=3, reserves=2, actor=office)
    services.draw_panel(
        panel, seed=SEED, seed_source="双色球第2026135期", witnesses=["王某"], actor=office
    )
    return panel


def _member(panel, position):
    return PanelMember.objects.select_related("expert").get(panel=panel, position=position)


# --------------------------------------------------------------------------- pool


def test_pool_office_sees_masked_phones(client, office):
    ExpertFactory(name="欧阳明", phone="13912345678")
    client.force_login(office)

    response = client.get(reverse("experts:pool"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "欧阳明" in body
    assert "139****5678" in body
    assert "13912345678" not in body


@pytest.mark.parametrize("who", ["clerk", "expert"])
def test_pool_non_office_404(client, clerk, who):
    user = clerk if who == "clerk" else expert_user(ExpertFactory())
    client.force_login(user)

    response = client.get(reverse("experts:pool"))

    assert response.status_code == 404


def test_pool_anonymous_redirected_to_login(client):
    response = client.get(reverse("experts:pool"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_pool_filter_by_speciality(client, office):
    ExpertFactory(name="焊接专家甲", speciality="焊接")
    ExpertFactory(name="数控专家乙", speciality="数控")
    client.force_login(office)

    body = client.get(reverse("experts:pool"), {"speciality": "焊接"}).content.decode()

    assert "焊接专家甲" in body
    assert "数控专家乙" not in body


def test_pool_queries_do_not_grow_with_rows(client, office, django_assert_num_queries):
    client.force_login(office)
    ExpertFactory()
    client.get(reverse("experts:pool"))  # the first request also refreshes the session
    with django_assert_num_queries(7):
        assert len(client.get(reverse("experts:pool")).context["experts"]) == 1
    ExpertFactory.create_batch(2)
    with django_assert_num_queries(7):
        assert len(client.get(reverse("experts:pool")).context["experts"]) == 3


def test_expert_relationship_form_records(client, office, orgs):
    expert = ExpertFactory()
    client.force_login(office)

    response = client.post(
        reverse("experts:expert_detail", args=[expert.pk]),
        {"kind": "colleague", "org_unit": orgs["jz-dfd"].pk, "note": "原工作单位"},
    )

    assert response.status_code == 302
    relation = ExpertRelationship.objects.get(expert=expert)
    assert (relation.kind, relation.org_unit, relation.note) == (
        "colleague",
        orgs["jz-dfd"],
        "原工作单位",
    )
    assert "原工作单位" in client.get(response["Location"]).content.decode()


def test_expert_relationship_form_without_target_shows_error(client, office):
    expert = ExpertFactory()
    client.force_login(office)

    response = client.post(reverse("experts:expert_detail", args=[expert.pk]), {"kind": "other"})

    assert response.status_code == 400
    assert "请填写回避的单位" in response.content.decode()
    assert not ExpertRelationship.objects.exists()


# --------------------------------------------------------------------------- panels


def _mix(client, campaign, **minimums: int) -> dict[str, int]:
    """The panel form's make-up fields as the page offers them: a number per speciality
    of the pool, found by its label (no JSON is typed)."""
    for value in minimums:
        ExpertFactory(speciality=value)
    page = client.get(reverse("experts:panel_list", args=[campaign.code])).content.decode()
    data = {}
    for value, minimum in minimums.items():
        found = re.search(rf'<label for="id_(mix_speciality_\d+)">专业领域“{value}”至少', page)
        assert found, value
        data[found.group(1)] = minimum
    return data


def test_panel_create_by_office(client, office, jiaozuo):
    client.force_login(office)

    response = client.post(
        reverse("experts:panel_list", args=[jiaozuo.code]),
        {"name": "焦作工匠评审组", "size": 5, "reserves": 2, **_mix(client, jiaozuo, 焊接=2)},
    )

    panel = Panel.objects.get()
    assert response["Location"] == reverse("experts:panel_detail", args=[panel.pk])
    assert (panel.size, panel.reserves, panel.mix) == (5, 2, {"speciality": {"焊接": 2}})
    listing = client.get(reverse("experts:panel_list", args=[jiaozuo.code])).content.decode()
    assert "焦作工匠评审组" in listing
    assert "焊接 ≥ 2" in client.get(response["Location"]).content.decode()


def test_panel_create_bad_mix_shows_error(client, office, jiaozuo):
    client.force_login(office)

    response = client.post(
        reverse("experts:panel_list", args=[jiaozuo.code]),
        {"name": "评审组", "size": 2, "reserves": 0, **_mix(client, jiaozuo, 焊接=3)},
    )

    assert response.status_code == 400
    assert "构成要求的人数超过评审组人数" in response.content.decode()
    assert not Panel.objects.exists()


def test_panel_list_other_campaign_office_404(client, stranger, jiaozuo):
    client.force_login(stranger)

    response = client.get(reverse("experts:panel_list", args=[jiaozuo.code]))

    assert response.status_code == 404


def test_panel_draw_by_office_records_and_shows(client, office, jiaozuo, nominees):
    ExpertFactory.create_batch(8)
    panel = services.create_panel(jiaozuo, name="综合评审组", size=3, reserves=1, actor=office)
    client.force_login(office)

    response = client.post(
        reverse("experts:panel_draw", args=[panel.pk]),
        {"seed": SEED, "seed_source": "双色球第2026135期", "witnesses": "王某\n市纪委 李某"},
    )

    draw = Draw.objects.get(panel=panel)
    assert response.status_code == 302
    assert draw.witnesses == ["王某", "市纪委 李某"]
    assert services.redraw(draw) == draw.result
    body = client.get(response["Location"]).content.decode()
    assert SEED in body
    assert "市纪委 李某" in body


def test_panel_draw_other_campaign_office_404(client, stranger, jiaozuo, office, nominees):
    ExpertFactory.create_batch(8)
    panel = services.create_panel(jiaozuo, name="综合评审组", size=3, reserves=1, actor=office)
    client.force_login(stranger)

    response = client.post(
        reverse("experts:panel_draw", args=[panel.pk]),
        {"seed": SEED, "seed_source": "x", "witnesses": "王某"},
    )

    assert response.status_code == 404
    assert not Draw.objects.exists()


def test_panel_draw_pool_too_small_shows_error(client, office, jiaozuo, nominees):
    ExpertFactory.create_batch(2)
    panel = services.create_panel(jiaozuo, name="综合评审组", size=3, reserves=1, actor=office)
    client.force_login(office)

    response = client.post(
        reverse("experts:panel_draw", args=[panel.pk]),
        {"seed": SEED, "seed_source": "x", "witnesses": "王某"},
    )

    assert response.status_code == 400
    assert "可抽取的专家只有2人" in response.content.decode()


@pytest.mark.parametrize("who", ["stranger", "clerk", "member"])
def test_panel_detail_outsiders_404(client, drawn, stranger, clerk, who):
    user = {"stranger": stranger, "clerk": clerk}.get(who) or expert_user(_member(drawn, 1).expert)
    client.force_login(user)

    for name in ("panel_detail", "draw_record"):
        assert client.get(reverse(f"experts:{name}", args=[drawn.pk])).status_code == 404


def test_draw_record_json_reruns(client, office, drawn):
    from jiangxuan.experts.draw import draw_from_record

    client.force_login(office)

    data = client.get(reverse("experts:draw_record", args=[drawn.pk])).json()

    assert data["seed"] == SEED
    assert draw_from_record(data["pool"], data["seed"], data["constraints"]) == data["result"]


def test_panel_chair_and_recusal_forms(client, office, drawn, nominees):
    first, second, reserve = _member(drawn, 1), _member(drawn, 2), _member(drawn, 4)
    client.force_login(office)

    client.post(reverse("experts:panel_chair", args=[drawn.pk]), {"member": first.pk})
    response = client.post(
        reverse("experts:panel_recusal", args=[drawn.pk]),
        {"member": second.pk, "nomination": nominees[0].pk, "kind": "relative", "note": "舅甥"},
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.role == MemberRole.CHAIR
    replacement = Assignment.objects.get(member=reserve, nomination=nominees[0])
    assert replacement.replaces.member == second
    body = client.get(response["Location"]).content.decode()
    assert "亲属关系：舅甥" in body


# --------------------------------------------------------------------------- expert


def test_my_panels_lists_only_own(client, drawn):
    own = _member(drawn, 1)
    user = expert_user(own.expert)
    other = _member(drawn, 2)
    client.force_login(user)

    response = client.get(reverse("experts:my_panels"))

    assert response.status_code == 200
    assert list(response.context["memberships"]) == [own]
    other_url = reverse("experts:membership_detail", args=[other.pk])
    assert client.get(other_url).status_code == 404
    assert client.post(reverse("experts:membership_confirm", args=[other.pk])).status_code == 404


def test_membership_nominees_hidden_until_confidentiality_confirmed(client, drawn, nominees):
    member = _member(drawn, 1)
    client.force_login(expert_user(member.expert))
    url = reverse("experts:membership_detail", args=[member.pk])

    before = client.get(url).content.decode()
    refused = client.post(reverse("experts:membership_confirm", args=[member.pk]))
    still = client.get(url).content.decode()
    client.post(reverse("experts:membership_confirm", args=[member.pk]), {"agree": "on"})
    after = client.get(url).content.decode()

    assert "保密" in before
    assert "张立新" not in before
    assert refused.status_code == 302
    assert "张立新" not in still
    assert "张立新" in after
    assert "李德胜" in after
    member.refresh_from_db()
    assert member.confidentiality_confirmed_at is not None


def test_membership_own_conflict_calls_reserve(client, drawn, nominees):
    member = _member(drawn, 2)
    user = expert_user(member.expert)
    services.confirm_confidentiality(member, actor=user)
    client.force_login(user)

    response = client.post(
        reverse("experts:membership_recusal", args=[member.pk]),
        {"nomination": nominees[1].pk, "kind": "mentor", "note": "师徒"},
    )

    assert response.status_code == 302
    assert Assignment.objects.get(member=member, nomination=nominees[1]).active is False
    assert Assignment.objects.get(member=_member(drawn, 4), nomination=nominees[1]).active
    assert "李德胜" not in client.get(response["Location"]).content.decode()


def test_panel_reserves_form_adds_reserves(client, office, drawn):
    client.force_login(office)

    response = client.post(
        reverse("experts:panel_reserves", args=[drawn.pk]),
        {"count": 1, "seed": "掷骰 5 3", "seed_source": "现场掷骰", "witnesses": "王某"},
    )

    assert response.status_code == 302
    assert PanelMember.objects.filter(panel=drawn, role=MemberRole.RESERVE).count() == 3
    assert "增补候补1人" in client.get(response["Location"]).content.decode()


def test_panel_reserves_other_campaign_office_404(client, stranger, drawn):
    client.force_login(stranger)

    response = client.post(
        reverse("experts:panel_reserves", args=[drawn.pk]),
        {"count": 1, "seed": "掷骰 5 3", "seed_source": "现场掷骰", "witnesses": "王某"},
    )

    assert response.status_code == 404
    assert PanelMember.objects.filter(panel=drawn).count() == 5
