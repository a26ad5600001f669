"""A logging filter that redacts ID numbers, mobile numbers and bank accounts.

Personal data never goes into logs (docs/security.md check 22; ASVS 16.2.5). Code should not log it
in the first place; this filter is the safety net for messages built from user input.
"""

import logging
import re

PATTERNS = [
    re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),  # resident ID number
    re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"),  # mainland mobile
    re.compile(r"(?<!\d)\d{12,19}(?!\d)"),  # bank card / account
]


def redact(text: str) -> str:
    """Replace every personal-data pattern in ``text`` with ``[redacted]``."""
    for pattern in PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text


class RedactPersonalData(logging.Filter):
    """Rewrite each record's message with :func:`redact` before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Exception text (e.g. a validation error quoting an ID number) is formatted
            # once and cached here; the handlers print the redacted cache.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True
