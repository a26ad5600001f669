"""The PgBouncer switch (JX_PGBOUNCER=1, settings.py; docs/admin/multi-node.md): with
transaction pooling nothing may outlive a transaction on a server connection, so the
settings turn off server-side cursors and psycopg's server-side prepared statements (without
it, a statement bound on the server is prepared after 5 runs).

Settings are read once per process: each case runs in a subprocess. The last case connects
to the test run's PostgreSQL database and shows the difference on the server: without
the switch an iterator holds a cursor open on the server, with it none, and no statement is
prepared. It connects to the test database, whose tables pytest-django migrated.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

import jiangxuan

SHOW = """
import json, django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "cursors_off": db.get("DISABLE_SERVER_SIDE_CURSORS", False),
    "prepare_threshold": db.get("OPTIONS", {}).get("prepare_threshold", "unset"),
    "conn_max_age": db["CONN_MAX_AGE"],
}))
"""

# Django binds parameters on the client by default, which prepares nothing. A cursor binding
# on the server (the public ballot's, voting.services) has its statement prepared after 5
# runs without the switch, never with it (checked on the server).
# The cursors: a QuerySet.iterator() inside a transaction, pg_cursors read while it runs.
SERVER = """
import json, django
django.setup()
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
connection.settings_dict["OPTIONS"]["server_side_binding"] = True
with connection.cursor() as cursor:
    for _ in range(8):
        cursor.execute("SELECT %s::int + 1", [1])
    cursor.execute("SELECT count(*) FROM pg_prepared_statements")
    prepared = cursor.fetchone()[0]
with transaction.atomic():
    for _ in ContentType.objects.all().iterator(chunk_size=1):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors")
            cursors = cursor.fetchone()[0]
        break
print(json.dumps({"prepared": prepared, "cursors": cursors}))
"""


def _run(code: str, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("JX_PGBOUNCER", "JX_CONN_MAX_AGE")}
    # The code under test, also when the interpreter's own install points elsewhere.
    source = str(Path(jiangxuan.__file__).resolve().parent.parent)
    clean["PYTHONPATH"] = os.pathsep.join(filter(None, [source, clean.get("PYTHONPATH")]))
    clean.update(DJANGO_SETTINGS_MODULE="jiangxuan.settings", **env)
    out = subprocess.run(  # noqa: S603 (this interpreter, fixed code)
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


PG_URL = "postgres://app:secret@10.77.0.1:6432/jiangxuan"


def test_switch_on_turns_off_server_side_cursors_and_prepared_statements():
    shown = _run(SHOW, DATABASE_URL=PG_URL, JX_PGBOUNCER="1")
    assert shown == {"cursors_off": True, "prepare_threshold": None, "conn_max_age": 60}


def test_switch_off_keeps_server_side_cursors_and_prepares_after_five_runs():
    shown = _run(SHOW, DATABASE_URL=PG_URL)
    assert shown["cursors_off"] is False
    assert shown["prepare_threshold"] == 5


def test_switch_ignored_on_sqlite(tmp_path):
    shown = _run(SHOW, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", JX_PGBOUNCER="1")
    assert shown["cursors_off"] is False
    assert shown["prepare_threshold"] == "unset"


@pytest.mark.django_db
def test_nothing_outlives_the_statement_on_the_server_with_the_switch():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    without = _run(SERVER, DATABASE_URL=url)
    assert without["cursors"] >= 1
    assert without["prepared"] == 1
    assert _run(SERVER, DATABASE_URL=url, JX_PGBOUNCER="1") == {"prepared": 0, "cursors": 0}
