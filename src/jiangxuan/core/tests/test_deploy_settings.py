"""Production settings (docs/security.md check 14): ``check --deploy`` passes, cookies and HSTS.

Settings are read once per process, so each case runs in a subprocess with the
environment a production deployment sets. The plain production environment is one process
for the module: it prints its settings, then runs the console script's ``check --deploy``.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

JIANGXUAN = Path(sys.executable).with_name("jiangxuan")

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in [
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_NAME", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_SAMESITE", "CSRF_COOKIE_NAME",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_AGE", "JX_SESSION_IDLE_SECONDS", "PASSWORD_HASHERS",
    "JX_PASSWORD_MAX_AGE_DAYS", "AXES_LOCKOUT_PARAMETERS", "AXES_FAILURE_LIMIT",
]}))
"""


#: The settings, then what ``jiangxuan check --deploy --fail-level WARNING`` does (the
#: console script's entry point, jiangxuan.manage.main), in one process.
SETTINGS_THEN_CHECK_DEPLOY = (
    PRINT_SETTINGS
    + """
import sys
from jiangxuan.manage import main
sys.argv = ["jiangxuan", "check", "--deploy", "--fail-level", "WARNING"]
main()
"""
)


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JX_", "DJANGO_")) and key != "SECRET_KEY"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="jiangxuan.settings",
        JX_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        JX_FIELD_KEY=secrets.token_hex(32),
        ALLOWED_HOSTS="jiangxuan.example.gov.cn",
        JX_VAR_DIR=str(tmp_path),
        JX_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    env.update(overrides)
    return env


def _settings(tmp_path: Path, **overrides: str) -> dict:
    result = subprocess.run(  # noqa: S603  (fixed argv, test only)
        [sys.executable, "-c", PRINT_SETTINGS],
        env=_production_env(tmp_path, **overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  (fixed argv, test only)
        [str(JIANGXUAN), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def production_process(tmp_path_factory) -> subprocess.CompletedProcess:
    """One process in the production environment: its settings as a JSON line, then
    ``check --deploy --fail-level WARNING``."""
    return subprocess.run(  # noqa: S603  (fixed argv, test only)
        [sys.executable, "-c", SETTINGS_THEN_CHECK_DEPLOY],
        env=_production_env(tmp_path_factory.mktemp("var")),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_check_deploy_passes_with_production_environment(production_process):
    result = production_process

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_with_the_demo_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]

    result = _check_deploy(env)

    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


@pytest.fixture(scope="module")
def production_settings(production_process) -> dict:
    """The settings a production environment yields (the first line the process printed)."""
    first_line = production_process.stdout.partition("\n")[0]
    assert first_line.startswith("{"), production_process.stdout + production_process.stderr
    return json.loads(first_line)


def test_production_cookies_and_hsts(production_settings):
    values = production_settings

    assert values["DEBUG"] is False
    assert (values["SESSION_COOKIE_SECURE"], values["CSRF_COOKIE_SECURE"]) == (True, True)
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert (values["SESSION_COOKIE_SAMESITE"], values["CSRF_COOKIE_SAMESITE"]) == ("Lax", "Lax")
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True


def test_production_authentication_defaults(production_settings):
    values = production_settings

    assert values["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["AXES_LOCKOUT_PARAMETERS"] == ["username"]
    assert values["AXES_FAILURE_LIMIT"] == 5
    assert (values["SESSION_COOKIE_AGE"], values["JX_SESSION_IDLE_SECONDS"]) == (43200, 1800)
    assert values["JX_PASSWORD_MAX_AGE_DAYS"] == 0


def test_production_settings_follow_the_dengbao_profile(tmp_path):
    values = _settings(tmp_path, JX_PASSWORD_HASHER="pbkdf2_sm3", JX_PASSWORD_MAX_AGE_DAYS="90")

    assert values["PASSWORD_HASHERS"] == [
        "jiangxuan.accounts.hashers.PBKDF2SM3PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    assert values["JX_PASSWORD_MAX_AGE_DAYS"] == 90
