"""Forms for the campaign pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .spec import CampaignSpec
from .texts import NoticeText, notice_texts, placeholder_problem


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


class NumbersForm(forms.Form):
    """The office changes award counts (表彰名额) and unit quotas (推荐名额) of a
    campaign with a reason (issue 15.4). One number field per value the specification
    states (an award without a count, a quota without a maximum are changed in the
    specification itself); ``paths`` maps each field to its place in the text."""

    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, spec: CampaignSpec, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.paths: dict[str, tuple[str | int, ...]] = {}
        self._awards = spec.awards
        #: Each quota field's award (None: all awards together).
        self._quota_award: dict[str, str | None] = {}
        awards = {a.code: a.name for a in spec.awards}
        categories = {c.code: c.name for c in spec.unit_categories}
        fields: dict[str, forms.Field] = {}
        for index, award in enumerate(spec.awards):
            if award.count is not None:
                name = f"award_{index}"
                fields[name] = forms.IntegerField(
                    label=_("%(award)s 表彰名额") % {"award": award.name},
                    min_value=1,
                    max_value=9999,
                    initial=award.count,
                )
                self.paths[name] = ("awards", index, "count")
        for index, quota in enumerate(spec.quotas):
            unit = categories.get(quota.category, quota.category)
            which = awards.get(quota.award, quota.award) if quota.award else _("各奖项合计")
            if quota.min:
                name = f"quota_{index}_min"
                fields[name] = forms.IntegerField(
                    label=_("%(unit)s · %(which)s 至少推荐") % {"unit": unit, "which": which},
                    min_value=0,
                    max_value=999,
                    initial=quota.min,
                )
                self.paths[name] = ("quotas", index, "min")
                self._quota_award[name] = quota.award
            if quota.max is not None:
                name = f"quota_{index}_max"
                fields[name] = forms.IntegerField(
                    label=_("%(unit)s · %(which)s 最多推荐") % {"unit": unit, "which": which},
                    min_value=0,
                    max_value=999,
                    initial=quota.max,
                )
                self.paths[name] = ("quotas", index, "max")
                self._quota_award[name] = quota.award
        # The numbers first, the reason last.
        self.fields = {**fields, "reason": self.fields["reason"]}

    def clean(self) -> dict[str, Any]:
        """A unit's quota above its award's count (as typed), or above the sum of the
        counts for a quota over all awards, is refused on the quota's field, in the form's
        words (the specification's own check names lines and codes: issue 15.9)."""
        data = super().clean() or {}
        counts: dict[str, int | None] = {}
        for index, award in enumerate(self._awards):
            typed = data.get(f"award_{index}")
            counts[award.code] = typed if typed is not None else award.count
        names = {a.code: a.name for a in self._awards}
        for name, code in self._quota_award.items():
            value = data.get(name)
            if value is None:
                continue
            if code is not None:
                limit, what = counts.get(code), names.get(code, "")
                message = _("推荐名额 %(value)s 超过“%(award)s”的表彰名额 %(limit)s。")
            elif all(c is not None for c in counts.values()):
                limit, what = sum(c or 0 for c in counts.values()), ""
                message = _("推荐名额 %(value)s 超过各奖项表彰名额之和 %(limit)s。")
            else:
                continue
            if limit is not None and value > limit:
                self.add_error(name, message % {"value": value, "award": what, "limit": limit})
        return data

    def changed_numbers(self) -> dict[tuple[str | int, ...], int]:
        """The numbers that differ from the specification's, by their path."""
        return {
            self.paths[name]: self.cleaned_data[name]
            for name in self.paths
            if self.cleaned_data.get(name) is not None
            and self.cleaned_data[name] != self.fields[name].initial
        }


class NoticeTextsForm(forms.Form):
    """The office edits the texts of its notices with a reason (issue 15.4): one field per
    text of ``campaigns.texts.notice_texts``, labelled in Chinese, with the placeholders
    it may use; a placeholder it cannot use is refused on its field, naming it."""

    reason = forms.CharField(label=_("修改理由"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, spec: CampaignSpec, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.items: dict[str, NoticeText] = {}
        fields: dict[str, forms.Field] = {}
        for index, item in enumerate(notice_texts(spec)):
            name = f"text_{index}"
            widget: forms.Widget = (
                forms.Textarea(attrs={"rows": 4 if item.path[:2] == ("decision", "body") else 2})
                if item.multiline
                else forms.TextInput()
            )
            fields[name] = forms.CharField(
                label=item.label,
                required=item.required,
                initial=item.value,
                widget=widget,
                max_length=5000,
                strip=True,
            )
            self.items[name] = item
        self.fields = {**fields, "reason": self.fields["reason"]}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, item in self.items.items():
            value = data.get(name)
            if value:
                problem = placeholder_problem(item, value)
                if problem:
                    self.add_error(name, problem)
        return data

    def groups(self) -> list[tuple[str, dict[str, str], list[forms.BoundField]]]:
        """The fields by notice: (group, its placeholders, bound fields)."""
        out: list[tuple[str, dict[str, str], list[forms.BoundField]]] = []
        for name, item in self.items.items():
            if not out or out[-1][0] != item.group:
                out.append((item.group, {}, []))
            out[-1][1].update(item.placeholders)
            out[-1][2].append(self[name])
        return out

    def changed_texts(self) -> dict[str, str]:
        """The texts that differ from the specification's, by their key."""
        return {
            item.key: self.cleaned_data[name].replace("\r\n", "\n")
            for name, item in self.items.items()
            if self.cleaned_data.get(name) is not None
            and self.cleaned_data[name].replace("\r\n", "\n") != item.value
        }
