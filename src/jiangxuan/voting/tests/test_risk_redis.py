"""The risk and code-request counters on Redis (issue 17.2): all counters of a submission
in one pipeline, each with its window set once, readable by ``peek_vote_risk``."""

import pytest

from jiangxuan.voting import risk


def test_counters_move_in_one_pipeline_with_their_window(redis_cache, settings):
    settings.JX_VOTE_CAPTCHA_AFTER = 2
    settings.JX_VOTE_REVERIFY_AFTER = 3
    client = risk._redis_client()
    assert client is not None
    assert client is risk._redis_client()  # one client, reused
    sent: list[int] = []
    original = type(client).pipeline

    def counting(self, *args, **kwargs):
        pipe = original(self, *args, **kwargs)
        execute = pipe.execute

        def run(*a, **k):
            sent.append(len(pipe.command_stack))
            return execute(*a, **k)

        pipe.execute = run
        return pipe

    type(client).pipeline = counting
    try:
        levels = [risk.vote_risk(7, ip="10.0.0.1", device="d1") for _ in range(4)]
    finally:
        type(client).pipeline = original
    assert levels == [
        risk.RiskLevel.NORMAL,
        risk.RiskLevel.NORMAL,
        risk.RiskLevel.CAPTCHA,
        risk.RiskLevel.REVERIFY,
    ]
    assert sent == [4, 4, 4, 4]  # INCR + EXPIRE NX for the device and the IP, one round trip
    assert risk.peek_vote_risk(7, ip="10.0.0.1", device="d1") == risk.RiskLevel.REVERIFY
    assert risk.peek_vote_risk(7, ip="10.0.0.2", device="d2") == risk.RiskLevel.NORMAL
    ttl = client.ttl(redis_cache.make_key("jx:risk:7:dev:d1"))
    assert 0 < ttl <= settings.JX_VOTE_RISK_WINDOW


def test_code_requests_count_every_limit(redis_cache, settings):
    settings.JX_VOTE_CODE_PER_PHONE_MINUTE = 1
    assert risk.code_request_allowed(7, phone_hash="p", ip="10.0.0.1")
    assert not risk.code_request_allowed(7, phone_hash="p", ip="10.0.0.1")
    assert redis_cache.get("jx:code:7:ip:10.0.0.1") == 2
    client = risk._redis_client()
    assert 3500 < client.ttl(redis_cache.make_key("jx:code:7:ph:p")) <= 3600


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("trust", "redis_trips"), [(0, 2), (60, 1)])
def test_a_public_ballot_is_one_sql_and_one_or_two_redis_round_trips(
    redis_cache, vote, settings, monkeypatch, trust, redis_trips
):
    """Issue 17.1/17.2: the API ballot (``POST /votes/<code>/cast``) on production-like
    stores: one SQL statement (autocommit, no BEGIN/COMMIT) and two Redis round trips (the
    public view's version token, the risk counters' pipeline); one (the pipeline) while the
    process trusts its copy of the view (``JX_PUBLIC_VIEW_TRUST_SECONDS``, production's
    default 1 s). No health check (``SELECT 1``) before it. It was 6 + 7."""
    import json

    import time_machine
    from django.db import connection, connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from redis.connection import Connection

    from .conftest import DURING, last_code

    if connection.vendor != "postgresql":
        pytest.skip("the single-statement ballot is PostgreSQL's")
    # Production's health checks on: the anonymous endpoints' light chain skips them.
    settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    connection.close()
    checks: list[bool] = []
    wrapper = type(connections["default"])
    is_usable = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda self: checks.append(True) or is_usable(self))
    settings.JX_PUBLIC_VIEW_TRUST_SECONDS = trust
    api, code = "/api/v1", "weihai-gongjiang-2023"
    client = Client()

    def post(url, data, **headers):
        return client.post(url, json.dumps(data), content_type="application/json", headers=headers)

    sent: list[bytes] = []
    original = Connection.send_packed_command

    def counting(self, command, check_health=True):
        sent.append(command if isinstance(command, bytes) else b"".join(command))
        return original(self, command, check_health)

    with time_machine.travel(DURING, tick=False):
        assert post(f"{api}/votes/{code}/codes", {"phone": "13912345678"}).status_code == 202
        token = post(
            f"{api}/votes/{code}/verify", {"phone": "13912345678", "code": last_code("13912345678")}
        ).json()["voter_token"]
        ids = [c["id"] for c in client.get(f"{api}/votes/{code}").json()["candidates"]]
        Connection.send_packed_command = counting
        # What a request's start does outside the test client (request_started): the
        # connection's health check is due again.
        connection.close_if_unusable_or_obsolete()
        try:
            with CaptureQueriesContext(connection) as queries:
                response = post(
                    f"{api}/votes/{code}/cast", {"candidates": ids[:2]}, X_Voter_Token=token
                )
        finally:
            Connection.send_packed_command = original
    assert response.status_code == 201, response.content
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["WITH"]
    assert checks == []
    assert len(sent) == redis_trips, sent
