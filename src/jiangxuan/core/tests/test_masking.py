"""The one masking function, table-driven (docs/security.md check 20; GB/T 35273 §7.2)."""

import pytest

from jiangxuan.core.masking import PersonalDataKind, mask

ID, PHONE, BANK = (
    PersonalDataKind.ID_NUMBER,
    PersonalDataKind.PHONE,
    PersonalDataKind.BANK_ACCOUNT,
)


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("110105194912310021", ID, "110***********0021"),
        ("11010519491231002X", ID, "110***********002X"),
        ("110105 19491231 002X", ID, "110***********002X"),
        ("110105491231002", ID, "110********1002"),
        ("13812345678", PHONE, "138****5678"),
        ("138 1234 5678", PHONE, "138****5678"),
        ("6222021234567890123", BANK, "**** **** 0123"),
        ("6222 0212 3456 7890", BANK, "**** **** 7890"),
        ("12345678", BANK, "**** **** 5678"),
        ("1234567", BANK, "*******"),
        ("123456789", ID, "*********"),
        ("138123456", PHONE, "*********"),
        ("1", PHONE, "*"),
        ("", ID, ""),
        (None, PHONE, ""),
        ("   ", BANK, ""),
    ],
    ids=[
        "id-18",
        "id-18-x",
        "id-with-spaces",
        "id-15-old",
        "phone",
        "phone-with-spaces",
        "bank-19",
        "bank-grouped",
        "bank-8",
        "bank-too-short",
        "id-too-short",
        "phone-too-short",
        "one-char",
        "empty",
        "none",
        "blank",
    ],
)
def test_mask(value, kind, expected):
    assert mask(value, kind) == expected


@pytest.mark.parametrize("kind", list(PersonalDataKind))
def test_mask_never_returns_the_input(kind):
    for value in ["110105194912310021", "13812345678", "6222021234567890123", "12", "abcdefghij"]:
        assert mask(value, kind) != value


@pytest.mark.parametrize("kind", [ID, PHONE])
def test_mask_keeps_at_most_seven_characters(kind):
    for length in range(1, 25):
        masked = mask("9" * length, kind)
        assert len(masked) == length
        assert len(masked) - masked.count("*") <= 7


def test_mask_accepts_the_kind_as_a_plain_string():
    assert mask("6214830100000123", "bank_account") == "**** **** 0123"
