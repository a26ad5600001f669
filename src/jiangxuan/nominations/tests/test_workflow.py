"""The state table: every (state, action) pair either moves as the table says or is
refused with nothing changed."""

import itertools

import pytest

from jiangxuan.core.models import AuditEntry
from jiangxuan.nominations.enums import NominationAction, NominationState
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.workflow import TRANSITIONS, InvalidTransition, transition

PAIRS = list(itertools.product(NominationState.values, NominationAction.values))


@pytest.fixture
def draft(seed_campaign, make_user, nominate):
    campaign = seed_campaign("001")
    clerk = make_user("cc-chaoyang-hrss")
    return nominate(campaign, campaign.awards.first().code, clerk)


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action"), PAIRS)
def test_transition_table_every_pair(draft, state, action):
    Nomination.objects.filter(pk=draft.pk).update(state=state)
    draft.refresh_from_db()
    audits = AuditEntry.objects.count()
    target = TRANSITIONS.get((state, action))

    if target is None:
        with pytest.raises(InvalidTransition) as excinfo:
            transition(draft, action, actor=None)
        draft.refresh_from_db()
        assert draft.state == state
        assert AuditEntry.objects.count() == audits
        assert "不能" in excinfo.value.message
    else:
        transition(draft, action, actor=None)
        draft.refresh_from_db()
        assert draft.state == target
        entry = AuditEntry.objects.latest("id")
        assert (entry.action, entry.before, entry.after["state"]) == (
            f"nomination.{action}",
            {"state": state},
            target,
        )


@pytest.mark.django_db
def test_final_states_allow_no_action():
    assert [pair for pair in TRANSITIONS if pair[0] in NominationState.FINAL] == []
