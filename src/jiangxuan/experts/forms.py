"""Input forms for the pool, panels and draws. They parse and shape input; the services
decide (their ExpertError lands on the named field)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiangxuan.accounts.models import OrgUnit
from jiangxuan.campaigns.models import Award, Campaign
from jiangxuan.core.forms import declared_field
from jiangxuan.nominations.models import Nomination

from .enums import MemberRole, RelationshipKind
from .models import PanelMember


class MemberChoiceField(forms.ModelChoiceField):
    """A panel member, shown by the expert's name."""

    def label_from_instance(self, obj: PanelMember) -> str:
        return obj.expert.name


class MembersChoiceField(forms.ModelMultipleChoiceField):
    """Several panel members, each shown by the expert's name."""

    def label_from_instance(self, obj: PanelMember) -> str:
        return obj.expert.name


class NomineeChoiceField(forms.ModelChoiceField):
    """A nominee, shown by name; by number when ``blind`` (a blind panel sees numbers,
    not names: issue 4, blind mode hides names)."""

    blind = False

    def label_from_instance(self, obj: Nomination) -> str:
        if self.blind:
            return str(_("推荐对象 %(number)d") % {"number": obj.pk})
        return obj.name


class PoolFilterForm(forms.Form):
    """Filters of the pool list (GET)."""

    speciality = forms.ChoiceField(label=_("专业领域"), required=False)
    industry = forms.ChoiceField(label=_("所属行业"), required=False)
    region = forms.ChoiceField(label=_("地区"), required=False)
    available = forms.ChoiceField(
        label=_("可参加评审"),
        required=False,
        choices=[("", _("全部")), ("yes", _("是")), ("no", _("否"))],
    )
    q = forms.CharField(label=_("姓名或单位"), required=False, max_length=60)

    def __init__(self, facets: dict[str, list[str]], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field, values in facets.items():
            declared_field(self, field, forms.ChoiceField).choices = [
                ("", _("全部")),
                *((v, v) for v in values),
            ]

    def filters(self) -> dict[str, Any]:
        """Keyword arguments for :func:`selectors.experts_for_office`."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "speciality": data["speciality"],
            "industry": data["industry"],
            "region": data["region"],
            "available": {"yes": True, "no": False}.get(data["available"]),
            "query": data["q"].strip(),
        }


class RelationshipForm(forms.Form):
    """Declare an expert's relationship with a unit or a person."""

    kind = forms.ChoiceField(label=_("关系"), choices=RelationshipKind.choices)
    org_unit = forms.ModelChoiceField(
        label=_("单位"), queryset=OrgUnit.objects.order_by("path"), required=False
    )
    id_number = forms.CharField(
        label=_("人员身份证号码"),
        required=False,
        max_length=18,
        help_text=_("只保存其盲索引，用于比对，不保存号码本身。"),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)


#: The pool's attributes a panel's make-up may ask a minimum of, as the form names them.
MIX_LABELS = {"speciality": _("专业领域"), "industry": _("所属行业"), "region": _("地区")}


class PanelForm(forms.Form):
    """Create a panel of a campaign. The make-up (构成要求) is a minimum number of experts
    per value of the pool's specialities, industries and regions (``facets``, from
    ``selectors.pool_facets``), one number field each, empty for none."""

    name = forms.CharField(label=_("名称"), max_length=100)
    award = forms.ModelChoiceField(
        label=_("奖项"),
        queryset=Award.objects.none(),
        required=False,
        help_text=_("不选则评审本活动全部审核通过的推荐对象。"),
    )
    size = forms.IntegerField(label=_("专家人数"), min_value=1, max_value=99)
    reserves = forms.IntegerField(label=_("候补人数"), min_value=0, max_value=99, initial=2)
    blind = forms.BooleanField(label=_("匿名评审（隐去姓名和单位）"), required=False)

    def __init__(
        self,
        campaign: Campaign,
        *args: Any,
        facets: Mapping[str, Sequence[str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        declared_field(self, "award", forms.ModelChoiceField).queryset = campaign.awards.order_by(
            "position"
        )
        self.mix_fields: list[tuple[str, str, str]] = []
        for attribute, values in (facets or {}).items():
            for index, value in enumerate(values):
                name = f"mix_{attribute}_{index}"
                self.fields[name] = forms.IntegerField(
                    label=_("%(attribute)s“%(value)s”至少")
                    % {
                        "attribute": MIX_LABELS[attribute],
                        "value": value,
                    },
                    min_value=0,
                    max_value=99,
                    required=False,
                    help_text=""
                    if self.mix_fields
                    else _("构成要求：以下各项为至少抽取的人数，不填为不限。"),
                )
                self.mix_fields.append((name, attribute, value))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mix: dict[str, dict[str, int]] = {}
        for name, attribute, value in self.mix_fields:
            if data.get(name):
                mix.setdefault(attribute, {})[value] = data[name]
        data["mix"] = mix
        return data


class DrawForm(forms.Form):
    """The witnessed seed of a draw."""

    seed = forms.CharField(
        label=_("随机种子"),
        max_length=100,
        help_text=_("任意文字，如见证下公开的彩票开奖号码或掷骰结果，原样记录。"),
    )
    seed_source = forms.CharField(label=_("种子来源"), max_length=200)
    witnesses = forms.CharField(
        label=_("见证人"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一人，如“市纪委监委派驻纪检组 王某”。"),
    )

    def clean_witnesses(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["witnesses"].splitlines() if line.strip()
        ]


class ReservesForm(DrawForm):
    """A supplementary draw of reserves: how many, with its own witnessed seed."""

    count = forms.IntegerField(label=_("增补候补人数"), min_value=1, max_value=99, initial=1)
    field_order = ["count", "seed", "seed_source", "witnesses"]


class ChairForm(forms.Form):
    """Pick the chair among the drawn members."""

    member = MemberChoiceField(label=_("评审组组长"), queryset=PanelMember.objects.none())

    def __init__(self, members: list[PanelMember], *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        ids = [m.pk for m in members if m.role != MemberRole.RESERVE]
        declared_field(self, "member", MemberChoiceField).queryset = PanelMember.objects.filter(
            pk__in=ids
        ).select_related("expert")


class RecusalForm(forms.Form):
    """A recusal recorded after the draw: member, nominee, the conflict's kind, note."""

    member = MemberChoiceField(label=_("专家"), queryset=PanelMember.objects.none())
    nomination = NomineeChoiceField(label=_("推荐对象"), queryset=Nomination.objects.none())
    kind = forms.ChoiceField(label=_("关系"), choices=RelationshipKind.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(
        self, members: list[PanelMember], nominees: list[Nomination], *args: Any, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        declared_field(self, "member", MemberChoiceField).queryset = PanelMember.objects.filter(
            pk__in=[m.pk for m in members]
        ).select_related("expert")
        declared_field(self, "nomination", NomineeChoiceField).queryset = Nomination.objects.filter(
            pk__in=[n.pk for n in nominees]
        )


class OwnRecusalForm(forms.Form):
    """An expert recuses themselves from one of the nominees assigned to them (a conflict of
    interest)."""

    nomination = NomineeChoiceField(label=_("推荐对象"), queryset=Nomination.objects.none())
    kind = forms.ChoiceField(label=_("关系"), choices=RelationshipKind.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, nominees: list[Nomination], *args: Any, blind: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        nomination = declared_field(self, "nomination", NomineeChoiceField)
        nomination.queryset = Nomination.objects.filter(pk__in=[n.pk for n in nominees])
        nomination.blind = blind
