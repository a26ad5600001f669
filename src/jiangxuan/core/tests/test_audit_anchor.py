"""Chain-head anchors (issue 16.1; docs/security.md check 23): every way of shortening or
rewriting the audit trail that the hash chain alone misses is caught by ``auditverify``
against the signed anchors of ``auditanchor``, and a retention purge is not mistaken for one.

Tampering is done as the issue's tester did it: rows deleted with the append-only trigger
off, then ``core_audithead`` updated to match; and, where it matters, by someone who also
holds the chain's HMAC key and re-computes the hashes.
"""

import datetime as dt
import json
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from jiangxuan.core.audit import compute_hash, purge_audit, record_audit
from jiangxuan.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchor_dir(settings, tmp_path):
    settings.JX_AUDIT_ANCHOR_DIR = tmp_path / "anchors"
    return settings.JX_AUDIT_ANCHOR_DIR


def _record(n: int, action: str = "nomination.submit") -> list[AuditEntry]:
    return [
        record_audit(actor=None, action=action, object_type="nomination", object_id=str(i))
        for i in range(n)
    ]


@pytest.fixture
def history(anchor_dir) -> list[AuditEntry]:
    """150 entries, a `decision.publish` among the last 25, anchored twice."""
    entries = _record(120)
    call_command("auditanchor", stdout=StringIO())
    entries += _record(10)
    entries += _record(1, action="decision.publish")
    entries += _record(19)
    call_command("auditanchor", stdout=StringIO())
    return entries


@contextmanager
def _tampering() -> Iterator:
    """Raw SQL with the append-only trigger off for this session, as an owner of the table
    (or a superuser) could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def _auditverify(*args: str) -> str:
    out = StringIO()
    call_command("auditverify", *args, stdout=out)
    return out.getvalue()


def _auditverify_fails(*args: str) -> str:
    with pytest.raises(CommandError) as excinfo:
        _auditverify(*args)
    return str(excinfo.value)


def _cut_end(cursor, entries: list[AuditEntry], n: int) -> None:
    """Delete the last ``n`` entries and point the head at the new last one."""
    cursor.execute("DELETE FROM core_auditentry WHERE id > %s", [entries[-n - 1].id])
    cursor.execute("UPDATE core_audithead SET last_hash = %s", [entries[-n - 1].entry_hash])


def test_untouched_chain_agrees_with_its_anchors(history):
    out = _auditverify()

    assert "审计链完整（150 条）" in out
    assert "与 2 个链头锚点一致（最新 #2，" in out
    assert f"至记录 #{history[-1].id}" in out


def test_anchor_files_are_write_once_and_signed(history, anchor_dir):
    files = sorted(anchor_dir.iterdir())

    assert [f.name for f in files] == ["anchor-00000001.json", "anchor-00000002.json"]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o444 for f in files)
    anchor = json.loads(files[1].read_text())["anchor"]
    assert (anchor["seq"], anchor["count"]) == (2, 150)
    assert (anchor["first_id"], anchor["last_id"]) == (history[0].id, history[-1].id)
    assert anchor["last_hash"] == history[-1].entry_hash


def test_without_anchors_a_cut_at_the_end_passes_the_chain_check(anchor_dir):
    """The finding itself: the chain alone cannot see a cut end, hence the anchors."""
    entries = _record(30)
    with _tampering() as cursor:
        _cut_end(cursor, entries, 25)

    out = _auditverify()

    assert "审计链完整（5 条）" in out
    assert "未找到链头锚点" in out


def test_cutting_the_last_25_entries_is_detected(history):
    assert AuditEntry.objects.filter(action="decision.publish", id__gt=history[-26].id).exists()
    with _tampering() as cursor:
        _cut_end(cursor, history, 25)

    message = _auditverify_fails()

    assert "审计链与链头锚点不符" in message
    assert f"锚点 #2：记录 #{history[-1].id} 已不存在" in message
    assert "锚点 #1" not in message


def test_cutting_the_first_100_entries_and_moving_the_base_is_detected(history):
    with _tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id <= %s", [history[99].id])
        cursor.execute("UPDATE core_audithead SET base_hash = %s", [history[99].entry_hash])

    message = _auditverify_fails()

    # A moved base with no purge entry is caught by the chain check itself …
    assert f"记录 #{history[100].id}：the chain starts after a cut no purge records" in message


def test_cutting_the_start_behind_a_forged_purge_entry_is_detected(history):
    """… and with the HMAC key an attacker can forge the purge entry too: the anchors
    still know that the first entries were days, not 180 days, old."""
    with _tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id <= %s", [history[99].id])
        cursor.execute("UPDATE core_audithead SET base_hash = %s", [history[99].entry_hash])
    record_audit(
        actor=None,
        action="audit.purge",
        object_type="core.auditentry",
        after={
            "days": 180,
            "cutoff": (timezone.now() - dt.timedelta(days=180)).isoformat(),
            "removed": 100,
            "through_id": history[99].id,
        },
    )

    message = _auditverify_fails()

    assert f"锚点 #1：记录 #{history[0].id} 未满保留期却已被删除" in message


def test_rewriting_the_chain_with_the_key_is_detected(history):
    """An attacker holding the HMAC key edits an entry and re-computes every later hash
    and the head: the chain verifies, the anchored hashes do not match."""
    with _tampering() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET action = 'nomination.reject' WHERE id = %s",
            [history[125].id],
        )
        prev = history[124].entry_hash
        for entry in AuditEntry.objects.filter(id__gte=history[125].id).order_by("id"):
            entry.prev_hash = prev
            entry.entry_hash = compute_hash(entry)
            cursor.execute(
                "UPDATE core_auditentry SET prev_hash = %s, entry_hash = %s WHERE id = %s",
                [entry.prev_hash, entry.entry_hash, entry.id],
            )
            prev = entry.entry_hash
        cursor.execute("UPDATE core_audithead SET last_hash = %s", [prev])

    message = _auditverify_fails()

    assert f"锚点 #2：记录 #{history[-1].id} 的哈希与锚点不符" in message


def test_an_edited_entry_is_detected_by_the_chain(history):
    with _tampering() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET action = 'nomination.reject' WHERE id = %s",
            [history[10].id],
        )

    assert f"记录 #{history[10].id}：entry_hash does not match" in _auditverify_fails()


def test_a_rewritten_head_is_detected(history):
    with _tampering() as cursor:
        cursor.execute("UPDATE core_audithead SET last_hash = %s", [history[-5].entry_hash])

    assert "记录 #0：the chain head does not match" in _auditverify_fails()


def test_an_edited_anchor_file_is_refused(history, anchor_dir):
    path = anchor_dir / "anchor-00000002.json"
    record = json.loads(path.read_text())
    record["anchor"]["last_id"] = history[-26].id
    record["anchor"]["last_hash"] = history[-26].entry_hash
    path.chmod(0o644)
    path.write_text(json.dumps(record))

    assert "锚点文件 anchor-00000002.json 无法读取或签名无效" in _auditverify_fails()


def test_a_removed_anchor_file_breaks_the_anchor_chain(history, anchor_dir):
    call_command("auditanchor", stdout=StringIO())
    (anchor_dir / "anchor-00000002.json").unlink()

    assert "锚点 #3 与前一个锚点 #1 接不上" in _auditverify_fails()


def test_the_auditors_public_key_rejects_anchors_signed_with_another_key(
    history, anchor_dir, settings
):
    out = StringIO()
    call_command("auditanchor", "--public-key", stdout=out)
    recorded = out.getvalue().strip()
    assert len(recorded) == 64
    assert "一致" in _auditverify("--anchors", str(anchor_dir), "--public-key", recorded)

    other = "ab" * 32
    settings.JX_AUDIT_ANCHOR_KEY = other
    forged_dir = anchor_dir.parent / "forged"
    call_command("auditanchor", "--dir", str(forged_dir), stdout=StringIO())

    message = _auditverify_fails("--anchors", str(forged_dir), "--public-key", recorded)
    assert "签名无效" in message


def test_a_chain_broken_since_the_last_anchor_is_not_anchored(history, anchor_dir):
    later = _record(3)
    with _tampering() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'forged' WHERE id = %s", [later[1].id])

    with pytest.raises(CommandError, match=f"记录 #{later[1].id} 处校验失败，未写锚点"):
        call_command("auditanchor", stdout=StringIO())
    assert len(list(anchor_dir.iterdir())) == 2


def test_an_unreadable_newest_anchor_stops_anchoring(history, anchor_dir):
    (anchor_dir / "anchor-00000003.json").write_text("{}")

    with pytest.raises(CommandError, match=r"anchor-00000003\.json 无法读取或签名无效"):
        call_command("auditanchor", stdout=StringIO())
    assert sorted(f.name for f in anchor_dir.iterdir())[-1] == "anchor-00000003.json"


def test_a_purge_entry_dated_in_the_future_is_detected(history):
    with _tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id <= %s", [history[99].id])
        cursor.execute("UPDATE core_audithead SET base_hash = %s", [history[99].entry_hash])
    with time_machine.travel(timezone.now() + dt.timedelta(days=181), tick=False):
        record_audit(
            actor=None,
            action="audit.purge",
            object_type="core.auditentry",
            after={
                "cutoff": (timezone.now() - dt.timedelta(days=180)).isoformat(),
                "through_id": history[99].id,
            },
        )

    assert "清理记录 #" in _auditverify_fails()


def test_a_retention_purge_after_anchoring_still_verifies(anchor_dir):
    now = timezone.now()
    for age in (400, 300, 200, 1):
        with time_machine.travel(now - dt.timedelta(days=age), tick=False):
            _record(3, action=f"test.age_{age}")
            call_command("auditanchor", stdout=StringIO())

    assert purge_audit(days=180) == 9
    call_command("auditanchor", stdout=StringIO())
    _record(2)

    assert "与 5 个链头锚点一致（最新 #5，" in _auditverify()


def test_a_purge_of_anchored_young_entries_is_detected(anchor_dir):
    """The trigger's 180-day floor holds on PostgreSQL; the anchors hold it wherever the
    rows went, e.g. a base moved and a purge entry forged by a key holder."""
    young = _record(5)
    call_command("auditanchor", stdout=StringIO())
    with _tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id <= %s", [young[2].id])
        cursor.execute("UPDATE core_audithead SET base_hash = %s", [young[2].entry_hash])
    record_audit(
        actor=None,
        action="audit.purge",
        object_type="core.auditentry",
        after={
            "cutoff": (timezone.now() - dt.timedelta(days=1)).isoformat(),
            "through_id": young[2].id,
        },
    )

    message = _auditverify_fails()

    assert "的截止时间不足最短保留期" in message
    assert f"锚点 #1：记录 #{young[0].id} 未满保留期却已被删除" in message


def test_a_cut_at_the_start_after_a_real_purge_is_detected(anchor_dir):
    """A real purge entry lets the base move; the anchors still know where the chain
    started after it."""
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=400), tick=False):
        _record(3, action="test.old")
    young = _record(3, action="test.young")
    assert purge_audit(days=180) == 3
    call_command("auditanchor", stdout=StringIO())
    with _tampering() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id <= %s", [young[1].id])
        cursor.execute("UPDATE core_audithead SET base_hash = %s", [young[1].entry_hash])

    message = _auditverify_fails()

    assert f"锚点 #1：审计链应从记录 #{young[0].id} 开始，现在从 #{young[2].id} 开始" in message
