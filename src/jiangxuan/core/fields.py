"""Model fields that encrypt personal data at rest (see :mod:`jiangxuan.core.crypto`)."""

import hashlib
import logging
from typing import Any

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext as _

from .audit import record_audit
from .crypto import PREFIX, DecryptionError, decrypt, encrypt

logger = logging.getLogger("jiangxuan.integrity")

#: Seconds during which one damaged value is reported once (it is read on every page).
REPORT_EVERY = 24 * 3600


class Undecryptable(str):
    """A stored value that fails authentication (altered, or written under another key):
    it reads as 无法解密 wherever it is shown, and saving the row writes the stored
    ciphertext back unchanged, so nothing is lost that a restored key might still open
    (issue 16, "integrity errors are handled, not 500s")."""

    token: str

    def __new__(cls, token: str) -> "Undecryptable":
        shown = super().__new__(cls, _("无法解密"))
        shown.token = token
        return shown


def _report(token: str, where: str) -> None:
    """Tell the administrator (an ERROR log record: the alert channel) and the audit trail
    that a stored value failed authentication, once a day per value; the value itself
    never leaves the database."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    if not cache.add(f"jx-undecryptable:{digest}", 1, REPORT_EVERY):
        return
    logger.error("stored value failed authentication: %s (digest %s)", where, digest)
    record_audit(
        actor=None,
        action="crypto.decrypt_failed",
        object_type=where,
        result="error",
        after={"field": where, "digest": digest},
    )


class EncryptedTextField(models.TextField):
    """A text column stored as SM4-GCM ciphertext; Python sees plain text.

    Empty strings stay empty (nothing to protect, and "not given" stays queryable). The
    column cannot be searched by value: pair it with a blind-index column where lookups
    are needed. A value that fails authentication reads as :class:`Undecryptable`.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        try:
            return decrypt(value)
        except DecryptionError:
            _report(value, f"{self.model._meta.label}.{self.name}")
            return Undecryptable(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Undecryptable):
            return value.token
        value = super().get_prep_value(value)
        if not value or str(value).startswith(PREFIX):
            return value
        return encrypt(str(value))
