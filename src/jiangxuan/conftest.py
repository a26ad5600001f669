"""Project-wide pytest fixtures: the organization trees and the five seed campaigns; the
demo taken to its decisions, built once per process; the Hypothesis profiles; the order in
which the slow tests start.

Parsing is cached per process (the YAML texts are parsed once); the database rows are
written anew in each test, inside its transaction.
"""

import io
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from jiangxuan.core.tests.swift_server import run_swift

# Playwright's sync API runs an event loop; Django's ORM must still be callable from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Hypothesis profiles (docs/testing.md, "Property tests"), chosen by JX_HYPOTHESIS_PROFILE:
# "ci" (the default, `make test`) runs few examples with a fixed seed, so every run tries
# the same cases and a failure reproduces; "deep" (`make test-deep`) runs 200 examples.
# Both keep no example database (runs leave nothing in the work tree) and no deadline
# (a shared CI machine is slow at times, and that is not a failure of the code).
_HYPOTHESIS_COMMON: dict[str, Any] = {
    "database": None,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow],
}
settings.register_profile("ci", max_examples=40, derandomize=True, **_HYPOTHESIS_COMMON)
settings.register_profile("deep", max_examples=200, derandomize=True, **_HYPOTHESIS_COMMON)
HYPOTHESIS_PROFILE = os.environ.get("JX_HYPOTHESIS_PROFILE", "ci")
settings.load_profile(HYPOTHESIS_PROFILE)

#: Schemathesis over the API (api/tests/test_schemathesis.py) under each profile: requests
#: generated per operation and role (``examples``), whether schemathesis's coverage phase
#: (boundary and invalid values of every parameter, many requests per operation) runs, and
#: the stateful runs per role (``scenarios`` of at most ``steps`` linked calls). "ci" keeps
#: the 140 operations x 3 roles within about a minute on two cores.
API_FUZZ: dict[str, Any] = {
    "ci": {"examples": 3, "coverage": False, "scenarios": 5, "steps": 10},
    "deep": {"examples": 25, "coverage": True, "scenarios": 25, "steps": 20},
}[HYPOTHESIS_PROFILE]

#: The slowest test modules (figures of ``--durations``, docs/testing.md "How long CI takes"),
#: slowest first: they are collected before the others, so pytest-xdist starts them first and
#: no process is left with a long test at the end while the other waits. Paths from this
#: folder; a folder ends in "/".
SLOW_FIRST = (
    "e2e/test_decisions.py",
    "core/tests/test_url_sweep_roles.py",
    "e2e/test_staff_pages_phone.py",
    "e2e/test_issue15_demo.py",
    "nominations/tests/test_workflow_state_machine.py",
    "demo/tests/test_demo.py",
    "core/tests/test_storage_s3.py",
    "api/tests/test_files_at_rest_s3.py",
    "e2e/",
    "core/tests/test_deploy_settings.py",
    "documents/tests/test_archive.py",
    "core/tests/test_pdf_lazy.py",
    "core/tests/test_backup.py",
)


#: Modules whose tests share what a fixture builds once per process: each group runs in one
#: pytest-xdist process (``--dist loadgroup``, scripts/test.sh), so it is built once.
XDIST_GROUPS = {
    "e2e/test_decisions.py": "decided-demo",
    "core/tests/test_url_sweep_roles.py": "decided-demo",
    "e2e/test_staff_pages_phone.py": "decided-demo",
    "e2e/test_issue15_demo.py": "decided-demo",
    "demo/tests/test_demo.py": "demo-command",
    "core/tests/test_deploy_settings.py": "deploy-settings",
    "core/tests/test_backup.py": "backup-drill",
    # One Swift for both (its session fixture starts a server in each process that asks).
    "core/tests/test_storage_s3.py": "swift",
    "api/tests/test_files_at_rest_s3.py": "swift",
}


def pytest_xdist_make_scheduler(config, log):
    """With ``--dist loadgroup``: the tests of one XDIST_GROUPS group go to one process as
    one unit of work, every other test alone (as ``--dist load``), in the order of the
    collection (SLOW_FIRST) with ``--no-loadscope-reorder``. pytest-xdist 3.8 groups
    by ``xdist_group`` marks through a node id attribute pytest 9 no longer reads, so the
    groups are named here, by file (the controller knows only node ids)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    groups = {f"src/jiangxuan/{path}": group for path, group in XDIST_GROUPS.items()}

    class FileGroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return groups.get(nodeid.split("::", 1)[0], nodeid)

    return FileGroupScheduling(config, log)


def pytest_collection_modifyitems(config, items) -> None:
    """Put the tests of SLOW_FIRST first, in its order; the others keep theirs."""
    here = Path(__file__).resolve().parent

    def rank(item) -> int:
        path = Path(item.path).resolve()
        if not path.is_relative_to(here):
            return len(SLOW_FIRST)
        relative = path.relative_to(here).as_posix()
        for index, prefix in enumerate(SLOW_FIRST):
            if relative == prefix or (prefix.endswith("/") and relative.startswith(prefix)):
                return index
        return len(SLOW_FIRST)

    items.sort(key=rank)


SPECS_DIR = Path(__file__).resolve().parents[2] / "specs"
ORG_FILES = sorted((SPECS_DIR / "orgs").glob("*.yaml"))
SEED_NUMBERS = ("000", "001", "002", "003", "004")


def seed_spec_path(number: str) -> Path:
    """The spec file of seed ``number`` ("000" .. "004")."""
    (path,) = SPECS_DIR.glob(f"{number}-*.yaml")
    return path


# What loading the four org files into an empty database writes, recorded by the first
# test of each process that loads them: the OrgUnit rows (without their ids) and the audit
# entries. Three in four tests need the trees; building them with treebeard costs about 90
# queries, replaying the rows costs one INSERT plus the audit entries.
_ORG_SNAPSHOT: dict[str, list[Any]] = {}
_ORG_UNIT_FIELDS: tuple[str, ...] = (
    "path",
    "depth",
    "numchild",
    "code",
    "name",
    "short_name",
    "kind",
    "level",
)
_ORG_UNIT_FIELDS += ("division_code", "governs_region", "ownership_type")
_ORG_AUDIT_FIELDS = ("action", "object_type", "object_id", "before", "after", "result")


def _load_orgs() -> None:
    """Write the four org trees, as ``load_org_tree`` over ORG_FILES writes them.

    Into an empty table, after the first time in this process, the recorded rows are
    inserted again and the audit entries recorded again through ``record_audit`` (so they
    chain to whatever the test audited before, at the test's time). Otherwise, e.g. when
    a test made org units first, ``load_org_tree`` runs; the first run into an empty table
    is recorded. ``test_orgs_fixture_matches_load_org_tree`` checks that both agree.
    """
    from jiangxuan.accounts.models import OrgUnit
    from jiangxuan.accounts.services import load_org_tree
    from jiangxuan.core.audit import record_audit
    from jiangxuan.core.models import AuditEntry

    if OrgUnit.objects.exists():
        for path in ORG_FILES:
            load_org_tree(path)
        return
    if _ORG_SNAPSHOT:
        _insert_recorded_units()
        for entry in _ORG_SNAPSHOT["audit"]:
            record_audit(actor=None, **entry)
        return
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for path in ORG_FILES:
        load_org_tree(path)
    _ORG_SNAPSHOT["units"] = list(OrgUnit.objects.order_by("pk").values(*_ORG_UNIT_FIELDS))
    audit = AuditEntry.objects.filter(pk__gt=last_audit).order_by("pk")
    _ORG_SNAPSHOT["audit"] = list(audit.values(*_ORG_AUDIT_FIELDS))


def _insert_recorded_units() -> None:
    """Insert the recorded OrgUnit rows. On PostgreSQL the statement ``bulk_create`` sent the
    first time (as sent, values bound) is kept and sent again as it is: building the 157
    rows' INSERT through the ORM cost each test ≈ 10 ms, half a minute of the suite (issue 11)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jiangxuan.accounts.models import OrgUnit

    statements = _ORG_SNAPSHOT.get("insert_sql")
    if statements and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        return
    with CaptureQueriesContext(connection) as sent:
        OrgUnit.objects.bulk_create(OrgUnit(**row) for row in _ORG_SNAPSHOT["units"])
    _ORG_SNAPSHOT["insert_sql"] = [query["sql"] for query in sent.captured_queries]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test ends with the cache emptied (the test settings' local-memory cache): a
    public page or a rate limit one test left must not answer another test's requests
    (a cached 404 for decision 1, say, when the next test publishes decision 1)."""
    yield
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def orgs(db):
    """All four org trees loaded; returns ``{code: OrgUnit}``."""
    from jiangxuan.accounts.models import OrgUnit

    _load_orgs()
    return {unit.code: unit for unit in OrgUnit.objects.all()}


@pytest.fixture
def role_user(orgs):
    """Factory: ``role_user(unit, Role.CLERK, campaign=None)`` is a new user holding the role
    at ``unit`` (an OrgUnit or its code), tied to ``campaign`` if given; ``role_user(None,
    None)`` is a superuser without memberships (the platform administrator's account). For
    the wrong-role tests of the services (docs/conventions.md 8.4)."""
    import itertools

    from jiangxuan.accounts.models import Membership, OrgUnit, User

    seq = itertools.count(1)

    def make(unit, role, *, campaign=None):
        name = f"role-user-{next(seq)}"
        if role is None:
            return User.objects.create_superuser(name)
        user = User.objects.create_user(name)
        if isinstance(unit, str):
            unit = OrgUnit.objects.get(code=unit)
        Membership.objects.create(user=user, org_unit=unit, role=role, campaign=campaign)
        return user

    return make


@pytest.fixture
def seed_campaign(orgs):
    """Factory: ``seed_campaign("001")`` loads specs/001-*.yaml, published, and returns the
    Campaign (``state=`` overrides the state)."""
    from jiangxuan.campaigns.enums import CampaignState
    from jiangxuan.campaigns.services import load_campaign

    def load(number: str, *, state: str = CampaignState.PUBLISHED):
        return load_campaign(seed_spec_path(number), state=state)

    return load


@pytest.fixture
def all_seed_campaigns(seed_campaign):
    """All five seed campaigns, published: ``{"000": Campaign, ..., "004": Campaign}``."""
    return {number: seed_campaign(number) for number in SEED_NUMBERS}


#: The Redis database the tests that need a real Redis use, each under a key prefix of its own.
TEST_REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    """The default cache on the machine's Redis (the project's backend, a key prefix of
    this test's own), skipped without a Redis; the test's keys are deleted afterwards."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from django.core.cache import caches

    previous = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "jiangxuan.core.redis_cache.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": f"jxtest-{uuid.uuid4().hex}",
        }
    }
    backend = caches["default"]
    yield backend
    client = backend._cache.get_client(write=True)
    keys = list(client.scan_iter(match=backend.make_key("*")))
    if keys:
        client.delete(*keys)
    # Back to the local cache before other fixtures empty "the" cache: a clear() on Redis
    # is a FLUSHDB, which took another xdist process's counters mid-test.
    settings.CACHES = previous


@pytest.fixture(scope="session")
def swift(tmp_path_factory) -> Iterator[dict[str, str]]:
    """A running single-node Swift with its bucket (core/tests/swift_server.py): the
    JX_S3_* settings. Once per process for every module that asks (the S3 storage tests
    and the API's files at rest), which share an xdist group for that reason."""
    yield from run_swift(tmp_path_factory)


@pytest.fixture(scope="session")
def openapi_schema() -> dict:
    """The schema /api/v1/openapi.json serves, fetched once per process (the API builds it
    anew on every request, a second or more); tests only read it."""
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


# ------------------------------------------------------------- the demo through decision

#: The command the demo database of ``decided_demo`` is built with.
DECIDED_DEMO_COMMAND = ("demo", "--no-serve", "--through", "decision", "--seed", "7")


def register_holiday_years() -> None:
    """Register this year and the next (Asia/Shanghai) as years whose holiday schedule an
    admin has entered (core.models.HolidayYear, no days listed: weekdays are working
    days), the step the platform asks of an admin for a year the ``chinesecalendar``
    package does not know yet. For the tests that open notices from today (the demo, its
    practice campaign): from about 25 December until the package holds the next year, a
    five-working-day notice reaches that year and is refused (core.calendar), as it would
    be for any user before the admin's step. For a year the package knows, the row
    changes nothing: the package comes first."""
    from django.utils import timezone

    from jiangxuan.core.models import HolidayYear

    year = timezone.localdate().year
    for known in (year, year + 1):
        HolidayYear.objects.get_or_create(year=known, defaults={"source": "测试数据"})


def _run_decided_demo(*, in_transaction: bool) -> str:
    """Run ``jiangxuan demo --through decision --seed 7``; returns what it printed.

    ``in_transaction=False`` (PostgreSQL, the demo's own database): as the command runs for
    a user, each service committing and its after-commit hooks run (notifications, mail).
    In one transaction the ≈ 3,700 audit entries each re-read the chain's head through as
    many row versions of it, 8 s more (issue 11). ``in_transaction=True`` (SQLite, inside
    the module's transaction): the after-commit hooks are dropped, as in a test's own
    transaction."""
    from django.core.management import call_command
    from django.db import connection, transaction

    out = io.StringIO()
    if not in_transaction:
        register_holiday_years()
        call_command(*DECIDED_DEMO_COMMAND, stdout=out)
        return out.getvalue()
    with transaction.atomic():
        register_holiday_years()
        call_command(*DECIDED_DEMO_COMMAND, stdout=out)
        connection.run_on_commit.clear()
    return out.getvalue()


@contextmanager
def _on_database(name: str) -> Iterator[None]:
    """Point the default connection at the database ``name`` for the block."""
    from django.db import connection

    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved


@pytest.fixture(scope="session")
def _decided_demo_database(django_db_setup, django_db_blocker) -> Iterator[tuple[str, str]]:
    """PostgreSQL: a copy of the empty test database (CREATE DATABASE ... TEMPLATE) with the
    demo built into it through decision, once per process; yields its name and what the
    command printed. Dropped at the end of the session."""
    from django.db import connection

    with django_db_blocker.unblock():
        connection.creation.clone_test_db(suffix="demo", verbosity=0)
        name = connection.creation.get_test_db_clone_settings("demo")["NAME"]
        with _on_database(name):
            output = _run_decided_demo(in_transaction=False)
    yield name, output
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(suffix="demo", verbosity=0)


@pytest.fixture(scope="module")
def decided_demo(request, django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo with the five seed campaigns taken to their published decisions
    (``jiangxuan demo --no-serve --through decision --seed 7``, which takes a minute or
    two); returns what the command printed. Each test still runs in its own transaction,
    rolled back after it, so the tests of a module see the demo as built.

    On PostgreSQL the demo is built once per process into a database of its own and the
    module's tests run on that database; list the module in XDIST_GROUPS so one xdist
    process runs them all. On SQLite it is built in a transaction that stays open
    for the module and is rolled back at its end.
    """
    from django.db import connection, transaction

    if connection.vendor == "postgresql":
        name, output = request.getfixturevalue("_decided_demo_database")
        with _on_database(name):
            yield output
        return
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        output = _run_decided_demo(in_transaction=True)
    try:
        yield output
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def decided_demo_copy(decided_demo, django_db_blocker) -> Iterator[str]:
    """PostgreSQL only: a throwaway copy of the ``decided_demo`` database, for a module whose
    test lets a live server read the demo (``live_server`` needs ``transactional_db``, which
    commits what the test writes and empties the database after the test: the shared demo
    must not be touched). The module's tests run on the copy; since the first one empties
    it, give such a module one test. Returns what the demo command printed; skips on SQLite,
    where the demo lives in a transaction no other connection sees.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the demo copy for a live server needs PostgreSQL")
    with django_db_blocker.unblock():
        connection.creation.clone_test_db(suffix="copy", verbosity=0)
        name = connection.creation.get_test_db_clone_settings("copy")["NAME"]
    with _on_database(name):
        yield decided_demo
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        # FORCE: a request of the live server may still hold a connection to the copy.
        cursor.execute(f"DROP DATABASE {connection.ops.quote_name(name)} WITH (FORCE)")
