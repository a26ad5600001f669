"""The one masking function for personal data shown to viewers without need to know.

Formats (docs/security.md check 20; GB/T 35273 §7.2): ID number 3+4 (``110***********1234``),
mobile 3+4 (``138****5678``), bank account last 4 (``**** **** 1234``). Short or odd input
is masked entirely rather than leaking most of it.
"""

from enum import StrEnum


class PersonalDataKind(StrEnum):
    """Kinds of personal data the platform masks."""

    ID_NUMBER = "id_number"
    PHONE = "phone"
    BANK_ACCOUNT = "bank_account"


def mask(value: str | None, kind: PersonalDataKind | str) -> str:
    """Mask ``value`` of the given kind; empty input gives an empty string."""
    if not value:
        return ""
    text = "".join(value.split())
    if PersonalDataKind(kind) == PersonalDataKind.BANK_ACCOUNT:
        return "**** **** " + text[-4:] if len(text) >= 8 else "*" * len(text)
    keep_head, keep_tail = 3, 4
    if len(text) < keep_head + keep_tail + 3:
        return "*" * len(text)
    return text[:keep_head] + "*" * (len(text) - keep_head - keep_tail) + text[-keep_tail:]


#: What replaces a redacted term in a text a blind panel reads.
REDACTED = "××"


def redact(text: str, terms: list[str]) -> str:
    """``text`` with every occurrence of each term replaced by ``××``, longest terms first
    (so a unit's full name goes before its short name). Terms shorter than two characters
    are ignored: one character would strike ordinary words."""
    if not text or not terms:
        return text
    for term in sorted({t for t in terms if t and len(t) >= 2}, key=len, reverse=True):
        text = text.replace(term, REDACTED)
    return text
