"""Load of ``make cluster-test`` (scripts/cluster-test.sh): voters and clerks at once, through
nginx (HTTPS, certificate of the run, not verified), while one node is killed.

* ``ClusterVoter``: one new voter per iteration, as bench/locustfile.py's ``Voter`` (code
  by SMS from the FileBackend's folder ``JX_SMS_FILE_PATH``, verify, vote for 1-3
  candidates), with a phone user's short pauses. A ballot whose answer was lost (no
  answer, 502/503/504: the node died with it) is sent again once with the same voter
  token: 201 means the first never arrived, 409 that it was stored.
* ``Clerk`` (one per account of ``JX_CLUSTER_SEED``'s "clerks"): signs in, then uploads PDF
  files of 30-300 KB to its draft nomination (the edit page's background upload, htmx),
  reads each back and compares its SHA-256, opens its nomination page. Any answer that sends
  it to the login page counts as a lost session.

GET requests that fail are tried once more (nginx already passes them to the other node
when the first one refused them); POSTs are not, except the ballot as above.

At the end ``JX_CLUSTER_RESULT`` gets, as JSON, what the checks need (bench/cluster_check.py):
the receipts of the 201 ballots and the number of votes in them, the ballots confirmed by a
409, the uploads (evidence id, SHA-256, user), and the counters.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import re
import secrets
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

SEED = json.loads(Path(os.environ["JX_CLUSTER_SEED"]).read_text("utf-8"))
CAMPAIGN = SEED["campaign"]
PASSWORD = os.environ["JX_CLUSTER_PASSWORD"]
SMS_DIR = Path(os.environ["JX_SMS_FILE_PATH"])
CODE_RE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
FAILED = {0, 502, 503, 504}

_sequence = itertools.count(1)
_clerks = iter(SEED["clerks"])
_candidates: list[str] = []
counts = {
    "ballots_201": 0,
    "votes_201": 0,
    "ballots_lost_answer": 0,
    "ballots_retried_201": 0,
    "ballots_confirmed_409": 0,
    "votes_confirmed_409": 0,
    "ballots_unresolved": 0,
    "voter_steps_failed": 0,
    "uploads_ok": 0,
    "uploads_failed": 0,
    "reads_ok": 0,
    "reads_bad": 0,
    "get_retries": 0,
    "get_failed_after_retry": 0,
    "sessions_lost": 0,
    "logins": 0,
    "login_retries": 0,
    "logins_failed": 0,
}
receipts: list[str] = []
uploads: list[dict] = []
#: Per request name: [requests, failures, {error: count}] (Locust's CSV is written before
#: the users still finishing their task have done so).
requests_seen: dict[str, list] = {}


@events.request.add_listener
def _on_request(request_type, name, exception=None, **_kwargs) -> None:
    seen = requests_seen.setdefault(f"{request_type} {name}", [0, 0, {}])
    seen[0] += 1
    if exception is not None:
        seen[1] += 1
        error = str(exception)[:80]
        seen[2][error] = seen[2].get(error, 0) + 1


@events.test_stop.add_listener
def _on_stop(environment, **_kwargs) -> None:
    out = os.environ.get("JX_CLUSTER_RESULT")
    if out:
        result = {
            "counts": counts,
            "receipts": receipts,
            "uploads": uploads,
            "requests": requests_seen,
        }
        Path(out).write_text(json.dumps(result), encoding="utf-8")


def _proxy_headers(n: int) -> dict[str, str]:
    # The phone's address as a front proxy would add it (the run trusts the load generator's
    # 127.0.0.1 as one, as make bench does): per-IP limits stay at their production values.
    return {"X-Forwarded-For": f"100.{64 + (n >> 16) % 64}.{(n >> 8) % 256}.{n % 256}"}


class _User(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.verify = os.environ["JX_CLUSTER_CA"]

    def get(self, path: str, name: str, **kwargs):
        """GET, once more when it failed (the client's own retry of an idempotent request)."""
        response = self.client.get(path, name=name, allow_redirects=False, **kwargs)
        if response.status_code in FAILED:
            counts["get_retries"] += 1
            gevent.sleep(0.5)
            response = self.client.get(
                path, name=f"{name} (retry)", allow_redirects=False, **kwargs
            )
            if response.status_code in FAILED:
                counts["get_failed_after_retry"] += 1
        return response


class ClusterVoter(_User):
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        super().on_start()
        if not _candidates:
            response = self.get(f"/api/v1/votes/{CAMPAIGN}", "GET vote", headers=_proxy_headers(0))
            _candidates[:] = [c["id"] for c in response.json()["candidates"]]

    def read_code(self, phone: str) -> str | None:
        files = sorted(SMS_DIR.glob(f"{phone}-*.txt"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        found = CODE_RE.search(files[-1].read_text("utf-8")) if files else None
        return found.group(1) if found else None

    @task
    def vote(self) -> None:
        n = next(_sequence)
        phone = f"137{n:08d}"
        headers = {**_proxy_headers(n), "X-Device-Id": f"cluster-{n}"}
        base = f"/api/v1/votes/{CAMPAIGN}"
        response = self.client.post(
            f"{base}/codes", json={"phone": phone}, headers=headers, name="POST codes"
        )
        if response.status_code != 202:
            counts["voter_steps_failed"] += 1
            return
        gevent.sleep(random.uniform(0.2, 0.6))  # noqa: S311 (load pacing)
        code = self.read_code(phone)
        if code is None:
            counts["voter_steps_failed"] += 1
            return
        response = self.client.post(
            f"{base}/verify",
            json={"phone": phone, "code": code},
            headers=headers,
            name="POST verify",
        )
        if response.status_code != 200:
            counts["voter_steps_failed"] += 1
            return
        headers["X-Voter-Token"] = response.json()["voter_token"]
        choices = random.sample(_candidates, random.randint(1, min(3, len(_candidates))))  # noqa: S311
        ballot = {"candidates": choices}
        response = self.client.post(
            f"{base}/cast", json=ballot, headers=headers, name="POST ballot"
        )
        if response.status_code in FAILED:
            # The answer is lost: was it stored? The same ballot again tells (one per voter).
            counts["ballots_lost_answer"] += 1
            gevent.sleep(0.5)
            with self.client.post(
                f"{base}/cast",
                json=ballot,
                headers=headers,
                name="POST ballot (again after a lost answer)",
                catch_response=True,
            ) as again:
                if again.status_code == 409:
                    again.success()
                    counts["ballots_confirmed_409"] += 1
                    counts["votes_confirmed_409"] += len(choices)
                    return
                response = again
                if response.status_code == 201:
                    counts["ballots_retried_201"] += 1
                else:
                    counts["ballots_unresolved"] += 1
        if response.status_code == 201:
            counts["ballots_201"] += 1
            counts["votes_201"] += len(choices)
            receipts.append(response.json()["receipt"])


def pdf(size: int) -> bytes:
    """A file the upload check takes as a PDF (magic number, no markup), ``size`` bytes."""
    body = secrets.token_hex(size // 2).encode()
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + body + b"\n%%EOF\n"


EVIDENCE_RE = re.compile(r"/nominations/(\d+)/evidence/(\d+)/")


class Clerk(_User):
    wait_time = between(0.5, 1.5)
    fixed_count = len(SEED["clerks"])

    def on_start(self) -> None:
        super().on_start()
        clerk = next(_clerks)
        self.username, self.nomination = clerk["username"], clerk["nomination"]
        self.mine: list[dict] = []
        self.seen: set[int] = set()
        self.login()

    def csrf(self) -> dict[str, str]:
        token = self.client.cookies.get("__Host-csrftoken", "")
        return {"X-CSRFToken": token, "Origin": self.host, "Referer": f"{self.host}/"}

    def login(self) -> None:
        """Sign in; a sign-in whose answer was lost (its node died) is tried again, up to 3
        times: with the right password a second sign-in only makes another session."""
        self.signed_in = False
        for attempt in range(3):
            if attempt:
                counts["login_retries"] += 1
                gevent.sleep(1)
            self.get("/accounts/login/", "GET login")
            response = self.client.post(
                "/accounts/login/",
                data={"username": self.username, "password": PASSWORD},
                headers=self.csrf(),
                name="POST login",
                allow_redirects=False,
            )
            if response.status_code == 302 and "/accounts/" not in response.headers.get(
                "Location", ""
            ):
                counts["logins"] += 1
                self.signed_in = True
                return
        counts["logins_failed"] += 1

    def lost_session(self, response) -> bool:
        """True when the answer sends a signed-in clerk to the login page (counted as a
        lost session, then it signs in again) or the clerk is not signed in at all."""
        if not self.signed_in:
            self.login()
            return True
        location = response.headers.get("Location", "") + response.headers.get("HX-Redirect", "")
        if response.status_code in (401, 403) or "/accounts/login/" in location:
            counts["sessions_lost"] += 1
            events.request.fire(
                request_type="SESSION",
                name="session lost",
                response_time=0,
                response_length=0,
                exception=RuntimeError(f"{self.username}: {response.status_code} {location}"),
                context={},
            )
            self.login()
            return True
        return False

    @task(3)
    def upload(self) -> None:
        if not self.signed_in:
            self.login()
            return
        data = pdf(random.randint(30_000, 300_000))  # noqa: S311
        response = self.client.post(
            f"/nominations/{self.nomination}/evidence/",
            data={"material": "other"},
            files={"file": ("scan.pdf", data, "application/pdf")},
            headers={**self.csrf(), "HX-Request": "true"},
            name="POST evidence",
            allow_redirects=False,
        )
        if self.lost_session(response):
            return
        if response.status_code != 200:
            counts["uploads_failed"] += 1
            return
        ids = {int(e) for n, e in EVIDENCE_RE.findall(response.text) if int(n) == self.nomination}
        new = ids - self.seen
        self.seen |= ids
        if len(new) != 1:
            counts["uploads_failed"] += 1
            return
        evidence = {
            "id": new.pop(),
            "sha256": hashlib.sha256(data).hexdigest(),
            "username": self.username,
            "nomination": self.nomination,
        }
        counts["uploads_ok"] += 1
        uploads.append(evidence)
        self.mine.append(evidence)
        self.read(evidence)

    def read(self, evidence: dict) -> None:
        response = self.get(
            f"/nominations/{self.nomination}/evidence/{evidence['id']}/", "GET evidence"
        )
        if self.lost_session(response):
            return
        if (
            response.status_code == 200
            and hashlib.sha256(response.content).hexdigest() == evidence["sha256"]
        ):
            counts["reads_ok"] += 1
        else:
            counts["reads_bad"] += 1

    @task(2)
    def read_earlier(self) -> None:
        if self.mine:
            self.read(random.choice(self.mine))  # noqa: S311

    @task(1)
    def page(self) -> None:
        response = self.get(f"/nominations/{self.nomination}/", "GET nomination")
        self.lost_session(response)
