"""Template helpers for the web UI: masking, status badges, labels of enum values
(registered in core.labels), and read-only display of nomination form fields."""

import datetime as dt
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.translation import gettext as _

from jiangxuan.core import labels
from jiangxuan.core.audit_actions import action_label
from jiangxuan.core.audit_trail import can_read_audit_trail
from jiangxuan.core.masking import PersonalDataKind, mask, redact
from jiangxuan.core.media import length_text

register = template.Library()

#: Form keys holding personal data, and how each is masked.
PERSONAL_KINDS = {
    "id_number": PersonalDataKind.ID_NUMBER,
    "phone": PersonalDataKind.PHONE,
    "workplace_contact_phone": PersonalDataKind.PHONE,
    "bank_account": PersonalDataKind.BANK_ACCOUNT,
}


@register.filter
def masked(value: str | None, kind: str) -> str:
    """``{{ n.id_number|masked:"id_number" }}``: the value masked by core.masking."""
    return mask(value, PersonalDataKind(kind))


@register.filter
def redacted(value: str | None, terms: list[str] | None) -> str:
    """``value`` with ``terms`` struck out (a blind panel's view; core.masking.redact)."""
    return redact(str(value or ""), terms or [])


@register.filter
def duration(seconds: float | None) -> str:
    """``{{ e.duration_seconds|duration }}``: a video's length as 5分02秒 ("" when none)."""
    return "" if seconds is None else length_text(seconds)


@register.filter
def label_of(value: str | None, vocabulary: str) -> str:
    """The translated label of an enum value, e.g. ``{{ s|label_of:"signer" }}``; the
    vocabularies are registered by the apps owning the enums (core.labels)."""
    choices = labels.vocabulary(vocabulary)
    return str(choices(value).label) if value in choices.values else (value or "")


@register.filter
def audit_action(value: str) -> str:
    """``{{ entry.action|audit_action }}``: the Chinese name of an audit action."""
    return action_label(value)


@register.filter
def reads_audit_trail(user: Any) -> bool:
    """``{% if user|reads_audit_trail %}``: the auditor's menu entry. Asks the rules only,
    not Django's model backend, so a page costs no permission queries."""
    return can_read_audit_trail(user)


@register.inclusion_tag("core/partials/badge.html")
def status_badge(value: str | None, vocabulary: str = "nomination_state") -> dict[str, str]:
    """A coloured badge for a nomination state or an eligibility status."""
    return {
        "text": label_of(value, vocabulary) if value else _("未评估"),
        "tone": labels.badge_tone(value or ""),
    }


def _choice_label(field: Any, value: Any) -> str:
    for key, label in getattr(field, "choices", []):
        if str(key) == str(value):
            return str(label)
    return str(value)


@register.simple_tag
def field_display(bound: BoundField, can_view_personal: bool = True) -> str:
    """A bound field's current value as text for read-only pages.

    Choice values show their labels; personal data is masked unless the viewer may see
    it (``nominations.view_personal_data``).
    """
    value = bound.field.prepare_value(bound.value())
    if value in (None, "", [], ()):
        return ""
    if isinstance(value, list | tuple):
        return "、".join(_choice_label(bound.field, item) for item in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if getattr(bound.field, "choices", None):
        return _choice_label(bound.field, value)
    text = str(value)
    kind = PERSONAL_KINDS.get(bound.name)
    if kind is not None and not can_view_personal:
        return mask(text, kind)
    return text
