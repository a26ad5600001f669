"""Checks of ``make cluster-test`` (scripts/cluster-test.sh), talking to one node directly
(plain HTTP to its address, with the headers nginx adds) or reading the database.

    cluster_check.py login NODE_URL USERNAME COOKIES.json   sign in on that node
    cluster_check.py use NODE_URL COOKIES.json PATH          200 with that session?
    cluster_check.py verify SEED.json RESULT.json NODE_URL...

``verify`` (Django settings from the environment, the owner's database): every ballot the
load saw answered 201 has its receipt stored, the stored receipts and valid votes are
exactly the 201 ballots plus those a repeated ballot found stored (409); every file the
load uploaded is in the database with the SHA-256 of the bytes sent, and every evidence file
of the clerks' nominations is read back, byte for byte (SHA-256), from every node given,
each clerk signed in on that node. Prints what it found; exit 1 when a check fails.

The password is ``JX_CLUSTER_PASSWORD``; ``JX_CLUSTER_ORIGIN`` is nginx's origin, which
the nodes trust for CSRF (CSRF_TRUSTED_ORIGINS), ``JX_CLUSTER_CA`` its certificate.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import requests

PASSWORD = os.environ.get("JX_CLUSTER_PASSWORD", "")
ORIGIN = os.environ.get("JX_CLUSTER_ORIGIN", "https://127.0.0.1")
#: nginx's certificate, made for the run (a CA of its own).
CA = os.environ.get("JX_CLUSTER_CA") or True
#: What nginx adds; the nodes trust it from the host's side of their link.
PROXY = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "X-Forwarded-For": "100.100.0.1"}


class Node:
    """A session on one node, its cookies kept by hand: they are Secure (the site is HTTPS
    behind nginx) and a cookie jar would not send them over the plain link to the node."""

    def __init__(self, url: str, cookies: dict[str, str] | None = None) -> None:
        self.url, self.cookies = url.rstrip("/"), dict(cookies or {})

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {**PROXY, **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method,
            self.url + path,
            headers=headers,
            allow_redirects=False,
            timeout=60,
            verify=CA,
            **kwargs,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def login(self, username: str) -> bool:
        self.request("GET", "/accounts/login/")
        token = self.cookies.get("__Host-csrftoken", "")
        response = self.request(
            "POST",
            "/accounts/login/",
            data={"username": username, "password": PASSWORD},
            headers={"X-CSRFToken": token, "Origin": ORIGIN, "Referer": f"{ORIGIN}/"},
        )
        return response.status_code == 302 and "/accounts/login/" not in response.headers.get(
            "Location", ""
        )


def login(url: str, username: str, out: str) -> int:
    node = Node(url)
    if not node.login(username):
        print(f"sign-in of {username} on {url} failed")
        return 1
    Path(out).write_text(json.dumps(node.cookies), encoding="utf-8")
    return 0


def use(url: str, cookies: str, path: str) -> int:
    node = Node(url, json.loads(Path(cookies).read_text("utf-8")))
    response = node.request("GET", path)
    print(f"GET {path} on {url} with the session: {response.status_code}")
    return 0 if response.status_code == 200 else 1


def verify(seed_file: str, result_file: str, urls: list[str]) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiangxuan.settings")
    django.setup()
    from jiangxuan.nominations.models import Evidence
    from jiangxuan.voting.models import Receipt, Vote
    from jiangxuan.voting.selectors import vote_for_campaign_code

    seed = json.loads(Path(seed_file).read_text("utf-8"))
    result = json.loads(Path(result_file).read_text("utf-8"))
    counts = result["counts"]
    failures: list[str] = []

    # Ballots.
    vote = vote_for_campaign_code(seed["campaign"])
    stored = set(Receipt.objects.filter(public_vote=vote).values_list("code", flat=True))
    missing = [code for code in result["receipts"] if code not in stored]
    valid = Vote.objects.filter(public_vote=vote, invalidation__isnull=True).count()
    expected_ballots = len(result["receipts"]) + counts["ballots_confirmed_409"]
    expected_votes = counts["votes_201"] + counts["votes_confirmed_409"]
    print(
        f"ballots: {len(result['receipts'])} answered 201 ({counts['ballots_retried_201']} of"
        f" them on a second try after a lost answer), {counts['ballots_confirmed_409']} whose"
        f" answer was lost and that a second try found stored (409),"
        f" {counts['ballots_unresolved']} unresolved; stored: {len(stored)} receipts,"
        f" {valid} valid votes (expected {expected_ballots} and {expected_votes})"
    )
    if missing:
        failures.append(f"{len(missing)} ballots answered 201 are not stored: {missing[:5]}")
    slack = counts["ballots_unresolved"]
    if not expected_ballots <= len(stored) <= expected_ballots + slack:
        failures.append(f"{len(stored)} receipts stored, {expected_ballots} expected")
    if slack == 0 and valid != expected_votes:
        failures.append(f"{valid} valid votes stored, {expected_votes} expected")

    # Uploads.
    people = {c["nomination"]: c["username"] for c in [*seed["clerks"], seed["witness"]]}
    rows = {
        e.pk: e
        for e in Evidence.objects.filter(nomination_id__in=people).select_related("nomination")
    }
    for upload in result["uploads"]:
        row = rows.get(upload["id"])
        if row is None or row.sha256 != upload["sha256"]:
            failures.append(f"upload {upload['id']} of {upload['username']}: not stored as sent")
    print(
        f"uploads: {len(result['uploads'])} answered as stored, {counts['uploads_failed']}"
        f" failed; {len(rows)} evidence files of the clerks' nominations in the database"
    )
    for url in urls:
        sessions: dict[str, Node] = {}
        good = 0
        for row in rows.values():
            username = people[row.nomination_id]
            if username not in sessions:
                sessions[username] = Node(url)
                if not sessions[username].login(username):
                    failures.append(f"{username} cannot sign in on {url}")
            response = sessions[username].request(
                "GET", f"/nominations/{row.nomination_id}/evidence/{row.pk}/"
            )
            if (
                response.status_code == 200
                and hashlib.sha256(response.content).hexdigest() == row.sha256
            ):
                good += 1
            else:
                failures.append(f"evidence {row.pk} from {url}: {response.status_code}")
        print(f"read back from {url}: {good} of {len(rows)} files, byte for byte")

    if failures:
        print("FAILED:\n  " + "\n  ".join(failures[:30]))
        return 1
    print("all checks passed")
    return 0


def main(argv: list[str]) -> int:
    match argv:
        case ["login", url, username, out]:
            return login(url, username, out)
        case ["use", url, cookies, path]:
            return use(url, cookies, path)
        case ["verify", seed_file, result_file, *urls] if urls:
            return verify(seed_file, result_file, urls)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
