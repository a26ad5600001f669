"""Settings for Jiangxuan, read from environment variables (twelve-factor).

Every variable has a default that needs nothing for the demo (SQLite, local files, no
Redis). Production sets at least SECRET_KEY, JX_FIELD_KEY, DATABASE_URL, REDIS_URL,
ALLOWED_HOSTS and JX_DEBUG=0. The project's own variables are prefixed ``JX_``; the list
with their meaning is in docs/admin/install.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("JX_VAR_DIR", BASE_DIR.parent.parent / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("JX_DEBUG", True)
# The demo key is public on purpose: production must set SECRET_KEY (check --deploy fails
# on this value).
SECRET_KEY = os.environ.get("SECRET_KEY", "django-insecure-jiangxuan-demo-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Key for personal data at rest (SM4-GCM) and its blind index (HMAC-SM3): 32 bytes in hex.
# The default derives from SECRET_KEY so the demo needs nothing; production sets its own.
JX_FIELD_KEY = os.environ.get("JX_FIELD_KEY", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "django_tasks_db",
    "captcha",
    # The app order: each app imports only the apps above it (lint-imports checks it;
    # docs/architecture.md, "The app order").
    "jiangxuan.core",
    "jiangxuan.accounts",
    "jiangxuan.campaigns",
    "jiangxuan.nominations",
    "jiangxuan.notices",
    "jiangxuan.notifications",
    "jiangxuan.voting",
    "jiangxuan.experts",
    "jiangxuan.decisions",
    "jiangxuan.documents",
    "jiangxuan.api",
    "jiangxuan.overview",
    "jiangxuan.portal",
    "jiangxuan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jiangxuan.core.middleware.PublicConditionalGetMiddleware",
    "jiangxuan.core.middleware.HeadAsGetMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "jiangxuan.core.middleware.NulByteMiddleware",
    # Anonymous public endpoints skip sessions, auth, messages... (issue 17.1).
    "jiangxuan.core.middleware.PublicLightMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "jiangxuan.core.middleware.SessionTimeoutMiddleware",
    "jiangxuan.core.middleware.HtmxLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "jiangxuan.accounts.security.PasswordExpiryMiddleware",
    "jiangxuan.accounts.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "jiangxuan.core.middleware.NoStoreMiddleware",
    "jiangxuan.core.middleware.StoredFileDamagedMiddleware",
    "axes.middleware.AxesMiddleware",
]

# JX_PUBLIC_LIGHT=0: anonymous public endpoints take the full middleware chain too
# (core.middleware.PublicLightMiddleware; measured in docs/benchmarks.md).
JX_PUBLIC_LIGHT = os.environ.get("JX_PUBLIC_LIGHT", "1") == "1"

ROOT_URLCONF = "jiangxuan.urls"
WSGI_APPLICATION = "jiangxuan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jiangxuan.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'jiangxuan.sqlite3'}"),
        conn_max_age=int(os.environ.get("JX_CONN_MAX_AGE", "60")),
        # JX_CONN_HEALTH_CHECKS=0: no `SELECT 1` before a persistent connection's first
        # query of each request (issue 17.1; docs/benchmarks.md, the wrk comparison).
        conn_health_checks=os.environ.get("JX_CONN_HEALTH_CHECKS", "1") == "1",
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL and a busy timeout let the demo's server and task worker share the file.
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )

# Behind PgBouncer in transaction pooling (JX_PGBOUNCER=1, docs/admin/multi-node.md): a
# server connection serves one transaction, then another client's, so nothing may outlive a
# transaction on it. No server-side cursors (QuerySet.iterator() would DECLARE a cursor in
# one transaction and FETCH in another), no server-side prepared statements (psycopg
# prepares a query after 5 runs, on one server connection only). Django's own SET TIME ZONE
# at connect is a parameter PgBouncer tracks and replays; the code's SET LOCAL and SET
# TRANSACTION are transaction-scoped. CONN_MAX_AGE stays: it keeps the client connection to
# PgBouncer, which is cheap; health checks stay on (a restarted PgBouncer drops it).
# Without PgBouncer, a statement run with server-side binding is prepared on its connection
# after 5 runs (Django's default is never); only the public ballot's statement is run that
# way (voting.services._preparing_cursor).
JX_PGBOUNCER = env_bool("JX_PGBOUNCER", False)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if JX_PGBOUNCER else 5
    )
    if JX_PGBOUNCER:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        # Django's backend, keeping one redis-py client per pool (issue 17.1).
        "default": {"BACKEND": "jiangxuan.core.redis_cache.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("JX_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# New hashes use the first hasher; older ones are re-hashed at their owner's next login.
# Argon2id by default (ASVS 11.4.2); JX_PASSWORD_HASHER=pbkdf2_sm3 for 密评 (GB/T 39786 8.4 a).
_PASSWORD_HASHERS = {
    "argon2": "django.contrib.auth.hashers.Argon2PasswordHasher",
    "pbkdf2_sm3": "jiangxuan.accounts.hashers.PBKDF2SM3PasswordHasher",
    "pbkdf2_sha256": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
}
_PREFERRED_HASHER = os.environ.get("JX_PASSWORD_HASHER", "argon2")
PASSWORD_HASHERS = [_PASSWORD_HASHERS[_PREFERRED_HASHER]] + [
    path for name, path in _PASSWORD_HASHERS.items() if name != _PREFERRED_HASHER
]
# 等保 身份鉴别 a: length, not common, not all digits, several character classes.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("JX_PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jiangxuan.accounts.validators.CharacterClassValidator"},
]
# Forced periodic change: 0 (off) follows ASVS 6.2.10; 等保 身份鉴别 a deployments set 90.
JX_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("JX_PASSWORD_MAX_AGE_DAYS", "0"))
# Audit retention (网络安全法 §21: at least six months). `jiangxuan auditpurge` removes entries
# older than JX_AUDIT_RETENTION_DAYS and refuses anything under the minimum; on PostgreSQL
# the append-only trigger enforces the same 180-day floor (core migration 0004).
# Second factor (TOTP) for the campaign office, auditors and administrators (等保 L3 身份鉴别
# d). On by default in production; off with JX_DEBUG (the demo, the tests) unless set.
# The admin never shows a TOTP key or its QR code (issue 16.3: the administrator read
# everyone's second factor).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
JX_2FA_REQUIRED = env_bool("JX_2FA_REQUIRED", not DEBUG)
OTP_TOTP_ISSUER = "匠选"
# API tokens (issue 16.13): every token expires, by default after JX_API_TOKEN_DEFAULT_DAYS,
# never later than JX_API_TOKEN_MAX_DAYS after it was issued.
JX_API_TOKEN_DEFAULT_DAYS = int(os.environ.get("JX_API_TOKEN_DEFAULT_DAYS", "90"))
JX_API_TOKEN_MAX_DAYS = int(os.environ.get("JX_API_TOKEN_MAX_DAYS", "365"))
JX_AUDIT_MIN_RETENTION_DAYS = 180
JX_AUDIT_RETENTION_DAYS = max(
    int(os.environ.get("JX_AUDIT_RETENTION_DAYS", "365")), JX_AUDIT_MIN_RETENTION_DAYS
)
# Audit anchors (issue 16.1): `jiangxuan auditanchor` writes the signed chain head (Ed25519)
# as a write-once file into JX_AUDIT_ANCHOR_DIR; `jiangxuan auditverify` compares the chain
# with them, so a cut at either end is seen. JX_AUDIT_ANCHOR_KEY: the private key's 32-byte
# seed in hex; unset, it is derived from the field key (the demo).
JX_AUDIT_ANCHOR_DIR = Path(os.environ.get("JX_AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors"))
JX_AUDIT_ANCHOR_KEY = os.environ.get("JX_AUDIT_ANCHOR_KEY", "")

# django-axes: lock the username, not the IP, so one NAT'd office is not locked out.
AXES_FAILURE_LIMIT = int(os.environ.get("JX_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("JX_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "jiangxuan.accounts.security.axes_username"
# The login form's field axes reads (its default, stated because axes_username reads it).
AXES_USERNAME_FORM_FIELD = "username"
# axes.W006 wants the IP in the lock key; docs/security.md check 1 locks by username so a shared
# office address is not locked out. IP bursts are handled by rate limits instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# The cool-off runs from the lock, not from the latest refused try, so the lock-out page's
# "try again later" holds for a user who retries while locked.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Before the lock (issue 16.12, accounts.security): after each refused password the next
# try of that username waits JX_LOGIN_DELAY_SECONDS, doubled per failure, at most
# JX_LOGIN_DELAY_MAX_SECONDS; from JX_LOGIN_CAPTCHA_AFTER failures the form asks for the
# image captcha. Tries refused by either never count towards the lock.
JX_LOGIN_CAPTCHA_AFTER = int(os.environ.get("JX_LOGIN_CAPTCHA_AFTER", "2"))
JX_LOGIN_DELAY_SECONDS = float(os.environ.get("JX_LOGIN_DELAY_SECONDS", "1"))
JX_LOGIN_DELAY_MAX_SECONDS = float(os.environ.get("JX_LOGIN_DELAY_MAX_SECONDS", "30"))
AXES_VERBOSE = False

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_COOKIE_AGE = int(os.environ.get("JX_SESSION_MAX_AGE", str(12 * 3600)))
JX_SESSION_IDLE_SECONDS = int(os.environ.get("JX_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("JX_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SECURE_CSP = {
    "default-src": [CSP.SELF],
    # Nonce-only scripts (ASVS 3.4.3): a <script> runs only with nonce="{{ csp_nonce }}"
    # ({% htmx_script %} adds it); 'strict-dynamic' lets those load their own modules.
    "script-src": [CSP.NONCE, CSP.STRICT_DYNAMIC],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LANGUAGE_CODE = "zh-hans"
# Only Simplified Chinese until a complete English catalogue exists (issue 15.5): offering a
# language whose catalogue is missing shows pages half in English, half in Chinese.
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR.parent.parent / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Scripts from npm (package-lock.json), copied by scripts/ensure-node-assets.sh into the
# git-ignored static/vendor/ and served as /static/vendor/; absent without Node.js.
VENDOR_STATIC_DIR = BASE_DIR.parent.parent / "static" / "vendor"
STATICFILES_DIRS = [("vendor", VENDOR_STATIC_DIR)] if VENDOR_STATIC_DIR.is_dir() else []
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {
        "BACKEND": "jiangxuan.core.storage.EncryptedFileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": "/media-not-served/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads in an S3-compatible object store instead of MEDIA_ROOT (issue 17.6; several
# application nodes share it): JX_STORAGE=s3 and the JX_S3_* below. Still encrypted, by
# the same code (core/storage_s3.py). docs/admin/object-storage.md.
JX_STORAGE = os.environ.get("JX_STORAGE", "filesystem").strip().lower()
if JX_STORAGE == "s3":
    _s3_missing = [
        name
        for name in ("JX_S3_ENDPOINT_URL", "JX_S3_ACCESS_KEY", "JX_S3_SECRET_KEY", "JX_S3_BUCKET")
        if not os.environ.get(name)
    ]
    if _s3_missing:
        raise ImproperlyConfigured(
            "JX_STORAGE=s3 needs " + ", ".join(_s3_missing) + " (docs/admin/object-storage.md)"
        )
    STORAGES["default"] = {
        "BACKEND": "jiangxuan.core.storage_s3.EncryptedS3Storage",
        "OPTIONS": {
            "endpoint_url": os.environ["JX_S3_ENDPOINT_URL"],
            "access_key": os.environ["JX_S3_ACCESS_KEY"],
            "secret_key": os.environ["JX_S3_SECRET_KEY"],
            "bucket_name": os.environ["JX_S3_BUCKET"],
            "region_name": os.environ.get("JX_S3_REGION", "us-east-1"),
            # Objects under this prefix ("" = the whole bucket), e.g. one per site.
            "location": os.environ.get("JX_S3_PREFIX", "").strip("/"),
            "verify": env_bool("JX_S3_VERIFY_TLS", True),
        },
    }
elif JX_STORAGE not in ("filesystem", ""):
    raise ImproperlyConfigured("JX_STORAGE is filesystem (the default) or s3, not " + JX_STORAGE)
# Uploads are encrypted at rest (issue 16.8, core/storage.py). Files stored before that are
# read as they are while this is on; turn it off once `jiangxuan encryptfiles` has encrypted
# them all, and a plain file put in their place is refused as damaged.
JX_FILES_PLAIN_READABLE = env_bool("JX_FILES_PLAIN_READABLE", True)
# `jiangxuan purgeorphanfiles` removes files no row refers to once they are this many hours
# old (an upload whose transaction failed, an interrupted one); younger ones may still be
# on their way into a row.
JX_ORPHAN_FILE_GRACE_HOURS = max(int(os.environ.get("JX_ORPHAN_FILE_GRACE_HOURS", "24")), 1)

# Uploads: evidence scans and videos. Larger files stream to disk; the cap is enforced per
# file by jiangxuan.nominations.validators.
JX_EVIDENCE_MAX_BYTES = int(os.environ.get("JX_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
JX_VIDEO_MAX_BYTES = int(os.environ.get("JX_VIDEO_MAX_BYTES", str(200 * 1024 * 1024)))
# Decoded pixels of an uploaded image, checked from its header before decoding: 25 million
# (a 6000×4000 phone photo, an A4 page scanned at 400 dpi) decode to at most ~100 MB. A
# 7000×7000 PNG of 143 KB took a worker to 342 MiB (issue 16.11).
JX_IMAGE_MAX_PIXELS = int(os.environ.get("JX_IMAGE_MAX_PIXELS", str(25_000_000)))
# PDFs are drawn by a renderer process of each server process ("process"), which ends after
# this many seconds without a PDF and so hands WeasyPrint's memory back (issue 17.5);
# "inline" draws them in the server process itself.
JX_PDF_RENDERER = os.environ.get("JX_PDF_RENDERER", "process")
if JX_PDF_RENDERER not in ("process", "inline"):
    raise ImproperlyConfigured("JX_PDF_RENDERER must be 'process' or 'inline'")
JX_PDF_RENDERER_IDLE_SECONDS = float(os.environ.get("JX_PDF_RENDERER_IDLE_SECONDS", "300"))
# The office's summary sheet (汇总表) of more nominations than this is made by a background
# task with its progress shown (issue 17.4: 10,000 rows take seconds of a web worker).
JX_SUMMARY_BACKGROUND_ROWS = int(os.environ.get("JX_SUMMARY_BACKGROUND_ROWS", "2000"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "JX_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        )
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("JX_FROM_EMAIL", "jiangxuan@localhost")
# Absolute address of the site for links in e-mail; empty leaves them as bare paths.
JX_SITE_URL = os.environ.get("JX_SITE_URL", "")

# WeasyPrint and LibreOffice find CJK fonts through fontconfig; this is the family order.
JX_PDF_FONT_FAMILY = '"Noto Serif CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei", serif'

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "jiangxuan.core.logging.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("JX_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}

# Public vote (voting app)
# SMS gateway for voters' one-time codes (dotted path, like the e-mail backends):
# jiangxuan.voting.sms.ConsoleBackend (stdout, the demo's default), .FileBackend (one 0600
# file per message in JX_SMS_FILE_PATH), .LocmemBackend (tests), .DisabledBackend (every
# send fails; production's default); a provider's class in production. Production refuses
# to start with the console or file backend unless JX_SMS_FILE_ALLOWED=1 (drills, bench).
JX_SMS_BACKEND = os.environ.get(
    "JX_SMS_BACKEND",
    "jiangxuan.voting.sms.ConsoleBackend" if DEBUG else "jiangxuan.voting.sms.DisabledBackend",
)
JX_SMS_FILE_PATH = Path(os.environ.get("JX_SMS_FILE_PATH", VAR_DIR / "sms"))
JX_SMS_FILE_ALLOWED = env_bool("JX_SMS_FILE_ALLOWED", False)
# One-time codes: lifetime in seconds (≤ 600, docs/security.md check 26) and wrong tries (≤ 5).
JX_VOTE_CODE_TTL = min(int(os.environ.get("JX_VOTE_CODE_TTL", "300")), 600)
JX_VOTE_CODE_ATTEMPTS = min(int(os.environ.get("JX_VOTE_CODE_ATTEMPTS", "5")), 5)
# Code requests: per phone one a minute and 5 an hour, per IP 20 an hour.
JX_VOTE_CODE_PER_PHONE_MINUTE = int(os.environ.get("JX_VOTE_CODE_PER_PHONE_MINUTE", "1"))
JX_VOTE_CODE_PER_PHONE_HOUR = int(os.environ.get("JX_VOTE_CODE_PER_PHONE_HOUR", "5"))
JX_VOTE_CODE_PER_IP_HOUR = int(os.environ.get("JX_VOTE_CODE_PER_IP_HOUR", "20"))
# Risk escalation (soft signals: offices and 4G share addresses): ballots per IP or per
# device within JX_VOTE_RISK_WINDOW seconds above CAPTCHA_AFTER need a captcha, above
# REVERIFY_AFTER a phone verification younger than JX_VOTE_REVERIFY_SECONDS.
JX_VOTE_RISK_WINDOW = int(os.environ.get("JX_VOTE_RISK_WINDOW", "600"))
JX_VOTE_CAPTCHA_AFTER = int(os.environ.get("JX_VOTE_CAPTCHA_AFTER", "20"))
JX_VOTE_REVERIFY_AFTER = int(os.environ.get("JX_VOTE_REVERIFY_AFTER", "60"))
JX_VOTE_REVERIFY_SECONDS = int(os.environ.get("JX_VOTE_REVERIFY_SECONDS", "300"))
# Seconds a process uses its copy of a public vote (window, rules, candidates) without
# asking the cache whether it changed (voting.selectors.public_view): another process's
# change shows that much later; ballots check in the database that the vote is open.
JX_PUBLIC_VIEW_TRUST_SECONDS = float(os.environ.get("JX_PUBLIC_VIEW_TRUST_SECONDS", "1"))
# The API voter token (X-Voter-Token) and the web session's voter expire after this.
JX_VOTER_TOKEN_MAX_AGE = int(os.environ.get("JX_VOTER_TOKEN_MAX_AGE", str(2 * 3600)))
CAPTCHA_TIMEOUT = 5

# Serving behind a proxy / benchmarks.
# Reverse proxies (nginx, a load balancer) whose X-Forwarded-For names the client:
# comma-separated addresses or networks, e.g. "127.0.0.1,10.0.0.0/8". Empty (the default)
# trusts no header and takes the peer's address (core.middleware.client_ip), so rate
# limits and the audit trail cannot be fooled by a forged header.
JX_TRUSTED_PROXIES = env_list("JX_TRUSTED_PROXIES", "")
# The health probe is called over plain HTTP from inside the deployment.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
