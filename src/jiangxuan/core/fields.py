"""Model fields that encrypt personal data at rest (see :mod:`jiangxuan.core.crypto`)."""

from typing import Any

from django.db import models

from .crypto import PREFIX, decrypt, encrypt


class EncryptedTextField(models.TextField):
    """A text column stored as SM4-GCM ciphertext; Python sees plain text.

    Empty strings stay empty (nothing to protect, and "not given" stays queryable). The
    column cannot be searched by value: pair it with a blind-index column where lookups
    are needed.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value or str(value).startswith(PREFIX):
            return value
        return encrypt(str(value))
