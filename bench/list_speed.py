"""Benchmark of the lists at scale (issue 17.3): the reviewer's work queue (page and API),
the nomination list, the campaign overview and the summary-sheet download, each timed per
request through Django's test client as a signed-in user of the right role, with the
number of SQL queries the request made, at 10, 1,000 and 20,000 nominations of one
campaign. Goal: the reviewer queue ≤ 150 ms at 20,000 nominations, and every request's
query count the same at every size. A benchmark, not a test: it prints figures and exits
0 unless the run itself fails (a request that does not answer 200); a missed goal is
reported, not raised.

Usage (from the repository root, with DATABASE_URL set; nothing is written to that
database: the data goes into a throwaway database beside it, ``bench_lists_<name>``,
created, migrated and dropped as pytest-django does with its test database):

    DJANGO_SETTINGS_MODULE=jiangxuan.settings .venv/bin/python bench/list_speed.py \
        [--sizes 10,1000,20000] [--services N] [--repeat N] [--export-repeat N]

``make bench-lists`` runs it with the defaults (also part of ``make bench``).

Data: the org trees and seed 001 (长春技能大奖和长春技术能手评选) through the services; the
nominations all belong to 朝阳区 (the jurisdiction of 朝阳区人社局, who signs at the
"推荐单位评审" level), spread over its workplaces and the two awards, so that its reviewer
sees every one of them (the largest scope a county reviewer has) and the campaign office
sees them all in the overview and the summary sheet.

- The first ``--services`` nominations (default 200; at most half of a size, so that the
  reviewer's queue is never empty) are made as a clerk makes them:
  ``nominations.services.create_nomination``, ``save_nomination`` (a sample person from
  ``demo.samples``), ``add_evidence`` for each required upload, ``submit_nomination``
  inside the submission window. They wait at the first level (所在单位推荐).
- The rest are written with ``bulk_create``, as bench/doc_speed.py does: making 20,000
  through the services (a save, several files and a submission with its eligibility
  check and audit entries each) would take hours on the 2-core development machine. Each
  is a sample person of the same generator with the same fields the services fill
  (eligibility left unevaluated, no evidence files); every second one is submitted and
  waits at the first level like the ones above, the others are under review at 推荐单位评审
  (the 朝阳区人社局 reviewer's queue) with the workplace's forwarding (``Forwarding``) that
  put them there, so that the reviewer's queue holds half of the nominations.

Each request is made once to warm up, once under ``CaptureQueriesContext`` for its query
count, then ``--repeat`` times (``--export-repeat`` for the XLSX download) for the
median and the best wall time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "001-changchun-jineng-2022.yaml"
ORGS = ROOT / "specs" / "orgs"
#: The county whose reviewer's queue is measured (its HR bureau signs for nominating units).
COUNTY_BODY = "cc-chaoyang-hrss"
QUEUE_GOAL_MS = 150


def png(name: str = "photo"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (295, 413), (67, 142, 219)).save(out, format="PNG")
    return SimpleUploadedFile(f"{name}.png", out.getvalue(), content_type="image/png")


class Data:
    """The campaign, its accounts and the nominations made so far."""

    def __init__(self, extra_workplaces: int) -> None:
        from django.utils import timezone

        from jiangxuan.accounts.enums import Role
        from jiangxuan.accounts.models import Membership, OrgUnit, User
        from jiangxuan.accounts.selectors import jurisdiction_of
        from jiangxuan.accounts.services import load_org_tree
        from jiangxuan.campaigns.enums import CampaignState
        from jiangxuan.campaigns.services import load_campaign
        from jiangxuan.demo.samples import SampleGenerator, region_prefix

        for path in sorted(ORGS.glob("*.yaml")):
            load_org_tree(path)
        self.campaign = load_campaign(SPEC, state=CampaignState.PUBLISHED)
        self.spec = self.campaign.specification
        county = OrgUnit.objects.get(code=COUNTY_BODY)

        def account(username: str, unit, role: str, campaign=None):
            user = User.objects.create(username=username, display_name=f"{username}（压测）")
            Membership.objects.create(user=user, org_unit=unit, role=role, campaign=campaign)
            return user

        self.office = account(
            "bench_office", self.campaign.organizer_unit, Role.CAMPAIGN_OFFICE, self.campaign
        )
        self.clerk = account("bench_clerk", county, Role.CLERK)
        self.reviewer = account("bench_county_reviewer", county, Role.REVIEWER)
        region = jurisdiction_of(county)
        # The seed's tree has two workplaces in 朝阳区; a district with 20,000 nominees has
        # hundreds of employers, each a unit of the tree the chain is resolved in.
        for i in range(extra_workplaces):
            region.add_child(
                code=f"bench-workplace-{i:04d}",
                name=f"长春压测企业{i:04d}有限公司",
                kind="enterprise",
                level="workplace",
                ownership_type="私营企业",
            )
            region.refresh_from_db()
        self.workplaces = list(
            OrgUnit.objects.filter(path__startswith=region.path, level="workplace").order_by("path")
        )
        self.county = county
        self.awards = list(self.campaign.awards.order_by("position"))
        self.on = timezone.localdate(self.campaign.submission_closes_at)
        self.generator = SampleGenerator(2022, on=self.on)
        self.prefix = region_prefix(self.campaign.organizer_unit)
        self.count = 0
        self.by_services = 0

    def person(self, i: int):
        workplace = self.workplaces[i % len(self.workplaces)]
        award = self.awards[i % len(self.awards)]
        person = self.generator.person(
            division_prefix=self.prefix,
            workplace_name=workplace.name,
            campaign_spec=self.spec,
            award=self.spec.award(award.code),
        )
        return workplace, award, person

    def through_services(self, count: int) -> None:
        """``count`` nominations made, filled and submitted as a clerk does."""
        from jiangxuan.campaigns.selectors import deadline_for
        from jiangxuan.nominations import services

        for _ in range(count):
            workplace, award, person = self.person(self.count)
            nomination = services.create_nomination(
                campaign=self.campaign, award=award, actor=self.clerk, workplace=workplace
            )
            core, extra = person.values_for(
                self.spec,
                award_name=award.name,
                nominating_unit_name=nomination.nominating_unit.name,
                on=self.on,
            )
            services.save_nomination(
                nomination, actor=self.clerk, core=core, extra=extra, publication_consent=True
            )
            for f in self.spec.form.all_fields():
                if f.effective_type == "photo" and f.required:
                    services.add_evidence(
                        nomination, actor=self.clerk, material="photo", upload=png()
                    )
            for material in services.materials_for(nomination):
                if material.code in ("photo", "video"):
                    continue
                if material.required and material.upload and material.per == "nomination":
                    services.add_evidence(
                        nomination,
                        actor=self.clerk,
                        material=material.code,
                        upload=png(material.code),
                    )
            moment = deadline_for(self.campaign, nomination.nominating_unit) - dt.timedelta(days=1)
            services.submit_nomination(nomination, actor=self.clerk, now=moment)
            self.count += 1
            self.by_services += 1

    def in_bulk(self, count: int) -> None:
        """``count`` nominations written with bulk_create (see the module's docstring)."""
        from django.utils import timezone

        from jiangxuan.core.crypto import blind_index
        from jiangxuan.nominations.enums import NominationState
        from jiangxuan.nominations.models import Forwarding, Nomination

        levels = self.spec.review_chain.levels
        first, second = levels[0].code, levels[1].code
        fields = {f.name for f in Nomination._meta.concrete_fields}
        now = timezone.now()
        rows = []
        for _ in range(count):
            i = self.count
            workplace, award, person = self.person(i)
            unit = self.county  # the clerk's unit, as create_nomination sets it
            core, extra = person.values_for(
                self.spec, award_name=award.name, nominating_unit_name=unit.name, on=self.on
            )
            forwarded = i % 2 == 1
            nomination = Nomination(
                campaign=self.campaign,
                award=award,
                channel=self.spec.channels[0].code,
                nominating_unit=unit,
                workplace=workplace,
                created_by=self.clerk,
                state=NominationState.IN_REVIEW if forwarded else NominationState.SUBMITTED,
                level=second if forwarded else first,
                rank=i // len(self.workplaces) + 1,
                submitted_at=now - dt.timedelta(seconds=count - len(rows)),
                is_sample=True,
                extra=extra,
                publication_consent=True,
                **{k: v for k, v in core.items() if k in fields},
            )
            nomination.id_index = blind_index(nomination.id_number) if nomination.id_number else ""
            rows.append(nomination)
            self.count += 1
        made = Nomination.objects.bulk_create(rows, batch_size=1000)
        Forwarding.objects.bulk_create(
            [
                Forwarding(
                    nomination=n,
                    level=first,
                    body=n.workplace,
                    rank=n.rank,
                    forwarded_by=self.clerk,
                )
                for n in made
                if n.level == second
            ],
            batch_size=1000,
        )

    def grow(self, size: int, services_max: int) -> float:
        start = time.perf_counter()
        # At most half of any size through the services, so that the reviewer's queue holds
        # nominations at every size (the services' ones wait at the first level) and the
        # query counts compare the same page.
        wanted = max(0, min(size // 2, services_max) - self.by_services)
        self.through_services(wanted)
        self.in_bulk(size - self.count)
        return time.perf_counter() - start


def measure(client, url: str, repeat: int) -> dict:
    """One warm-up, one counted request, then ``repeat`` timed ones."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
    # Read now: the captured list is a view of the connection's log, which the next
    # request empties.
    count = len(queries)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response)
        times.append((time.perf_counter() - start) * 1000)
    return {
        "queries": count,
        "median": statistics.median(times),
        "best": min(times),
        "kb": len(body) / 1024,
    }


def measure_all(data: Data, repeat: int, export_repeat: int) -> dict[str, dict]:
    from django.test import Client
    from django.urls import reverse

    from jiangxuan.accounts.tokens import issue_api_token

    reviewer = Client()
    reviewer.force_login(data.reviewer)
    api = Client(
        headers={
            "Authorization": "Bearer "
            + issue_api_token(data.reviewer, name="bench", scope="read_write")
        }
    )
    clerk = Client()
    clerk.force_login(data.clerk)
    office = Client()
    office.force_login(data.office)
    code = data.campaign.code
    requests = [
        ("reviewer queue (page)", reviewer, reverse("nominations:review_queue"), repeat),
        ("reviewer queue (API)", api, "/api/v1/review/queue", repeat),
        ("nomination list, county reviewer", reviewer, reverse("nominations:list"), repeat),
        ("nomination list, clerk", clerk, reverse("nominations:list"), repeat),
        ("nomination list (API), county reviewer", api, "/api/v1/nominations", repeat),
        ("campaign overview, office", office, reverse("overview:campaign", args=[code]), repeat),
        (
            "summary sheet XLSX, office",
            office,
            reverse("documents:summary_xlsx", args=[code]),
            export_repeat,
        ),
    ]
    return {name: measure(client, url, n) for name, client, url, n in requests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,1000,20000")
    parser.add_argument(
        "--services", type=int, default=200, help="nominations made through the services"
    )
    parser.add_argument("--workplaces", type=int, default=200, help="workplaces added to 朝阳区")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--export-repeat", type=int, default=2)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        parser.error("set DATABASE_URL (a PostgreSQL server; a test database is made beside it)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiangxuan.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings, setup_test_environment

    logging.getLogger("axes").setLevel(logging.WARNING)  # one line per sign-in otherwise
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()}")
    # As the test runner does: DEBUG off (no query log, no template debugging).
    setup_test_environment(debug=False)
    print(f"DEBUG={settings.DEBUG}, database {connection.vendor}")
    name = connection.settings_dict["NAME"]
    connection.settings_dict["TEST"]["NAME"] = f"bench_lists_{name}"
    media = tempfile.mkdtemp(prefix="jx-bench-media-")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    results: dict[int, dict[str, dict]] = {}
    try:
        # The summary sheet is timed as one request at every size: above
        # JX_SUMMARY_BACKGROUND_ROWS the office gets it from a background task, which
        # renders the same sheet the same way.
        with override_settings(
            MEDIA_ROOT=media, ALLOWED_HOSTS=["testserver"], JX_SUMMARY_BACKGROUND_ROWS=10**9
        ):
            data = Data(args.workplaces)
            for size in sizes:
                took = data.grow(size, args.services)
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
                print(
                    f"data: {data.count} nominations ({data.by_services} through the services) "
                    f"ready in {took:.0f} s; load average {os.getloadavg()}"
                )
                results[size] = measure_all(data, args.repeat, args.export_repeat)
                for what, figures in results[size].items():
                    print(
                        "  {what}: median {median:.0f} ms, best {best:.0f} ms, "
                        "{queries} queries, {kb:.0f} KB".format(what=what, **figures)
                    )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        shutil.rmtree(media, ignore_errors=True)
    names = list(results[sizes[0]])
    head = " | ".join(f"{s:,} ms (best) / queries" for s in sizes)
    print(f"\n| request | {head} |\n|---|" + "---:|" * len(sizes))
    for what in names:
        cells = " | ".join(
            "{median:.0f} ({best:.0f}) / {queries}".format(**results[s][what]) for s in sizes
        )
        print(f"| {what} | {cells} |")
    largest = sizes[-1]
    queue = results[largest]["reviewer queue (page)"]["median"]
    api = results[largest]["reviewer queue (API)"]["median"]
    print(
        f"\ngoal: reviewer queue ≤ {QUEUE_GOAL_MS} ms at {largest:,}: page {queue:.0f} ms, "
        f"API {api:.0f} ms ({'met' if max(queue, api) <= QUEUE_GOAL_MS else 'NOT met'})"
    )
    varying = [w for w in names if len({results[s][w]["queries"] for s in sizes}) > 1]
    print(
        "goal: queries constant across sizes: "
        + ("met" if not varying else "NOT met for " + ", ".join(varying))
    )
    print(f"\nload average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
