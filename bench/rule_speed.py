"""Micro-benchmark of the eligibility rules (issue 12 "Speed"). A benchmark, not a test:
it prints figures and exits 0.

1. **One nominee**: all rules of each seed campaign's awards, after the specification is
   compiled, median of many runs (goal: ≤ 1 ms). Measured twice: as a single screening
   does it (``not_previous_awardee`` asks the laureate registry, one indexed query), and
   with the registry already read, as the batch below has it for each nominee.
2. **1,000 nominees** of each seed campaign (``--batch``): ``selectors.screen_nominations``,
   what a list or the overview calls to check many nominees' eligibility at once (goal:
   ≤ 1 s, no query per nominee); median of ``--batch-runs`` runs and the queries it made.
   Each run starts from the campaign row, so it includes reading the specification (parsed
   once per process, ``Campaign.specification``) and
   reading the nominations (decrypting their ID numbers).
   The nominations, the campaigns and the organization trees are written inside a
   transaction that is rolled back at the end, so the database is left as it was.
3. **One nominee's check as the platform makes it** (``one_check``):
   ``services.evaluate_eligibility`` on a saved nomination (results not stored), with its
   database reads (its overrides and laureate registry rows, one query), the nomination
   read afresh with its campaign, award and unit before each run, 200 registry entries of
   other people beside its own; median of ``--check-runs`` runs, the queries it made, the
   rules alone on the same nomination, and the ratio of the median to the 1 ms goal.

Usage (from the repository root, with DATABASE_URL set to a migrated database):

    DJANGO_SETTINGS_MODULE=jiangxuan.settings .venv/bin/python bench/rule_speed.py \
        [--runs N] [--check-runs N] [--batch N] [--batch-runs N]

The nominee of part 1 is an unsaved nomination of a man born 1985 with the fields the
seeds' rules read (skill level, honours, post kind, in service); no nominating unit, so no
rule reads the organization tree. Part 2 varies skill level, honours, retirement and the
registry across the nominees. ``make bench-rules`` runs all three (part 3 between 1 and 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from pathlib import Path

import django

SPECS_DIR = Path(__file__).resolve().parents[1] / "specs"


def one_nominee(runs: int) -> None:
    from jiangxuan.campaigns.spec import ExprRule, load_spec_file
    from jiangxuan.nominations.eligibility import evaluate_rules
    from jiangxuan.nominations.models import Nomination

    print(
        "| seed | award | rules (expr) | median µs | p95 µs | median µs, registry read "
        "| runs |\n|---|---|---|---|---|---|---|"
    )
    for path in sorted(SPECS_DIR.glob("*.yaml")):
        spec = load_spec_file(path)
        for award in spec.awards:
            nomination = Nomination(
                name="王建国",
                sex="男",
                birth_date=dt.date(1985, 3, 15),
                native_place="吉林长春",
                skill_level="senior_technician",
                professional_title="",
                is_retired=False,
                is_unit_leader=False,
                years_in_region=5,
                honours=[{"code": h.code, "name": h.name, "year": 2019} for h in spec.honours[:2]],
                contests=[],
                claimed_conditions=[],
                channel=spec.channels[0].code,
                extra={"employment_status": "在职", "post_kind": "生产操作岗位"},
            )
            nomination.id_number = "220104198503150516"
            evaluate_rules(nomination, spec, award)  # compiles the expressions (cached)
            figures = []
            for past_awards in (None, []):
                times = []
                for _ in range(runs):
                    start = time.perf_counter_ns()
                    evaluate_rules(nomination, spec, award, past_awards=past_awards)
                    times.append((time.perf_counter_ns() - start) / 1000)
                times.sort()
                figures.append((statistics.median(times), times[int(len(times) * 0.95)]))
            exprs = sum(isinstance(r, ExprRule) for r in award.eligibility)
            print(
                f"| {path.stem[:3]} | {award.code} | {len(award.eligibility)} ({exprs}) "
                f"| {figures[0][0]:.0f} | {figures[0][1]:.0f} | {figures[1][0]:.0f} | {runs} |"
            )


def one_check(runs: int) -> None:
    """The check one nominee's save or the eligibility panel makes
    (``services.evaluate_eligibility``, results not stored), with its database reads, on a
    saved nomination read afresh (with its campaign, award and unit) before each run."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from jiangxuan.accounts.models import OrgUnit, User
    from jiangxuan.accounts.services import load_org_tree
    from jiangxuan.campaigns.models import PastAwardee
    from jiangxuan.campaigns.selectors import category_of
    from jiangxuan.campaigns.services import load_campaign
    from jiangxuan.core.crypto import blind_index
    from jiangxuan.nominations.eligibility import evaluate_rules, read_person
    from jiangxuan.nominations.models import Nomination
    from jiangxuan.nominations.services import evaluate_eligibility

    print(
        "\n| seed | award | rules | check µs (median) | p95 µs | queries "
        "| rules alone µs | ratio to 1 ms | runs |\n|---|---|---|---|---|---|---|---|---|"
    )
    with transaction.atomic():
        for path in sorted((SPECS_DIR / "orgs").glob("*.yaml")):
            load_org_tree(path)
        user = User.objects.create(username="rule-speed-bench")
        units = list(OrgUnit.objects.all())
        for number, path in enumerate(sorted(SPECS_DIR.glob("*.yaml"))):
            campaign = load_campaign(path)
            spec = campaign.specification
            unit = next(u for u in units if not spec.unit_categories or category_of(u, spec))
            # 200 registry entries of other people, half in the campaign's series.
            PastAwardee.objects.bulk_create(
                PastAwardee(series=(a.series if i % 2 else "another-series"), title="往届",
                            name="他人", id_index=blind_index(f"bench-{number}-{i}"), year=2019)
                for i, a in enumerate(list(campaign.awards.all()) * 100)
            )  # fmt: skip
            for k, award in enumerate(a for a in campaign.awards.all() if not a.spec.derived_from):
                n = Nomination(
                    campaign=campaign, award=award, channel=spec.channels[0].code,
                    nominating_unit=unit, workplace=unit, created_by=user, name="王建国",
                    native_place="吉林长春", skill_level="senior_technician", is_retired=False,
                    is_unit_leader=False, years_in_region=5,
                    honours=[
                        {"code": h.code, "name": h.name, "year": 2019} for h in spec.honours[:2]
                    ],
                    extra={"employment_status": "在职", "post_kind": "生产操作岗位"},
                )  # fmt: skip
                n.id_number = _id_number(5000 + 10 * number + k)
                n.id_index = blind_index(n.id_number)
                n.save()
                PastAwardee.objects.create(
                    series="another-series",
                    title="其他称号",
                    name=n.name,
                    id_index=n.id_index,
                    year=2019,
                )  # the nominee's own entry, of another series: the check passes the rule
                fresh = Nomination.objects.select_related("campaign", "award", "nominating_unit")
                evaluate_eligibility(fresh.get(pk=n.pk), save=False)  # compiles, caches
                times, alone = [], []
                for _ in range(runs):
                    loaded = fresh.get(pk=n.pk)
                    connection.queries_log.clear()  # it keeps only the last 9,000
                    with CaptureQueriesContext(connection) as queries:
                        start = time.perf_counter_ns()
                        evaluate_eligibility(loaded, save=False)
                        times.append((time.perf_counter_ns() - start) / 1000)
                overridden, past = read_person(loaded)
                award_spec = spec.award(award.code)
                for _ in range(runs):
                    start = time.perf_counter_ns()
                    evaluate_rules(loaded, spec, award_spec, overridden=overridden,
                                   past_awards=past)  # fmt: skip
                    alone.append((time.perf_counter_ns() - start) / 1000)
                times.sort()
                median = statistics.median(times)
                print(
                    f"| {path.stem[:3]} | {award.code} | {len(award_spec.eligibility)} "
                    f"| {median:.0f} | {times[int(len(times) * 0.95)]:.0f} | {len(queries)} "
                    f"| {statistics.median(alone):.0f} | {median / 1000:.2f} | {runs} |"
                )
        transaction.set_rollback(True)


def _id_number(i: int) -> str:
    from stdnum.cn import ric

    day = dt.date(1970, 1, 1) + dt.timedelta(days=i % 9000)
    body = f"220104{day:%Y%m%d}{i % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def many_nominees(count: int, runs: int) -> None:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from jiangxuan.accounts.models import OrgUnit, User
    from jiangxuan.accounts.services import load_org_tree
    from jiangxuan.campaigns.models import PastAwardee
    from jiangxuan.campaigns.selectors import category_of
    from jiangxuan.campaigns.services import load_campaign
    from jiangxuan.core.crypto import blind_index
    from jiangxuan.nominations.models import Nomination
    from jiangxuan.nominations.selectors import screen_nominations

    print("\n| seed | nominees | median ms | per nominee µs | queries | runs |")
    print("|---|---|---|---|---|---|")
    with transaction.atomic():
        for path in sorted((SPECS_DIR / "orgs").glob("*.yaml")):
            load_org_tree(path)
        user = User.objects.create(username="rule-speed-bench")
        units = list(OrgUnit.objects.all())
        for path in sorted(SPECS_DIR.glob("*.yaml")):
            campaign = load_campaign(path)
            spec = campaign.specification
            unit = next(u for u in units if not spec.unit_categories or category_of(u, spec))
            awards = [a for a in campaign.awards.all() if not a.spec.derived_from]
            rows, registry = [], []
            for i in range(count):
                award = awards[i % len(awards)]
                n = Nomination(
                    campaign=campaign,
                    award=award,
                    channel=spec.channels[0].code,
                    nominating_unit=unit,
                    workplace=unit,
                    created_by=user,
                    name=f"推荐对象{i}",
                    native_place="吉林长春" if i % 3 else "山东潍坊",
                    years_in_region=i % 5,
                    skill_level=("senior", "technician", "senior_technician", "")[i % 4],
                    is_retired=(False, None, True)[i % 3] if i % 7 else False,
                    is_unit_leader=i % 11 == 0,
                    honours=[
                        {"code": h.code, "name": h.name, "year": 2019}
                        for h in spec.honours[: i % 4]
                    ],
                    extra={"employment_status": "在职", "post_kind": "生产操作岗位"},
                )
                n.id_number = _id_number(i)
                n.id_index = blind_index(n.id_number)
                rows.append(n)
                if i % 10 == 0:
                    registry.append(
                        PastAwardee(series=award.series, title="往届", name=n.name,
                                    id_index=n.id_index, year=2019)
                    )  # fmt: skip
            Nomination.objects.bulk_create(rows)
            PastAwardee.objects.bulk_create(registry, ignore_conflicts=True)
            screen_nominations(campaign)  # compiles the expressions (cached)
            times = []
            for _ in range(runs):
                campaign = type(campaign).objects.get(pk=campaign.pk)  # spec parsed anew
                connection.queries_log.clear()  # it keeps only the last 9,000
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    screened = screen_nominations(campaign)
                    times.append(time.perf_counter() - start)
            assert len(screened) == count
            median = statistics.median(times)
            print(
                f"| {path.stem[:3]} | {count} | {median * 1000:.0f} | {median / count * 1e6:.0f} "
                f"| {len(queries)} | {runs} |"
            )
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--check-runs", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--batch-runs", type=int, default=5)
    args = parser.parse_args()
    django.setup()
    one_nominee(args.runs)
    one_check(args.check_runs)
    if args.batch:
        many_nominees(args.batch, args.batch_runs)


if __name__ == "__main__":
    main()
