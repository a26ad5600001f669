"""The nomination form, built from the campaign's specification.

One Django form serves the web UI and the API (the API passes its JSON through it), so a
value is validated the same way wherever it comes from. The form never enforces
``required``: drafts may be incomplete; completeness is checked at submission
(``services.missing_fields``). Character limits count characters as the notices do
(campaigns.spec.chars).

Structured lists (work history, honours, patents, contests, tables) are flattened into
fields named ``<key>__<row>__<column>``; group fields into ``<key>__<sub>``. ``layout()``
gives the bound fields back in the official form's order for templates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiangxuan.accounts.models import User
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.enums import (
    ContestLevel,
    HonourLevel,
    Medal,
    ProfessionalTitle,
    SkillLevel,
)
from jiangxuan.campaigns.models import Award, Campaign

from . import services
from . import validators as v
from .enums import Education, Identity, PoliticalStatus, Sex
from .models import Nomination
from .selectors import UnsavedValue, unsaved_values

BLANK = [("", "—")]
YES_NO = [("", "—"), ("true", gettext_lazy("是")), ("false", gettext_lazy("否"))]

#: Columns of the structured core lists: (key, label, kind, choices).
ROW_COLUMNS: dict[str, list[tuple[str, Any, str, list]]] = {
    "work_history": [
        ("period", gettext_lazy("起止时间"), "text", []),
        ("workplace", gettext_lazy("在何单位学习、工作"), "text", []),
        ("post", gettext_lazy("职务/岗位"), "text", []),
        ("witness", gettext_lazy("证明人"), "text", []),
    ],
    "honours": [
        ("code", gettext_lazy("荣誉"), "choice", []),
        ("name", gettext_lazy("名称（其他荣誉请填写）"), "text", []),
        ("level", gettext_lazy("级别"), "choice", [*BLANK, *HonourLevel.choices]),
        ("year", gettext_lazy("年份"), "integer", []),
        ("issuer", gettext_lazy("授予单位"), "text", []),
    ],
    "patents": [
        ("name", gettext_lazy("专利名称"), "text", []),
        (
            "kind",
            gettext_lazy("类型"),
            "choice",
            [
                *BLANK,
                ("invention", gettext_lazy("发明专利")),
                ("utility", gettext_lazy("实用新型")),
                ("design", gettext_lazy("外观设计")),
            ],
        ),
        ("number", gettext_lazy("专利号"), "text", []),
        ("year", gettext_lazy("授权年份"), "integer", []),
    ],
    "contests": [
        ("name", gettext_lazy("竞赛名称"), "text", []),
        ("level", gettext_lazy("竞赛类别"), "choice", BLANK + list(ContestLevel.choices)),
        ("rank", gettext_lazy("名次"), "integer", []),
        ("medal", gettext_lazy("奖牌"), "choice", BLANK + list(Medal.choices)),
        ("year", gettext_lazy("年份"), "integer", []),
    ],
}

CHOICES: dict[str, list] = {
    "sex": BLANK + list(Sex.choices),
    "political_status": BLANK + list(PoliticalStatus.choices),
    "education": BLANK + list(Education.choices),
    "skill_level": BLANK + list(SkillLevel.choices),
    "professional_title": BLANK + list(ProfessionalTitle.choices),
    "identity": BLANK + list(Identity.choices),
}


def _parse_month(value: str) -> dt.date:
    for fmt in ("%Y-%m", "%Y-%m-%d", "%Y.%m", "%Y年%m月"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date().replace(day=1)
        except ValueError:
            continue
    raise ValidationError(_("请按“年-月”填写，如 2008-07。"))


class YearMonthField(forms.Field):
    """A year and month (stored as the first day of the month)."""

    widget = forms.TextInput(attrs={"type": "month"})

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value.replace(day=1)
        text = "" if value in self.empty_values else str(value).strip()
        return _parse_month(text) if text else None

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, dt.date) else value


class TriStateField(forms.TypedChoiceField):
    """是 / 否 / not answered, as True / False / None."""

    def __init__(self, **kwargs: Any):
        super().__init__(
            choices=YES_NO,
            coerce=lambda x: x == "true",
            empty_value=None,
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        if value is True:
            return "true"
        if value is False:
            return "false"
        return value


def _chars_validator(limit: int, label: str):
    def check(value: str) -> None:
        count = s.chars(value)
        if count > limit:
            raise ValidationError(
                _("%(label)s不超过%(limit)d字，当前%(count)d字，请删减%(over)d字。")
                % {"label": label, "limit": limit, "count": count, "over": count - limit}
            )

    return check


class NormalizedField(forms.CharField):
    """A text field whose validator also normalises the value (e.g. drops spaces)."""

    def __init__(self, *, normalize, **kwargs: Any):
        self.normalize = normalize
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        return self.normalize(text) if text else text


@dataclass
class LayoutItem:
    """One row of the form for templates: the spec field and its bound field(s)."""

    spec: s.FormField
    kind: str
    bound: Any = None
    subfields: list[Any] = dc_field(default_factory=list)
    columns: list[tuple[str, Any]] = dc_field(default_factory=list)
    rows: list[list[Any]] = dc_field(default_factory=list)


class NominationForm(forms.Form):
    """The campaign's nomination form for one award.

    Args:
        campaign, award: what the nomination is for.
        data: posted data (``QueryDict`` or a plain dict from the API).
        nomination: the nomination being edited (gives initial values).
        extra_rows: blank rows to offer for each list field (default 1).
        show_unsaved: an unbound form shows what the last save refused (issue 15.1): the
            typed value in the field, the reason as its error, the list in ``unsaved``.

    After :meth:`save_draft`, ``saved`` is True and ``unsaved`` lists what was not saved.
    """

    def __init__(
        self,
        campaign: Campaign,
        award: Award,
        data: Any = None,
        *,
        nomination: Any = None,
        extra_rows: int = 1,
        show_unsaved: bool = False,
        **kwargs: Any,
    ):
        self.campaign = campaign
        self.award = award
        self.spec = campaign.specification
        self.award_spec = self.spec.award(award.code)
        self.nomination = nomination
        self.form_fields = self.spec.form.all_fields()
        self.claims_field = None
        if self._judged_choices() and "claimed_conditions" not in {f.key for f in self.form_fields}:
            # Judged conditions ("具备以下条件之一") need the nominee's claim; forms that do
            # not print the claim still collect it, in a section of the platform's own.
            self.claims_field = s.FormField(
                key="claimed_conditions",
                label=_("申报依据（所具备的条件）"),
                help=_("勾选本人具备的条件，并在“佐证材料”中上传证明，由评审核实。"),
            )
            self.form_fields = [*self.form_fields, self.claims_field]
        initial = self._initial_from(nomination) if nomination is not None else {}
        super().__init__(data=data, initial=initial, **kwargs)
        self._row_counts: dict[str, int] = {}
        for spec_field in self.form_fields:
            self._add(spec_field, extra_rows)
        self.saved = False
        self.unsaved: list[UnsavedValue] = []
        if show_unsaved and data is None and nomination is not None:
            self._show_unsaved(unsaved_values(nomination))

    # -- building

    def _add(self, f: s.FormField, extra_rows: int) -> None:
        kind = f.effective_type
        if kind in ("photo", "video"):
            return  # uploaded as evidence
        if kind == "group":
            for sub in f.fields:
                self.fields[f"{f.key}__{sub.key}"] = self._simple(sub, sub.effective_type)
            return
        if kind in ROW_COLUMNS or kind == "table":
            existing = len(self._rows_value(f.key))
            posted = self._posted_rows(f.key)
            count = max(existing, posted) + extra_rows
            self._row_counts[f.key] = count
            for i in range(count):
                for key, label, col_kind, choices in self._columns(f):
                    self.fields[f"{f.key}__{i}__{key}"] = self._cell(label, col_kind, choices)
            return
        self.fields[f.key] = self._simple(f, kind)

    def _columns(self, f: s.FormField) -> list[tuple[str, Any, str, list]]:
        # Honours and contests keep fixed keys because eligibility rules read them; other
        # lists take the official form's own columns when the specification gives them.
        if f.effective_type == "table" or (
            f.columns and f.effective_type not in ("honours", "contests")
        ):
            return [
                (c.key, c.label, c.type, BLANK + [(x, x) for x in c.choices]) for c in f.columns
            ]
        columns = ROW_COLUMNS[f.effective_type]
        if f.effective_type == "honours":
            catalogue = BLANK + [(h.code, h.name) for h in self.spec.honours]
            catalogue.append(("other", _("其他（请填写名称）")))
            columns = [(columns[0][0], columns[0][1], "choice", catalogue), *columns[1:]]
        return columns

    def _cell(self, label: Any, kind: str, choices: list) -> forms.Field:
        if kind == "choice":
            return forms.ChoiceField(label=label, choices=choices, required=False)
        if kind == "integer":
            return forms.IntegerField(label=label, required=False, min_value=0, max_value=9999)
        if kind == "date":
            return forms.DateField(label=label, required=False)
        return forms.CharField(label=label, required=False, max_length=500)

    def _simple(self, f: s.FormField, kind: str) -> forms.Field:
        common: dict[str, Any] = {"label": f.label, "required": False, "help_text": f.help}
        validators = []
        if f.max_chars:
            validators.append(_chars_validator(f.max_chars, f.label))
        if kind == "id_number":
            return NormalizedField(max_length=30, normalize=v.validate_id_number, **common)
        if kind == "phone":
            return NormalizedField(max_length=20, normalize=v.validate_mobile, **common)
        if kind == "landline":
            return NormalizedField(max_length=30, normalize=v.validate_landline, **common)
        if kind == "bank_account":
            return NormalizedField(max_length=40, normalize=v.validate_bank_account, **common)
        if kind == "email":
            return forms.EmailField(**common)
        if kind == "date":
            # <input type="date"> reads only ISO dates, whatever the locale's format.
            widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            return forms.DateField(widget=widget, **common)
        if kind == "year_month":
            return YearMonthField(**common)
        if kind == "integer":
            return forms.IntegerField(min_value=0, max_value=100, **common)
        if kind == "boolean":
            return TriStateField(**common)
        if f.key == "claimed_conditions":
            return forms.MultipleChoiceField(
                choices=self._judged_choices(), widget=forms.CheckboxSelectMultiple, **common
            )
        if kind == "choice":
            choices = CHOICES.get(f.key) or BLANK + [(c, c) for c in f.choices]
            return forms.ChoiceField(choices=choices, **common)
        if kind == "multichoice":
            return forms.MultipleChoiceField(
                choices=[(c, c) for c in f.choices], widget=forms.CheckboxSelectMultiple, **common
            )
        if kind == "textarea":
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 4}), validators=validators, **common
            )
        if f.key == "postal_code":
            return forms.RegexField(
                regex=r"^\d{6}$",
                error_messages={"invalid": _("邮政编码应为6位数字。")},
                **common,
            )
        return forms.CharField(max_length=200, validators=validators, **common)

    def _judged_choices(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []

        def walk(rules: list[Any]) -> None:
            for rule in rules:
                if isinstance(rule, s.Judged):
                    found.append((rule.code, rule.label))
                elif isinstance(rule, s.AnyOf | s.AllOf):
                    walk(rule.items)

        walk(self.award_spec.eligibility)
        return found

    # -- values

    def _rows_value(self, key: str) -> list[dict[str, Any]]:
        if self.nomination is None:
            return []
        value = getattr(self.nomination, key, None) if key in ROW_COLUMNS else None
        if value is None:
            value = (self.nomination.extra or {}).get(key, [])
        return value if isinstance(value, list) else []

    def _posted_rows(self, key: str) -> int:
        if self.data is None:
            return 0
        prefix = f"{key}__"
        indexes = [
            int(name[len(prefix) :].split("__")[0])
            for name in self.data
            if name.startswith(prefix) and name[len(prefix) :].split("__")[0].isdigit()
        ]
        return max(indexes) + 1 if indexes else 0

    def _initial_from(self, nomination: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        extra = nomination.extra or {}
        for f in self.form_fields:
            kind = f.effective_type
            if kind == "group":
                values = extra.get(f.key) or {}
                for sub in f.fields:
                    initial[f"{f.key}__{sub.key}"] = values.get(sub.key)
            elif kind in ROW_COLUMNS or kind == "table":
                rows = getattr(nomination, f.key) if kind in ROW_COLUMNS else extra.get(f.key, [])
                for i, row in enumerate(rows or []):
                    for col, value in row.items():
                        initial[f"{f.key}__{i}__{col}"] = value
            elif f.key in s.CORE_FIELDS:
                initial[f.key] = getattr(nomination, f.key, None)
            else:
                initial[f.key] = extra.get(f.key)
        return initial

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("id_number"):
            birth, sex = v.id_number_facts(cleaned["id_number"])
            if cleaned.get("birth_date") and cleaned["birth_date"] != birth:
                self.add_error(
                    "birth_date", _("出生日期与身份证号码不一致（应为 %(d)s）。") % {"d": birth}
                )
            if cleaned.get("sex") and cleaned["sex"] != sex:
                self.add_error("sex", _("性别与身份证号码不一致（应为%(s)s）。") % {"s": sex})
        return cleaned

    def nomination_values(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """After ``is_valid()`` (or on the valid subset): (core field values, extra values).

        Invalid fields are left out, so a draft saves what is valid and keeps the rest in
        the re-rendered form. :meth:`save_draft` has ``services.save_nomination`` fill a
        blank birth date and sex from the ID number once it keeps the number.
        """
        data = self.cleaned_data
        core: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for f in self.form_fields:
            kind = f.effective_type
            if kind in ("photo", "video"):
                continue
            if kind == "group":
                keys = [f"{f.key}__{sub.key}" for sub in f.fields]
                if any(k in self.errors for k in keys):
                    continue
                extra[f.key] = {
                    sub.key: _jsonable(data.get(f"{f.key}__{sub.key}")) for sub in f.fields
                }
                continue
            if kind in ROW_COLUMNS or kind == "table":
                rows = self._collect_rows(f)
                if rows is None:
                    continue
                (core if kind in ROW_COLUMNS else extra)[f.key] = rows
                continue
            if f.key in self.errors or f.key not in data:
                continue
            value = data[f.key]
            if f.key in s.CORE_FIELDS:
                core[f.key] = (
                    value
                    if value is not None or kind in ("boolean", "integer", "date", "year_month")
                    else ""
                )
            else:
                extra[f.key] = _jsonable(value)
        return core, extra

    def _collect_rows(self, f: s.FormField) -> list[dict[str, Any]] | None:
        rows = []
        columns = self._columns(f)
        for i in range(self._row_counts.get(f.key, 0)):
            names = [f"{f.key}__{i}__{key}" for key, *_rest in columns]
            if any(name in self.errors for name in names):
                return None
            row = {
                key: self.cleaned_data.get(name)
                for (key, *_r), name in zip(columns, names, strict=True)
            }
            if any(value not in (None, "") for value in row.values()):
                rows.append({k: _jsonable(val) for k, val in row.items()})
        if f.effective_type == "honours":
            catalogue = {h.code: h for h in self.spec.honours}
            for row in rows:
                known = catalogue.get(row.get("code") or "")
                if known:
                    row["name"] = row.get("name") or known.name
                    row["level"] = row.get("level") or known.level
                    row["category"] = known.category
        return rows

    # -- saving

    def refused_values(self) -> list[UnsavedValue]:
        """After ``is_valid()``: the fields whose typed values fail validation (so
        :meth:`nomination_values` leaves them out), in form order, with their reasons."""
        return [
            UnsavedValue(
                name,
                self._label_of(name),
                self[name].data,
                "".join(str(e) for e in self.errors[name]),
            )
            for name in self.fields
            if name in self.errors
        ]

    def save_draft(
        self,
        *,
        actor: User,
        award: Award | None = None,
        publication_consent: bool | None = None,
    ) -> Nomination:
        """Validate the bound form and save every valid value into the draft
        (``services.save_nomination``); the values refused here or by the service (an ID
        number already nominated in this campaign) are not saved and are reported: in
        ``unsaved`` and as errors on their fields, whose inputs keep what was typed
        (issue 15.1).

        Raises:
            NominationError, PermissionDenied: the service saved nothing (not editable,
                campaign closed, not the actor's nomination); ``saved`` stays False.
        """
        self.is_valid()
        core, extra = self.nomination_values()
        nomination = services.save_nomination(
            self.nomination,
            actor=actor,
            core=core,
            extra=extra,
            award=award,
            publication_consent=publication_consent,
            unsaved=self.refused_values(),
            fill_from_id_number=True,
        )
        self.saved = True
        self.unsaved = unsaved_values(nomination)
        for item in self.unsaved:
            if item.field in self.fields and item.field not in self.errors:
                self.add_error(item.field, item.message)
        return nomination

    def _show_unsaved(self, items: list[UnsavedValue]) -> None:
        # add_error drops the field from cleaned_data, which an unbound form lacks.
        self.cleaned_data = {}
        for item in items:
            if item.field in self.fields:
                self.initial[item.field] = item.value
                self.add_error(item.field, item.message)
        self.unsaved = items

    def _label_of(self, name: str) -> str:
        labels = {f.key: f.label for f in self.form_fields}
        parts = name.split("__")
        if len(parts) == 3:
            return _("%(list)s第%(row)d行“%(column)s”") % {
                "list": labels.get(parts[0], parts[0]),
                "row": int(parts[1]) + 1,
                "column": self.fields[name].label,
            }
        if len(parts) == 2:
            return f"{labels.get(parts[0], parts[0])}·{self.fields[name].label}"
        return str(labels.get(name) or self.fields[name].label)

    # -- templates

    def layout(self) -> list[tuple[str, list[LayoutItem]]]:
        """Sections of bound fields in the official form's order."""
        sections = []
        for section in self.spec.form.sections:
            items = []
            for f in section.fields:
                kind = f.effective_type
                item = LayoutItem(spec=f, kind=kind)
                if kind in ("photo", "video"):
                    pass
                elif kind == "group":
                    item.subfields = [self[f"{f.key}__{sub.key}"] for sub in f.fields]
                elif kind in ROW_COLUMNS or kind == "table":
                    columns = self._columns(f)
                    item.columns = [(key, label) for key, label, *_r in columns]
                    item.rows = [
                        [self[f"{f.key}__{i}__{key}"] for key, *_r in columns]
                        for i in range(self._row_counts.get(f.key, 0))
                    ]
                else:
                    item.bound = self[f.key]
                items.append(item)
            sections.append((section.title, items))
        if self.claims_field is not None:
            claims = LayoutItem(
                spec=self.claims_field, kind="multichoice", bound=self["claimed_conditions"]
            )
            sections.append((_("申报依据"), [claims]))
        return sections


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
