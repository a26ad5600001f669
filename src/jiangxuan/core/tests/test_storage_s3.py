"""The uploads in an S3-compatible object store (core/storage_s3.py, issue 17.6), against a
real server: OpenStack Swift with its s3api middleware, started by ``deploy/swift.sh`` in a
temporary folder for the session. Installed when missing (``deploy/swift.sh install``, as
root or through sudo); the tests are skipped, saying why, only when that cannot be done.

Each test works under a prefix of its own in the bucket; two storage instances on the same
bucket stand for two application nodes."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

from jiangxuan.core.filecrypt import HEADER_BYTES, MAGIC
from jiangxuan.core.storage import DecryptedFile, StoredFileDamaged


def _options(swift: dict[str, str], prefix: str) -> dict[str, str]:
    return {
        "endpoint_url": swift["JX_S3_ENDPOINT_URL"],
        "access_key": swift["JX_S3_ACCESS_KEY"],
        "secret_key": swift["JX_S3_SECRET_KEY"],
        "bucket_name": swift["JX_S3_BUCKET"],
        "region_name": "us-east-1",
        "location": prefix,
    }


@pytest.fixture
def prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def node_a(swift, prefix):
    from jiangxuan.core.storage_s3 import EncryptedS3Storage

    return EncryptedS3Storage(**_options(swift, prefix))


@pytest.fixture
def node_b(swift, prefix):
    from jiangxuan.core.storage_s3 import EncryptedS3Storage

    return EncryptedS3Storage(**_options(swift, prefix))


def _object(storage, name: str) -> bytes:
    """The object's bytes as the server holds them, fetched past the storage."""
    client = storage.connection.meta.client
    response = client.get_object(Bucket=storage.bucket_name, Key=f"{storage.location}/{name}")
    return response["Body"].read()


def _put(storage, name: str, data: bytes) -> None:
    client = storage.connection.meta.client
    client.put_object(Bucket=storage.bucket_name, Key=f"{storage.location}/{name}", Body=data)


def test_round_trip_is_encrypted_in_the_store(node_a):
    plain = b"\xe6\x8e\xa8\xe8\x8d\x90\xe8\xa1\xa8-scan " * 80_000  # 1.3 MB: two chunks
    name = node_a.save("evidence/2026/12/scan.pdf", ContentFile(plain))

    stored = _object(node_a, name)
    with node_a.open(name) as opened:
        assert isinstance(opened, DecryptedFile)
        assert opened.read() == plain
    assert stored.startswith(MAGIC)
    assert plain[:64] not in stored
    assert len(stored) == HEADER_BYTES + len(plain) + 2 * 16
    assert node_a.size(name) == len(plain)
    assert node_a.exists(name)


def test_large_upload_goes_in_parts_and_reads_back(node_a):
    # Above boto3's 8 MB multipart threshold: the sealed stream is uploaded in parts.
    plain = os.urandom(9 << 20)

    name = node_a.save("evidence/video.mp4", ContentFile(plain))

    with node_a.open(name) as opened:
        opened.seek(5 << 20)
        middle = opened.read(100)
        opened.seek(0)
        whole = opened.read()
    assert whole == plain
    assert middle == plain[5 << 20 : (5 << 20) + 100]
    assert node_a.size(name) == len(plain)


def test_empty_file(node_a):
    name = node_a.save("empty.txt", ContentFile(b""))

    with node_a.open(name) as opened:
        assert opened.read() == b""
    assert node_a.size(name) == 0


def test_a_file_saved_on_one_node_is_read_on_the_other(node_a, node_b):
    name = node_a.save("photos/1.jpg", ContentFile(b"jpeg bytes"))

    with node_b.open(name) as opened:
        assert opened.read() == b"jpeg bytes"
    assert node_b.exists(name)
    assert name in {stored.name for stored in node_b.stored_files()}


def test_a_taken_name_gets_another_not_overwritten(node_a, node_b):
    first = node_a.save("photos/same.jpg", ContentFile(b"first"))
    second = node_b.save("photos/same.jpg", ContentFile(b"second"))

    assert first == "photos/same.jpg"
    assert second != first
    with node_a.open(first) as one, node_a.open(second) as two:
        assert (one.read(), two.read()) == (b"first", b"second")


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:-1] + bytes([data[-1] ^ 1]), id="flipped-bit"),
        pytest.param(lambda data: data[:-20], id="cut"),
        pytest.param(lambda data: data[:HEADER_BYTES], id="chunks-dropped"),
    ],
)
def test_a_damaged_object_is_refused(node_a, damage):
    name = node_a.save("letters/a.pdf", ContentFile(b"letter " * 1000))
    _put(node_a, name, damage(_object(node_a, name)))

    with pytest.raises(StoredFileDamaged) as caught:
        node_a.open(name)
    assert caught.value.name == name


def test_a_plain_object_is_read_only_while_plain_files_are_accepted(node_a, settings):
    _put(node_a, "old/plain.txt", b"stored before encryption")

    settings.JX_FILES_PLAIN_READABLE = True
    with node_a.open("old/plain.txt") as opened:
        assert opened.read() == b"stored before encryption"
    assert node_a.size("old/plain.txt") == len(b"stored before encryption")
    settings.JX_FILES_PLAIN_READABLE = False
    with pytest.raises(StoredFileDamaged):
        node_a.open("old/plain.txt")


def test_opens_are_read_only(node_a):
    name = node_a.save("a.txt", ContentFile(b"x"))

    with pytest.raises(ValueError, match="reading"):
        node_a.open(name, "wb")


def test_delete_and_missing_files(node_a, node_b):
    name = node_a.save("gone.pdf", ContentFile(b"soon gone"))

    node_b.delete(name)

    assert not node_a.exists(name)
    with pytest.raises(FileNotFoundError):
        node_a.open(name)
    with pytest.raises(FileNotFoundError):
        node_a.size(name)
    node_a.delete(name)  # deleting what is gone is not an error


def test_listing_gives_names_sizes_and_times_under_the_prefix(node_a, swift):
    from jiangxuan.core.storage_s3 import EncryptedS3Storage

    other = EncryptedS3Storage(**_options(swift, f"other-{uuid.uuid4().hex[:8]}"))
    other.save("not-mine.txt", ContentFile(b"other site"))
    names = {node_a.save(f"f/{i}/x.bin", ContentFile(b"x" * i)) for i in range(3)}
    before = timezone.now() - timedelta(minutes=5)

    listed = {stored.name: stored for stored in node_a.stored_files()}

    assert set(listed) == names
    assert all(stored.size == HEADER_BYTES + int(n[2]) + 16 for n, stored in listed.items())
    assert all(stored.modified > before.timestamp() for stored in listed.values())


@pytest.fixture
def s3_default(swift, prefix, settings):
    """The default storage is the object store (what JX_STORAGE=s3 configures)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "jiangxuan.core.storage_s3.EncryptedS3Storage",
            "OPTIONS": _options(swift, prefix),
        },
    }
    from django.core.files.storage import default_storage

    return default_storage


@pytest.mark.django_db
def test_orphan_sweep_removes_unreferenced_objects_only(s3_default, monkeypatch):
    from jiangxuan.core import stored_files

    kept = s3_default.save("evidence/kept.pdf", ContentFile(b"referenced"))
    orphan = s3_default.save("evidence/orphan.pdf", ContentFile(b"upload that failed"))
    monkeypatch.setattr(stored_files, "referenced_names", lambda: {kept})

    young = stored_files.purge_orphan_files(dry_run=True)
    report = stored_files.purge_orphan_files(now=timezone.now() + timedelta(days=2))

    assert young.removed == []
    assert young.young == 1
    assert report.removed == [orphan]
    assert report.removed_bytes == HEADER_BYTES + len(b"upload that failed") + 16
    assert s3_default.exists(kept)
    assert not s3_default.exists(orphan)


@pytest.mark.django_db
def test_encryptfiles_seals_plain_objects_in_place(s3_default):
    from jiangxuan.core.stored_files import encrypt_plain_files

    _put(s3_default, "old/scan.jpg", b"\xff\xd8 plain jpeg")
    sealed = s3_default.save("new/scan.jpg", ContentFile(b"already sealed"))

    report = encrypt_plain_files()

    assert report.encrypted == ["old/scan.jpg"]
    assert report.already == 1
    assert _object(s3_default, "old/scan.jpg").startswith(MAGIC)
    with s3_default.open("old/scan.jpg") as opened:
        assert opened.read() == b"\xff\xd8 plain jpeg"
    with s3_default.open(sealed) as opened:
        assert opened.read() == b"already sealed"


def _storages_on(swift: dict[str, str], prefix: str) -> dict[str, Any]:
    from django.conf import settings

    return {
        **settings.STORAGES,
        "default": {
            "BACKEND": "jiangxuan.core.storage_s3.EncryptedS3Storage",
            "OPTIONS": _options(swift, prefix),
        },
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_copies_the_bucket_and_restores_into_an_empty_one(swift, prefix, tmp_path):
    """``jiangxuan backup`` lists and copies the objects through the storage;
    ``backupverify --restored`` compares the bucket; ``restore --to-storage`` fills an empty
    bucket (prefix) that then reads as the first did, and refuses one that is not empty."""
    from django.core.files.storage import default_storage
    from django.db import connection

    from jiangxuan.core.backup import (
        BackupError,
        compare_with_manifest,
        make_backup,
        restore_backup,
    )
    from jiangxuan.core.tests.test_backup import _admin_execute, _connection_put_back, _url

    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL")
    restored_db = f"{connection.settings_dict['NAME']}_s3restore"
    _admin_execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')
    target = f"{prefix}-restored"
    with override_settings(STORAGES=_storages_on(swift, prefix)):
        names = [
            default_storage.save("evidence/a.pdf", ContentFile(b"first scan")),
            default_storage.save("photos/b.jpg", ContentFile(os.urandom(70_000))),
        ]
        manifest = make_backup(tmp_path / "backup")
        in_store = {name: _object(default_storage, name) for name in names}
        same = compare_with_manifest(manifest, None)
        default_storage.delete(names[0])
        changed = compare_with_manifest(manifest, None)
        with pytest.raises(BackupError, match="已有文件"):
            restore_backup(tmp_path / "backup", database_url=_url(restored_db), media_root=None)
    try:
        with (
            override_settings(STORAGES=_storages_on(swift, target)),
            _connection_put_back(),
        ):
            report = restore_backup(
                tmp_path / "backup", database_url=_url(restored_db), media_root=None
            )
            restored = {name: _object(default_storage, name) for name in names}
            with default_storage.open(names[0]) as opened:
                plain = opened.read()
    finally:
        connection.close()
        _admin_execute(f'DROP DATABASE IF EXISTS "{restored_db}" WITH (FORCE)')

    assert sorted(manifest["files"]) == sorted(names)
    assert all(
        (tmp_path / "backup" / "media" / name).read_bytes() == in_store[name] for name in names
    )
    assert same == []
    assert changed == [f"上传文件存储中缺少文件 {names[0]}"]
    assert report.files == 2
    assert restored == in_store
    assert plain == b"first scan"


_SETTINGS_PROBE = """
import django
from django.conf import settings
try:
    django.setup()
except Exception as error:
    print(type(error).__name__, error)
else:
    default = settings.STORAGES["default"]
    print(default["BACKEND"], sorted(default["OPTIONS"].items()))
"""


def _settings_with(**env: str) -> str:
    """What ``jiangxuan.settings`` (not the tests') makes of the environment ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JX_S3_", "JX_STORAGE"))}
    probe = subprocess.run(  # noqa: S603 (this interpreter, no shell)
        [sys.executable, "-c", _SETTINGS_PROBE],
        env={**clean, "DJANGO_SETTINGS_MODULE": "jiangxuan.settings", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return probe.stdout + probe.stderr


def test_settings_build_the_s3_storage_from_the_environment():
    s3 = _settings_with(
        JX_STORAGE="s3",
        JX_S3_ENDPOINT_URL="http://10.0.0.5:8089",
        JX_S3_ACCESS_KEY="jiangxuan:jx",
        JX_S3_SECRET_KEY="secret",
        JX_S3_BUCKET="uploads",
    )
    missing = _settings_with(JX_STORAGE="s3", JX_S3_ENDPOINT_URL="http://10.0.0.5:8089")
    default = _settings_with()

    assert s3.startswith("jiangxuan.core.storage_s3.EncryptedS3Storage"), s3
    assert "('bucket_name', 'uploads')" in s3
    assert "('region_name', 'us-east-1')" in s3
    assert "ImproperlyConfigured JX_STORAGE=s3 needs JX_S3_ACCESS_KEY, JX_S3_SECRET_KEY" in missing
    assert default.startswith("jiangxuan.core.storage.EncryptedFileSystemStorage"), default


@pytest.mark.django_db
def test_upkeep_refuses_a_storage_that_is_not_the_projects(settings, tmp_path):
    from jiangxuan.core.stored_files import StorageUnsupported, purge_orphan_files

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }

    with pytest.raises(StorageUnsupported, match="不是本系统的加密存储"):
        purge_orphan_files()
