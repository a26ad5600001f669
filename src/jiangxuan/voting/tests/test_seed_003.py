"""Seed 003 (威海工匠) runs its public vote end to end (issue 5, "done when"): nominees
reach the hand-over through the review chain, the office opens the vote, voters verify and
vote within the limits and are refused beyond them, the office reads the anomaly report,
invalidates a vote farm's batch with a reason, the recount matches, and the result reaches
expert review blended 0.8 score / 0.2 public vote (specs/003 二(二)3-4)."""

import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.experts import selectors_scoring, services_scoring
from jiangxuan.experts.tests.scoring_setup import assign_all, drawn_panel
from jiangxuan.nominations.tests.chain_helpers import ChainRun, at
from jiangxuan.nominations.tests.conftest import complete, nominate  # noqa: F401 (fixtures)
from jiangxuan.nominations.tests.review_setup import MP4_BYTES, WEIHAI_HONOURS
from jiangxuan.voting import selectors
from jiangxuan.voting.models import Vote
from jiangxuan.voting.tests.conftest import clear_opinions

from .conftest import last_code

pytestmark = pytest.mark.django_db
CODE = "weihai-gongjiang-2023"
API = "/api/v1"
PLAN = [
    ("wh-huancui-fishing-gear", "赵志强"),
    ("wh-huancui-fishing-gear", "钱红梅"),
    ("wh-wendeng-tools", "孙立军"),
    ("wh-water-group", "李海燕"),
    ("wh-municipal-hospital", "周国栋"),
]
#: Every expert's sheet per nominee: totals 90, 88, 86, 84, 80 of 100.
SHEETS = [
    {"deeds": 36, "technical": 27, "awards": 27},
    {"deeds": 36, "technical": 26, "awards": 26},
    {"deeds": 36, "technical": 25, "awards": 25},
    {"deeds": 34, "technical": 25, "awards": 25},
    {"deeds": 32, "technical": 24, "awards": 24},
]


def post(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def voter_client(phone: str, ip: str) -> tuple[Client, str]:
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=f"phone-{phone}")
    assert post(client, f"{API}/votes/{CODE}/codes", {"phone": phone}).status_code == 202
    verified = post(
        client, f"{API}/votes/{CODE}/verify", {"phone": phone, "code": last_code(phone)}
    )
    return client, verified.json()["voter_token"]


def test_seed_003_public_vote_end_to_end(seed_campaign, orgs, nominate, complete):  # noqa: F811
    # Arrange: five nominees through the chain to the hand-over (approved, consenting).
    campaign = seed_campaign("003")
    run = ChainRun(campaign, nominate=nominate, complete=complete, start=at(dt.date(2023, 6, 21)))
    with run:
        nominees = [
            run.nominate(
                "weihai-gongjiang",
                orgs[code],
                name=name,
                honours=WEIHAI_HONOURS,
                uploads=[("video", SimpleUploadedFile("事迹.mp4", MP4_BYTES, "video/mp4"))],
            )
            for code, name in PLAN
        ]
        run.submit(nominees)
        run.run_chain(nominees)
    office = Client()
    office.force_login(run.office)
    bearer = {
        "Authorization": f"Bearer {issue_api_token(run.office, name='e2e', scope='read_write')}"
    }

    # 人选审核 (二(二)2): the departments' opinions come before the vote (issue 13).
    clear_opinions(campaign, run.office, nominees)
    # The office sets the window the notice leaves open and opens the vote.
    with time_machine.travel(at(dt.date(2023, 7, 7)), tick=False):
        prepared = office.post(
            reverse("voting:office_prepare", args=[CODE]),
            {"opens_at": "2023-07-10T09:00", "closes_at": "2023-07-17T18:00"},
        )
        office.post(reverse("voting:office_open", args=[CODE]))
        listed = Client().get(f"{API}/votes/{CODE}").json()
    assert prepared.status_code == 302
    assert listed["state"] == "before"
    ids = {c["name"]: c["id"] for c in listed["candidates"]}
    assert list(ids) == [name for _code, name in PLAN]

    with time_machine.travel(at(dt.date(2023, 7, 11), dt.time(10, 0)), tick=False):
        # Honest voters, each from their own address, vote within the limits.
        receipts = []
        for i in range(5):
            client, token = voter_client(f"1391234500{i}", f"10.1.{i}.7")
            choice = ["钱红梅", "孙立军"] if i < 4 else ["钱红梅"]
            cast = post(
                client,
                f"{API}/votes/{CODE}/cast",
                {"candidates": [ids[n] for n in choice]},
                X_Voter_Token=token,
            )
            assert cast.status_code == 201
            receipts.append(cast.json()["receipt"])
        # Beyond the limit: one vote per candidate per day (specs/003 vote rules).
        again = post(
            client, f"{API}/votes/{CODE}/cast", {"candidates": [ids["钱红梅"]]},
            X_Voter_Token=token,
        )  # fmt: skip
        assert (again.status_code, again.json()["code"]) == (409, "already_voted")
    with time_machine.travel(at(dt.date(2023, 7, 12), dt.time(3, 10)), tick=False):
        # A vote farm: ten numbers from one /24 at night, all for 周国栋.
        for i in range(10):
            client, token = voter_client(f"1371234560{i}", f"198.51.100.{i + 1}")
            post(
                client, f"{API}/votes/{CODE}/cast", {"candidates": [ids["周国栋"]]},
                X_Voter_Token=token,
            )  # fmt: skip
        report = Client().get(f"{API}/votes/{CODE}/anomalies", headers=bearer).json()
    assert report["total"] == 19
    assert report["subnets"][0] == ["198.51.100.0/24", 10, pytest.approx(10 / 19)]
    assert report["night"] == [["周国栋", 10]]
    assert report["buckets"][0] == ["周国栋", "2023-07-12 03:10", 10]
    assert report["ratio"] == pytest.approx(15 / 19)

    with time_machine.travel(at(dt.date(2023, 7, 13)), tick=False):
        invalidated = post(
            Client(),
            f"{API}/votes/{CODE}/invalidations",
            {
                "rule": "subnet",
                "subnet": "198.51.100.0/24",
                "starts_at": "2023-07-12T00:00:00+08:00",
                "ends_at": "2023-07-12T06:00:00+08:00",
                "reason": "同一网段凌晨集中投票，经核实为刷票",
            },
            **bearer,
        )
    assert invalidated.json()["votes"] == 10
    assert Vote.objects.filter(invalidation__isnull=False).count() == 10

    with time_machine.travel(at(dt.date(2023, 7, 17), dt.time(18, 5)), tick=False):
        # After the close the tally is public, final, and recomputable from the log.
        final = Client().get(f"{API}/votes/{CODE}").json()
        receipt = Client().get(f"{API}/receipts/{receipts[0]}").json()
        out = StringIO()
        call_command("recount", CODE, stdout=out)
        result = selectors.public_vote_result(campaign)
    assert final["tally_final"] is True
    assert {c["name"]: c["votes"] for c in final["candidates"]} == {
        "赵志强": 0, "钱红梅": 5, "孙立军": 4, "李海燕": 0, "周国栋": 0,
    }  # fmt: skip
    assert receipt["votes"] == [
        {"name": "钱红梅", "counted": True},
        {"name": "孙立军", "counted": True},
    ]
    assert "周国栋  有效 0  作废 10  计票 0  存档 —  一致" in out.getvalue()
    assert "一致：9 张有效票。" in out.getvalue()

    # Expert review blends 0.8 × score/100 with 0.2 × votes/most votes (二(二)3-4).
    panel, members = drawn_panel(campaign, size=3)
    for a in assign_all(members, nominees):
        sheet = SHEETS[nominees.index(a.nomination)]
        services_scoring.submit_scores(a, actor=a.member.expert.user, scores=sheet)
    table = selectors_scoring.ranking_table(panel, public_votes=result)
    ranked = [(r.nomination.name, round(r.value, 3)) for r in table.rows]
    assert ranked == [
        ("钱红梅", 0.904),
        ("孙立军", 0.848),
        ("赵志强", 0.72),
        ("李海燕", 0.672),
        ("周国栋", 0.64),
    ]
    assert table.blend_formula == "0.8×专家评分÷满分 + 0.2×网络投票得票÷最高得票"
