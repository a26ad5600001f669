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


class WindowExtensionForm(forms.Form):
    """The office extends the campaign-wide submission deadline, with a reason."""

    closes_at = forms.DateTimeField(
        label=_("新的申报截止时间（北京时间）"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))


#: The largest specification file accepted by upload (the seeds are under 60 KB).
SPEC_FILE_LIMIT = 1024 * 1024


class CampaignCreateForm(forms.Form):
    """A new campaign's specification: an uploaded file or the text in the editor (the
    file wins when both are given)."""

    spec_file = forms.FileField(label=_("上传活动规范文件（YAML）"), required=False)
    spec_yaml = forms.CharField(
        label=_("或在此填写活动规范（YAML）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("spec_file")
        if upload is not None:
            if upload.size > SPEC_FILE_LIMIT:
                raise forms.ValidationError(_("活动规范文件不能超过 1 MB。"))
            data["raw"] = upload.read()
        elif not (data.get("spec_yaml") or "").strip():
            raise forms.ValidationError(_("请上传活动规范文件，或在文本框中填写活动规范。"))
        return data
