"""Project-wide pytest fixtures: the organization trees and the five seed campaigns; the
Hypothesis profiles.

Parsing is cached per process (the YAML texts are parsed once); the database rows are
written anew in each test, inside its transaction.
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Playwright's sync API runs an event loop; Django's ORM must still be callable from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Hypothesis profiles (docs/testing.md, "Property tests"), chosen by JX_HYPOTHESIS_PROFILE:
# "ci" (the default, `make test`) runs few examples with a fixed seed, so every run tries
# the same cases and a failure reproduces; "deep" (`make test-deep`) runs 200 examples.
# Both keep no example database (runs leave nothing in the work tree) and no deadline
# (a shared CI machine is slow at times, and that is not a failure of the code).
_HYPOTHESIS_COMMON = {
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


@pytest.fixture
def orgs(db):
    """All four org trees loaded; returns ``{code: OrgUnit}``."""
    from jiangxuan.accounts.models import OrgUnit
    from jiangxuan.accounts.services import load_org_tree

    for path in ORG_FILES:
        load_org_tree(path)
    return {unit.code: unit for unit in OrgUnit.objects.all()}


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
