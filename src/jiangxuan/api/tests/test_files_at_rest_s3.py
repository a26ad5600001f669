"""Evidence uploaded and downloaded through the API with the uploads in the object store
(``JX_STORAGE=s3``, issue 17.6): a real Swift (the root conftest's ``swift`` fixture,
started once per process, skipped only when Swift cannot be installed). What the store
holds is sealed; the download is plain; another node (another storage instance on the same
bucket) reads the same file; a damaged object is refused in Chinese."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiangxuan.core.filecrypt import HEADER_BYTES, MAGIC
from jiangxuan.core.tests.test_storage_s3 import _object, _options, _put
from jiangxuan.nominations.models import Evidence

pytestmark = pytest.mark.django_db

MARKER = "身份证号码 220104198503151234 JX-S3-PLAIN-MARKER".encode()
DAMAGED = "该文件未通过完整性校验（可能已损坏或被篡改），不能提供。此事已记录，请联系平台管理员。"


@pytest.fixture
def bucket(swift, settings, monkeypatch):
    """The default storage is the object store, under a prefix of this test's own. The
    requests to it are signed with the real time: the campaign's window freezes the
    clock (``in_window``), and the server refuses a signature 15 minutes off."""
    import botocore.auth
    from time_machine import escape_hatch

    def real_now(remove_tzinfo: bool = True) -> datetime.datetime:
        now = escape_hatch.datetime.datetime.now(datetime.UTC)
        return now.replace(tzinfo=None) if remove_tzinfo else now

    monkeypatch.setattr(botocore.auth, "get_current_datetime", real_now)
    options = _options(swift, f"api-{uuid.uuid4().hex[:12]}")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "jiangxuan.core.storage_s3.EncryptedS3Storage", "OPTIONS": options},
    }
    return options


def _pdf() -> bytes:
    return b"%PDF-1.4\n%" + MARKER + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _upload(client, draft: int, data: bytes) -> Evidence:
    upload = SimpleUploadedFile("身份证.pdf", data, "application/pdf")
    response = client.upload(f"/nominations/{draft}/evidence", material="id-card", file=upload)
    assert response.status_code == 201, response.content
    return Evidence.objects.get(pk=response.json()["id"])


def test_evidence_is_sealed_in_the_bucket_and_downloads_plain_on_any_node(
    draft, clerk, api_as, bucket
):
    from jiangxuan.core.storage_s3 import EncryptedS3Storage

    client = api_as(clerk)
    plain = _pdf()

    evidence = _upload(client, draft, plain)
    name = str(evidence.file.name)
    other_node = EncryptedS3Storage(**bucket)
    stored = _object(other_node, name)
    response = client.client.get(f"/api/v1/nominations/{draft}/evidence/{evidence.pk}")
    with other_node.open(name) as opened:
        on_the_other_node = opened.read()

    assert stored.startswith(MAGIC)
    assert MARKER not in stored
    assert len(stored) == len(plain) + HEADER_BYTES + 16
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(plain))
    assert b"".join(response.streaming_content) == plain
    assert on_the_other_node == plain
    assert evidence.file.size == len(plain)


def test_damaged_object_is_refused_in_chinese(draft, clerk, api_as, bucket):
    from jiangxuan.core.storage_s3 import EncryptedS3Storage

    client = api_as(clerk)
    evidence = _upload(client, draft, _pdf())
    storage = EncryptedS3Storage(**bucket)
    name = str(evidence.file.name)
    stored = _object(storage, name)
    _put(storage, name, stored[:-1] + bytes([stored[-1] ^ 1]))

    response = client.client.get(f"/api/v1/nominations/{draft}/evidence/{evidence.pk}")

    assert response.status_code == 409
    assert response.json() == {"detail": DAMAGED, "code": "file_damaged", "errors": {}}
