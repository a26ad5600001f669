"""Micro-benchmark of the eligibility rules (issue 12 "Speed"): all rules of each seed
campaign's awards for one nominee, after the specification is compiled, median of many
runs. Goal: ≤ 1 ms per nominee. A benchmark, not a test: it prints figures and exits 0.

Usage (from the repository root, with DATABASE_URL set: the not_previous_awardee rule
asks the laureate registry, one indexed query per evaluation, as in production):

    DJANGO_SETTINGS_MODULE=jiangxuan.settings .venv/bin/python bench/rule_speed.py [--runs N]

The nominee is an unsaved nomination of a man born 1985 with the fields the seeds' rules
read (skill level, honours, post kind, in service); no nominating unit, so no rule reads
the organization tree. ``make bench-rules`` runs it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from pathlib import Path

import django

SPECS_DIR = Path(__file__).resolve().parents[1] / "specs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000)
    runs = parser.parse_args().runs
    django.setup()

    from jiangxuan.campaigns.spec import ExprRule, load_spec_file
    from jiangxuan.nominations.eligibility import evaluate_rules
    from jiangxuan.nominations.models import Nomination

    print("| seed | award | rules (expr) | median µs | p95 µs | runs |\n|---|---|---|---|---|---|")
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
            times = []
            for _ in range(runs):
                start = time.perf_counter_ns()
                evaluate_rules(nomination, spec, award)
                times.append((time.perf_counter_ns() - start) / 1000)
            times.sort()
            exprs = sum(isinstance(r, ExprRule) for r in award.eligibility)
            print(
                f"| {path.stem[:3]} | {award.code} | {len(award.eligibility)} ({exprs}) "
                f"| {statistics.median(times):.0f} | {times[int(len(times) * 0.95)]:.0f} "
                f"| {runs} |"
            )


if __name__ == "__main__":
    main()
