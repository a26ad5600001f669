"""Backups and their restore (issue 16, what to build 1; docs/security.md check 32).

A backup is a folder of three parts:

- ``database.dump``: ``pg_dump --format=custom`` of the database, taken in the snapshot of a
  ``REPEATABLE READ`` transaction (``pg_export_snapshot``) that stays open while the dump
  runs, so the dump and the counts of the manifest are of one moment;
- ``media/``: a copy of every stored upload as stored, that is encrypted
  (``core/storage.py``): the copy is no more readable than the store without the key. The
  files are listed and read through the storage, so the uploads folder (``MEDIA_ROOT``)
  and an S3 bucket (``JX_STORAGE=s3``, issue 17.6) are backed up alike;
- ``manifest.json`` (written last: a folder without it is an unfinished backup): the time
  (Asia/Shanghai), the rows of every table, the applied migrations, the audit chain's head,
  the SHA-256 and size of the dump and of every stored file, the referenced files that were
  missing, the id of the field key (the 4-byte id each stored file records, not the key)
  and the versions of the tools.

:func:`restore_backup` checks the folder against its manifest first (dump and files),
refuses another field key, a target database that is not empty and a media folder (or, with
``media_root=None``, the configured storage: a new bucket) that is not empty, restores with
``pg_restore --single-transaction --exit-on-error`` into the new database, copies the
files, compares the result with the manifest (:func:`compare_with_manifest`) and only then
records the restore in the restored audit chain. PostgreSQL only: an SQLite database is one
file, copied while the server is stopped. Each backup and restore is audited
(``backup.create``, ``backup.restore``); the folder check (``backupverify``) writes nothing.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any, cast

import dj_database_url
import django
import psycopg
from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from .audit import record_audit
from .crypto import file_wrapping_key
from .errors import DomainError
from .storage import EncryptedStorageMixin, StoredObject
from .stored_files import StorageUnsupported, referenced_names, uploads_storage

FORMAT = "jiangxuan-backup/1"
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
AUDIT_TABLE = "core_auditentry"
HEAD_TABLE = "core_audithead"
_HASH_BLOCK = 1 << 20


class BackupError(DomainError):
    """A backup or a restore was refused or failed; ``message`` is Chinese and says why and
    what to do."""

    code = "conflict"
    status = 409


@dataclass
class RestoreReport:
    """What :func:`restore_backup` did: the database restored into (created or found
    empty), the rows and files the manifest lists, all found equal."""

    database: str
    created: bool
    tables: int
    rows: int
    files: int
    file_bytes: int
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def sqlite_refusal(path: str) -> str:
    """The Chinese refusal for an SQLite database (``path``): copy the file instead."""
    return _(
        "备份和恢复命令只适用于 PostgreSQL。SQLite 数据库就是一个文件（%(path)s）："
        "请先停止服务和任务进程，再直接复制该文件和上传文件夹（%(media)s）；"
        "恢复时把两者复制回原处。"
    ) % {"path": path, "media": settings.MEDIA_ROOT}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while block := source.read(_HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _files_under(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under ``root`` as (name relative to it, POSIX style; path),
    sorted; symbolic links are neither followed nor listed."""
    if not root.is_dir():
        return
    found: list[tuple[str, Path]] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    path = Path(entry.path)
                    found.append((path.relative_to(root).as_posix(), path))
    yield from sorted(found)


def _copy_stream(reader: IO[bytes], target: Path) -> tuple[str, int]:
    """Copy ``reader`` to the new file ``target`` (parents created) and return the SHA-256
    and the size of what was copied, read once."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    size = 0
    with open(target, "xb") as writer:
        while block := reader.read(_HASH_BLOCK):
            digest.update(block)
            writer.write(block)
            size += len(block)
    return digest.hexdigest(), size


def _copy_stored(
    storage: EncryptedStorageMixin, stored: StoredObject, target: Path
) -> tuple[str, int]:
    """Copy the stored file ``stored`` as stored (encrypted) from the uploads' storage to
    ``target``, its modification time kept; its SHA-256 and size."""
    with storage.open_stored(stored.name) as reader:
        result = _copy_stream(reader, target)
    os.utime(target, (stored.modified, stored.modified))
    return result


def _stored_digests(storage: EncryptedStorageMixin) -> dict[str, Callable[[], str]]:
    """Every file of the uploads' storage, with how to compute its SHA-256 as stored."""

    def digest(name: str) -> str:
        hashed = hashlib.sha256()
        with storage.open_stored(name) as reader:
            while block := reader.read(_HASH_BLOCK):
                hashed.update(block)
        return hashed.hexdigest()

    return {
        stored.name: functools.partial(digest, stored.name) for stored in storage.stored_files()
    }


def _uploads_storage() -> EncryptedStorageMixin:
    """The configured uploads' storage (folder or bucket), for listing and copying.

    Raises:
        BackupError: it is not one of the project's storages (``StorageUnsupported``).
    """
    try:
        return uploads_storage()
    except StorageUnsupported as exc:
        raise BackupError(exc.message) from exc


def _copy_hashed(source: Path, target: Path) -> tuple[str, int]:
    """Copy ``source`` to ``target`` (parents created, modification time kept) and return
    the SHA-256 and the size of what was copied, read once."""
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    size = 0
    with open(source, "rb") as reader, open(target, "xb") as writer:
        while block := reader.read(_HASH_BLOCK):
            digest.update(block)
            writer.write(block)
            size += len(block)
    shutil.copystat(source, target)
    return digest.hexdigest(), size


def _libpq_env(config: dict[str, Any]) -> dict[str, str]:
    """The environment that points ``pg_dump``/``pg_restore`` at the database of a Django
    connection's settings (the password goes in the environment, never in the arguments)."""
    env = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        value = config.get(key)
        if value:
            env[name] = str(value)
        else:
            env.pop(name, None)
    sslmode = (config.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _tool(name: str, server_major: int) -> tuple[str, str]:
    """The path and ``--version`` line of a PostgreSQL client tool whose major version is
    at least the server's (an older one cannot read the server; Debian installs the
    matching ``postgresql-client-NN``)."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _(
                "找不到 %(tool)s：请安装与数据库服务器同一主版本的客户端"
                "（Debian：apt-get install postgresql-client-%(major)d）。"
            )
            % {"tool": name, "major": server_major}
        )
    version = subprocess.run(  # noqa: S603 (a fixed tool found on PATH, no shell)
        [path, "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    match = re.search(r"(\d+)(?:\.\d+)?", version)
    if match is None or int(match.group(1)) < server_major:
        raise BackupError(
            _(
                "%(tool)s 的版本（%(version)s）低于数据库服务器（%(major)d）："
                "请安装 postgresql-client-%(major)d。"
            )
            % {"tool": name, "version": version or "?", "major": server_major}
        )
    return path, version


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(  # noqa: S603 (fixed tools, arguments built here, no shell)
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = "\n".join(result.stderr.strip().splitlines()[-5:])
        raise BackupError(
            _("%(what)s失败（退出码 %(code)d）：%(detail)s")
            % {"what": what, "code": result.returncode, "detail": detail}
        )


def _storage_label() -> str:
    """The configured uploads' storage, for messages: the folder, or ``s3://bucket/prefix``."""
    default = cast(dict[str, Any], settings.STORAGES["default"])
    options: dict[str, Any] = default.get("OPTIONS", {})
    if "bucket_name" in options:
        return "s3://" + "/".join(
            part for part in (options["bucket_name"], options.get("location", "")) if part
        )
    return str(options.get("location", settings.MEDIA_ROOT))


def field_key_id() -> str:
    """The id of the field key in use, in hex: the 4 bytes every stored file records in its
    header (``core/filecrypt.py``); the manifest keeps it so that a restore under another
    key is refused before anything is written. It reveals nothing of the key."""
    return file_wrapping_key()[1].hex()


# --------------------------------------------------------------------------- the snapshot


def _table_counts(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        # Names come from the catalogue, quoted.
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _database_state(cursor: Any, tables: list[str]) -> dict[str, Any]:
    """Row counts, applied migrations and the audit chain's head, read through ``cursor``
    (in the backup's snapshot, or in a restored database)."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    cursor.execute("SELECT count(*), max(id) FROM core_auditentry")
    entries, last_id = cursor.fetchone()
    last_hash = ""
    if last_id is not None:
        cursor.execute("SELECT entry_hash FROM core_auditentry WHERE id = %s", [last_id])
        last_hash = cursor.fetchone()[0]
    cursor.execute("SELECT last_hash, base_hash FROM core_audithead WHERE id = 1")
    head = cursor.fetchone() or ("", "")
    return {
        "tables": _table_counts(cursor, tables),
        "migrations": migrations,
        "audit": {
            "entries": entries,
            "last_id": last_id,
            "last_hash": last_hash,
            "head_hash": head[0],
            "base_hash": head[1],
        },
    }


# --------------------------------------------------------------------------- backup


def make_backup(out: Path, *, actor: Any | None = None) -> dict[str, Any]:
    """Back up the database of the default connection and the uploads folder into ``out``.

    Args:
        out: a folder that does not exist or is empty; it is created with mode 0700.
        actor: who backs up (None: the system, a scheduled job).
    Returns:
        The manifest, also written to ``out/manifest.json`` (after the dump and the files).
    Raises:
        BackupError: the database is not PostgreSQL (SQLite: copy the file), ``out`` is
            not empty, ``pg_dump`` is missing or older than the server, or it failed.
    A ``backup.create`` audit entry records the run; it is written after the snapshot, so
    the backup does not hold it.
    """
    if connection.vendor != "postgresql":
        raise BackupError(sqlite_refusal(str(connection.settings_dict["NAME"])))
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(
            _("备份文件夹 %(dir)s 已存在且不是空的：请指定一个新的文件夹。") % {"dir": out}
        )
    if connection.in_atomic_block:
        raise BackupError(_("备份须在事务之外运行。"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    pg_dump, pg_dump_version = _tool("pg_dump", server_major)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    storage = _uploads_storage()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            state = _database_state(cursor, connection.introspection.table_names(cursor))
            referenced = referenced_names()
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={out / DUMP}",
                ],
                _libpq_env(connection.settings_dict),
                _("pg_dump 导出数据库"),
            )
        os.chmod(out / DUMP, 0o600)
        files: dict[str, dict[str, Any]] = {}
        for stored in sorted(storage.stored_files(), key=lambda stored: stored.name):
            try:
                digest, size = _copy_stored(storage, stored, out / MEDIA / stored.name)
            except FileNotFoundError:
                continue  # removed since it was listed (an orphan purged): not in the backup
            files[stored.name] = {"sha256": digest, "bytes": size}
        (out / MEDIA).mkdir(exist_ok=True, mode=0o700)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.localtime().isoformat(timespec="seconds"),
            "database": {
                "name": connection.settings_dict["NAME"],
                "file": DUMP,
                "bytes": (out / DUMP).stat().st_size,
                "sha256": _sha256(out / DUMP),
            },
            **state,
            "files": files,
            "missing_files": sorted(referenced - set(files)),
            "field_key_id": field_key_id(),
            "tools": {
                "jiangxuan": metadata.version("jiangxuan"),
                "django": django.get_version(),
                "python": platform.python_version(),
                "pg_dump": pg_dump_version,
                "server": server_version,
            },
        }
        with open(out / MANIFEST, "x", encoding="utf-8") as target:
            json.dump(manifest, target, ensure_ascii=False, indent=1, sort_keys=True)
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    record_audit(
        actor=actor,
        action="backup.create",
        object_type="backup",
        after=_summary(out, manifest),
    )
    return manifest


def _summary(folder: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    return {
        "folder": str(folder),
        "created_at": manifest["created_at"],
        "tables": len(manifest["tables"]),
        "rows": sum(manifest["tables"].values()),
        "files": len(manifest["files"]),
        "file_bytes": sum(f["bytes"] for f in manifest["files"].values()),
        "dump_sha256": manifest["database"]["sha256"],
        "audit_last_id": manifest["audit"]["last_id"],
    }


# --------------------------------------------------------------------------- checks


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the backup in ``folder``.

    Raises:
        BackupError: no manifest (an unfinished backup or not a backup folder), unreadable,
            or of another format.
    """
    path = folder / MANIFEST
    try:
        with open(path, encoding="utf-8") as source:
            manifest = json.load(source)
    except FileNotFoundError as exc:
        raise BackupError(
            _("%(dir)s 中没有 manifest.json：不是备份文件夹，或备份没有完成。") % {"dir": folder}
        ) from exc
    except (OSError, ValueError) as exc:
        raise BackupError(_("manifest.json 无法读取：%(error)s") % {"error": exc}) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("manifest.json 的格式不是 %(format)s。") % {"format": FORMAT})
    return manifest


def _folder_digests(root: Path) -> dict[str, Callable[[], str]]:
    return {name: functools.partial(_sha256, path) for name, path in _files_under(root)}


def _compare_files(
    manifest: dict[str, Any], found: dict[str, Callable[[], str]], where: str
) -> list[str]:
    """The differences between the manifest's files and ``found`` (name: how to compute
    its SHA-256), in Chinese."""
    problems = []
    found = dict(found)
    for name, expected in manifest["files"].items():
        digest = found.pop(name, None)
        if digest is None:
            problems.append(_("%(where)s缺少文件 %(name)s") % {"where": where, "name": name})
        elif digest() != expected["sha256"]:
            problems.append(
                _("%(where)s的文件 %(name)s 与清单的 SHA-256 不符") % {"where": where, "name": name}
            )
    for name in found:
        problems.append(_("%(where)s有清单之外的文件 %(name)s") % {"where": where, "name": name})
    return problems


def verify_backup(folder: Path, manifest: dict[str, Any] | None = None) -> list[str]:
    """Check a backup folder against its manifest without restoring it: the dump's size
    and SHA-256, the dump readable by ``pg_restore --list``, every file present with its
    SHA-256 and no other file.

    Returns:
        The problems found, in Chinese; empty when the backup is whole.
    Raises:
        BackupError: the manifest is missing or unreadable (:func:`read_manifest`).
    """
    manifest = manifest or read_manifest(folder)
    problems = []
    dump = folder / manifest["database"]["file"]
    if not dump.is_file():
        problems.append(_("缺少数据库导出文件 %(name)s") % {"name": dump.name})
    elif (
        dump.stat().st_size != manifest["database"]["bytes"]
        or _sha256(dump) != (manifest["database"]["sha256"])
    ):
        problems.append(
            _("数据库导出文件 %(name)s 与清单的大小或 SHA-256 不符（被截断或改动）")
            % {"name": dump.name}
        )
    else:
        pg_restore = shutil.which("pg_restore")
        if pg_restore is not None:
            listed = subprocess.run(  # noqa: S603 (a fixed tool, no shell)
                [pg_restore, "--list", str(dump)], capture_output=True, check=False
            )
            if listed.returncode != 0:
                problems.append(
                    _("pg_restore 无法读取数据库导出文件 %(name)s") % {"name": dump.name}
                )
    return problems + _compare_files(manifest, _folder_digests(folder / MEDIA), _("备份中"))


def compare_with_manifest(manifest: dict[str, Any], media_root: Path | None) -> list[str]:
    """Compare the database of the default connection and the uploads folder ``media_root``
    (None: the configured uploads' storage, folder or bucket) with a backup's manifest: the
    same tables with the same rows, the same applied migrations, the audit chain up to the
    backup's head unchanged, the same files with the same SHA-256. Audit entries after the
    backup's head (the restore's own) are allowed: the audit table is compared up to that
    head.

    Returns:
        The differences, in Chinese; empty when the copy matches.
    """
    problems: list[str] = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        state = _database_state(cursor, tables)
        last_id = manifest["audit"]["last_id"]
        cursor.execute("SELECT count(*) FROM core_auditentry WHERE id <= %s", [last_id or 0])
        state["tables"][AUDIT_TABLE] = cursor.fetchone()[0]
        cursor.execute("SELECT entry_hash FROM core_auditentry WHERE id = %s", [last_id or 0])
        row = cursor.fetchone()
    if manifest["tables"].get(HEAD_TABLE) == 0:
        # The head row is created by the first entry: a backup of an empty chain has none.
        state["tables"].pop(HEAD_TABLE, None)
    expected_tables: dict[str, int] = dict(manifest["tables"])
    if HEAD_TABLE not in state["tables"]:
        expected_tables.pop(HEAD_TABLE, None)
    for table in sorted(set(expected_tables) | set(state["tables"])):
        want, have = expected_tables.get(table), state["tables"].get(table)
        if want is None:
            problems.append(_("表 %(table)s 不在清单中") % {"table": table})
        elif have is None:
            problems.append(_("缺少表 %(table)s") % {"table": table})
        elif want != have:
            problems.append(
                _("表 %(table)s 有 %(have)d 行，清单为 %(want)d 行")
                % {"table": table, "have": have, "want": want}
            )
    if state["migrations"] != manifest["migrations"]:
        problems.append(_("已应用的迁移与清单不符"))
    if last_id is not None and (row is None or row[0] != manifest["audit"]["last_hash"]):
        problems.append(_("审计链在备份时的最后一条记录 #%(id)d 缺失或已改变") % {"id": last_id})
    if media_root is None:
        found, where = _stored_digests(_uploads_storage()), _("上传文件存储中")
    else:
        found, where = _folder_digests(media_root), _("上传文件夹中")
    return problems + _compare_files(manifest, found, where)


# --------------------------------------------------------------------------- restore


def _connect_params(config: dict[str, Any], dbname: str) -> dict[str, Any]:
    params: dict[str, Any] = {"dbname": dbname}
    for key, name in (
        ("HOST", "host"),
        ("PORT", "port"),
        ("USER", "user"),
        ("PASSWORD", "password"),
    ):
        if config.get(key):
            params[name] = config[key]
    sslmode = (config.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        params["sslmode"] = sslmode
    return params


def _prepare_database(config: dict[str, Any]) -> bool:
    """Create the target database when it does not exist (through the maintenance database
    ``postgres``); refuse one that holds any table, view or sequence. Returns whether it
    was created."""
    name = config["NAME"]
    created = False
    try:
        with psycopg.connect(**_connect_params(config, "postgres"), autocommit=True) as admin:
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                admin.execute(
                    sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                        sql.Identifier(name)
                    )
                )
                created = True
    except psycopg.Error:
        pass  # no access to the maintenance database: the target must exist already
    try:
        with psycopg.connect(**_connect_params(config, name)) as target:
            objects = target.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
                " AND n.nspname NOT LIKE 'pg_toast%%' AND c.relkind IN ('r','p','v','m','S','f')"
            ).fetchone()
    except psycopg.Error as exc:
        raise BackupError(
            _("无法连接目标数据库 %(name)s：%(error)s") % {"name": name, "error": exc}
        ) from exc
    if objects and objects[0]:
        raise BackupError(
            _(
                "目标数据库 %(name)s 不是空的（已有 %(n)d 个表、视图或序列）："
                "恢复只写入新建的空数据库，不会覆盖已有数据。请指定一个新的数据库名。"
            )
            % {"name": name, "n": objects[0]}
        )
    return created


def use_database(config: dict[str, Any]) -> None:
    """Point this process's default database connection at ``config`` (Django database
    settings): the restore audits itself in the database it restored. For the restore
    command, a process of its own."""
    connections.close_all()
    connections.settings["default"] = connections.configure_settings({"default": config})["default"]
    with contextlib.suppress(AttributeError):
        del connections["default"]


def restore_backup(
    folder: Path,
    *,
    database_url: str,
    media_root: Path | None,
    no_owner: bool = False,
    actor: Any | None = None,
) -> RestoreReport:
    """Restore the backup in ``folder`` into a new, empty PostgreSQL database and a new,
    empty uploads folder, then check the result against the manifest.

    Args:
        folder: a backup folder made by :func:`make_backup`.
        database_url: the target database (``postgres://USER:PASSWORD@HOST:PORT/NAME``);
            created when it does not exist, refused when it holds anything.
        media_root: the target uploads folder; created, or refused when not empty. None:
            the configured uploads' storage (``STORAGES["default"]``: the folder, or the
            bucket with ``JX_STORAGE=s3``), refused when it holds any file.
        no_owner: restore without the dump's owners and grants (``--no-owner
            --no-privileges``): the connecting role owns everything; run ``auditroles
            --apply`` afterwards.
        actor: who restores (None: the system).
    Returns:
        A :class:`RestoreReport`. This process's default connection then points at the
        restored database, whose audit chain ends with a ``backup.restore`` entry.
    Raises:
        BackupError: the backup does not match its manifest (a missing or changed file, a
            truncated dump), ``JX_FIELD_KEY`` is not the backup's key, the target is SQLite
            or not empty, ``pg_restore`` failed, or the restored copy differs from the
            manifest (no audit entry is written then).
    """
    config: dict[str, Any] = dict(dj_database_url.parse(database_url, conn_max_age=0))
    if "postgresql" not in config["ENGINE"]:
        raise BackupError(sqlite_refusal(str(config.get("NAME", database_url))))
    manifest = read_manifest(folder)
    problems = verify_backup(folder, manifest)
    if problems:
        raise BackupError(
            _("备份与其清单不符，未恢复：") + "\n" + "\n".join(f"  {p}" for p in problems)
        )
    if manifest["field_key_id"] != field_key_id():
        raise BackupError(
            _(
                "本机的 JX_FIELD_KEY 不是这份备份所用的密钥（密钥编号 %(want)s，本机 %(have)s）："
                "用它恢复的数据无法解密，审计链也无法验证。请设置备份时的密钥后再恢复。"
            )
            % {"want": manifest["field_key_id"], "have": field_key_id()}
        )
    if media_root is None:
        storage = _uploads_storage()
        if next(iter(storage.stored_files()), None) is not None:
            raise BackupError(
                _(
                    "配置的上传文件存储（%(where)s）中已有文件：恢复只写入空的存储，"
                    "不会覆盖已有文件。请换一个空的存储桶或文件夹。"
                )
                % {"where": _storage_label()}
            )
    elif media_root.exists() and (not media_root.is_dir() or any(media_root.iterdir())):
        raise BackupError(
            _("上传文件夹 %(dir)s 已存在且不是空的：请指定一个新的文件夹。") % {"dir": media_root}
        )
    server_major = int(re.match(r"\d+", manifest["tools"]["server"]).group(0))  # type: ignore[union-attr]
    pg_restore, _version = _tool("pg_restore", server_major)
    created = _prepare_database(config)
    command = [
        pg_restore,
        "--exit-on-error",
        "--single-transaction",
        "--no-password",
        f"--dbname={config['NAME']}",
    ]
    if no_owner:
        command += ["--no-owner", "--no-privileges"]
    _run([*command, str(folder / DUMP)], _libpq_env(config), _("pg_restore 恢复数据库"))
    if media_root is None:
        for name, path in _files_under(folder / MEDIA):
            with open(path, "rb") as source:
                storage.write_stored(name, source)
    else:
        media_root.mkdir(parents=True, exist_ok=True, mode=0o700)
        for name, _path in _files_under(folder / MEDIA):
            _copy_hashed(folder / MEDIA / name, media_root / name)
    use_database(config)
    problems = compare_with_manifest(manifest, media_root)
    if problems:
        raise BackupError(
            _("恢复后的数据与备份清单不符：") + "\n" + "\n".join(f"  {p}" for p in problems)
        )
    summary = _summary(folder, manifest)
    record_audit(
        actor=actor,
        action="backup.restore",
        object_type="backup",
        after={
            **summary,
            "database": config["NAME"],
            "media_root": str(media_root) if media_root is not None else _storage_label(),
        },
    )
    notes = []
    if manifest["missing_files"]:
        notes.append(
            _("备份时已缺少 %(n)d 个被引用的文件：%(names)s")
            % {"n": len(manifest["missing_files"]), "names": "、".join(manifest["missing_files"])}
        )
    return RestoreReport(
        database=config["NAME"],
        created=created,
        tables=summary["tables"],
        rows=summary["rows"],
        files=summary["files"],
        file_bytes=summary["file_bytes"],
        notes=notes,
    )
