"""Project-wide pytest fixtures: the organization trees and the five seed campaigns; the
Hypothesis profiles.

Parsing is cached per process (the YAML texts are parsed once); the database rows are
written anew in each test, inside its transaction.
"""

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

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
settings.load_profile(os.environ.get("JX_HYPOTHESIS_PROFILE", "ci"))

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
_ORG_SNAPSHOT: dict[str, list[dict]] = {}
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
        OrgUnit.objects.bulk_create(OrgUnit(**row) for row in _ORG_SNAPSHOT["units"])
        for entry in _ORG_SNAPSHOT["audit"]:
            record_audit(actor=None, **entry)
        return
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for path in ORG_FILES:
        load_org_tree(path)
    _ORG_SNAPSHOT["units"] = list(OrgUnit.objects.order_by("pk").values(*_ORG_UNIT_FIELDS))
    audit = AuditEntry.objects.filter(pk__gt=last_audit).order_by("pk")
    _ORG_SNAPSHOT["audit"] = list(audit.values(*_ORG_AUDIT_FIELDS))


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
