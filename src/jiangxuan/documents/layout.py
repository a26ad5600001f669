"""What the official documents show, prepared once for every output format.

:func:`form_rows` lays a nomination out on its campaign's official form as a grid of
cells (label, value, sub-table, photo box, opinion/seal box) with column and row spans;
the DOCX and the PDF renderers draw the same grid. :func:`summary_column` says how a
column of the summary sheet (汇总表) is filled. Personal data is masked here (core.masking)
unless the caller says the viewer may see it, so no renderer can forget to.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from jiangxuan.campaigns.enums import (
    ContestLevel,
    HonourCategory,
    HonourLevel,
    Medal,
    PatentKind,
    ProfessionalTitle,
    SkillLevel,
    StepKind,
)
from jiangxuan.campaigns.spec import CORE_FIELDS, CampaignSpec, FormField, FormSection
from jiangxuan.core.masking import PersonalDataKind, mask
from jiangxuan.nominations.enums import Education, Identity, PoliticalStatus, Sex
from jiangxuan.nominations.models import Nomination
from jiangxuan.nominations.validators import age_on

logger = logging.getLogger(__name__)

#: Columns of the form grid. 12 divides evenly into 2, 3, 4 and 6 sub-table columns.
GRID = 12
LABEL_SPAN = 2
VALUE_SPAN = 2
#: Rows the photo box spans at most (the paper forms put it beside the first rows).
PHOTO_ROWS = 4

CHECKED, UNCHECKED = "☑", "□"
#: Space between two seals in one box (e.g. 人社 and 工会 stamping side by side).
SEAL_GAP = " " * 16

MASKED_TYPES = {
    "id_number": PersonalDataKind.ID_NUMBER,
    "phone": PersonalDataKind.PHONE,
    "landline": PersonalDataKind.PHONE,
    "bank_account": PersonalDataKind.BANK_ACCOUNT,
}
LIST_TYPES = {"table", "work_history", "honours", "patents", "contests"}
SHORT_TYPES = {"text", "date", "year_month", "integer", "phone", "landline", "boolean", "video"}
#: Core text fields that need a whole row on every paper form.
WIDE_KEYS = {"workplace_name", "address", "email", "id_number", "bank_account", "industry"}
#: A choice whose options fit in a short value cell (e.g. ☑男 □女).
SHORT_CHOICE_CHARS = 8

CORE_CHOICES: dict[str, type[models.TextChoices]] = {
    "sex": Sex,
    "political_status": PoliticalStatus,
    "education": Education,
    "skill_level": SkillLevel,
    "professional_title": ProfessionalTitle,
    "identity": Identity,
}
#: Enum labels for values inside list rows (honours, contests).
ROW_VALUE_CHOICES: dict[str, type[models.TextChoices]] = {
    "medal": Medal,
    "category": HonourCategory,
}
#: Enum labels for the ``kind`` of a list row, per list (专利类型).
ROW_KIND_CHOICES: dict[str, type[models.TextChoices]] = {"patents": PatentKind}
ROW_LEVEL_CHOICES: dict[str, type[models.TextChoices]] = {
    "honours": HonourLevel,
    "contests": ContestLevel,
}

#: Labels for row keys of list fields whose specification names no columns.
ROW_KEY_LABELS = {
    "period": "起止时间",
    "start": "起始时间",
    "end": "截止时间",
    "date": "时间",
    "year": "年份",
    "name": "名称",
    "title": "名称",
    "workplace": "单位",
    "unit": "单位",
    "org": "单位",
    "post": "职务",
    "level": "级别",
    "issuer": "授予单位",
    "number": "编号",
    "kind": "类别",
    "category": "类别",
    "rank": "名次",
    "medal": "奖项",
    "witness": "证明人",
    "evidence": "证明人或证明材料",
    "note": "备注",
}


@dataclass
class Cell:
    """One cell of the form grid.

    ``kind`` is one of ``label``, ``value``, ``heading``, ``column`` (a sub-table's column
    head), ``photo`` and ``seal``; ``tall`` asks for room to write (long text, seals). A
    seal cell's ``text`` holds its seal marks and ``date_line`` the date to fill in.
    """

    kind: str
    text: str = ""
    colspan: int = 1
    rowspan: int = 1
    tall: bool = False
    image: bytes | None = None
    date_line: str = ""

    @property
    def image_data_uri(self) -> str:
        """The photo as a data: URI for the HTML renderer ("" without a photo)."""
        if not self.image:
            return ""
        mime = "image/png" if self.image.startswith(b"\x89PNG") else "image/jpeg"
        return f"data:{mime};base64,{base64.b64encode(self.image).decode()}"


@dataclass
class FormLayout:
    """A nomination laid out on its campaign's form: title, grid rows, notes."""

    title: str
    subtitle: str
    paper: str
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    grid: int = GRID


# --------------------------------------------------------------------------- values


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        text = value.strip()
        for fmt in ("%Y-%m-%d", "%Y-%m", "%Y/%m/%d", "%Y/%m", "%Y.%m.%d", "%Y.%m"):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    return None


def format_date(value: Any, *, month_only: bool = False) -> str:
    """A date as the paper forms write it: ``1980年5月12日`` or ``1980年5月``.

    Accepts a date, a datetime or an ISO-like string; other strings come back unchanged.
    """
    day = _as_date(value)
    if day is None:
        return "" if value in (None, "") else str(value)
    if month_only:
        return _("%(y)d年%(m)d月") % {"y": day.year, "m": day.month}
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def _strip_note(label: str) -> str:
    # "技师（二级）" matches a form's option "技师".
    return re.sub(r"（[^）]*）|\([^)]*\)", "", label).strip()


def _choice_label(key: str, value: Any) -> str:
    choices = CORE_CHOICES.get(key)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return "" if value is None else str(value)


def _options(form_field: FormField, selected: list[str]) -> list[str]:
    if form_field.choices:
        return list(form_field.choices)
    choices = CORE_CHOICES.get(form_field.key)
    if choices is None:
        return selected
    # "无" is a value, not an option the paper forms print; keep it only when chosen.
    return [str(label) for value, label in choices.choices if value != "none" or value in selected]


#: A form's option that stands for several stored values (威海工匠申报表: 高级职称 is
#: 副高级 or 正高级).
OPTION_COVERS = {"高级职称": {"副高级职称", "正高级职称"}}


def _is_selected(option: str, selected_labels: list[str]) -> bool:
    return any(
        option == label
        or _strip_note(option) == _strip_note(label)
        or label in OPTION_COVERS.get(option, ())
        for label in selected_labels
    )


def format_choices(form_field: FormField, value: Any) -> str:
    """All options of a choice field with ☑ on the chosen ones and □ on the others, as the
    paper forms print them (``□高级技师 ☑技师 …``)."""
    kind = form_field.effective_type
    if kind == "boolean":
        return "  ".join(
            f"{CHECKED if value is flag else UNCHECKED}{text}"
            for flag, text in ((True, _("是")), (False, _("否")))
        )
    values = value if isinstance(value, list) else ([] if value in (None, "") else [value])
    labels = [_choice_label(form_field.key, v) for v in values]
    options = _options(form_field, [str(v) for v in values])
    return "  ".join(
        f"{CHECKED if _is_selected(option, labels) else UNCHECKED}{option}" for option in options
    )


def raw_value(nomination: Nomination, key: str, *, group: str | None = None) -> Any:
    """The stored value of a form field: a column for core keys, else ``extra[key]``
    (or ``extra[group][key]`` for a sub-field of a group stored as a mapping)."""
    if key in CORE_FIELDS:
        return getattr(nomination, key, None)
    extra = nomination.extra or {}
    if group is not None and isinstance(extra.get(group), dict):
        return extra[group].get(key)
    return extra.get(key)


def format_value(kind: str, value: Any, *, unmasked: bool) -> str:
    """A scalar value as text; personal data masked unless ``unmasked``."""
    if value is None or value == "":
        return ""
    if kind in MASKED_TYPES:
        text = str(value)
        return text if unmasked else mask(text, MASKED_TYPES[kind])
    if kind == "date":
        return format_date(value)
    if kind == "year_month":
        return format_date(value, month_only=True)
    if isinstance(value, list):
        return "；".join(str(item) for item in value)
    return str(value)


def is_award_choice(form_field: FormField, spec: CampaignSpec) -> bool:
    """Whether a choice field offers the campaign's awards (seed 001 封面: 推荐类别
    □长春技能大奖 □长春技术能手): its answer is the nomination's award."""
    return form_field.effective_type == "choice" and set(form_field.choices) == {
        a.name for a in spec.awards
    }


def field_text(nomination: Nomination, form_field: FormField, *, unmasked: bool, group=None) -> str:
    """The text a scalar form field shows for ``nomination``."""
    value = raw_value(nomination, form_field.key, group=group)
    kind = form_field.effective_type
    if value in (None, "") and is_award_choice(form_field, nomination.campaign.specification):
        value = nomination.award.name
    if kind in ("choice", "multichoice", "boolean"):
        return format_choices(form_field, value)
    return format_value(kind, value, unmasked=unmasked)


def list_columns(form_field: FormField, rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(key, label) of a list field's columns: the specification's, else the keys found in
    its rows in first-seen order (``code`` is dropped beside ``name``)."""
    if form_field.columns:
        return [(c.key, c.label) for c in form_field.columns]
    keys: list[str] = []
    for row in rows:
        for key in row:
            if key not in keys:
                keys.append(key)
    if "name" in keys and "code" in keys:
        keys.remove("code")
    return [(key, ROW_KEY_LABELS.get(key, key)) for key in keys]


def row_cell_text(list_kind: str, key: str, value: Any) -> str:
    """One value of a list row, with enum codes (level, medal) shown as their labels."""
    choices = (
        ROW_VALUE_CHOICES.get(key)
        or (ROW_LEVEL_CHOICES.get(list_kind) if key == "level" else None)
        or (ROW_KIND_CHOICES.get(list_kind) if key == "kind" else None)
    )
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    if key in ("date", "start", "end"):
        return format_date(value, month_only=True)
    return "" if value is None else str(value)


def list_rows(nomination: Nomination, form_field: FormField, *, group=None) -> list[dict]:
    """The rows of a list field (a list of mappings; anything else gives no rows)."""
    value = raw_value(nomination, form_field.key, group=group)
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


# --------------------------------------------------------------------------- form grid


def spans(count: int, width: int) -> list[int]:
    """Split ``width`` grid columns among ``count`` cells as evenly as possible (the first
    ones get the remainder)."""
    base, extra = divmod(width, count)
    return [base + (1 if i < extra else 0) for i in range(count)]


def _classify(form_field: FormField) -> str:
    kind = form_field.effective_type
    if kind in LIST_TYPES:
        return "list"
    if kind == "group":
        return "group"
    if kind == "textarea":
        return "long"
    if kind in ("choice", "multichoice", "boolean"):
        text = format_choices(form_field, None)
        return "short" if len(text) <= SHORT_CHOICE_CHARS else "wide"
    if (
        kind in SHORT_TYPES
        and form_field.key not in WIDE_KEYS
        and (form_field.max_chars or 0) <= 20
    ):
        return "short"
    return "wide"


class _Packer:
    """Lays fields out row by row: short fields two or three to a row (label + value),
    wide and long fields across the row, lists and groups as blocks with a label spanning
    their rows. While ``photo_rows`` is open, rows leave the last two columns free."""

    def __init__(self, nomination: Nomination, *, unmasked: bool, group: str | None = None):
        self.nomination = nomination
        #: Fields printed inside another field's cell (``printed_with``), by key.
        self.joined: dict[str, FormField] = {}
        self.unmasked = unmasked
        self.group = group
        self.rows: list[list[Cell]] = []
        self.current: list[Cell] = []
        self.used = 0
        self.width = GRID
        self.photo_open = False
        self.photo_rows = 0

    def _row_width(self) -> int:
        return self.width - (VALUE_SPAN if self.photo_open else 0)

    def _emit(self, row: list[Cell]) -> None:
        self.rows.append(row)
        if self.photo_open:
            self.photo_rows += 1
            if self.photo_rows >= PHOTO_ROWS:
                self.photo_open = False

    def _flush(self) -> None:
        if self.current:
            self.current[-1].colspan += self._row_width() - self.used
            self._emit(self.current)
        self.current, self.used = [], 0

    def _close_photo(self) -> None:
        self._flush()
        self.photo_open = False

    def _joined_text(self, form_field: FormField) -> str:
        # One cell for several fields (工种及技术等级: 钳工  高级技师): each prints its
        # value, a choice only its chosen label.
        parts = []
        for each in [form_field, *(self.joined[k] for k in form_field.printed_with)]:
            if each.effective_type in ("choice", "multichoice"):
                value = raw_value(self.nomination, each.key, group=self.group)
                values = value if isinstance(value, list) else [value]
                parts += [_choice_label(each.key, v) for v in values if v not in (None, "", "none")]
            else:
                parts.append(field_text(self.nomination, each, unmasked=self.unmasked))
        return "  ".join(p for p in parts if p)

    def add(self, form_field: FormField) -> None:
        kind = _classify(form_field)
        label = Cell("label", form_field.printed_label or form_field.label, colspan=LABEL_SPAN)
        if form_field.printed_with:
            if self.used + LABEL_SPAN + VALUE_SPAN > self._row_width():
                self._flush()
            self.current += [
                label,
                Cell("value", self._joined_text(form_field), colspan=VALUE_SPAN),
            ]
            self.used += LABEL_SPAN + VALUE_SPAN
            return
        if kind == "short":
            if self.used + LABEL_SPAN + VALUE_SPAN > self._row_width():
                self._flush()
            text = field_text(self.nomination, form_field, unmasked=self.unmasked, group=self.group)
            self.current += [label, Cell("value", text, colspan=VALUE_SPAN)]
            self.used += LABEL_SPAN + VALUE_SPAN
            return
        if kind == "wide":
            self._flush()
            text = field_text(self.nomination, form_field, unmasked=self.unmasked, group=self.group)
            self._emit([label, Cell("value", text, colspan=self._row_width() - LABEL_SPAN)])
            return
        self._close_photo()
        if kind == "long":
            text = field_text(self.nomination, form_field, unmasked=self.unmasked, group=self.group)
            self._emit([label, Cell("value", text, colspan=self.width - LABEL_SPAN, tall=True)])
        elif kind == "list":
            self.rows += _list_block(self.nomination, form_field, self.width, group=self.group)
        else:
            inner = _Packer(self.nomination, unmasked=self.unmasked, group=form_field.key)
            inner.width = self.width - LABEL_SPAN
            for sub in form_field.fields:
                inner.add(sub)
            inner.finish()
            label.rowspan = len(inner.rows)
            inner.rows[0].insert(0, label)
            self.rows += inner.rows

    def finish(self) -> None:
        self._close_photo()


def _list_block(
    nomination: Nomination, form_field: FormField, width: int, *, group
) -> list[list[Cell]]:
    """A list field as a sub-table: the label spans the column heads and the data rows
    (at least one empty row, so the printed form has room to write)."""
    data = list_rows(nomination, form_field, group=group)
    columns = [([key], text) for key, text in list_columns(form_field, data)] or [([], "")]
    inner = width - LABEL_SPAN
    rows: list[list[Cell]] = []
    label: Cell | None = None
    if len(columns) > inner:
        # Too many columns beside the label: the label takes a row of its own, and columns
        # beyond the grid share its last column.
        rows.append([Cell("label", form_field.label, colspan=width)])
        inner = width
        if len(columns) > width:
            rest = columns[width - 1 :]
            columns = [
                *columns[: width - 1],
                ([k for keys, _t in rest for k in keys], "、".join(t for _k, t in rest)),
            ]
    else:
        label = Cell("label", form_field.label, colspan=LABEL_SPAN, rowspan=1 + max(1, len(data)))
    widths = spans(len(columns), inner)
    head = [
        Cell("column", text, colspan=span)
        for (_keys, text), span in zip(columns, widths, strict=True)
    ]
    rows.append(([label] if label else []) + head)
    kind = form_field.effective_type
    for item in data or [{}]:
        rows.append(
            [
                Cell(
                    "value",
                    " ".join(filter(None, (row_cell_text(kind, k, item.get(k)) for k in keys))),
                    colspan=span,
                )
                for (keys, _text), span in zip(columns, widths, strict=True)
            ]
        )
    return rows


def _photo_cell(nomination: Nomination, label: str, rowspan: int) -> Cell:
    return Cell("photo", label, colspan=VALUE_SPAN, rowspan=rowspan, image=photo_of(nomination))


def photo_of(nomination: Nomination) -> bytes | None:
    """The nominee's photo for the form, or None: the newest image evidence filed as
    material ``photo`` (evidence images are re-encoded on upload, so safe to embed)."""
    evidence = (
        nomination.evidence.filter(material="photo", content_type__startswith="image/")
        .order_by("-id")
        .first()
    )
    if evidence is None:
        return None
    try:
        with evidence.file.open("rb") as handle:
            return handle.read()
    except OSError:
        # A lost file must not block the form: the box stays empty for a glued-in photo.
        logger.warning("photo file of evidence %s cannot be read", evidence.id)
        return None


def _printed_fields(section: FormSection, spec: CampaignSpec) -> list[FormField]:
    """The section's fields in the order printed: fields another one prints with
    (``printed_with``) left out, ``reprints`` put in after their field (or first)."""
    joined = {key for f in section.fields for key in f.printed_with}
    by_key = {f.key: f for f in spec.form.all_fields()}

    def reprinted(after: str | None) -> list[FormField]:
        return [
            by_key[r.key].model_copy(update={"label": r.label, "printed_with": []})
            for r in section.reprints
            if r.after == after and r.key in by_key
        ]

    fields = reprinted(None)
    for form_field in section.fields:
        if form_field.key not in joined:
            fields += [form_field, *reprinted(form_field.key)]
    return fields


def _section_rows(
    nomination: Nomination, section: FormSection, *, unmasked: bool
) -> list[list[Cell]]:
    fields = _printed_fields(section, nomination.campaign.specification)
    photo = next((f for f in fields if f.effective_type == "photo"), None)
    packer = _Packer(nomination, unmasked=unmasked)
    packer.joined = {f.key: f for f in section.fields}
    packer.photo_open = photo is not None
    for form_field in fields:
        if form_field.effective_type != "photo":
            packer.add(form_field)
    packer.finish()
    rows = packer.rows
    if photo is not None:
        if packer.photo_rows:
            rows[0].append(_photo_cell(nomination, photo.label, packer.photo_rows))
        else:
            rows.insert(
                0,
                [Cell("value", colspan=GRID - VALUE_SPAN), _photo_cell(nomination, photo.label, 1)],
            )
    return rows


def _award_row(spec: CampaignSpec, nomination: Nomination) -> list[Cell]:
    chosen = nomination.award.code if nomination.award_id else ""
    text = "  ".join(f"{CHECKED if a.code == chosen else UNCHECKED}{a.name}" for a in spec.awards)
    return [
        Cell("label", _("推荐类别"), colspan=LABEL_SPAN),
        Cell("value", text, colspan=GRID - LABEL_SPAN),
    ]


@dataclass(frozen=True)
class OpinionBox:
    """An opinion box of the form: its label and how many bodies stamp it."""

    label: str
    seals: int = 1


def _is_approval_box(label: str) -> bool:
    return "审批" in label or "审定" in label


def opinion_boxes(spec: CampaignSpec) -> list[OpinionBox]:
    """The form's opinion and seal boxes, in the order printed (seed 000 附件2).

    First the extra boxes (``form.extra_opinion_boxes``, e.g. 各有关部门、单位意见), then
    each review level's ``seal_labels``, then the extra boxes of the government approval
    (审批/审定, e.g. 省委审批意见) when the review chain has a government approval step.
    A level with one label and several signers (市州人社工会审核意见: 人社 and 工会) gets
    one seal per signer in its box.
    """
    has_approval = any(s.kind == StepKind.GOVERNMENT_APPROVAL for s in spec.review_chain.steps)
    extras = spec.form.extra_opinion_boxes
    last = [label for label in extras if has_approval and _is_approval_box(label)]
    boxes = [OpinionBox(label) for label in extras if label not in last]
    for level in spec.review_chain.levels:
        seals = len(level.signers) if len(level.seal_labels) == 1 else 1
        boxes += [OpinionBox(label, seals) for label in level.seal_labels]
    return boxes + [OpinionBox(label) for label in last]


def opinion_labels(spec: CampaignSpec) -> list[str]:
    """Labels of :func:`opinion_boxes`, in order."""
    return [box.label for box in opinion_boxes(spec)]


def form_rows(nomination: Nomination, *, unmasked: bool) -> FormLayout:
    """Lay ``nomination`` out on its campaign's official form.

    Args:
        nomination: with ``campaign`` and ``award`` loaded (``nomination_for`` does).
        unmasked: whether the viewer may see ID number, phones and bank account in full
            (``nominations.view_personal_data``); otherwise they are masked.
    Returns:
        The layout: title, subtitle, paper (A4/A3), a 推荐类别 row when the campaign has
        several awards and the form does not ask for one, grid rows of :class:`Cell` in
        the order of ``form.sections[].fields[]`` (sections marked ``printed: false``
        left out), one empty opinion/seal box per label of
        :func:`opinion_labels` (stamped by hand on paper), and the form's notes.
    """
    spec = nomination.campaign.specification
    form = spec.form
    layout = FormLayout(
        title=form.title, subtitle=form.subtitle, paper=form.paper, notes=list(form.notes)
    )
    printed = [section for section in form.sections if section.printed]
    asks_award = any(is_award_choice(f, spec) for s in printed for f in s.fields)
    if len(spec.awards) > 1 and not asks_award:
        layout.rows.append(_award_row(spec, nomination))
    for section in printed:
        if section.title:
            layout.rows.append([Cell("heading", section.title, colspan=GRID)])
        layout.rows += _section_rows(nomination, section, unmasked=unmasked)
    seal, date = _("（盖章）"), _("年    月    日")
    for box in opinion_boxes(spec):
        layout.rows.append(
            [
                Cell("label", box.label, colspan=LABEL_SPAN),
                Cell(
                    "seal",
                    SEAL_GAP.join([seal] * box.seals),
                    colspan=GRID - LABEL_SPAN,
                    tall=True,
                    date_line=SEAL_GAP.join([date] * box.seals),
                ),
            ]
        )
    return layout


# --------------------------------------------------------------------------- summary sheet


def reference_date(spec: CampaignSpec) -> dt.date:
    """The day ages are counted on: the submission deadline of the campaign (Asia/Shanghai),
    else its opening, else 31 December of the campaign year."""
    submission = spec.timeline.submission
    moment = submission.closes_at or submission.opens_at
    return moment.date() if moment else dt.date(spec.year, 12, 31)


def _form_field(spec: CampaignSpec, key: str) -> FormField | None:
    for form_field in spec.form.all_fields():
        if form_field.key == key:
            return form_field
        for sub in form_field.fields:
            if sub.key == key:
                return sub
    return None


#: A summary-sheet cell: (nomination, running number, unmasked) -> the value written.
SummaryCell = Callable[[Nomination, int, bool], str | int]


def _choice_labels(key: str) -> dict[Any, str]:
    """``{stored value: label}`` of a core choice field (translated once, for a whole
    column); empty for other keys, whose values print as they are."""
    choices = CORE_CHOICES.get(key)
    return {value: str(label) for value, label in choices.choices} if choices else {}


def _labelled(labels: dict[Any, str], value: Any) -> str:
    """What :func:`_choice_label` gives, from labels resolved beforehand."""
    if value is None:
        return ""
    return labels[value] if value in labels else str(value)


def summary_column(spec: CampaignSpec, key: str) -> SummaryCell:
    """How the summary sheet fills column ``key``: a function of (nomination, running
    number, unmasked) giving one cell. Everything that depends on the column alone (its
    form field, its type, its choice labels, the day ages are counted on) is resolved
    here, once per column, not once per row (issue 17.4).

    Computed keys (campaigns.spec.SUMMARY_KEYS): ``rank`` (the nominating unit's 排序),
    ``seq`` (the running number), ``award``, ``age`` (full years on
    :func:`reference_date`), ``skill_level_label`` (技能等级 and/or 职称), and
    ``nominating_unit``. Other keys are form fields, formatted and masked as on the form;
    list fields are joined with "；". The fields each key reads: :func:`summary_fields`.
    """
    if key == "seq":
        return lambda nomination, seq, unmasked: seq
    if key == "rank":
        return lambda nomination, seq, unmasked: (
            nomination.rank if nomination.rank is not None else ""
        )
    if key == "award":
        return lambda nomination, seq, unmasked: nomination.award.name
    if key == "age":
        day = reference_date(spec)
        return lambda nomination, seq, unmasked: (
            age_on(nomination.birth_date, day) if nomination.birth_date else ""
        )
    if key == "skill_level_label":
        levels = [(k, _choice_labels(k)) for k in ("skill_level", "professional_title")]
        return lambda nomination, seq, unmasked: "、".join(
            _labelled(labels, getattr(nomination, k))
            for k, labels in levels
            if getattr(nomination, k) not in ("", None, "none")
        )
    if key == "nominating_unit":
        return lambda nomination, seq, unmasked: (
            nomination.nominating_unit.name if nomination.nominating_unit is not None else ""
        )
    form_field = _form_field(spec, key) or FormField(key=key, label=key)
    kind = form_field.effective_type
    if kind in LIST_TYPES:

        def joined(nomination: Nomination, seq: int, unmasked: bool) -> str:
            rows = list_rows(nomination, form_field)
            columns = list_columns(form_field, rows)
            return "；".join(
                " ".join(filter(None, (row_cell_text(kind, k, row.get(k)) for k, _l in columns)))
                for row in rows
            )

        return joined
    if kind in ("choice", "multichoice"):
        labels = _choice_labels(key)

        def chosen(nomination: Nomination, seq: int, unmasked: bool) -> str:
            value = raw_value(nomination, key)
            values = value if isinstance(value, list) else [value]
            return "、".join(_labelled(labels, v) for v in values if v not in (None, ""))

        return chosen
    if kind == "boolean":
        yes, no = _("是"), _("否")

        def flag(nomination: Nomination, seq: int, unmasked: bool) -> str:
            value = raw_value(nomination, key)
            return "" if value is None else (yes if value else no)

        return flag
    return lambda nomination, seq, unmasked: format_value(
        kind, raw_value(nomination, key), unmasked=unmasked
    )


#: The nomination fields each computed summary column reads (:func:`summary_column`).
SUMMARY_KEY_FIELDS: dict[str, tuple[str, ...]] = {
    "seq": (),
    "rank": ("rank",),
    "award": ("award",),
    "age": ("birth_date",),
    "skill_level_label": ("skill_level", "professional_title"),
    "nominating_unit": ("nominating_unit",),
}


def summary_fields(spec: CampaignSpec) -> set[str]:
    """The Nomination fields the campaign's summary-sheet columns read: a core field's
    column, the fields of :data:`SUMMARY_KEY_FIELDS`, and ``extra`` for the campaign's own
    fields (issue 17.4: the sheet fetches only its columns)."""
    model_fields = {f.name for f in Nomination._meta.concrete_fields}
    fields: set[str] = set()
    for column in spec.summary_sheet.columns:
        if column.key in SUMMARY_KEY_FIELDS:
            fields.update(SUMMARY_KEY_FIELDS[column.key])
        elif column.key in model_fields:
            fields.add(column.key)
        else:
            fields.add("extra")
    return fields
