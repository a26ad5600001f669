"""Summary of a ``make bench`` run: reads Locust's CSVs and the per-run JSON that
bench/locustfile.py writes, the recount's exit status and the stored vote counts
(stored.json), prints a Markdown summary and writes it to OUT/summary.md and OUT/summary.json.

Usage: python bench/report.py OUT --recount-status N --workers W --threads T --users U
--seconds S. Exits 1 when a scenario had errors or the recount does not match.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import platform
import sys
from pathlib import Path

SCENARIOS = {
    "baseline": "基线 GET /healthz",
    "notice": "公示页 GET notice",
    "vote": "投票（不停顿）",
    "vote_paced": "投票（手机用户的停顿）",
}


def _number(value: str) -> float:
    """A CSV cell as a number; Locust writes "N/A" for a percentile without requests."""
    try:
        return float(value)
    except ValueError:
        return 0.0


def stats(out: Path, name: str) -> dict[str, dict[str, float]]:
    """Rows of ``<name>_stats.csv`` by request name ("Aggregated" for the total)."""
    rows = {}
    with (out / f"{name}_stats.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": _number(row["Requests/s"]),
                "p50": _number(row["50%"]),
                "p99": _number(row["99%"]),
            }
    return rows


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--recount-status", type=int, required=True)
    for option in ("--workers", "--threads", "--users", "--seconds"):
        parser.add_argument(option, type=int, required=True)
    args = parser.parse_args()
    out: Path = args.out

    runs = {}
    for name in SCENARIOS:
        runs[name] = {
            "stats": stats(out, name),
            "run": json.loads((out / f"{name}.json").read_text(encoding="utf-8")),
        }
    stored = json.loads((out / "stored.json").read_text(encoding="utf-8"))
    empty = [name for name in SCENARIOS if not runs[name]["stats"]["Aggregated"]["requests"]]
    if empty:
        sys.stderr.write(
            f"error: no requests recorded after all users had started in: {', '.join(empty)}. "
            "The machine is too busy for this run length: raise JX_BENCH_SECONDS.\n"
        )
        return 1

    def total(name: str) -> dict[str, float]:
        return runs[name]["stats"]["Aggregated"]

    def share(name: str) -> tuple[float, float, float]:
        """Shares of the machine's CPU capacity: Locust, gunicorn, everything busy."""
        run = runs[name]["run"]
        capacity = run["wall_seconds"] * run["cores"]
        return (
            run["generator_cpu_seconds"] / capacity,
            run["server_cpu_seconds"] / capacity,
            run["machine_busy_seconds"] / capacity,
        )

    base = total("baseline")["rps"]

    def per_server_cpu(name: str) -> float:
        """Requests per CPU second gunicorn spent: what a request costs the application
        server, whatever else took the cores (PostgreSQL's and Redis's share excluded).
        The requests are those after the stats reset, the CPU the whole run's, so the
        figure is a little low, alike for every scenario."""
        run = runs[name]["run"]
        return total(name)["requests"] / max(run["server_cpu_seconds"], 1e-9)

    lines = [
        f"# make bench — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {cpu_model()}, {runs['baseline']['run']['cores']} cores, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}.",
        f"Server: gunicorn, {args.workers} gthread workers × {args.threads} threads; "
        f"Locust: {args.users} users per scenario, runs of {args.seconds + 5} s "
        "(statistics from the moment all users had started).",
        "CPU columns are shares of all cores over the run; 整机 CPU minus Locust and gunicorn is "
        "PostgreSQL, Redis and anything else running; 负载 is the 1-minute load average before "
        "and after the run (above 2 means processes outside the benchmark competed for the "
        "2 cores). 请求/gunicorn CPU 秒 divides the requests by gunicorn's CPU seconds, "
        "a cost that depends less on what else runs.",
        "",
        "| 场景 | 请求/秒 | p50 ms | p99 ms | 请求 | 错误 | 与基线之比 | 压测端 CPU "
        "| gunicorn CPU | 整机 CPU | 负载 | 请求/gunicorn CPU 秒 | 按 CPU 之比 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, label in SCENARIOS.items():
        t = total(name)
        generator, server, machine = share(name)
        cost = per_server_cpu(name)
        run = runs[name]["run"]
        lines.append(
            f"| {label} | {t['rps']:.0f} | {t['p50']:.0f} | {t['p99']:.0f} | {t['requests']} "
            f"| {t['failures']} | {t['rps'] / base:.2f} | {generator:.0%} | {server:.0%} "
            f"| {machine:.0%} | {run['load_average_before']:.1f}→{run['load_average_after']:.1f} "
            f"| {cost:.0f} | {cost / per_server_cpu('baseline'):.2f} |"
        )
    lines += ["", "Voter requests (per endpoint):", ""]
    lines += ["| 场景 | 请求 | 请求/秒 | p50 ms | p99 ms | 错误 |", "|---|---|---:|---:|---:|---:|"]
    for name in ("vote", "vote_paced"):
        for request, row in runs[name]["stats"].items():
            if request != "Aggregated":
                lines.append(
                    f"| {SCENARIOS[name]} | {request} | {row['rps']:.1f} | {row['p50']:.0f} "
                    f"| {row['p99']:.0f} | {row['failures']} |"
                )

    ballots = sum(runs[n]["run"]["ballots_201"] for n in ("vote", "vote_paced"))
    votes = sum(runs[n]["run"]["votes_201"] for n in ("vote", "vote_paced"))
    errors = sum(total(n)["failures"] for n in SCENARIOS)
    recount_ok = (
        args.recount_status == 0
        and stored["valid_votes"] == votes
        and stored["receipts"] == ballots
    )
    vote_ballot = runs["vote"]["stats"].get("POST ballot", {"rps": 0.0})
    paced = total("vote_paced")
    goals = [
        (
            "投票请求吞吐 ≥ 0.7 × 基线",
            total("vote")["rps"] / base >= 0.7,
            f"{total('vote')['rps'] / base:.2f}",
        ),
        (
            f"{args.users} 名投票者同时在线时 p99 < 100 ms",
            paced["p99"] < 100,
            f"p99 {paced['p99']:.0f} ms",
        ),
        (
            "公示页 ≥ 0.9 × 基线",
            total("notice")["rps"] / base >= 0.9,
            f"{total('notice')['rps'] / base:.2f}",
        ),
        ("零错误", errors == 0, f"{errors} 个错误"),
        (
            "重新计票一致，且存储的有效票数 = 201 应答所选票数",
            recount_ok,
            f"recount 退出码 {args.recount_status}；有效票 {stored['valid_votes']} / "
            f"201 所选 {votes}；凭证 {stored['receipts']} / 201 应答 {ballots}",
        ),
    ]
    lines += [
        "",
        f"Ballots: {vote_ballot['rps']:.0f} ballots/s at full speed "
        f"({vote_ballot['rps'] / base:.2f} of the baseline's requests/s; one ballot needs three "
        "requests: code, verify, ballot).",
        "",
        "| 目标 | 达成 | 实测 |",
        "|---|---|---|",
    ]
    lines += [f"| {goal} | {'是' if ok else '否'} | {value} |" for goal, ok, value in goals]
    text = "\n".join(lines) + "\n"
    (out / "summary.md").write_text(text, encoding="utf-8")
    summary = {
        "scenarios": {n: {"total": total(n), "run": runs[n]["run"]} for n in SCENARIOS},
        "stored": stored,
        "recount_status": args.recount_status,
        "goals": [{"goal": g, "met": ok, "value": v} for g, ok, v in goals],
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), "utf-8")
    sys.stdout.write(text)
    return 0 if errors == 0 and recount_ok else 1


if __name__ == "__main__":
    sys.exit(main())
