"""Settings for the test suite: PostgreSQL from DATABASE_URL (as CI runs it), else SQLite."""

import os

os.environ.setdefault("JX_DEBUG", "1")

from .settings import *  # noqa: F403
from .settings import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# pytest-django runs with DEBUG off, where the console backend fails the start-up check
# (voting.checks); tests read codes from the in-memory outbox.
JX_SMS_BACKEND = "jiangxuan.voting.sms.LocmemBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each test empties the cache and may reuse a campaign code: a process-wide copy of a
# public vote trusted without asking the cache would outlive it (the tests that measure
# the trusted copy turn it on).
JX_PUBLIC_VIEW_TRUST_SECONDS = 0
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# pytest-xdist runs the suite in several processes (gw0, gw1, ...): each keeps its uploads
# in its own folder, as it has its own test database, so no test sees another's files.
MEDIA_ROOT = VAR_DIR / "test-media" / os.environ.get("PYTEST_XDIST_WORKER", "main")
STORAGES = {
    "default": {
        "BACKEND": "jiangxuan.core.storage.EncryptedFileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": "/media-not-served/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that anchor the audit chain write into their own tmp_path; the default is a folder
# nothing writes to, so `auditverify` in other tests meets no anchors of an earlier run.
JX_AUDIT_ANCHOR_DIR = VAR_DIR / "test-audit-anchors" / os.environ.get("PYTEST_XDIST_WORKER", "main")
# PostgreSQL (CI): the test databases are throwaway, so a commit need not wait for its WAL
# record to reach the disk (synchronous_commit, a per-session setting; the server's fsync
# stays as it is). Nothing a test can observe changes: a commit is as visible to every other
# connection as before; only a crash of the server could lose the last commits. On this
# machine a commit took about 6 ms with it on and 1-2 ms off; migrating a test database and
# three transactional tests commit about 600 times (docs/testing.md, "How long CI takes").
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = "-c synchronous_commit=off"
JX_FIELD_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
