"""Load scenarios of ``make bench`` (scripts/bench.sh runs each headless, one after another).

User classes (pick one per run on the command line):

* ``Baseline``: GET /healthz, the cheapest Django view on the same server (the ratio's
  denominator).
* ``NoticeReader``: GET the public notice page of seed 003 (``JX_BENCH_NOTICE_PATH``).
* ``Voter``: one new voter per iteration, as fast as the server answers: request a code,
  read it from the SMS FileBackend's folder (``JX_SMS_FILE_PATH``), verify, vote for 1-3
  candidates; one voter in ten sends the same ballot again and must get 409.
* ``PacedVoter``: the same with a phone user's pauses (1-3 s to read the SMS and type the
  code, 1-3 s to choose), so that 100 users are 100 voters active at once rather than
  100 connections kept saturated.

Every request carries what nginx in front of the platform would add: ``X-Forwarded-For``
with the voter's own address (each voter gets one from 100.64.0.0/10, where Chinese
mobile carriers put phones behind NAT) and ``X-Forwarded-Proto: https``; the server trusts
them because it runs with ``JX_TRUSTED_PROXIES=127.0.0.1``. Each voter also has its own
``X-Device-Id``, as the app would send. So per-IP and per-device limits and the risk
escalation stay at their production values and are not triggered by honest voters.

At the end of a run the file ``JX_BENCH_RESULT`` gets, as JSON: the wall time, the CPU
seconds (user + system) of this process and of gunicorn (``JX_BENCH_SERVER_PID`` and its
workers), the machine's busy CPU seconds from /proc/stat (the rest is PostgreSQL, Redis
and whatever else runs on the machine), the 1-minute load average before and after, and
the number of 201 ballots and of candidates they chose.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import resource
import time
from pathlib import Path

import gevent
from locust import FastHttpUser, between, constant, events, task

CAMPAIGN = os.environ.get("JX_BENCH_CAMPAIGN", "weihai-gongjiang-2023")
NOTICE_PATH = os.environ.get("JX_BENCH_NOTICE_PATH", "/notices/1/")
SMS_DIR = Path(os.environ.get("JX_SMS_FILE_PATH", "var/sms"))
#: Phone numbers of one run start with this prefix, so two runs never share a voter.
PHONE_PREFIX = os.environ.get("JX_BENCH_PHONE_PREFIX", "138")
CODE_RE = re.compile(r"(?<!\d)(\d{6})(?!\d)")

_sequence = itertools.count(1)
_candidates: list[str] = []
_counts = {"ballots_201": 0, "votes_201": 0, "retries_409": 0}
_start: dict[str, float] = {}


def _machine_busy_seconds() -> float:
    """CPU seconds all cores spent outside idle and iowait since boot (/proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ticks = [int(v) for v in fields]
    busy = sum(ticks) - ticks[3] - ticks[4]
    return busy / os.sysconf("SC_CLK_TCK")


def _server_cpu_seconds() -> float:
    """CPU seconds of the gunicorn master ``JX_BENCH_SERVER_PID`` and its workers."""
    master = os.environ.get("JX_BENCH_SERVER_PID")
    if not master:
        return 0.0
    pids = [master]
    for children in Path(f"/proc/{master}/task").glob("*/children"):
        pids += children.read_text().split()
    ticks = 0
    for pid in pids:
        try:
            # Fields after the command name: utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@events.test_start.add_listener
def _on_start(environment, **_kwargs) -> None:
    _start.update(
        wall=time.monotonic(),
        cpu=_own_cpu_seconds(),
        busy=_machine_busy_seconds(),
        server=_server_cpu_seconds(),
        load=_load_average(),
    )


@events.test_stop.add_listener
def _on_stop(environment, **_kwargs) -> None:
    out = os.environ.get("JX_BENCH_RESULT")
    if not out or not _start:
        return
    result = {
        "wall_seconds": time.monotonic() - _start["wall"],
        "generator_cpu_seconds": _own_cpu_seconds() - _start["cpu"],
        "machine_busy_seconds": _machine_busy_seconds() - _start["busy"],
        "server_cpu_seconds": _server_cpu_seconds() - _start["server"],
        "load_average_before": _start["load"],
        "load_average_after": _load_average(),
        "cores": os.cpu_count(),
        **_counts,
    }
    Path(out).write_text(json.dumps(result), encoding="utf-8")


def _proxy_headers(n: int) -> dict[str, str]:
    address = f"100.{64 + (n >> 16) % 64}.{(n >> 8) % 256}.{n % 256}"
    return {"X-Forwarded-For": address, "X-Forwarded-Proto": "https"}


class Baseline(FastHttpUser):
    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", headers=_proxy_headers(next(_sequence)), name="GET /healthz")


class NoticeReader(FastHttpUser):
    wait_time = constant(0)

    @task
    def notice(self) -> None:
        self.client.get(NOTICE_PATH, headers=_proxy_headers(next(_sequence)), name="GET notice")


class Voter(FastHttpUser):
    """One verified voter per iteration; ``think`` pauses between the steps."""

    wait_time = constant(0)
    think = (0.0, 0.0)

    def on_start(self) -> None:
        if not _candidates:
            with self.client.get(
                f"/api/v1/votes/{CAMPAIGN}", headers=_proxy_headers(0), name="GET vote"
            ) as response:
                _candidates[:] = [c["id"] for c in response.json()["candidates"]]

    def pause(self) -> None:
        if self.think[1]:
            gevent.sleep(random.uniform(*self.think))  # noqa: S311 (load pacing)

    def read_code(self, phone: str) -> str | None:
        files = sorted(SMS_DIR.glob(f"{phone}-*.txt"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        found = CODE_RE.search(files[-1].read_text("utf-8")) if files else None
        return found.group(1) if found else None

    @task
    def vote(self) -> None:
        n = next(_sequence)
        phone = f"{PHONE_PREFIX}{n:08d}"
        headers = {**_proxy_headers(n), "X-Device-Id": f"bench-{PHONE_PREFIX}-{n}"}
        base = f"/api/v1/votes/{CAMPAIGN}"
        response = self.client.post(
            f"{base}/codes", json={"phone": phone}, headers=headers, name="POST codes"
        )
        if response.status_code != 202:
            return
        self.pause()
        code = self.read_code(phone)
        if code is None:
            events.request.fire(
                request_type="SMS",
                name="read code",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"no code for {phone} in {SMS_DIR}"),
                context={},
            )
            return
        response = self.client.post(
            f"{base}/verify",
            json={"phone": phone, "code": code},
            headers=headers,
            name="POST verify",
        )
        if response.status_code != 200:
            return
        headers["X-Voter-Token"] = response.json()["voter_token"]
        self.pause()
        choices = random.sample(_candidates, random.randint(1, min(3, len(_candidates))))  # noqa: S311
        ballot = {"candidates": choices}
        response = self.client.post(
            f"{base}/cast", json=ballot, headers=headers, name="POST ballot"
        )
        if response.status_code != 201:
            return
        _counts["ballots_201"] += 1
        _counts["votes_201"] += len(choices)
        if random.random() < 0.1:  # noqa: S311
            with self.client.post(
                f"{base}/cast",
                json=ballot,
                headers=headers,
                name="POST ballot (retry, 409 expected)",
                catch_response=True,
            ) as retry:
                if retry.status_code == 409:
                    retry.success()
                    _counts["retries_409"] += 1
                else:
                    retry.failure(f"expected 409, got {retry.status_code}")


class PacedVoter(Voter):
    think = (1.0, 3.0)
    wait_time = between(0.5, 1.5)
