#!/usr/bin/env python3
"""Worker memory after mixed requests (issue 17.5; docs/benchmarks.md, "Worker memory").

Usage: ``bench/memory.py [--requests 10000] [--port 58100]`` with ``DATABASE_URL`` set (a
database of its own, ``jx_bench_memory`` beside the one named there, is created, migrated,
seeded with bench/seed.py and dropped) and ``REDIS_URL`` (default
``redis://127.0.0.1:6379/14``, emptied before and after).

Starts gunicorn with one sync worker and production-like settings (as scripts/bench.sh:
``JX_DEBUG=0``, fresh keys, Redis for cache and sessions; the second factor is off so that a
script can sign in, it adds no library), then sends the requests in turn: the public notice
page, the public vote page, the candidate API, a clerk's nomination list and a nomination's
page, the office's summary sheet (XLSX) and a nomination form (PDF), so the document
libraries are loaded. Prints the worker's VmRSS (``/proc/<pid>/status``) after start-up,
after the first request and at the end. Goal: ≤ 150 MB at the end. A benchmark: exits 0
when the goal is missed, 1 when the server did not start or a request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GOAL_MB = 150


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is counted, not followed: every request of the mix must answer 200."""

    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    """A memory figure of ``/proc/<pid>/status`` in kB: ``VmRSS`` (the goal's), or its
    parts ``RssAnon`` (the worker's own) and ``RssFile`` (files mapped: libraries and the
    CJK fonts, shared with every process that maps them)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def worker_of(master: int) -> int:
    """The one worker's pid: the gunicorn master's child."""
    for _ in range(200):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def django(env: dict[str, str], code: str) -> str:
    """Run ``code`` in a Django process with ``env``; its stdout."""
    prelude = "import django; django.setup()\n"
    return subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [PY, "-c", prelude + code], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


SESSIONS = """
import json, sys
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from importlib import import_module
from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.nominations.models import Nomination

store = import_module(settings.SESSION_ENGINE).SessionStore
out = {}
for name in ("bench_office", "clerk"):
    user = (User.objects.get(username=name) if name == "bench_office"
            else User.objects.filter(username__startswith="bench_").exclude(
                username="bench_office").order_by("pk").first())
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    out[name] = session.session_key
campaign = Campaign.objects.get(code=sys.argv[1] if len(sys.argv) > 1 else "{code}")
out["nomination"] = Nomination.objects.filter(campaign=campaign).order_by("pk").first().pk
out["cookie"] = settings.SESSION_COOKIE_NAME
print(json.dumps(out))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--port", type=int, default=int(os.environ.get("JX_MEMORY_PORT", 0)))
    parser.add_argument("--nominations", type=int, default=12)
    args = parser.parse_args()
    if not args.port:  # a free port: other sessions' servers run on this machine
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        print("DATABASE_URL is needed (a database of its own is created beside it).")
        return 1
    db_url = base_url.rsplit("/", 1)[0] + "/jx_bench_memory"
    admin_url = base_url.rsplit("/", 1)[0] + "/postgres"
    tmp = Path(tempfile.mkdtemp(prefix="jx-memory."))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "jiangxuan.settings",
        "DATABASE_URL": db_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
        "JX_FIELD_KEY": secrets.token_hex(32),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "JX_DEBUG": "0",
        "JX_2FA_REQUIRED": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "JX_CONN_MAX_AGE": "60",
        "JX_LOG_LEVEL": "WARNING",
        "JX_VAR_DIR": str(tmp / "var"),
        "JX_SMS_BACKEND": "jiangxuan.voting.sms.FileBackend",
        "JX_SMS_FILE_PATH": str(tmp / "sms"),
        "JX_SMS_FILE_ALLOWED": "1",
        "JX_TRUSTED_PROXIES": "127.0.0.1",
    }
    (tmp / "var").mkdir()
    (tmp / "sms").mkdir()

    import psycopg
    import redis

    def recreate(drop_only: bool = False) -> None:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS jx_bench_memory WITH (FORCE)")
            if not drop_only:
                conn.execute("CREATE DATABASE jx_bench_memory")

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    recreate()
    server = None
    try:
        print("migrating jx_bench_memory and loading seed 003 (bench/seed.py)", flush=True)
        subprocess.run(  # noqa: S603
            [str(ROOT / ".venv/bin/jiangxuan"), "migrate", "--no-input", "-v", "0"],
            env=env,
            check=True,
            cwd=ROOT,
        )
        subprocess.run(  # noqa: S603
            [PY, "bench/seed.py", str(tmp / "seed.json"), str(args.nominations)],
            env=env,
            check=True,
            cwd=ROOT,
        )
        seed = json.loads((tmp / "seed.json").read_text(encoding="utf-8"))
        code = seed["campaign"]
        sessions = json.loads(django(env, SESSIONS.replace("{code}", code)))
        server = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "jiangxuan.wsgi:application",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                "1",
                "--worker-class",
                "sync",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        worker = worker_of(server.pid)
        url = f"http://127.0.0.1:{args.port}"
        for _ in range(300):
            try:
                # The first request loads every URL: slow on a busy machine.
                probe = urllib.request.Request(  # noqa: S310 (http on loopback)
                    f"{url}/healthz", headers={"X-Forwarded-Proto": "https"}
                )
                urllib.request.urlopen(probe, timeout=90).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        else:
            print("gunicorn did not answer")
            return 1
        worker = worker_of(server.pid)
        at_start = rss_kb(worker)
        cookie = sessions["cookie"]
        pk = sessions["nomination"]
        office = {"Cookie": f"{cookie}={sessions['bench_office']}"}
        clerk = {"Cookie": f"{cookie}={sessions['clerk']}"}
        opener = urllib.request.build_opener(_NoRedirect)
        mix = [
            (seed["notice_path"], {}),
            (f"/vote/{code}/", {}),
            (f"/api/v1/votes/{code}", {}),
            ("/nominations/", clerk),
            (f"/nominations/{pk}/", clerk),
            (f"/documents/campaigns/{code}/summary.xlsx", office),
            (f"/documents/nominations/{pk}/form.pdf", office),
        ]
        # Documents are slow (a PDF takes ~0.4 s): one in 50 requests is a document.
        plan = [mix[i % 5] for i in range(args.requests)]
        for i in range(0, args.requests, 50):
            plan[i] = mix[5 + (i // 50) % 2]
        counts: dict[str, int] = {}
        after_first = 0
        started = time.monotonic()
        samples: list[tuple[int, float]] = []
        for n, (path, headers) in enumerate(plan):
            # As behind the trusted proxy (nginx): HTTPS, and a client address per request
            # as a crowd's. Without them every request is redirected to HTTPS.
            proxy = {
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": f"100.{64 + (n >> 16) % 64}.{(n >> 8) % 256}.{n % 256}",
            }
            request = urllib.request.Request(url + path, headers={**headers, **proxy})  # noqa: S310
            try:
                with opener.open(request, timeout=150) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            counts[f"{status} {path}"] = counts.get(f"{status} {path}", 0) + 1
            if n == 0:
                after_first = rss_kb(worker)
            if (n + 1) % 1000 == 0:
                samples.append((n + 1, round(rss_kb(worker) / 1024, 1)))
        elapsed = time.monotonic() - started
        at_end = rss_kb(worker)
        if worker_of(server.pid) != worker:
            print("the worker was replaced during the run")
            return 1
        for key, count in sorted(counts.items()):
            print(f"  {count:6d} × {key}")
        print(f"{args.requests} requests in {elapsed:.0f} s")
        print("worker VmRSS every 1,000 requests (MB):", ", ".join(f"{mb}" for _, mb in samples))
        print(f"worker VmRSS after start-up:        {at_start / 1024:6.1f} MB")
        print(f"worker VmRSS after the 1st request: {after_first / 1024:6.1f} MB")
        print(f"worker VmRSS after {args.requests} requests:  {at_end / 1024:6.1f} MB")
        parts = {field: rss_kb(worker, field) / 1024 for field in ("RssAnon", "RssFile")}
        print("  of it " + ", ".join(f"{k} {v:.1f} MB" for k, v in parts.items()))
        # The PDF renderer (core.pdf) is the worker's child while it runs; it ends after
        # JX_PDF_RENDERER_IDLE_SECONDS without a PDF.
        for child in Path(f"/proc/{worker}/task/{worker}/children").read_text().split():
            renderer_mb = rss_kb(int(child)) / 1024
            print(f"the worker's PDF renderer (pid {child}) VmRSS: {renderer_mb:.1f} MB")
        met = at_end / 1024 <= GOAL_MB
        print(f"goal ≤ {GOAL_MB} MB: {'met' if met else 'missed'}")
        bad = {k: v for k, v in counts.items() if not k.startswith("200 ")}
        if bad:
            print(f"requests not answered 200: {bad}")
            return 1
        return 0
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        recreate(drop_only=True)
        redis.Redis.from_url(env["REDIS_URL"]).flushdb()


if __name__ == "__main__":
    sys.exit(main())
