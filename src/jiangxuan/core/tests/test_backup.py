"""The backup/restore drill through the commands (issue 16, what to build 1; docs/security.md
check 32): a small world is built in a copy of the test database, backed up with
``jiangxuan backup``, restored with ``jiangxuan restore`` into a new database and a new
uploads folder, and the copy is checked as ``make drill`` checks it. Then the refusals: a
file missing from the backup, a truncated dump, another field key, a target that is not
empty, SQLite, and a changed row count in the restored copy.

The restore points this process's default connection at the database it restored; the
fixture puts it back. The refusals come before the restore touches any database.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.commands.check import Command as CheckCommand
from django.db import connection, connections, transaction
from django.test import override_settings

from jiangxuan.core.models import AuditEntry, HolidayYear
from jiangxuan.demo.drill import build_drill_world, check_drill_world

# The tests reach the drill's databases through django_db_blocker, with no transaction
# around them (they point this process's connection at the drill's databases).
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL"),
]

WRONG_KEY = "ab" * 32


@dataclass
class Drill:
    """The drill's databases, folders and the world the copy must give back."""

    source: str
    restored: str
    backup: Path
    restored_media: Path
    anchors: Path
    world: dict[str, Any]
    manifest: dict[str, Any]


def _url(name: str) -> str:
    config = connection.settings_dict
    auth = quote(config["USER"] or "", safe="")
    if config["PASSWORD"]:
        auth += ":" + quote(config["PASSWORD"], safe="")
    host = config["HOST"] or "127.0.0.1"
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{name}"


def _admin_execute(*statements: str) -> None:
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def _database_exists(name: str) -> bool:
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        return bool(
            admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        )


def _storages(media: Path) -> dict[str, Any]:
    default = cast(dict[str, Any], settings.STORAGES["default"])
    options = {**default["OPTIONS"], "location": str(media)}
    return {**settings.STORAGES, "default": {**default, "OPTIONS": options}}


@contextmanager
def _on(name: str, media: Path) -> Iterator[None]:
    """Point the default connection at the database ``name`` and the uploads at ``media``."""
    saved = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        with override_settings(STORAGES=_storages(media)):
            yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = saved


@contextmanager
def _connection_put_back() -> Iterator[None]:
    """Put this process's default connection back on the test database after a restore,
    which points it at the database it restored (``core.backup.use_database``)."""
    config, wrapper = connections.settings["default"], connections["default"]
    try:
        yield
    finally:
        connections.close_all()
        connections.settings["default"] = config
        connections["default"] = wrapper


@pytest.fixture(scope="module")
def drill(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Drill]:
    """The world built in a copy of the empty test database, anchored, backed up and
    restored into a new database (``<copy>_restored``) and uploads folder."""
    tmp = tmp_path_factory.mktemp("drill")
    backup, anchors = tmp / "backup", tmp / "anchors"
    with django_db_blocker.unblock():
        base = connection.settings_dict["NAME"]
        on_test_database = base.startswith("test_")
        source = f"{base}_drill" if on_test_database else f"test_{base}_drill"
        restored = f"{source}_restored"
        _admin_execute(
            f'DROP DATABASE IF EXISTS "{source}" WITH (FORCE)',
            f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)',
        )
        if on_test_database:  # a copy of the migrated, empty test database
            # CREATE DATABASE ... TEMPLATE needs the template unused: a thread of an
            # earlier test on this worker (a live server, a concurrency test) may have
            # left a connection to it open.
            connections.close_all()
            with psycopg.connect(_url("postgres"), autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [base],
                )
            connection.creation.clone_test_db(suffix="drill", verbosity=0)
        else:  # no test of this run set the test database up (pytest -k): migrate one
            _admin_execute(f'CREATE DATABASE "{source}"')
        with _on(source, tmp / "media-source"), override_settings(JX_AUDIT_ANCHOR_DIR=anchors):
            if not on_test_database:
                call_command("migrate", verbosity=0)
            with transaction.atomic():
                world = build_drill_world()
            call_command("auditanchor", stdout=StringIO())
            call_command("backup", "--out", str(backup), stdout=StringIO())
    with django_db_blocker.unblock(), _connection_put_back():
        out = StringIO()
        call_command(
            "restore",
            str(backup),
            "--database-url",
            _url(restored),
            "--media-root",
            str(tmp / "media-restored"),
            stdout=out,
        )
    assert "均与清单一致" in out.getvalue()
    with open(backup / "manifest.json", encoding="utf-8") as source_file:
        manifest = json.load(source_file)
    yield Drill(source, restored, backup, tmp / "media-restored", anchors, world, manifest)
    with django_db_blocker.unblock():
        connection.close()
        _admin_execute(
            f'DROP DATABASE IF EXISTS "{source}" WITH (FORCE)',
            f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)',
        )


@pytest.fixture(autouse=True)
def _default_connection_kept() -> Iterator[None]:
    """A restore that went further than it should would point this process's default
    connection at its target: put the test database back, so no other test is hit."""
    config, wrapper = connections.settings["default"], connections["default"]
    yield
    if connections.settings["default"] is not config:
        connections.close_all()
        connections.settings["default"] = config
        connections["default"] = wrapper
        pytest.fail("the restore went on to point the default connection at its target")


@pytest.fixture
def backup_copy(drill, tmp_path) -> Path:
    """A copy of the drill's backup, to damage."""
    return Path(shutil.copytree(drill.backup, tmp_path / "backup"))


def _restore(folder: Path, tmp_path: Path, database: str) -> None:
    call_command(
        "restore",
        str(folder),
        "--database-url",
        _url(database),
        "--media-root",
        str(tmp_path / "media"),
        stdout=StringIO(),
    )


# --------------------------------------------------------------------------- the drill


def test_the_manifest_describes_the_backup(drill):
    manifest = drill.manifest

    assert manifest["tables"]["nominations_nomination"] == 1
    assert manifest["tables"]["core_auditentry"] == manifest["audit"]["entries"] > 0
    assert manifest["audit"]["head_hash"] == manifest["audit"]["last_hash"]
    assert len(manifest["files"]) == manifest["tables"]["nominations_evidence"] > 0
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())
    assert manifest["missing_files"] == []
    assert "core" in manifest["migrations"]
    assert manifest["created_at"].endswith("+08:00")
    assert manifest["tools"]["pg_dump"].startswith("pg_dump (PostgreSQL)")


def test_the_restored_copy_matches_the_backup(drill, django_db_blocker):
    out = StringIO()

    with django_db_blocker.unblock(), _on(drill.restored, drill.restored_media):
        call_command("migrate", "--check", verbosity=0)
        call_command("auditverify", "--anchors", str(drill.anchors), stdout=out)
        call_command(
            "backupverify",
            str(drill.backup),
            "--restored",
            "--media-root",
            str(drill.restored_media),
            stdout=out,
        )
        problems = check_drill_world(drill.world)
        last = AuditEntry.objects.order_by("-id").first()

    assert problems == []
    assert "审计链完整" in out.getvalue()
    assert "与 1 个链头锚点一致" in out.getvalue()
    assert "与清单一致" in out.getvalue()
    assert last is not None
    assert last.action == "backup.restore"
    assert last.id == drill.manifest["audit"]["last_id"] + 1


def test_a_changed_row_count_is_found(drill, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        _on(drill.restored, drill.restored_media),
        transaction.atomic(),
    ):
        HolidayYear.objects.create(year=2099, source="演练")
        with pytest.raises(CommandError, match=r"表 core_holidayyear 有 1 行，清单为 0 行"):
            call_command(
                "backupverify",
                str(drill.backup),
                "--restored",
                "--media-root",
                str(drill.restored_media),
            )
        transaction.set_rollback(True)


def test_a_changed_file_in_the_restored_folder_is_found(drill, django_db_blocker, tmp_path):
    media = Path(shutil.copytree(drill.restored_media, tmp_path / "media"))
    name = sorted(drill.manifest["files"])[0]
    with open(media / name, "ab") as target:
        target.write(b"\0")

    with (
        django_db_blocker.unblock(),
        _on(drill.restored, media),
        pytest.raises(CommandError, match=rf"上传文件夹中的文件 {name} 与清单的 SHA-256 不符"),
    ):
        call_command("backupverify", str(drill.backup), "--restored", "--media-root", str(media))


# --------------------------------------------------------------------------- refusals


def test_a_file_missing_from_the_backup_is_refused(drill, backup_copy, tmp_path):
    name = sorted(drill.manifest["files"])[-1]
    (backup_copy / "media" / name).unlink()
    target = drill.source + "_missing"

    with pytest.raises(CommandError, match=rf"备份与其清单不符，未恢复：\s+备份中缺少文件 {name}"):
        _restore(backup_copy, tmp_path, target)
    with pytest.raises(CommandError, match=rf"备份中缺少文件 {name}"):
        call_command("backupverify", str(backup_copy))

    assert not _database_exists(target)
    assert not (tmp_path / "media").exists()


def test_a_truncated_dump_is_refused(drill, backup_copy, tmp_path):
    dump = backup_copy / "database.dump"
    with open(dump, "r+b") as target:
        target.truncate(dump.stat().st_size // 2)
    name = drill.source + "_truncated"

    with pytest.raises(
        CommandError, match=r"数据库导出文件 database.dump 与清单的大小或 SHA-256 不符"
    ):
        _restore(backup_copy, tmp_path, name)

    assert not _database_exists(name)


def test_another_field_key_is_refused_before_restoring(drill, tmp_path):
    name = drill.source + "_wrongkey"

    with (
        override_settings(JX_FIELD_KEY=WRONG_KEY),
        pytest.raises(CommandError, match=r"本机的 JX_FIELD_KEY 不是这份备份所用的密钥"),
    ):
        _restore(drill.backup, tmp_path, name)

    assert not _database_exists(name)


def test_the_restored_copy_refuses_to_start_under_another_key(drill, django_db_blocker, capsys):
    with (
        django_db_blocker.unblock(),
        _on(drill.restored, drill.restored_media),
        override_settings(JX_FIELD_KEY=WRONG_KEY),
        pytest.raises(SystemExit) as exit_info,
    ):
        CheckCommand().run_from_argv(["jiangxuan", "check", "--database", "default"])
    stderr = capsys.readouterr().err

    assert exit_info.value.code == 1
    assert "jiangxuan.E004" in stderr
    assert "JX_FIELD_KEY 无法解密数据库中已加密的数据" in stderr
    assert "Traceback" not in stderr


def test_a_target_that_is_not_empty_is_refused(drill, tmp_path):
    with pytest.raises(CommandError, match=rf"目标数据库 {drill.restored} 不是空的"):
        _restore(drill.backup, tmp_path, drill.restored)


def test_sqlite_is_refused_with_the_way_to_back_it_up(drill, tmp_path):
    with pytest.raises(CommandError, match=r"SQLite 数据库就是一个文件（.*jx\.sqlite3）"):
        call_command(
            "restore",
            str(drill.backup),
            "--database-url",
            f"sqlite:///{tmp_path / 'jx.sqlite3'}",
            "--media-root",
            str(tmp_path / "media"),
        )


def test_a_backup_into_a_folder_that_is_not_empty_is_refused(drill):
    with pytest.raises(CommandError, match=r"已存在且不是空的"):
        call_command("backup", "--out", str(drill.backup))


def test_an_uploads_folder_that_is_not_empty_is_refused(drill, tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "kept.txt").write_bytes(b"x")
    name = drill.source + "_media"

    with pytest.raises(CommandError, match=r"上传文件夹 .*media 已存在且不是空的"):
        _restore(drill.backup, tmp_path, name)

    assert not _database_exists(name)
    assert sorted(p.name for p in (tmp_path / "media").iterdir()) == ["kept.txt"]
