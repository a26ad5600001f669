import io
from urllib.parse import quote

import ofdkit
import pytest
from django.db import connection
from django.db.models.signals import post_init, pre_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiangxuan.accounts.enums import Role
from jiangxuan.core.models import AuditEntry
from jiangxuan.documents.selectors import summary_scope_for
from jiangxuan.documents.services import render_summary_xlsx
from jiangxuan.nominations.models import Nomination

from .helpers import ID_NUMBER_RE, docx_text, xlsx_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(make_user):
    """Clerk of 朝阳区人社局, the nominating unit of the default nominations."""
    return make_user("cc-chaoyang-hrss", Role.CLERK)


@pytest.fixture
def office(make_user, campaign):
    return make_user("cc-hrss", Role.CAMPAIGN_OFFICE, campaign=campaign)


def exports():
    return list(AuditEntry.objects.filter(action="nomination.export_unmasked"))


@pytest.mark.parametrize(
    "name", ["documents:nomination_docx", "documents:nomination_pdf", "documents:nomination_ofd"]
)
def test_nomination_form_anonymous_redirected_to_login(client, make_nomination, name):
    nomination = make_nomination()
    url = reverse(name, args=[nomination.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"


@pytest.mark.parametrize(
    "name", ["documents:nomination_docx", "documents:nomination_pdf", "documents:nomination_ofd"]
)
def test_nomination_form_other_unit_clerk_gets_404(client, make_user, make_nomination, name):
    nomination = make_nomination()
    client.force_login(make_user("cc-nanguan-hrss", Role.CLERK))

    response = client.get(reverse(name, args=[nomination.pk]))

    assert response.status_code == 404
    assert exports() == []


def test_nomination_docx_clerk_downloads_unmasked_and_is_audited(client, clerk, make_nomination):
    nomination = make_nomination(name="王建国")
    client.force_login(clerk)

    response = client.get(reverse("documents:nomination_docx", args=[nomination.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    filename = "长春技能大奖（长春技术能手）候选人推荐表-王建国.docx"
    assert response["Content-Disposition"] == (f"attachment; filename*=utf-8''{quote(filename)}")
    assert response["Cache-Control"] == "no-store"
    text = docx_text(b"".join(response.streaming_content))
    assert ID_NUMBER_RE.findall(text) == [nomination.id_number]
    (entry,) = exports()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        clerk.id,
        "nominations.nomination",
        str(nomination.pk),
    )
    assert entry.after == {"format": "docx", "nominations": [nomination.pk]}


def test_nomination_pdf_leading_group_gets_masked_without_audit(
    client, make_user, campaign, make_nomination
):
    nomination = make_nomination()
    client.force_login(make_user("cc-hrss", Role.LEADING_GROUP, campaign=campaign))

    response = client.get(reverse("documents:nomination_pdf", args=[nomination.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    assert exports() == []


def test_nomination_ofd_opens_with_the_forms_text_masked_for_the_leading_group(
    client, make_user, campaign, make_nomination
):
    # Issue 14.4: the form as GB/T 33190 OFD, drawn from its PDF, under the same masking.
    nomination = make_nomination(name="王建国")
    client.force_login(make_user("cc-hrss", Role.LEADING_GROUP, campaign=campaign))

    response = client.get(reverse("documents:nomination_ofd", args=[nomination.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ofd"
    filename = "长春技能大奖（长春技术能手）候选人推荐表-王建国.ofd"
    assert response["Content-Disposition"] == (f"attachment; filename*=utf-8''{quote(filename)}")
    with ofdkit.open(b"".join(response.streaming_content)) as document:
        text = document.text()
        assert document.info.title == filename.removesuffix(".ofd")
    assert "长春技能大奖（长春技术能手）候选人推荐表" in text.replace(" ", "")
    assert "王建国" in text
    assert nomination.id_number not in text
    assert exports() == []


def test_summary_xlsx_office_gets_every_unit(client, office, campaign, make_nomination):
    make_nomination(rank=1, name="朝阳一")
    make_nomination(rank=1, name="南关一", unit="cc-nanguan-hrss", workplace="cc-yatai-heat")
    client.force_login(office)

    response = client.get(reverse("documents:summary_xlsx", args=[campaign.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('长春技能大奖和长春技术能手候选人汇总表.xlsx')}"
    )
    assert response["Cache-Control"] == "no-store"
    sheet = xlsx_sheet(b"".join(response.streaming_content))
    assert [sheet.cell(row=r, column=3).value for r in (4, 5)] == ["南关一", "朝阳一"]
    assert sheet["A2"].value == "填报单位（公章）："
    (entry,) = exports()
    assert (entry.object_type, entry.after["format"]) == ("campaigns.campaign", "xlsx")


def test_summary_xlsx_clerk_gets_her_units_only(client, clerk, campaign, make_nomination):
    mine = make_nomination(rank=1, name="朝阳一")
    make_nomination(rank=1, name="南关一", unit="cc-nanguan-hrss", workplace="cc-yatai-heat")
    client.force_login(clerk)

    response = client.get(reverse("documents:summary_xlsx", args=[campaign.code]))

    sheet = xlsx_sheet(b"".join(response.streaming_content))
    assert sheet["C4"].value == "朝阳一"
    assert sheet["C5"].value is None
    assert sheet["A2"].value == "填报单位（公章）：长春市朝阳区人力资源和社会保障局"
    assert sheet["G4"].value == mine.id_number  # her own unit's nominee, in full
    assert [e.after["nominations"] for e in exports()] == [[mine.pk]]


def test_summary_xlsx_unknown_campaign_gets_404(client, clerk):
    client.force_login(clerk)

    response = client.get(reverse("documents:summary_xlsx", args=["no-such-campaign"]))

    assert response.status_code == 404


def test_summary_xlsx_anonymous_redirected_to_login(client, campaign):
    url = reverse("documents:summary_xlsx", args=[campaign.code])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_summary_scope_for_office_queries_do_not_grow(
    office, campaign, make_nomination, django_assert_num_queries
):
    make_nomination(rank=1)
    with django_assert_num_queries(4):  # memberships, rows, their awards and their units
        one = summary_scope_for(office, campaign)
    make_nomination(rank=2)
    make_nomination("expert", rank=1, unit="cc-nanguan-hrss", workplace="cc-yatai-heat")
    office.__dict__.pop("_jx_memberships", None)
    with django_assert_num_queries(4):
        three = summary_scope_for(office, campaign)

    with django_assert_num_queries(0):  # everything the sheet shows came with the rows
        render_summary_xlsx(campaign, three.nominations, unmasked_ids=three.unmasked_ids)

    assert (len(one.nominations), len(three.nominations)) == (1, 3)
    assert three.unmasked_ids == {n.id for n in three.nominations}


def test_summary_rows_hold_their_columns_and_defer_the_rest(
    office, campaign, make_nomination, django_assert_num_queries
):
    """The sheet's rows are built from one ``values_list`` (issue 17.4): each is the
    nomination, with what it fetched equal to a full read and the rest read on demand."""
    made = make_nomination(rank=1, achievement_narrative="三十年扎根一线。")
    (row,) = summary_scope_for(office, campaign).nominations
    full = Nomination.objects.get(pk=made.pk)

    deferred = row.get_deferred_fields()
    fetched = {f.attname for f in Nomination._meta.concrete_fields} - deferred
    assert row == full
    assert {"id_number", "bank_account", "phone", "rank", "award_id"} <= fetched
    assert {name: getattr(row, name) for name in fetched} == {
        name: getattr(full, name) for name in fetched
    }
    assert row.id_number == made.id_number  # decrypted as with a model read
    with django_assert_num_queries(1):
        assert row.achievement_narrative == "三十年扎根一线。"
    row.refresh_from_db()
    assert row.get_deferred_fields() == deferred - {"achievement_narrative"}
    # The rows skip Model.__init__, so a receiver of these signals would not see them.
    assert not pre_init.has_listeners(Nomination)
    assert not post_init.has_listeners(Nomination)


@pytest.mark.parametrize("role", [Role.CAMPAIGN_OFFICE, Role.CLERK])
def test_summary_xlsx_view_queries_same_for_one_and_three_rows(
    client, make_user, campaign, make_nomination, role
):
    unit = "cc-hrss" if role == Role.CAMPAIGN_OFFICE else "cc-chaoyang-hrss"
    client.force_login(make_user(unit, role, campaign=campaign))
    url = reverse("documents:summary_xlsx", args=[campaign.code])
    make_nomination(rank=1)
    client.get(url)  # first request of a session stamps it and starts the audit chain
    with CaptureQueriesContext(connection) as one:
        first = client.get(url)
    make_nomination(rank=2)
    make_nomination("expert", rank=1)
    with CaptureQueriesContext(connection) as three:
        second = client.get(url)

    rows = [xlsx_sheet(b"".join(r.streaming_content)).max_row for r in (first, second)]
    assert rows[1] - rows[0] == 2
    assert len(three.captured_queries) == len(one.captured_queries)


@pytest.mark.parametrize("role", [Role.CAMPAIGN_OFFICE, Role.CLERK])
def test_summary_xlsx_view_queries_same_for_three_and_thirty_rows(
    client, make_user, campaign, make_nomination, role
):
    """Issue 17.4: the sheet's query count does not grow with its rows, and its rows
    fetch only what the columns print (no narrative, no eligibility, no unsaved input)."""
    unit = "cc-hrss" if role == Role.CAMPAIGN_OFFICE else "cc-chaoyang-hrss"
    client.force_login(make_user(unit, role, campaign=campaign))
    url = reverse("documents:summary_xlsx", args=[campaign.code])
    for rank in range(1, 4):
        make_nomination("grand" if rank % 2 else "expert", rank=rank)
    client.get(url)  # first request of a session stamps it and starts the audit chain
    with CaptureQueriesContext(connection) as three:
        first = client.get(url)
    for rank in range(4, 31):
        make_nomination("grand" if rank % 2 else "expert", rank=rank)
    with CaptureQueriesContext(connection) as thirty:
        second = client.get(url)

    sheets = [xlsx_sheet(b"".join(r.streaming_content)) for r in (first, second)]
    assert sheets[1].max_row - sheets[0].max_row == 27
    assert len(thirty.captured_queries) == len(three.captured_queries)
    rows_sql = next(q["sql"] for q in thirty.captured_queries if "ORDER BY" in q["sql"]
                    and '"nominations_nomination"."rank"' in q["sql"])  # fmt: skip
    assert "achievement_narrative" not in rows_sql
    assert '"nominations_nomination"."unsaved"' not in rows_sql
    assert '"nominations_nomination"."eligibility"' not in rows_sql


def test_nomination_form_rejects_post(client, clerk, make_nomination):
    nomination = make_nomination()
    client.force_login(clerk)

    response = client.post(reverse("documents:nomination_docx", args=[nomination.pk]))

    assert response.status_code == 405
    assert io.BytesIO(response.content).read() == b""
