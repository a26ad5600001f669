"""Prepare the benchmark's database: seed 003 (第一届威海工匠) with approved candidates, a
running public notice of them and an open public vote.

Run by scripts/bench.sh after ``migrate`` on a fresh database, with the bench settings in
the environment:  .venv/bin/python bench/seed.py OUT.json [CANDIDATES [VOTERS]]

Everything goes through the services a campaign office and its reviewers use: the org tree
and the specification are loaded, clerks create, fill and submit sample nominations
(demo.samples people, marked ``is_sample``) inside the seed's 2023 submission window, every
body of every level signs and forwards them (nominations.review) until they are approved,
the office opens the social notice (社会公示, seed 003 二(二)6) starting today and sets up
the public vote (网络投票, seed 003 二(二)3), open from now for 7 days. Only the accounts
(users and their memberships) are created directly, as the demo does.

Writes OUT.json: {"campaign": code, "notice_path": the public notice page, "candidates": n,
"vote_path": the public vote page, "voters": path of the voters file}.

For the wrk comparison (bench/wrk_compare.py, issue 17) it also makes VOTERS (default 0)
verified voters of the vote, as ``verify_code`` leaves them (a row per phone, verified now;
created in bulk, since sending and reading 30,000 codes would measure the SMS folder), and
writes them to voters.tsv beside OUT.json, one a line: the voter's id, its ``X-Voter-Token``
(signed with this run's SECRET_KEY, so the server accepts it) and a ballot of 1-3 of the
candidates' public ids as JSON. It creates the naive view's table ``bench_naive_vote``
(bench/server/models.py) as the owner, before ``auditroles`` grants the server's role.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiangxuan.settings")
django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from jiangxuan.accounts.enums import Role  # noqa: E402
from jiangxuan.accounts.models import Membership, OrgUnit, User  # noqa: E402
from jiangxuan.accounts.selectors import jurisdiction_of  # noqa: E402
from jiangxuan.accounts.services import load_org_tree  # noqa: E402
from jiangxuan.campaigns.enums import CampaignState  # noqa: E402
from jiangxuan.campaigns.models import Campaign  # noqa: E402
from jiangxuan.campaigns.selectors import deadline_for  # noqa: E402
from jiangxuan.campaigns.services import load_campaign  # noqa: E402
from jiangxuan.campaigns.steps import override_step  # noqa: E402
from jiangxuan.core.media import still_video  # noqa: E402
from jiangxuan.demo.samples import (  # noqa: E402
    SAMPLE_VIDEO_SECONDS,
    SampleGenerator,
    region_prefix,
)
from jiangxuan.nominations import review  # noqa: E402
from jiangxuan.nominations import services as nominations  # noqa: E402
from jiangxuan.nominations.chain import bodies_at, level_named  # noqa: E402
from jiangxuan.nominations.enums import NominationState  # noqa: E402
from jiangxuan.nominations.models import Decision, Nomination  # noqa: E402
from jiangxuan.notices import services as notices  # noqa: E402
from jiangxuan.notices.selectors import stages_of  # noqa: E402
from jiangxuan.voting import services as voting  # noqa: E402
from jiangxuan.voting.models import Voter  # noqa: E402
from jiangxuan.voting.selectors import public_view  # noqa: E402
from jiangxuan.voting.tokens import issue_voter_token  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "specs" / "003-weihai-gongjiang-2023.yaml"
ORGS = ROOT / "specs" / "orgs" / "weihai.yaml"
#: The clerks' units (a district union and a district HR bureau, seed 003 二(二)1).
CLERK_UNITS = ("wh-huancui-union", "wh-wendeng-hrss")


def account(username: str, unit: OrgUnit, role: str, campaign: Campaign | None = None) -> User:
    """The user ``username`` holding ``role`` at ``unit`` (created when missing)."""
    user, _created = User.objects.get_or_create(
        username=username, defaults={"display_name": f"{unit.short_name or unit.name}（压测）"}
    )
    Membership.objects.get_or_create(user=user, org_unit=unit, role=role, campaign=campaign)
    return user


def png(name: str = "photo") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (295, 413), (67, 142, 219)).save(out, format="PNG")
    return SimpleUploadedFile(f"{name}.png", out.getvalue(), content_type="image/png")


def nominate(campaign: Campaign, count: int) -> list[Nomination]:
    """``count`` complete sample nominations, submitted inside the submission window."""
    spec = campaign.specification
    award = campaign.awards.order_by("position").first()
    closes = campaign.submission_closes_at
    gen = SampleGenerator(2023, on=timezone.localdate(closes))
    clerks = []
    for code in CLERK_UNITS:
        unit = OrgUnit.objects.get(code=code)
        scope = jurisdiction_of(unit)
        workplaces = list(
            OrgUnit.objects.filter(path__startswith=scope.path, level="workplace").order_by("path")
        )
        clerks.append((account(f"bench_{code}", unit, Role.CLERK), workplaces))
    # The notice asks a playable video of about five minutes (seed 003 四(三)): a still one.
    video = still_video(SAMPLE_VIDEO_SECONDS)
    created = []
    for i in range(count):
        clerk, workplaces = clerks[i % len(clerks)]
        workplace = workplaces[i // len(clerks) % len(workplaces)]
        person = gen.person(
            division_prefix=region_prefix(campaign.organizer_unit),
            workplace_name=workplace.name,
            campaign_spec=spec,
            award=spec.award(award.code),
        )
        nomination = nominations.create_nomination(
            campaign=campaign, award=award, actor=clerk, workplace=workplace
        )
        Nomination.objects.filter(pk=nomination.pk).update(is_sample=True)
        core, extra = person.values_for(
            spec,
            award_name=award.name,
            nominating_unit_name=nomination.nominating_unit.name,
            on=timezone.localdate(closes),
        )
        nominations.save_nomination(
            nomination, actor=clerk, core=core, extra=extra, publication_consent=True
        )
        nominations.add_evidence(nomination, actor=clerk, material="photo", upload=png())
        nominations.add_evidence(
            nomination,
            actor=clerk,
            material="video",
            upload=SimpleUploadedFile("video.mp4", video, content_type="video/mp4"),
        )
        # Every other item the checklist requires (申报表, 证明材料, 照片), as a sample scan.
        for material in nominations.materials_for(nomination):
            if material.code in ("photo", "video"):
                continue
            if material.required and material.upload and material.per == "nomination":
                nominations.add_evidence(
                    nomination, actor=clerk, material=material.code, upload=png(material.code)
                )
        moment = deadline_for(campaign, nomination.nominating_unit) - dt.timedelta(days=1)
        nominations.submit_nomination(nomination, actor=clerk, now=moment)
        created.append(nomination)
    return created


def forwarding_body(nomination: Nomination) -> OrgUnit:
    """The nominating unit where it signs at the level, else the level's first body."""
    bodies = [
        body for _signer, body in bodies_at(nomination, level_named(nomination, nomination.level))
    ]
    return nomination.nominating_unit if nomination.nominating_unit in bodies else bodies[0]


def review_chain(campaign: Campaign, pending: list[Nomination]) -> None:
    """Every body of each level approves; the forwarding body forwards, until approved."""
    while pending:
        code = pending[0].level
        here = [n for n in pending if n.level == code]
        groups: dict[int, tuple[OrgUnit, list[Nomination]]] = {}
        for n in here:
            signed: set[int] = set()
            for signer, body in bodies_at(n, level_named(n, code)):
                if body.pk in signed:
                    continue
                reviewer = account(f"bench_{body.code}_reviewer", body, Role.REVIEWER)
                review.sign_off(n, actor=reviewer, signer=signer, decision=Decision.APPROVE)
                signed.add(body.pk)
            n.refresh_from_db()
            body = forwarding_body(n)
            groups.setdefault(body.pk, (body, []))[1].append(n)
        for body, group in groups.values():
            reviewer = account(f"bench_{body.code}_reviewer", body, Role.REVIEWER)
            review.forward_nominations(
                campaign, level=code, body=body, actor=reviewer, order=[n.pk for n in group]
            )
        for n in pending:
            n.refresh_from_db()
        pending = [n for n in pending if n.state != NominationState.APPROVED]


def make_voters(vote, campaign: Campaign, count: int, path: Path) -> None:
    """``count`` verified voters of ``vote`` and their tokens and ballots in ``path``."""
    from django.db import connection

    sys.path.insert(0, str(ROOT))
    from bench.server import NAIVE_TABLE_SQL

    with connection.cursor() as cursor:
        cursor.execute(NAIVE_TABLE_SQL)
    view = public_view(campaign.code)
    assert view is not None
    ids = sorted(view.by_public_id())
    now = timezone.now()
    lines = []
    for start in range(0, count, 5000):
        rows = Voter.objects.bulk_create(
            [
                Voter(
                    public_vote=vote, phone_hash=voting.phone_hash(f"199{n:08d}"), verified_at=now
                )
                for n in range(start, min(start + 5000, count))
            ]
        )
        for voter in rows:
            k = voter.pk % len(ids)
            ballot = [ids[(k + j) % len(ids)] for j in range(1 + voter.pk % min(3, len(ids)))]
            lines.append(f"{voter.pk}\t{issue_voter_token(voter)}\t{json.dumps(ballot)}\n")
    path.write_text("".join(lines), encoding="utf-8")


def main(out: Path, count: int, voters: int = 0) -> None:
    load_org_tree(ORGS)
    campaign = load_campaign(SPEC, state=CampaignState.PUBLISHED)
    office = account("bench_office", campaign.organizer_unit, Role.CAMPAIGN_OFFICE, campaign)
    review_chain(campaign, nominate(campaign, count))
    approved = list(
        Nomination.objects.filter(campaign=campaign, state=NominationState.APPROVED).order_by("pk")
    )
    stage = next(s.key for s in stages_of(campaign.specification) if s.key.startswith("social"))
    # The load needs the notice and the vote running at once, which the notice's order
    # (二(二)2-6) keeps apart: the office lets them start early, with its recorded reason.
    for step in ("public_vote", stage):
        override_step(campaign, step, reason="压力测试：公示与网络投票同时进行", actor=office)
    notice = notices.open_public_notice(
        campaign,
        stage=stage,
        body=None,
        nominations=approved,
        starts_on=timezone.localdate(),
        actor=office,
    )
    now = timezone.now()
    vote = voting.prepare_public_vote(
        campaign, actor=office, opens_at=now, closes_at=now + dt.timedelta(days=7)
    )
    voting.open_public_vote(vote, actor=office)
    voters_path = out.with_name("voters.tsv")
    make_voters(vote, campaign, voters, voters_path)
    result = {
        "campaign": campaign.code,
        "notice_path": reverse("notices:public_detail", args=[notice.pk]),
        "vote_path": reverse("voting:vote", args=[campaign.code]),
        "candidates": len(approved),
        "voters": str(voters_path),
    }
    out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    print(
        f"seed 003: {len(approved)} approved candidates, notice {result['notice_path']}, vote open"
    )


if __name__ == "__main__":
    main(
        Path(sys.argv[1]),
        int(sys.argv[2]) if len(sys.argv) > 2 else 12,
        int(sys.argv[3]) if len(sys.argv) > 3 else 0,
    )
