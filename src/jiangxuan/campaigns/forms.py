"""Forms for the campaign pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DeadlineForm(forms.Form):
    """A unit's internal deadline, or an office extension (with a reason)."""

    unit = forms.TypedChoiceField(label=_("单位"), coerce=int)
    closes_at = forms.DateTimeField(
        label=_("截止时间（北京时间）"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(
        label=_("理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in units]
