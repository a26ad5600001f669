"""PBKDF2-HMAC-SM3 password hashing for deployments assessed under 密评.

GB/T 39786-2021 8.4 a asks that stored authentication data be protected with commercial
(SM) algorithms; ``cryptography`` (OpenSSL 3) provides SM3. Argon2 stays the default KDF
(ASVS 11.4.2); ``JX_PASSWORD_HASHER=pbkdf2_sm3`` puts this hasher first, and Django then
re-hashes every older hash at its owner's next login.
"""

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class PBKDF2SM3PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2 with HMAC-SM3, stored as ``pbkdf2_sm3$<iterations>$<salt>$<base64 hash>``.

    Decoding, verification, ``must_update`` and timing hardening come from Django's PBKDF2
    hasher, which all go through :meth:`encode`.
    """

    algorithm = "pbkdf2_sm3"
    # About 0.3 s on the project's 2-core machines, the cost of Django's PBKDF2-SHA256 default.
    iterations = 750_000

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        """Hash ``password`` with ``salt``; returns the encoded string stored on the user."""
        # Django's own hashers call this check; django-stubs leaves the private method out.
        self._check_encode_args(password, salt)  # type: ignore[attr-defined]
        iterations = iterations or self.iterations
        kdf = PBKDF2HMAC(
            algorithm=hashes.SM3(), length=32, salt=salt.encode(), iterations=iterations
        )
        digest = base64.b64encode(kdf.derive(password.encode())).decode("ascii").strip()
        return f"{self.algorithm}${iterations}${salt}${digest}"
