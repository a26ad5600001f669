"""System checks run at start-up (``migrate`` and ``check`` run them; ``scripts/serve.sh``
migrates before it starts the server): the SM3/SM4 self-test (密评; ASVS 11.2.1) and the
field key (issue 16.14: a wrong key started and failed at the first read of personal data).
"""

import re

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections

from .crypto import DecryptionError, decrypt, self_test
from .fields import EncryptedTextField

KEY_RE = re.compile(r"^[0-9a-fA-F]{64}$")


@checks.register(checks.Tags.security)
def crypto_self_test(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Fail start-up when SM3 or SM4 do not reproduce their standard vectors."""
    return [checks.Error(f"{name} self-test failed", id="jiangxuan.E001") for name in self_test()]


@checks.register(checks.Tags.security)
def field_key_format(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """``JX_FIELD_KEY`` is 32 bytes in hex; production (``DEBUG`` off) must set it, since
    the demo's fallback derives it from ``SECRET_KEY``."""
    key = settings.JX_FIELD_KEY
    if key and not KEY_RE.match(key):
        return [
            checks.Error(
                "JX_FIELD_KEY 格式不正确：须为 64 个十六进制字符（32 字节）。",
                hint="用 `python -c 'import secrets; print(secrets.token_hex(32))'` 生成，"
                "并与数据库备份分开保管。",
                id="jiangxuan.E002",
            )
        ]
    if not key and not settings.DEBUG:
        return [
            checks.Error(
                "生产环境未设置 JX_FIELD_KEY（个人信息加密密钥）。",
                hint="见 docs/admin/install.md 的环境变量说明。",
                id="jiangxuan.E003",
            )
        ]
    return []


def _sample_ciphertexts(alias: str):
    """One stored ciphertext per encrypted column, read raw (no decryption on load)."""
    connection = connections[alias]
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, EncryptedTextField) or field.column is None:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            column = connection.ops.quote_name(field.column)
            # Names come from the models, not from input.
            sql = f"SELECT {column} FROM {table} WHERE {column} <> '' LIMIT 1"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.execute(sql)
                row = cursor.fetchone()
            if row:
                yield model._meta.label, field.name, row[0]


@checks.register(checks.Tags.database)
def field_key_matches_data(app_configs, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """The field key decrypts what is stored: one value of each encrypted column is
    decrypted. Runs where databases are checked (``migrate``, ``check --database``)."""
    errors: list[checks.CheckMessage] = []
    for alias in databases or ():
        try:
            samples = list(_sample_ciphertexts(alias))
        except DatabaseError:
            continue  # tables not created yet: nothing is encrypted
        for label, name, token in samples:
            try:
                decrypt(token)
            except DecryptionError:
                errors.append(
                    checks.Error(
                        f"JX_FIELD_KEY 无法解密数据库中已加密的数据（{label}.{name}）："
                        "密钥错误或与这份数据不配套。",
                        hint="请设置加密这份数据时所用的密钥；不要在错误的密钥下启动服务。",
                        id="jiangxuan.E004",
                    )
                )
                break
        if errors:
            break
    return errors


@checks.register(checks.Tags.security, deploy=True)
def forwarded_headers_ignored(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Warn when requests came from a proxy on a private or loopback address with
    ``X-Forwarded-For`` that was ignored because ``JX_TRUSTED_PROXIES`` does not list it:
    every visitor then shares the proxy's address (issue 16.9)."""
    from django.core.cache import cache

    from .middleware import FORWARDED_IGNORED_KEY

    try:
        peer = cache.get(FORWARDED_IGNORED_KEY)
    except Exception:
        return []
    if not peer:
        return []
    return [
        checks.Warning(
            f"收到来自 {peer} 的带 X-Forwarded-For 头的请求，但 JX_TRUSTED_PROXIES 未列出该地址，"
            "所有访问者都被当作同一地址（投票和异议的频率限制会作用于全体公众）。",
            hint="在环境变量 JX_TRUSTED_PROXIES 中列出反向代理（nginx）的地址，如 127.0.0.1。",
            id="jiangxuan.W001",
        )
    ]
