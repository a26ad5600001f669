"""Every audit action the code records has a Chinese name, and pages show the name, not the
code (issue 15.9)."""

import re
from pathlib import Path

from jiangxuan.core.admin_audit import ACTIONS as ADMIN_ACTIONS
from jiangxuan.core.audit_actions import ACTION_LABELS, action_label
from jiangxuan.nominations.enums import NominationAction
from jiangxuan.notifications.enums import OutboxState

SRC = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r'action="([a-z_]+(?:\.[a-z_]+)+)"')


def _recorded_actions() -> set[str]:
    """The literal action codes in the shipped code, and the two formatted families
    (``nomination.<transition>``, ``outbox.<state>``) and the Django admin's."""
    codes = set()
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts:
            continue
        codes |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    codes |= {f"nomination.{a}" for a in NominationAction.values}
    codes |= {f"outbox.{s}" for s in OutboxState.values}
    return codes | set(ADMIN_ACTIONS.values()) | {"admin.other"}


def test_every_recorded_action_has_a_chinese_name():
    missing = sorted(_recorded_actions() - set(ACTION_LABELS))

    assert len(_recorded_actions()) > 60
    assert missing == []


def test_an_unknown_action_reads_as_other_never_as_its_code():
    assert action_label("nomination.create") == "创建推荐"
    assert action_label("something.new") == "其他操作"
