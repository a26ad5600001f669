"""Forms of the site-inspection pages (实地考察; seed 004 三(三)2)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jiangxuan.core.forms import declared_field
from jiangxuan.nominations.models import Nomination

from .forms import MembersChoiceField, NomineeChoiceField
from .models import InspectionOutcome, PanelMember


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (the service checks their bytes)."""

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]


class ScheduleInspectionForm(forms.Form):
    """Nominee, time (Asia/Shanghai), place and inspectors of a new inspection."""

    nomination = NomineeChoiceField(label=_("推荐对象"), queryset=Nomination.objects.none())
    scheduled_for = forms.DateTimeField(
        label=_("考察时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("考察地点"), max_length=200)
    inspectors = MembersChoiceField(
        label=_("考察人员"),
        queryset=PanelMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        nominees: QuerySet[Nomination],
        members: QuerySet[PanelMember],
        *args: Any,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        declared_field(self, "nomination", NomineeChoiceField).queryset = nominees
        declared_field(self, "inspectors", MembersChoiceField).queryset = members


class RecordInspectionForm(forms.Form):
    """Findings, outcome and photos of a done inspection."""

    findings = forms.CharField(label=_("考察情况"), widget=forms.Textarea(attrs={"rows": 5}))
    outcome = forms.ChoiceField(label=_("考察结论"), choices=InspectionOutcome.choices)
    photos = MultipleFileField(
        label=_("现场照片"),
        required=False,
        widget=MultipleImageInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("可选多张 JPG、PNG 图片。"),
    )


class CancelInspectionForm(forms.Form):
    """The reason an inspection is cancelled."""

    reason = forms.CharField(label=_("取消原因"), max_length=200)
