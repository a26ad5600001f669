"""Forms of the decisions pages."""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from jiangxuan.campaigns.models import Award
from jiangxuan.nominations.models import Nomination

#: What the office may choose for a candidate of an award's list.
AWARDEE, FINALIST, LEFT_OUT = "awardee", "finalist", "none"


class ListForm(forms.Form):
    """An award's list chosen among its candidates, as the office sees them in the expert
    ranking's order: for each candidate the outcome (表彰, 入围 where the award has a
    finalist award (seed 002 六), or 不列入) and the rank among those of the same outcome;
    a reason when revising. One pair of fields per candidate: ``outcome_<id>``,
    ``rank_<id>``. Defaults: the current list's choices, else the first ``count``
    candidates awarded and the others finalists (or left out).

    ``cleaned_data`` gains ``nominations`` and ``finalists``: ids in rank order (ties keep
    the expert order).
    """

    reason = forms.CharField(
        label=_("修订理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        award: Award,
        candidates: Sequence[Nomination],
        *args: Any,
        current: Mapping[int, tuple[str, int]] | None = None,
        **kwargs: Any,
    ):
        kwargs.setdefault("prefix", f"award{award.pk}")
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        choices = [(AWARDEE, _("表彰"))]
        finalists = bool(award.spec.finalist_award)
        if finalists:
            choices.append((FINALIST, award.spec.finalist_award))
        choices.append((LEFT_OUT, _("不列入")))
        count = award.count or len(self.candidates)
        for position, nomination in enumerate(self.candidates, start=1):
            outcome, rank = (current or {}).get(nomination.pk, ("", 0))
            if not outcome:
                outcome = AWARDEE if position <= count else (FINALIST if finalists else LEFT_OUT)
                rank = position if position <= count else position - count
            outcome_label = _("%(name)s的结果") % {"name": nomination.name}
            rank_label = _("%(name)s的排序") % {"name": nomination.name}
            self.fields[f"outcome_{nomination.pk}"] = forms.ChoiceField(
                label=outcome_label,
                choices=choices,
                initial=outcome,
                widget=forms.Select(attrs={"aria-label": outcome_label}),
            )
            self.fields[f"rank_{nomination.pk}"] = forms.IntegerField(
                label=rank_label,
                min_value=1,
                max_value=999,
                initial=rank,
                widget=forms.NumberInput(attrs={"aria-label": rank_label, "size": 3}),
            )

    def rows(self) -> list[tuple[Nomination, forms.BoundField, forms.BoundField]]:
        """Each candidate with its outcome and rank fields, in the expert order."""
        return [(n, self[f"outcome_{n.pk}"], self[f"rank_{n.pk}"]) for n in self.candidates]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen: dict[str, list[tuple[int, int, int]]] = {AWARDEE: [], FINALIST: []}
        for position, nomination in enumerate(self.candidates):
            outcome = data.get(f"outcome_{nomination.pk}")
            rank = data.get(f"rank_{nomination.pk}")
            if outcome in chosen and rank is not None:
                chosen[outcome].append((rank, position, nomination.pk))
        if not chosen[AWARDEE] and not self.errors:
            raise ValidationError(_("请至少选择一名表彰人选。"))
        data["nominations"] = [pk for _r, _p, pk in sorted(chosen[AWARDEE])]
        data["finalists"] = [pk for _r, _p, pk in sorted(chosen[FINALIST])]
        return data


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
