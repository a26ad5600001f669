"""System checks run at start-up: the SM3/SM4 self-test (密评; ASVS 11.2.1)."""

from django.core import checks

from .crypto import self_test


@checks.register(checks.Tags.security)
def crypto_self_test(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Fail start-up when SM3 or SM4 do not reproduce their standard vectors."""
    return [checks.Error(f"{name} self-test failed", id="jiangxuan.E001") for name in self_test()]
