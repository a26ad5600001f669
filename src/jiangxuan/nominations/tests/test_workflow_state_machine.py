"""docs/security.md check 31: a Hypothesis state machine drives one nomination of seed 001 through
random sequences of what its users can do (submit, withdraw, each body's opinion at the
current level, forward, resubmit after a return, the office's revocation) through the public
services, and checks the workflow's invariants after every step, for 200 examples in
`make test-deep` (the "deep" Hypothesis profile) and 40 in `make test`:

- every refused action leaves the nomination as it was;
- the stored state is the one the last audited transition wrote (one writer, always audited);
- every state change is an edge of ``TRANSITIONS``; a final state never changes again;
- the level never moves backwards within a round, and never leaves the chain;
- a level is ready only when every body the chain names there approved in this round;
- the audit chain verifies at the end;
- and the runs reached most states, including approval at the top of the chain.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from jiangxuan.accounts.enums import Role
from jiangxuan.core.audit import verify_audit_chain
from jiangxuan.core.models import AuditEntry
from jiangxuan.nominations import review, services
from jiangxuan.nominations.chain import bodies_at, level_named, levels_for, required_bodies
from jiangxuan.nominations.enums import NominationAction, NominationState
from jiangxuan.nominations.models import Decision, Nomination, SignOff
from jiangxuan.nominations.workflow import TRANSITIONS, NominationError, transition

from .chain_helpers import ChainRun, at, by_body
from .conftest import clear_level, make_id_number

pytestmark = pytest.mark.django_db

#: Every failure a user can meet: the services refuse with these and change nothing.
REFUSALS = (NominationError, PermissionDenied)
EDGES = {(source, target) for (source, _action), target in TRANSITIONS.items()}


def _audited_state(nomination: Nomination) -> str:
    """The state written by the nomination's last audited transition (draft if none)."""
    last = (
        AuditEntry.objects.filter(
            object_type="nominations.nomination",
            object_id=str(nomination.pk),
            action__in=[f"nomination.{a}" for a in NominationAction.values],
        )
        .order_by("-id")
        .first()
    )
    return last.after["state"] if last else NominationState.DRAFT


def _snapshot(nomination: Nomination) -> tuple:
    nomination.refresh_from_db()
    return (
        nomination.state,
        nomination.level,
        nomination.level_ready,
        nomination.review_round,
        SignOff.objects.filter(nomination=nomination).count(),
    )


def test_workflow_invariants_hold_for_random_action_sequences(seed_campaign, nominate, complete):
    campaign = seed_campaign("001")
    start = at(dt.date(2022, 10, 24), dt.time(10, 0))
    with ChainRun(campaign, nominate=nominate, complete=complete, start=start) as run:
        workplace = campaign.organizer_unit.__class__.objects.get(code="cc-huarui-machinery")
        clerk = run.user(workplace, Role.CLERK)
        reached: set[tuple[str, str]] = set()
        # The draft and its reviewers exist before the runs; each run's rows are rolled back
        # after it, so every run starts from this draft.
        draft = run.nominate("jishu-nengshou", workplace, name="赵志强", id_number=make_id_number())
        for level in levels_for(draft):
            for _signer, body in bodies_at(draft, level):
                run.reviewer(body)

        class NominationMachine(RuleBasedStateMachine):
            def __init__(self) -> None:
                super().__init__()
                self.savepoint = transaction.savepoint_create()
                self.n = Nomination.objects.get(pk=draft.pk)
                self.before = _snapshot(self.n)
                self.chain = [lv.code for lv in levels_for(self.n)]

            def teardown(self) -> None:
                # Each run starts from the same database (quotas count earlier forwards).
                transaction.savepoint_rollback(self.savepoint)

            def attempt(self, *actions) -> None:
                """Run user actions in order until one is refused; a refused action must
                leave the nomination unchanged."""
                for action in actions:
                    before = _snapshot(self.n)
                    try:
                        action()
                    except REFUSALS:
                        assert _snapshot(self.n) == before
                        break
                    finally:
                        self.n.refresh_from_db()
                reached.add((self.n.state, self.n.level))

            # ---------------------------------------------------------- what users do

            @rule()
            def submit(self) -> None:
                self.attempt(lambda: services.submit_nomination(self.n, actor=clerk))

            @rule()
            def withdraw(self) -> None:
                self.attempt(
                    lambda: services.withdraw_nomination(self.n, actor=clerk, reason="本人申请")
                )

            @rule(
                decision=st.sampled_from(
                    [Decision.APPROVE, Decision.APPROVE, Decision.RETURN, Decision.REJECT]
                ),
                which=st.integers(0, 3),
            )
            def sign(self, decision: str, which: int) -> None:
                level = level_named(self.n, self.n.level)
                bodies = bodies_at(self.n, level) if level else []
                if not bodies:
                    self.attempt(
                        lambda: review.sign_off(
                            self.n, actor=clerk, signer="union", decision=decision
                        )
                    )
                    return
                signer, body = bodies[which % len(bodies)]
                self.attempt(
                    lambda: review.sign_off(
                        self.n,
                        actor=run.reviewer(body),
                        signer=signer,
                        decision=decision,
                        opinion="" if decision == Decision.APPROVE else "材料不全，请补充。",
                    )
                )

            def forward_now(self) -> None:
                """The level's body forwards the nomination (its notice cleared)."""
                level = level_named(self.n, self.n.level)
                if level is not None and self.n.level_ready:
                    clear_level(self.n)
                    body = by_body([self.n])[0][0]
                else:
                    body = workplace
                review.forward_nominations(
                    campaign,
                    level=self.n.level,
                    body=body,
                    actor=run.reviewer(body),
                    order=[self.n.pk],
                )

            @rule()
            def forward(self) -> None:
                self.attempt(self.forward_now)

            @rule()
            def approve_level(self) -> None:
                """Every body at the level approves, then the level forwards: the common
                path, so that runs reach the top of the chain."""
                level = level_named(self.n, self.n.level)
                signs = [
                    lambda signer=signer, body=body: review.sign_off(
                        self.n, actor=run.reviewer(body), signer=signer, decision=Decision.APPROVE
                    )
                    for signer, body in (bodies_at(self.n, level) if level else [])
                    if not self.n.level_ready
                ]
                self.attempt(*signs, self.forward_now)

            @rule()
            def resubmit(self) -> None:
                self.attempt(
                    lambda: services.save_nomination(
                        self.n, actor=clerk, core={"post": "数控班班长（已补充）"}, extra={}
                    ),
                    lambda: services.submit_nomination(self.n, actor=clerk),
                )

            @rule()
            def revoke(self) -> None:
                self.attempt(
                    lambda: transition(
                        self.n,
                        NominationAction.REVOKE,
                        actor=run.office,
                        opinion="经核查，申报材料不实。",
                        role=Role.CAMPAIGN_OFFICE,
                    )
                )

            # ---------------------------------------------------------- invariants

            @invariant()
            def state_is_the_audited_state(self) -> None:
                assert self.n.state == _audited_state(self.n)

            @invariant()
            def moves_follow_the_table(self) -> None:
                state, level, _ready, review_round, _signs = self.before
                now = _snapshot(self.n)
                if now[0] != state:
                    assert state not in NominationState.FINAL, (state, now[0])
                    # A sign-off may chain two edges (submitted → in review → returned).
                    direct = (state, now[0]) in EDGES
                    via_review = (state, NominationState.IN_REVIEW) in EDGES and (
                        NominationState.IN_REVIEW,
                        now[0],
                    ) in EDGES
                    assert direct or via_review, (state, now[0])
                if now[3] == review_round and now[1] != level:
                    assert self.chain.index(now[1]) > self.chain.index(level), (level, now[1])
                assert now[1] in self.chain
                self.before = now

            @invariant()
            def ready_only_when_every_body_approved(self) -> None:
                if not self.n.level_ready:
                    return
                level = level_named(self.n, self.n.level)
                assert level is not None
                approved = set(
                    SignOff.objects.filter(
                        nomination=self.n,
                        level=self.n.level,
                        round=self.n.review_round,
                        decision=Decision.APPROVE,
                    ).values_list("body_id", flat=True)
                )
                assert approved >= required_bodies(self.n, level)

        # The number of examples comes from the Hypothesis profile (src/jiangxuan/conftest.py);
        # 30 steps a run let the light profile's 40 runs still reach approval at the top.
        run_state_machine_as_test(NominationMachine, settings=settings(stateful_step_count=30))
    # The runs explored the workflow (random, so not every state in every run): most
    # states, and approval at the top of the chain.
    assert len({state for state, _level in reached}) >= 6, reached
    assert (NominationState.APPROVED, "city") in reached
    assert verify_audit_chain() is None
