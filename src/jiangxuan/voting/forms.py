"""Input forms of the public vote pages and the office's pages. They parse and shape
input; the services decide (their VoteError lands on the named field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiangxuan.core.forms import declared_field

from .enums import InvalidationRule
from .models import Candidate


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class PhoneForm(forms.Form):
    """Step one and two of verification: the number, then the code received (with the
    real name and ID number when the vote's rule asks for them)."""

    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("验证码"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    real_name = forms.CharField(label=_("真实姓名"), max_length=60, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)

    def __init__(self, *args: Any, identity: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not identity:
            del self.fields["real_name"]
            del self.fields["id_number"]


class CandidateChoiceField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class VoteForm(forms.Form):
    """The candidates chosen, by public id; the captcha answer when the risk asks."""

    candidates = CandidateChoiceField(label=_("请选择候选对象"), required=False)
    captcha_key = forms.CharField(required=False, widget=forms.HiddenInput)
    captcha_value = forms.CharField(
        label=_("图片验证码"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, candidates: list[Candidate], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        declared_field(self, "candidates", forms.ChoiceField).choices = [
            (
                c.public_id,
                f"{c.position}. {c.published.get('name', '')} · "
                f"{c.published.get('workplace_name', '')}",
            )
            for c in candidates
        ]


class ReceiptForm(forms.Form):
    """A receipt code to check."""

    code = forms.CharField(label=_("投票凭证号"), max_length=20)


class PrepareForm(forms.Form):
    """The window, when the specification gives none (server time, Asia/Shanghai)."""

    opens_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput(), required=False)
    closes_at = forms.DateTimeField(label=_("截止时间"), widget=DateTimeInput(), required=False)


class InvalidateForm(forms.Form):
    """A batch of votes to invalidate: the rule and its criteria, with a reason."""

    rule = forms.ChoiceField(label=_("作废规则"), choices=InvalidationRule.choices)
    subnet = forms.CharField(
        label=_("网段"), max_length=50, required=False, help_text=_("例如 203.0.113.0/24")
    )
    device_hash = forms.CharField(label=_("设备标识（前缀）"), max_length=64, required=False)
    vote_ids = forms.CharField(
        label=_("投票记录编号"), required=False, help_text=_("多个编号用逗号分隔")
    )
    starts_at = forms.DateTimeField(label=_("自"), widget=DateTimeInput(), required=False)
    ends_at = forms.DateTimeField(label=_("至"), widget=DateTimeInput(), required=False)
    reason = forms.CharField(label=_("作废理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_vote_ids(self) -> list[int] | None:
        raw = self.cleaned_data["vote_ids"].replace("，", ",").strip()
        if not raw:
            return None
        try:
            return [int(part) for part in raw.split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("投票记录编号须为数字，用逗号分隔。")) from exc
