"""Schemathesis over /api/v1/openapi.json (issue 16; docs/security.md check 33): every
operation of the schema, called with generated parameters and bodies as a clerk, a
reviewer and a campaign office (bearer tokens), in-process through Django's WSGI handler,
answers no 5xx and nothing the schema does not document: the status, the content type
and the body's shape. A stateful run per role follows the links schemathesis infers from
the response schemas (``code`` of a campaign, ``id`` of a nomination, ...), so
generated calls reach real objects too.

The world is small and built once for the module: seed 001 (长春) inside its submission
window with a draft, a nomination waiting at the workplace, one waiting at the county
(朝阳区人社局) and one the county approved and cleared. Every generated request runs in a
savepoint rolled back after it (a stateful scenario in one for the scenario), so each
sees that world. How many requests run is the Hypothesis profile's (``API_FUZZ`` in
src/jiangxuan/conftest.py): a few per operation in ``make test``, many in
``make test-deep``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import strategies as st

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import Membership, OrgUnit, User
from jiangxuan.accounts.tokens import issue_api_token
from jiangxuan.campaigns.enums import CampaignState
from jiangxuan.campaigns.services import load_campaign
from jiangxuan.conftest import API_FUZZ, _load_orgs, seed_spec_path
from jiangxuan.nominations import review
from jiangxuan.nominations.models import Decision, Evidence, Nomination
from jiangxuan.nominations.tests.conftest import clear_level
from jiangxuan.nominations.tests.review_setup import forward_level

from .conftest import (
    INSIDE_WINDOW,
    ApiClient,
    UserFactory,
    filled_fields,
    make_id_number,
    png_bytes,
)

#: The checks that make "no server error, no schema violation": a 5xx; a status, content
#: type, header or body the operation's responses do not document. (Schemathesis's other
#: checks judge API design, e.g. that schema-valid data is accepted: this API refuses
#: schema-valid input for domain reasons, 400/403/404/409, as documented.)
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)

CONFIG = schemathesis.Config.from_dict(
    {
        # The world is shared by the examples of a test (module fixture, savepoints per
        # request), which Hypothesis's function-scoped-fixture check would refuse; the
        # slowness and filtering checks say nothing about the API either.
        "suppress-health-check": ["all"],
        "generation": {
            "max-examples": API_FUZZ["examples"],
            "deterministic": True,
            "database": "none",
        },
        "phases": {"coverage": {"enabled": API_FUZZ["coverage"]}},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
    }
)

DJANGO = WSGIHandler()


def app(environ, start_response):
    """Django's WSGI handler, its response read and closed as a WSGI server does (closing
    sends request_finished and closes a download's file). Schemathesis's WSGI transport
    reads the body but does not close the response, so every file an operation sends
    would stay open (a ResourceWarning, an error in this suite)."""
    response = DJANGO(environ, start_response)
    try:
        return [b"".join(response)]
    finally:
        response.close()


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)

ROLES = ("clerk", "reviewer", "office")

#: The world's objects by path parameter name, filled when it is built: a generated path
#: parameter of one of these names is either kept or replaced by one of them, so the
#: operations on a campaign, a nomination or its evidence are also called on objects that
#: exist, not only answered 404.
KNOWN: dict[str, list[Any]] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters: dict[str, Any] | None):
    """Each known path parameter: the generated value or one of the world's (an
    operation without path parameters gets None)."""
    if path_parameters is None:
        return st.just(None)
    generated = path_parameters
    names = [name for name in generated if KNOWN.get(name)]
    if not names:
        return st.just(generated)
    chosen = st.fixed_dictionaries(
        {name: st.one_of(st.just(generated[name]), st.sampled_from(KNOWN[name])) for name in names}
    )
    return chosen.map(lambda real: {**generated, **real})


def _member(unit: OrgUnit, role: str) -> User:
    user = UserFactory.create()
    Membership.objects.create(user=user, org_unit=unit, role=role)
    return user


def _filled_draft(client: ApiClient, code: str, **fields: Any) -> int:
    """A 长春技能大奖 draft with every required field and material, through the API."""
    created = client.post("/nominations", {"campaign": code, "award": "jineng-dajiang"})
    assert created.status_code == 201, created.content
    nomination_id = created.json()["id"]
    patched = client.patch(f"/nominations/{nomination_id}", {"fields": filled_fields(**fields)})
    assert patched.status_code == 200, patched.content
    assert patched.json()["errors"] == {}
    spec = Nomination.objects.get(pk=nomination_id).campaign.specification
    materials = ["photo"] + [
        m.code for m in spec.materials if m.required and m.upload and m.per == "nomination"
    ]
    for material in materials:
        scan = SimpleUploadedFile(f"{material}.png", png_bytes(), content_type="image/png")
        uploaded = client.upload(
            f"/nominations/{nomination_id}/evidence", material=material, file=scan
        )
        assert uploaded.status_code == 201, uploaded.content
    return nomination_id


def _build_world() -> dict[str, str]:
    """Seed 001 with nominations at four stages; returns a token per role and fills
    KNOWN."""
    _load_orgs()
    units = {unit.code: unit for unit in OrgUnit.objects.all()}
    campaign = load_campaign(seed_spec_path("001"), state=CampaignState.PUBLISHED)
    clerk = _member(units["cc-huarui-machinery"], Role.CLERK)
    workplace = _member(units["cc-huarui-machinery"], Role.REVIEWER)
    reviewer = _member(units["cc-chaoyang-hrss"], Role.REVIEWER)
    office = _member(units["cc-hrss"], Role.CAMPAIGN_OFFICE)
    tokens = {
        role: issue_api_token(user, name="fuzz", scope="read_write")
        for role, user in (("clerk", clerk), ("reviewer", reviewer), ("office", office))
    }
    client = ApiClient(tokens["clerk"])
    draft = client.post("/nominations", {"campaign": campaign.code, "award": "jineng-dajiang"})
    assert draft.status_code == 201, draft.content
    submitted = []
    for index, name in enumerate(("王建国", "李明华", "张志强")):
        id_number = make_id_number(birth=f"1985031{index}")
        nomination_id = _filled_draft(client, campaign.code, name=name, id_number=id_number)
        response = client.post(f"/nominations/{nomination_id}/submit")
        assert response.status_code == 200, response.json()
        submitted.append(Nomination.objects.get(pk=nomination_id))
    _waiting, at_county, approved = submitted
    for nomination in (at_county, approved):
        forward_level(nomination, workplace, units["cc-huarui-machinery"], ["workplace"])
    review.sign_off(approved, actor=reviewer, signer="nominating_unit", decision=Decision.APPROVE)
    clear_level(approved)
    KNOWN.update(
        {
            "code": [campaign.code],
            "campaign_code": [campaign.code],
            "award_code": ["jineng-dajiang", "jishu-nengshou"],
            "nomination_id": [draft.json()["id"], *(n.pk for n in submitted)],
            "evidence_id": list(
                Evidence.objects.filter(nomination__in=submitted).values_list("pk", flat=True)
            ),
            "level": ["workplace", "nominating-unit"],
            "body_id": [units["cc-huarui-machinery"].pk, units["cc-chaoyang-hrss"].pk],
        }
    )
    return tokens


@pytest.fixture(scope="module")
def tokens(django_db_setup, django_db_blocker) -> Iterator[dict[str, str]]:
    """The world, built once for the module in a transaction rolled back at its end, with
    the clock inside seed 001's submission window; yields a bearer token per role."""
    with time_machine.travel(INSIDE_WINDOW, tick=False), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = _build_world()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    # The WSGI handler's request signals would close the test's connection, in the middle
    # of its transaction; Django's test client disconnects them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with time_machine.travel(INSIDE_WINDOW, tick=False):
            yield built
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        KNOWN.clear()
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
def test_api_operation(case, role, tokens, db):
    with transaction.atomic():
        case.call_and_validate(headers={"Authorization": f"Bearer {tokens[role]}"})
        transaction.set_rollback(True)


#: The state machine over the inferred links (schemathesis has no OpenAPI ``links`` to
#: read: ninja writes none, so it infers them from the response schemas).
Workflow = schema.as_state_machine()


@pytest.mark.parametrize("role", ROLES)
def test_api_stateful(role, tokens, db):
    class RoleWorkflow(Workflow):
        """One scenario of linked calls as ``role``, rolled back at its end."""

        def setup(self) -> None:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()

        def teardown(self) -> None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def get_call_kwargs(self, case) -> dict[str, Any]:
            return {"headers": {"Authorization": f"Bearer {tokens[role]}"}}

    RoleWorkflow.run(
        settings=hypothesis.settings(
            hypothesis.settings.default,
            max_examples=API_FUZZ["scenarios"],
            stateful_step_count=API_FUZZ["steps"],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
