"""Uploaded files at rest (issue 16.8, docs/security.md): encrypted on disk, served plain,
refused in Chinese when altered or cut, plain files of before still served and encrypted
by ``jiangxuan encryptfiles``, orphans removed by ``jiangxuan purgeorphanfiles``."""

import hashlib
import os
import random
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.files import locks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from jiangxuan.core.filecrypt import CHUNK_BYTES, HEADER_BYTES, MAGIC
from jiangxuan.core.models import AuditEntry
from jiangxuan.core.tasks import purge_orphan_files
from jiangxuan.nominations.models import Evidence

pytestmark = pytest.mark.django_db

MARKER = "身份证号码 220104198503151234 JX-PLAIN-MARKER".encode()
DAMAGED = "该文件未通过完整性校验（可能已损坏或被篡改），不能提供。此事已记录，请联系平台管理员。"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads go into this test's own folder, so the purge sees no other test's files."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "jiangxuan.core.storage.EncryptedFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": "/media-not-served/"},
        },
    }
    return tmp_path


def _pdf(size: int = 0) -> bytes:
    """A PDF holding MARKER near its start, and, padded to ``size`` bytes, in its middle and
    at its end: in the first, a middle and the last chunk of the stored file."""
    head = b"%PDF-1.4\n%" + MARKER + b"\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    tail = b"\n%" + MARKER + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    filler = random.Random(8).randbytes(max(0, size - len(head) - len(tail) - len(MARKER)))
    half = len(filler) // 2
    return head + filler[:half] + MARKER + filler[half:] + tail


def _upload(client, draft: int, data: bytes, name: str = "身份证.pdf") -> Evidence:
    upload = SimpleUploadedFile(name, data, "application/pdf")
    response = client.upload(f"/nominations/{draft}/evidence", material="id-card", file=upload)
    assert response.status_code == 201, response.content
    return Evidence.objects.get(pk=response.json()["id"])


def _on_disk(media: Path, evidence: Evidence) -> Path:
    return media / str(evidence.file.name)


def _download(client, draft: int, evidence: Evidence):
    return client.client.get(f"/api/v1/nominations/{draft}/evidence/{evidence.pk}")


def test_stored_evidence_is_encrypted_and_downloads_plain(draft, clerk, api_as, media):
    client = api_as(clerk)
    plain = _pdf()

    evidence = _upload(client, draft, plain)
    stored = _on_disk(media, evidence).read_bytes()
    response = _download(client, draft, evidence)

    assert stored[: len(MAGIC)] == MAGIC
    assert MARKER not in stored
    assert b"%PDF" not in stored
    assert len(stored) == len(plain) + HEADER_BYTES + 16
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(plain))
    assert b"".join(response.streaming_content) == plain
    assert evidence.file.size == len(plain)


def test_five_megabyte_evidence_round_trips(draft, clerk, api_as, media):
    client = api_as(clerk)
    plain = _pdf(5 * 1024 * 1024)

    evidence = _upload(client, draft, plain)
    stored = _on_disk(media, evidence).read_bytes()
    response = _download(client, draft, evidence)
    body = b"".join(response.streaming_content)

    assert MARKER not in stored
    assert len(stored) == len(plain) + HEADER_BYTES + 16 * 5
    assert response["Content-Length"] == str(len(plain))
    assert body == plain
    assert hashlib.sha256(body).hexdigest() == evidence.sha256


def test_the_same_file_twice_is_stored_differently(draft, clerk, api_as, media):
    """A fresh data key and nonce per file: equal uploads give unrelated bytes on disk."""
    client = api_as(clerk)
    first = _upload(client, draft, _pdf(), "一.pdf")
    second = _upload(client, draft, _pdf(), "二.pdf")

    one, two = (_on_disk(media, e).read_bytes()[HEADER_BYTES:] for e in (first, second))

    assert len(one) == len(two)
    assert one != two


def test_evidence_opened_twice_is_decrypted_both_times(draft, clerk, api_as):
    """The archive and the watermark open a file, close it and may open it again."""
    plain = _pdf(CHUNK_BYTES + 5)
    evidence = _upload(api_as(clerk), draft, plain)

    with evidence.file.open("rb") as handle:
        first = handle.read()
    with evidence.file.open("rb") as handle:
        second = handle.read()

    assert first == second == plain


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _cut(path: Path, keep: int) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: keep if keep >= 0 else len(data) + keep])


DAMAGE = {
    "byte flipped in the middle": lambda p: _flip(p, HEADER_BYTES + CHUNK_BYTES + 16 + 500),
    "byte flipped in the header": lambda p: _flip(p, 20),
    "tag flipped at the end": lambda p: _flip(p, p.stat().st_size - 1),
    "cut inside the last chunk": lambda p: _cut(p, -1000),
    "cut after a whole chunk": lambda p: _cut(p, HEADER_BYTES + CHUNK_BYTES + 16),
    "cut inside the header": lambda p: _cut(p, 30),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_file_refused_in_chinese_and_audited(draft, clerk, api_as, media, damage):
    client = api_as(clerk)
    evidence = _upload(client, draft, _pdf(2 * 1024 * 1024 + 3000))
    DAMAGE[damage](_on_disk(media, evidence))

    response = _download(client, draft, evidence)

    assert response.status_code == 409
    assert response.json() == {"detail": DAMAGED, "code": "file_damaged", "errors": {}}
    entry = AuditEntry.objects.filter(action="file.damaged").get()
    assert (entry.actor, entry.result, entry.object_type) == (clerk, "refused", "file")
    assert entry.after["file"] == evidence.file.name


def test_damaged_file_page_answers_in_chinese_not_500(client, draft, clerk, api_as, media):
    evidence = _upload(api_as(clerk), draft, _pdf())
    _flip(_on_disk(media, evidence), HEADER_BYTES + 40)
    client.force_login(clerk)

    response = client.get(reverse("nominations:evidence_download", args=[draft, evidence.pk]))

    assert response.status_code == 409
    assert DAMAGED in response.content.decode()
    assert "Content-Disposition" not in response
    assert AuditEntry.objects.filter(action="file.damaged").get().actor == clerk


def test_legacy_plain_file_served_then_encrypted_by_the_command(draft, clerk, api_as, media):
    client = api_as(clerk)
    plain = _pdf(1024 * 1024 + 10)
    evidence = _upload(client, draft, plain)
    path = _on_disk(media, evidence)
    path.write_bytes(plain)  # as stored before encryption at rest
    orphan = media / "evidence" / "old-plain.pdf"
    orphan.write_bytes(plain)

    before = b"".join(_download(client, draft, evidence).streaming_content)
    dry = StringIO()
    call_command("encryptfiles", "--dry-run", stdout=dry)
    untouched = path.read_bytes()
    out = StringIO()
    call_command("encryptfiles", stdout=out)
    stored = path.read_bytes()
    after = _download(client, draft, evidence)

    assert before == plain
    assert "待加密 2 个明文文件" in dry.getvalue()
    assert untouched == plain
    assert "已加密 2 个明文文件" in out.getvalue()
    assert stored[: len(MAGIC)] == MAGIC
    assert MARKER not in stored
    assert MARKER not in orphan.read_bytes()
    assert b"".join(after.streaming_content) == plain
    entry = AuditEntry.objects.filter(action="files.encrypt").get()
    assert entry.after == {"encrypted": 2, "already": 0, "skipped": 0}
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".sealing")] == []


def test_encryptfiles_skips_a_file_being_written(media):
    """The storage locks a file while writing it; the command leaves it for its next run."""
    path = media / "evidence" / "uploading.pdf"
    path.parent.mkdir()
    path.write_bytes(_pdf())

    out = StringIO()
    with path.open("rb") as writer:
        locks.lock(writer, locks.LOCK_EX)
        call_command("encryptfiles", stdout=out)

    assert path.read_bytes() == _pdf()
    assert "已加密 0 个明文文件；原已加密 0 个，跳过 1 个。" in out.getvalue()
    assert not AuditEntry.objects.filter(action="files.encrypt").exists()


def test_plain_file_refused_once_plain_files_are_off(draft, clerk, api_as, media, settings):
    """After `encryptfiles`, a plain file put in an encrypted one's place is refused."""
    client = api_as(clerk)
    plain = _pdf()
    evidence = _upload(client, draft, plain)
    _on_disk(media, evidence).write_bytes(plain)
    settings.JX_FILES_PLAIN_READABLE = False

    response = _download(client, draft, evidence)

    assert response.status_code == 409
    assert response.json()["code"] == "file_damaged"
    assert AuditEntry.objects.filter(action="file.damaged").get().after["reason"] == (
        "not encrypted"
    )


def _age(path: Path, hours: float) -> None:
    """Set the file's time ``hours`` before the (frozen) server time."""
    moment = (timezone.now() - timedelta(hours=hours)).timestamp()
    os.utime(path, (moment, moment))


def test_purge_removes_old_orphans_only(draft, clerk, api_as, media):
    evidence = _upload(api_as(clerk), draft, _pdf())
    referenced = _on_disk(media, evidence)
    old_orphan = media / "evidence" / "interrupted.pdf"
    young_orphan = media / "forward-documents" / "2022" / "uploading.pdf"
    young_orphan.parent.mkdir(parents=True)
    for path in (old_orphan, young_orphan):
        path.write_bytes(b"orphan")
    _age(referenced, 24 * 30)
    _age(old_orphan, 25)
    _age(young_orphan, 23)

    dry = StringIO()
    call_command("purgeorphanfiles", "--dry-run", stdout=dry)
    kept_by_dry_run = old_orphan.exists()
    out = StringIO()
    call_command("purgeorphanfiles", stdout=out)

    assert kept_by_dry_run
    assert dry.getvalue().splitlines()[0] == "evidence/interrupted.pdf"
    assert "已清理 1 个无引用文件" in out.getvalue()
    assert "1 个未满 24 小时，保留" in out.getvalue()
    assert not old_orphan.exists()
    assert referenced.exists()
    assert young_orphan.exists()
    entry = AuditEntry.objects.filter(action="files.purge_orphans").get()
    assert entry.after == {"removed": 1, "bytes": 6, "young_kept": 1, "grace_hours": 24}
    assert b"".join(_download(api_as(clerk), draft, evidence).streaming_content) == _pdf()


def test_purge_task_follows_the_grace_setting(draft, clerk, api_as, media, settings):
    evidence = _upload(api_as(clerk), draft, _pdf())
    orphan = media / "evidence" / "failed.pdf"
    orphan.write_bytes(b"orphan")
    _age(orphan, 3)
    _age(_on_disk(media, evidence), 3)
    settings.JX_ORPHAN_FILE_GRACE_HOURS = 2

    result = purge_orphan_files.enqueue()

    assert result.return_value == 1
    assert not orphan.exists()
    assert _on_disk(media, evidence).exists()
