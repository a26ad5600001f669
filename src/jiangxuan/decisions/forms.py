"""Forms of the decisions pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _ids(value: str) -> list[int]:
    parts = [p for p in value.replace("，", ",").replace(" ", ",").split(",") if p]
    try:
        return [int(p) for p in parts]
    except ValueError as exc:
        raise ValidationError(_("请填写以逗号分隔的人选编号。")) from exc


class ListForm(forms.Form):
    """Awardees (in rank order) and finalists as nomination ids; a reason when revising."""

    nominations = forms.CharField(label=_("表彰人选（按排序，逗号分隔编号）"))
    finalists = forms.CharField(label=_("入围人选（逗号分隔编号）"), required=False)
    reason = forms.CharField(label=_("修订理由"), required=False, widget=forms.Textarea)

    def clean_nominations(self) -> list[int]:
        return _ids(self.cleaned_data["nominations"])

    def clean_finalists(self) -> list[int]:
        return _ids(self.cleaned_data["finalists"])


class MeetingForm(forms.Form):
    """The leading group's meeting that approves a list."""

    held_on = forms.DateField(label=_("会议日期"), widget=forms.DateInput(attrs={"type": "date"}))
    present = forms.CharField(label=_("出席成员（每行一人）"), widget=forms.Textarea)
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("弃权"), min_value=0)
    resolution = forms.CharField(label=_("决议"), widget=forms.Textarea)

    def clean_present(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["present"].splitlines() if line.strip()]


class PublishForm(forms.Form):
    """The commendation decision's heading."""

    number = forms.CharField(label=_("文号"), max_length=60)
    title = forms.CharField(label=_("标题"), max_length=200)
    issued_on = forms.DateField(label=_("印发日期"), widget=forms.DateInput(attrs={"type": "date"}))
