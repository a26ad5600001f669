"""Input forms for notices, objections and background checks. They parse and shape input;
the services decide (their NoticeError lands on the named field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.forms import declared_field
from jiangxuan.nominations.models import Nomination

from .enums import ObjectionOutcome, PenaltyKind
from .models import NoticeEntry
from .selectors import background_check_stages, notice_bodies, notice_candidates, notice_stages


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NominationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Nomination) -> str:
        unit = obj.nominating_unit.name if obj.nominating_unit else ""
        consent = "" if obj.publication_consent else str(_("（未同意公示）"))
        return f"{obj.name} · {obj.award.name} · {unit}{consent}"


class LevelNoticeForm(forms.Form):
    """A signing body opens its level's notice: start date, title, nominees (the stage and
    the body are the page's)."""

    starts_on = forms.DateField(label=_("公示开始日期"), widget=DateInput())
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    nominations = NominationChoiceField(
        label=_("公示对象"),
        queryset=Nomination.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, candidates: QuerySet[Nomination], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        declared_field(self, "nominations", forms.ModelChoiceField).queryset = candidates


class OpenNoticeForm(LevelNoticeForm):
    """Open a notice: stage, holding body, start date, nominees."""

    field_order = ["stage", "body", "starts_on", "title", "nominations"]

    stage = forms.ChoiceField(label=_("公示环节"))
    body = forms.ModelChoiceField(
        label=_("组织公示的单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        help_text=_("社会公示可不选。"),
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any):
        super().__init__(notice_candidates(campaign), *args, **kwargs)
        declared_field(self, "stage", forms.ChoiceField).choices = [
            (
                s.key,
                _("%(name)s（%(rule)s，%(days)d%(unit)s）")
                % {
                    "name": s.name,
                    "rule": rule.name,
                    "days": rule.days,
                    "unit": rule.day_unit.label,
                },
            )
            for s in notice_stages(campaign)
            if (rule := s.notice)
        ]
        declared_field(self, "body", forms.ModelChoiceField).queryset = notice_bodies(campaign)


class ObjectionForm(forms.Form):
    """The public's objection form (no login)."""

    nomination = forms.TypedChoiceField(
        label=_("所涉公示对象"), required=False, coerce=int, empty_value=None
    )
    text = forms.CharField(
        label=_("异议内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("请写明反映的具体问题和事实依据。"),
    )
    anonymous = forms.BooleanField(label=_("匿名反映"), required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=60, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        help_text=_("选填，便于核查人员联系您；仅用于核查，不会公开。"),
    )
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("选填：JPG、PNG、PDF 或 Word（.docx）文件。"),
    )

    def __init__(self, entries: list[NoticeEntry], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        declared_field(self, "nomination", forms.ChoiceField).choices = [
            ("", _("（不针对具体对象）"))
        ] + [(e.nomination_id, e.published.get("name", "")) for e in entries]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("核查人"), queryset=User.objects.none())

    def __init__(self, assignees: Any, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        declared_field(self, "assignee", forms.ModelChoiceField).queryset = assignees


class FindingForm(forms.Form):
    finding = forms.CharField(label=_("核查情况"), widget=forms.Textarea(attrs={"rows": 4}))
    falsified = forms.BooleanField(label=_("查实弄虚作假"), required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(label=_("处理结果"), choices=ObjectionOutcome.choices)
    penalty_kind = forms.ChoiceField(
        label=_("对推荐单位的处理（查实弄虚作假时）"),
        choices=[("", "—"), *PenaltyKind.choices],
        required=False,
    )
    penalty_amount = forms.IntegerField(label=_("扣减名额数"), min_value=1, required=False)


class BackgroundRequestForm(forms.Form):
    stage = forms.ChoiceField(label=_("环节"))
    department = forms.CharField(
        label=_("征求意见部门"), max_length=120, required=False, help_text=_("留空按活动规范。")
    )
    question = forms.CharField(label=_("征求事项"), max_length=200, required=False)
    due_on = forms.DateField(label=_("回复期限"), widget=DateInput())
    nominations = NominationChoiceField(
        label=_("推荐对象"),
        queryset=Nomination.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, campaign: Campaign, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        declared_field(self, "stage", forms.ChoiceField).choices = [
            (s.key, f"{s.name} · {check.department}")
            for s in background_check_stages(campaign)
            if (check := s.background_check)
        ]
        declared_field(self, "nominations", forms.ModelChoiceField).queryset = notice_candidates(
            campaign
        )


class BackgroundOpinionForm(forms.Form):
    opinion = forms.CharField(
        label=_("部门意见"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    adverse = forms.BooleanField(
        label=_("不利意见（如存在违法违纪行为），终止推荐"), required=False
    )
    scan = forms.FileField(label=_("盖章意见表扫描件"), required=False)
