"""The wrk comparison of ``make bench`` (issue 17 "Speed goals"): the public ballot against a
naive SELECT + INSERT view, the public pages against a small cached template page, all served
by one gunicorn (2 sync workers, the issue's set-up) with the project's production settings
plus the two references (``DJANGO_SETTINGS_MODULE=bench.server.settings``).

Usage (scripts/bench.sh runs it with the environment of its server: DATABASE_URL as the
server's role, REDIS_URL, SECRET_KEY, JX_* settings):

    python bench/wrk_compare.py OUT SEED_JSON [--port P] [--rounds 3] [--seconds 10]
        [--connections 50] [--threads 2] [--workers 2] [--variant NAME[:ENV=VALUE,...]]...

Each round starts gunicorn, for every variant in turn (a variant is a set of environment
variables, e.g. ``nohc:JX_CONN_HEALTH_CHECKS=0``; default one variant, ``production``),
sends a few warm-up requests, then runs ``wrk -t T -c C -d S --latency`` once per target,
in an order rotated each round, and stops the server. Targets: ``naive`` (POST
/_bench/naive-vote), ``ballot`` (POST /api/v1/votes/<code>/cast, each request a voter of its
own from the seed's voters.tsv, a fresh slice of voters per round and variant), ``cached``
(GET /_bench/cached-page), ``notice`` (the public notice page), ``vote_page`` (GET
/vote/<code>/) and ``candidate_api`` (GET /api/v1/votes/<code>). Also measured per run: the
CPU seconds of gunicorn (master and workers, /proc) and the load average.

Writes OUT/wrk.json (every run) and OUT/wrk.md (the summary: req/s, p99, non-2xx and socket
errors per target, the ratios ballot/naive and page/cached per round, goals), prints wrk.md.
Exit status 1 when the server did not start or a run had errors (non-2xx answers, socket
errors, timeouts); missed goals are reported, not failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "wrk" / "requests.lua"
BIN = ROOT / ".venv" / "bin"

#: Target -> (what it is compared with, the goal as a ratio of req/s).
GOALS = {
    "ballot": ("naive", 1.2),
    "notice": ("cached", 0.9),
    "vote_page": ("cached", 0.9),
    "candidate_api": ("cached", 0.9),
}
LABELS = {
    "naive": "naive SELECT + INSERT view (POST /_bench/naive-vote)",
    "ballot": "public ballot (POST /api/v1/votes/<code>/cast)",
    "cached": "small cached template page (GET /_bench/cached-page)",
    "notice": "notice page (GET /notices/<id>/)",
    "vote_page": "vote page (GET /vote/<code>/)",
    "candidate_api": "candidate API (GET /api/v1/votes/<code>)",
}
P99_GOAL_MS = 150


def load_average() -> str:
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(master: int) -> float:
    """CPU seconds (user + system) of the gunicorn master and its workers."""
    pids = [str(master)]
    for children in Path(f"/proc/{master}/task").glob("*/children"):
        try:
            pids += children.read_text().split()
        except OSError:
            continue
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


class Server:
    def __init__(self, port: int, workers: int, env: dict[str, str], log: Path):
        self.port, self.workers, self.env, self.log = port, workers, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, **self.env, "DJANGO_SETTINGS_MODULE": "bench.server.settings"}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
                [
                    str(BIN / "gunicorn"),
                    "jiangxuan.wsgi:application",
                    "--pythonpath",
                    str(ROOT),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--worker-class",
                    "sync",
                    "--backlog",
                    "2048",
                    # A worker imports the URLconf on its first request: on a busy
                    # machine that took more than gunicorn's default 30 s.
                    "--timeout",
                    "120",
                    "--log-level",
                    "warning",
                ],
                env=env,
                stdout=log,
                stderr=log,
                cwd=ROOT,
            )
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn did not start (see {self.log})")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=60)
                return self
            except OSError:
                time.sleep(0.5)
        self.__exit__()
        raise SystemExit(f"gunicorn did not answer /healthz (see {self.log})")

    def __exit__(self, *_exc: object) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wrk(url: str, args: list[str], *, threads: int, connections: int, seconds: int) -> dict:
    """One wrk run; its ``done()`` line as a dict."""
    out = subprocess.run(  # noqa: S603 - fixed argv
        [  # noqa: S607 - Debian's wrk on PATH
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            str(LUA),
            url,
            "--",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("JXWRK "))
    result = json.loads(line.removeprefix("JXWRK "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def warm_up(base: str, targets: dict[str, tuple[str, str]]) -> None:
    """A few GETs of every page, so that both workers have loaded the URLconf."""
    for _mode, path in (t for t in targets.values() if t[0] == "get"):
        for _ in range(4):
            request = urllib.request.Request(  # noqa: S310
                base + path, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "100.64.0.1"}
            )
            urllib.request.urlopen(request, timeout=120).read()  # noqa: S310


def median(values: list[float]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("seed", type=Path)
    parser.add_argument("--port", type=int, default=62001)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--variant", action="append", default=[])
    args = parser.parse_args()
    seed = json.loads(args.seed.read_text(encoding="utf-8"))
    voters_file = seed["voters"]
    voters = len(Path(voters_file).read_text(encoding="utf-8").splitlines())
    variants: list[tuple[str, dict[str, str]]] = []
    for spec in args.variant or ["production"]:
        name, _, env = spec.partition(":")
        variants.append((name, dict(kv.split("=", 1) for kv in env.split(",") if kv)))
    code = seed["campaign"]
    targets = {
        "naive": ("naive", "/_bench/naive-vote"),
        "ballot": ("ballot", f"/api/v1/votes/{code}/cast"),
        "cached": ("get", "/_bench/cached-page"),
        "notice": ("get", seed["notice_path"]),
        "vote_page": ("get", seed.get("vote_path", f"/vote/{code}/")),
        "candidate_api": ("get", f"/api/v1/votes/{code}"),
    }
    slices = args.rounds * len(variants)
    per_slice = voters // slices
    if per_slice < 1:
        raise SystemExit(f"{voters_file}: {voters} voters, need at least {slices}")
    base = f"http://127.0.0.1:{args.port}"
    args.out.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.UTC)
    load_start = load_average()
    runs: list[dict] = []
    order = list(targets)
    for r in range(args.rounds):
        for v, (variant, env) in enumerate(variants):
            first = (r * len(variants) + v) * per_slice
            rotated = order[r % len(order) :] + order[: r % len(order)]
            with Server(args.port, args.workers, env, args.out / "wrk-gunicorn.log") as server:
                assert server.proc is not None
                warm_up(base, targets)
                for target in rotated:
                    mode, path = targets[target]
                    extra = [voters_file, str(first), str(per_slice), str(args.threads)]
                    load = load_average()
                    cpu = cpu_seconds(server.proc.pid)
                    result = wrk(
                        base,
                        [mode, path, *(extra if mode != "get" else [])],
                        threads=args.threads,
                        connections=args.connections,
                        seconds=args.seconds,
                    )
                    result["server_cpu_seconds"] = cpu_seconds(server.proc.pid) - cpu
                    result.update(round=r + 1, variant=variant, target=target, load=load)
                    runs.append(result)
                    print(
                        f"round {r + 1} {variant:>10} {target:>13}: {result['rps']:7.1f} req/s, "
                        f"p99 {result['p99_us'] / 1000:6.0f} ms, errors {result['errors']} "
                        f"(non-2xx {result['status']}), load {load}",
                        flush=True,
                    )
    finished = dt.datetime.now(dt.UTC)
    load_end = load_average()
    summary = {
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "load_start": load_start,
        "load_end": load_end,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "command": " ".join(sys.argv),
        "settings": {
            "workers": args.workers,
            "worker_class": "sync",
            "connections": args.connections,
            "threads": args.threads,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "voters_per_round": per_slice,
        },
        "runs": runs,
    }
    (args.out / "wrk.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    text = report(summary, [name for name, _ in variants])
    (args.out / "wrk.md").write_text(text, encoding="utf-8")
    print(text)
    return 1 if any(run["errors"] for run in runs) else 0


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def report(summary: dict, variants: list[str]) -> str:
    s = summary["settings"]
    lines = [
        f"wrk comparison, {summary['started']} - {summary['finished']} (UTC), "
        f"{summary['cores']} cores ({summary['cpu']}), Python {summary['python']}; "
        f"load average at start {summary['load_start']}, at end {summary['load_end']}.",
        f"gunicorn {s['workers']} {s['worker_class']} workers, wrk -t{s['threads']} "
        f"-c{s['connections']} -d{s['seconds']}s --latency, {s['rounds']} interleaved rounds, "
        f"{s['voters_per_round']} fresh voters per round.",
        "",
    ]
    runs = summary["runs"]
    for variant in variants:
        mine = [run for run in runs if run["variant"] == variant]
        lines += [
            f"Variant `{variant}`:",
            "",
            "| target | req/s (rounds) | p99 ms (rounds) | req per server CPU s | "
            "non-2xx | socket errors / timeouts |",
            "|---|---|---|---:|---:|---:|",
        ]
        for target, label in LABELS.items():
            rs = sorted((run for run in mine if run["target"] == target), key=lambda x: x["round"])
            if not rs:
                continue
            cpu = sum(x["server_cpu_seconds"] for x in rs)
            per_cpu = sum(x["requests"] for x in rs) / cpu if cpu else 0.0
            lines.append(
                f"| {label} | {' / '.join(f'{x["rps"]:.0f}' for x in rs)} "
                f"| {' / '.join(f'{x["p99_us"] / 1000:.0f}' for x in rs)} | {per_cpu:.0f} "
                f"| {sum(x['status'] for x in rs)} "
                f"| {sum(x['connect'] + x['read'] + x['write'] for x in rs)} / "
                f"{sum(x['timeout'] for x in rs)} |"
            )
        lines += [
            "",
            "| ratio (req/s, same round) | rounds | median | by server CPU | goal | met |",
            "|---|---|---:|---:|---:|---|",
        ]
        for target, (reference, goal) in GOALS.items():
            pairs = []
            for r in sorted({run["round"] for run in mine}):
                a = next((x for x in mine if x["round"] == r and x["target"] == target), None)
                b = next((x for x in mine if x["round"] == r and x["target"] == reference), None)
                if a and b and b["rps"]:
                    pairs.append(a["rps"] / b["rps"])
            if not pairs:
                continue
            a_all = [x for x in mine if x["target"] == target]
            b_all = [x for x in mine if x["target"] == reference]
            a_cpu = sum(x["requests"] for x in a_all) / max(
                sum(x["server_cpu_seconds"] for x in a_all), 1e-9
            )
            b_cpu = sum(x["requests"] for x in b_all) / max(
                sum(x["server_cpu_seconds"] for x in b_all), 1e-9
            )
            m = median(pairs)
            lines.append(
                f"| {target} / {reference} | {' / '.join(f'{p:.2f}' for p in pairs)} | {m:.2f} "
                f"| {a_cpu / b_cpu:.2f} | ≥ {goal} | {'yes' if m >= goal else 'no'} |"
            )
        ballot = [x["p99_us"] / 1000 for x in mine if x["target"] == "ballot"]
        if ballot:
            worst = max(ballot)
            lines.append(
                f"| ballot p99 at c={s['connections']} (ms) | "
                f"{' / '.join(f'{p:.0f}' for p in ballot)} | {median(ballot):.0f} | | "
                f"≤ {P99_GOAL_MS} | {'yes' if worst <= P99_GOAL_MS else 'no'} (worst round) |"
            )
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
