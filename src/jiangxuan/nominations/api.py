"""API: nominations (create, edit, submit, withdraw, read), eligibility, evidence,
document links, and a unit's quota use.

Every object is fetched through ``nominations_visible_to`` (via ``nomination_for``), so a
nomination outside the user's scope answers 404 whatever the action; a visible one the
user may not act on answers 403 (the services raise PermissionDenied). Edits go through
the web pages' form (forms.NominationForm, which also collects claims of judged conditions),
so a value is validated the same way in both; the API takes natural JSON (lists of
objects, objects for groups) and flattens it into the form's ``<key>__<row>__<column>``
names.

Personal data (ID number, phones, bank account) is masked unless the user may see it
(``nominations.view_personal_data``) and asks with ``?unmasked=1``; such a read is
audited (docs/security.md check 20).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, UploadedFile
from ninja.responses import Status, codes_4xx
from pydantic import Field

from jiangxuan.accounts.api_common import ALL_ROLES, UnitRef, home_unit, unit_ref
from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.http import ApiRequest
from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.accounts.selectors import units_in_scope
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.api import visible_campaign
from jiangxuan.campaigns.enums import RuleStatus
from jiangxuan.campaigns.models import Award, Campaign
from jiangxuan.campaigns.selectors import (
    awards_of,
    campaigns_visible_to,
    category_of,
    nominating_unit_for,
)
from jiangxuan.core.api_errors import ErrorOut, field_error, not_found
from jiangxuan.core.audit import record_audit
from jiangxuan.core.masking import PersonalDataKind, mask

from . import services
from .enums import NominationState
from .forms import ROW_COLUMNS, NominationForm
from .models import Evidence, Nomination
from .selectors import list_rows, nomination_for, nominations_visible_to

router = Router(tags=["推荐"])

#: Form field types holding personal data, and how each is masked.
MASKED_TYPES = {
    "id_number": PersonalDataKind.ID_NUMBER,
    "phone": PersonalDataKind.PHONE,
    "bank_account": PersonalDataKind.BANK_ACCOUNT,
}
#: The claim of judged conditions (申报依据), a form field even where the spec omits it.
CLAIMS = "claimed_conditions"
PERMISSIONS = (
    "change_nomination",
    "submit_nomination",
    "withdraw_nomination",
    "override_eligibility",
    "view_personal_data",
)


# --------------------------------------------------------------------------- schemas


class EvidenceOut(Schema):
    id: int
    material: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: dt.datetime
    url: str


class NominationSummaryOut(Schema):
    id: int
    campaign: str
    award: str
    award_name: str
    name: str
    state: NominationState
    state_label: str
    level: str
    nominating_unit: UnitRef | None
    workplace: UnitRef | None
    eligibility_status: str
    submitted_at: dt.datetime | None
    updated_at: dt.datetime


class NominationOut(NominationSummaryOut):
    channel: str
    rank: int | None
    created_by: str
    created_at: dt.datetime
    publication_consent: bool
    editable: bool
    permissions: dict[str, bool] = Field(description="当前用户对本推荐可执行的操作")
    masked: bool = Field(description="个人信息是否已脱敏")
    fields: dict[str, Any] = Field(description="推荐表各项，键为活动规范中的字段代码")
    evidence: list[EvidenceOut]
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="本次保存未通过校验、未保存的字段（仅 PATCH）"
    )


class NominationPage(Schema):
    items: list[NominationSummaryOut]
    count: int
    page: int
    page_size: int


class NominationFilter(Schema):
    campaign: str | None = Field(None, description="评选活动代码")
    state: NominationState | None = Field(None, description="状态")
    award: str | None = Field(None, description="奖项代码")
    page: int = Field(1, ge=1, le=100_000, description="页码，从 1 开始，至多 100000")
    page_size: int = Field(50, ge=1, le=200, description="每页条数")


class UnmaskIn(Schema):
    unmasked: bool = Field(False, description="显示完整个人信息（须有权限，并记入审计）")


class QuotaQuery(Schema):
    unit: str | None = Field(None, description="推荐单位代码；默认为本人所在的推荐单位")


class NominationCreateIn(Schema):
    campaign: str = Field(description="评选活动代码")
    award: str = Field(description="奖项代码")
    workplace: int | None = Field(None, description="所在单位 id；默认为经办人所在单位")
    channel: str | None = Field(
        None,
        description="推荐渠道代码；默认为单位推荐渠道（社会团体经办人为社团推荐渠道）；"
        "个人自荐等有受理单位的渠道只能由受理单位经办人选择",
    )


class NominationPatchIn(Schema):
    fields: dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "推荐表字段：简单字段为文本/数字/布尔值；荣誉、工作简历、专利、竞赛和表格字段"
            "为对象列表（整体替换）；分组字段为对象；多选为文本列表。"
        ),
    )
    award: str | None = Field(None, description="改报的奖项代码")
    publication_consent: bool | None = Field(None, description="本人是否同意公示")


class WithdrawIn(Schema):
    reason: str = Field(max_length=500, description="撤回原因")


class OverrideIn(Schema):
    rule_code: str = Field(description="不符合的评选条件代码")
    reason: str = Field(max_length=2000, description="特批理由")


class RuleResultOut(Schema):
    code: str
    label: str
    source: str
    status: str
    status_label: str
    reason: str
    overridden: bool
    items: list[RuleResultOut]


class OverrideOut(Schema):
    rule_code: str
    reason: str
    decided_by: str
    decided_at: dt.datetime


class EligibilityOut(Schema):
    status: str
    status_label: str
    results: list[RuleResultOut]
    overrides: list[OverrideOut]


class DocumentLinkOut(Schema):
    kind: str
    format: str
    title: str
    url: str


class QuotaOut(Schema):
    category: str
    category_name: str
    award: str | None
    used: int
    minimum: int
    maximum: int | None
    full: bool


class QuotasOut(Schema):
    unit: UnitRef | None
    quotas: list[QuotaOut]


# --------------------------------------------------------------------------- output


def _visible(request: ApiRequest, nomination_id: int) -> Nomination:
    nomination = nomination_for(request.auth, nomination_id)
    if nomination is None:
        raise not_found()
    return nomination


def _plain(value: Any, kind: str) -> Any:
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m") if kind == "year_month" else value.isoformat()
    return value


def _masked(value: Any, kind: str) -> Any:
    if kind in MASKED_TYPES and isinstance(value, str):
        return mask(value, MASKED_TYPES[kind])
    return value


def form_values(nomination: Nomination, *, masked: bool) -> dict[str, Any]:
    """The nomination's form values as natural JSON, keyed by the spec's field codes.

    Dates are ISO strings (``YYYY-MM`` for year-month fields); lists of rows are lists of
    objects; groups are objects. Personal data types are masked when ``masked``.
    """
    extra = nomination.extra or {}
    values: dict[str, Any] = {}
    for f in nomination.campaign.specification.form.all_fields():
        kind = f.effective_type
        if kind in ("photo", "video"):
            continue
        value = getattr(nomination, f.key) if f.key in s.CORE_FIELDS else extra.get(f.key)
        if kind == "group" and isinstance(value, dict):
            types = {sub.key: sub.effective_type for sub in f.fields}
            value = {
                k: _masked(_plain(v, types.get(k, "")), types.get(k, "")) if masked else v
                for k, v in value.items()
            }
        else:
            value = _plain(value, kind)
            if masked:
                value = _masked(value, kind)
        values[f.key] = value
    # The web form adds the claim of judged conditions when the spec's form lacks it.
    values.setdefault(CLAIMS, list(nomination.claimed_conditions or []))
    return values


def _evidence_out(evidence: Evidence) -> EvidenceOut:
    return EvidenceOut(
        id=evidence.pk,
        material=evidence.material,
        original_name=evidence.original_name,
        content_type=evidence.content_type,
        size=evidence.size,
        sha256=evidence.sha256,
        uploaded_at=evidence.created_at,
        url=reverse("api:download_evidence", args=[evidence.nomination_id, evidence.pk]),
    )


def _summary_fields(n: Nomination) -> dict[str, Any]:
    return {
        "id": n.pk,
        "campaign": n.campaign.code,
        "award": n.award.code,
        "award_name": n.award.name,
        "name": n.name,
        "state": n.state,
        "state_label": str(n.get_state_display()),
        "level": n.level,
        "nominating_unit": unit_ref(n.nominating_unit),
        "workplace": unit_ref(n.workplace),
        "eligibility_status": n.eligibility_status,
        "submitted_at": n.submitted_at,
        "updated_at": n.updated_at,
    }


def nomination_out(
    user: User,
    nomination: Nomination,
    *,
    unmasked: bool = False,
    errors: dict[str, list[str]] | None = None,
) -> NominationOut:
    """The full representation; ``unmasked`` only after the caller checked the permission."""
    return NominationOut(
        **_summary_fields(nomination),
        channel=nomination.channel,
        rank=nomination.rank,
        created_by=nomination.created_by.get_username(),
        created_at=nomination.created_at,
        publication_consent=nomination.publication_consent,
        editable=nomination.is_editable,
        permissions={p: user.has_perm(f"nominations.{p}", nomination) for p in PERMISSIONS},
        masked=not unmasked,
        fields=form_values(nomination, masked=not unmasked),
        evidence=[_evidence_out(e) for e in nomination.evidence.all()],
        errors=errors or {},
    )


def _eligibility_out(nomination: Nomination) -> EligibilityOut:
    def result(r: dict[str, Any]) -> RuleResultOut:
        return RuleResultOut(
            code=r["code"],
            label=r["label"],
            source=r["source"],
            status=r["status"],
            status_label=str(RuleStatus(r["status"]).label),
            reason=r["reason"],
            overridden=r.get("overridden", False),
            items=[result(item) for item in r.get("items", [])],
        )

    status = nomination.eligibility_status
    return EligibilityOut(
        status=status,
        status_label=str(RuleStatus(status).label) if status else "",
        results=[result(r) for r in nomination.eligibility or []],
        overrides=[
            OverrideOut(
                rule_code=o.rule_code,
                reason=o.reason,
                decided_by=o.decided_by.get_username(),
                decided_at=o.created_at,
            )
            for o in nomination.eligibility_overrides.select_related("decided_by")
        ],
    )


# --------------------------------------------------------------------------- input


def _scalar(value: Any, kind: str) -> tuple[Any, str | None]:
    """A JSON value as the form expects it, or an error message."""
    if value is None:
        return "", None
    if kind == "boolean":
        if isinstance(value, bool):
            return ("true" if value else "false"), None
        if value in ("true", "false", ""):
            return value, None
        return None, _("应为 true、false 或 null")
    if kind == "multichoice":
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value, None
        return None, _("应为文本列表")
    if isinstance(value, bool | dict | list):
        return None, _("应为文本或数字")
    return value, None


def _error_key(name: str) -> str:
    """``honours__0__year`` → ``honours[0].year``; ``group__sub`` → ``group.sub``."""
    parts = name.split("__")
    key = parts[0]
    for part in parts[1:]:
        key += f"[{part}]" if part.isdigit() else f".{part}"
    return key


def _current_data(form: NominationForm) -> dict[str, Any]:
    """The nomination's stored values under the form's field names, as if posted."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name)
        if value is not None:
            data[name] = field.prepare_value(value)
    return data


def _merge_patch(
    form: NominationForm, patch: dict[str, Any], current: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Overlay ``patch`` (natural JSON) on the stored values in the form's flat names.

    Returns the data to bind and the errors of values that could not be placed (unknown
    keys, wrong shapes); those fields keep their stored values. A personal value sent
    back exactly as the API masked it counts as unchanged.
    """
    data = _current_data(form)
    errors: dict[str, list[str]] = {}
    spec_fields = {f.key: f for f in form.spec.form.all_fields()}
    for key, value in patch.items():
        f = spec_fields.get(key)
        if f is None and key == CLAIMS and key in form.fields:
            converted, error = _scalar(value, "multichoice")
            if error:
                errors[key] = [error]
            else:
                data[key] = converted
            continue
        if f is None:
            errors[key] = [_("不是本活动推荐表的字段。")]
            continue
        kind = f.effective_type
        if kind in ("photo", "video"):
            errors[key] = [_("照片和视频请通过证明材料接口上传。")]
        elif kind == "group":
            _merge_group(f, value, data, errors, current.get(key) or {})
        elif kind in ROW_COLUMNS or kind == "table":
            _merge_rows(form, f, value, data, errors)
        else:
            if kind in MASKED_TYPES and value and value == current.get(key):
                continue
            converted, error = _scalar(value, kind)
            if error:
                errors[key] = [error]
            else:
                data[key] = converted
    return data, errors


def _merge_group(
    f: s.FormField,
    value: Any,
    data: dict[str, Any],
    errors: dict[str, list[str]],
    current: dict[str, Any],
) -> None:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        errors[f.key] = [_("应为对象（键: 值）")]
        return
    subs = {sub.key: sub for sub in f.fields}
    for sub_key, sub_value in value.items():
        sub = subs.get(sub_key)
        if sub is None:
            errors[f"{f.key}.{sub_key}"] = [_("不是该项的子项。")]
            continue
        kind = sub.effective_type
        if kind in MASKED_TYPES and sub_value and sub_value == current.get(sub_key):
            continue
        converted, error = _scalar(sub_value, kind)
        if error:
            errors[f"{f.key}.{sub_key}"] = [error]
        else:
            data[f"{f.key}__{sub_key}"] = converted


def _merge_rows(
    form: NominationForm,
    f: s.FormField,
    value: Any,
    data: dict[str, Any],
    errors: dict[str, list[str]],
) -> None:
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        errors[f.key] = [_("应为对象列表（每行一个对象）")]
        return
    columns = {key for key, *_rest in form._columns(f)}
    # Honour rows come back from the API with the catalogue's category; accept it.
    ignored = {"category"} if f.effective_type == "honours" else set()
    row_errors: dict[str, list[str]] = {}
    rows: dict[str, Any] = {}
    for i, row in enumerate(value):
        for col, cell in row.items():
            where = f"{f.key}[{i}].{col}"
            if col in ignored:
                continue
            if col not in columns:
                row_errors[where] = [_("不认识的列。")]
                continue
            converted, error = _scalar(cell, "text")
            if error:
                row_errors[where] = [error]
            else:
                rows[f"{f.key}__{i}__{col}"] = converted
    if row_errors:
        errors.update(row_errors)
        return
    # The list is replaced whole: drop the stored rows' cells first.
    for name in [n for n in data if n.startswith(f"{f.key}__")]:
        del data[name]
    data.update(rows)


def _award_by_code(campaign: Campaign, code: str) -> Award | None:
    return next((a for a in awards_of(campaign) if a.code == code), None)


# --------------------------------------------------------------------------- endpoints


@router.get("/nominations", response={200: NominationPage, codes_4xx: ErrorOut}, summary="推荐列表")
def list_nominations(request: ApiRequest, filters: Query[NominationFilter]) -> NominationPage:
    """本人有权查看的推荐，新建的在前；个人信息不在列表中返回。"""
    qs = list_rows(nominations_visible_to(request.auth))
    if filters.campaign:
        qs = qs.filter(campaign__code=filters.campaign)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.award:
        qs = qs.filter(award__code=filters.award)
    qs = qs.order_by("-created_at", "-id")
    page, page_size = filters.page, filters.page_size
    offset = (page - 1) * page_size
    return NominationPage(
        items=[NominationSummaryOut(**_summary_fields(n)) for n in qs[offset : offset + page_size]],
        count=qs.count(),
        page=page,
        page_size=page_size,
    )


@router.post("/nominations", response={201: NominationOut, codes_4xx: ErrorOut}, summary="新建推荐")
def create_nomination(request: ApiRequest, payload: NominationCreateIn) -> Status:
    """为某一奖项新建推荐草稿（推荐单位经办人）。"""
    user = request.auth
    campaign = campaigns_visible_to(user).filter(code=payload.campaign).first()
    if campaign is None:
        raise field_error(
            "campaign", _("评选活动 %(code)s 不存在，或您无权查看。") % {"code": payload.campaign}
        )
    award = _award_by_code(campaign, payload.award)
    if award is None:
        raise field_error(
            "award", _("该评选活动没有代码为 %(code)s 的奖项。") % {"code": payload.award}
        )
    workplace: OrgUnit | None = None
    if payload.workplace is not None:
        workplace = units_in_scope(user, {Role.CLERK}).filter(pk=payload.workplace).first()
        if workplace is None:
            raise field_error("workplace", _("所选单位不存在，或不在您的管辖范围内。"))
    nomination = services.create_nomination(
        campaign=campaign, award=award, actor=user, workplace=workplace, channel=payload.channel
    )
    return Status(201, nomination_out(user, _visible(request, nomination.pk)))


@router.get(
    "/nominations/{nomination_id}",
    response={200: NominationOut, codes_4xx: ErrorOut},
    summary="推荐详情",
)
def get_nomination(
    request: ApiRequest, nomination_id: int, options: Query[UnmaskIn]
) -> NominationOut:
    """推荐表全部内容、证明材料和当前用户可执行的操作。个人信息默认脱敏。"""
    user = request.auth
    nomination = _visible(request, nomination_id)
    unmasked = options.unmasked
    if unmasked:
        if not user.has_perm("nominations.view_personal_data", nomination):
            raise PermissionDenied(_("您无权查看此推荐的完整个人信息。"))
        record_audit(
            actor=user, action="nomination.view_unmasked", obj=nomination, after={"via": "api"}
        )
    return nomination_out(user, nomination, unmasked=unmasked)


@router.patch(
    "/nominations/{nomination_id}",
    response={200: NominationOut, codes_4xx: ErrorOut},
    summary="修改推荐草稿",
)
def update_nomination(
    request: ApiRequest, nomination_id: int, payload: NominationPatchIn
) -> NominationOut:
    """保存推荐表字段（只需提交要修改的字段）。与网页草稿相同：未通过校验的字段不保存，
    其余字段照常保存，错误按字段列在 ``errors`` 中。"""
    user = request.auth
    nomination = _visible(request, nomination_id)
    errors: dict[str, list[str]] = {}
    award = None
    if payload.award is not None:
        award = _award_by_code(nomination.campaign, payload.award)
        if award is None:
            errors["award"] = [
                _("该评选活动没有代码为 %(code)s 的奖项。") % {"code": payload.award}
            ]
    campaign = nomination.campaign
    stored = NominationForm(campaign, award or nomination.award, nomination=nomination)
    data, merge_errors = _merge_patch(stored, payload.fields, form_values(nomination, masked=True))
    errors.update(merge_errors)
    form = NominationForm(campaign, award or nomination.award, data, nomination=nomination)
    form.save_draft(actor=user, award=award, publication_consent=payload.publication_consent)
    for name, messages in form.errors.items():
        key = "fields" if name == "__all__" else _error_key(name)
        errors.setdefault(key, []).extend(str(m) for m in messages)
    return nomination_out(user, _visible(request, nomination_id), errors=errors)


@router.post(
    "/nominations/{nomination_id}/submit",
    response={200: NominationOut, codes_4xx: ErrorOut},
    summary="提交推荐",
)
def submit_nomination(request: ApiRequest, nomination_id: int) -> NominationOut:
    """在申报时间内提交推荐：检查必填项、评选条件和名额；不通过时说明原因，推荐不变。"""
    nomination = _visible(request, nomination_id)
    services.submit_nomination(nomination, actor=request.auth)
    return nomination_out(request.auth, nomination)


@router.post(
    "/nominations/{nomination_id}/withdraw",
    response={200: NominationOut, codes_4xx: ErrorOut},
    summary="撤回推荐",
)
def withdraw_nomination(
    request: ApiRequest, nomination_id: int, payload: WithdrawIn
) -> NominationOut:
    """撤回推荐（须填写原因）；撤回后不再计入名额。"""
    nomination = _visible(request, nomination_id)
    services.withdraw_nomination(nomination, actor=request.auth, reason=payload.reason)
    return nomination_out(request.auth, nomination)


@router.get(
    "/nominations/{nomination_id}/eligibility",
    response={200: EligibilityOut, codes_4xx: ErrorOut},
    summary="资格审核结果",
)
def get_eligibility(request: ApiRequest, nomination_id: int) -> EligibilityOut:
    """按奖项评选条件逐条给出的审核结果（符合、不符合、待核实）及特批记录。"""
    return _eligibility_out(_visible(request, nomination_id))


@router.post(
    "/nominations/{nomination_id}/eligibility/overrides",
    response={201: EligibilityOut, codes_4xx: ErrorOut},
    summary="特批不符合的评选条件",
)
def override_eligibility(request: ApiRequest, nomination_id: int, payload: OverrideIn) -> Status:
    """活动办公室对某条不符合的评选条件特批放行，须填写理由。"""
    nomination = _visible(request, nomination_id)
    services.override_eligibility(
        nomination, actor=request.auth, rule_code=payload.rule_code, reason=payload.reason
    )
    return Status(201, _eligibility_out(_visible(request, nomination_id)))


@router.post(
    "/nominations/{nomination_id}/evidence",
    response={201: EvidenceOut, codes_4xx: ErrorOut},
    summary="上传证明材料",
)
def upload_evidence(
    request: ApiRequest,
    nomination_id: int,
    material: Form[str],
    file: File[UploadedFile],
) -> Status:
    """上传一份证明材料（multipart：material 为材料项代码，file 为文件）。只接受 JPG、PNG、
    PDF、Word（.docx），视频项接受 MP4、MOV；类型按文件内容识别。"""
    nomination = _visible(request, nomination_id)
    evidence = services.add_evidence(nomination, actor=request.auth, material=material, upload=file)
    return Status(201, _evidence_out(evidence))


def _evidence(request: ApiRequest, nomination_id: int, evidence_id: int) -> Evidence:
    evidence = _visible(request, nomination_id).evidence.filter(pk=evidence_id).first()
    if evidence is None:
        raise not_found()
    return evidence


@router.get(
    "/nominations/{nomination_id}/evidence/{evidence_id}",
    response={200: None, codes_4xx: ErrorOut},
    summary="下载证明材料",
)
def download_evidence(request: ApiRequest, nomination_id: int, evidence_id: int) -> FileResponse:
    """以附件形式下载证明材料原件。"""
    evidence = _evidence(request, nomination_id, evidence_id)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


@router.delete(
    "/nominations/{nomination_id}/evidence/{evidence_id}",
    response={204: None, codes_4xx: ErrorOut},
    summary="删除证明材料",
)
def delete_evidence(request: ApiRequest, nomination_id: int, evidence_id: int) -> Status:
    """删除可修改推荐的一份证明材料。"""
    evidence = _evidence(request, nomination_id, evidence_id)
    services.delete_evidence(evidence, actor=request.auth)
    return Status(204, None)


@router.get(
    "/nominations/{nomination_id}/documents",
    response={200: list[DocumentLinkOut], codes_4xx: ErrorOut},
    summary="推荐文书下载链接",
)
def list_documents(request: ApiRequest, nomination_id: int) -> list[DocumentLinkOut]:
    """推荐表（Word、PDF）和本活动汇总表（Excel）的下载地址（API 令牌或登录会话均可下载）。"""
    nomination = _visible(request, nomination_id)
    spec = nomination.campaign.specification
    return [
        DocumentLinkOut(
            kind="nomination_form",
            format="docx",
            title=spec.form.title,
            url=reverse(
                "api:download_nomination_form",
                kwargs={"nomination_id": nomination.pk, "file_format": "docx"},
            ),
        ),
        DocumentLinkOut(
            kind="nomination_form",
            format="pdf",
            title=spec.form.title,
            url=reverse(
                "api:download_nomination_form",
                kwargs={"nomination_id": nomination.pk, "file_format": "pdf"},
            ),
        ),
        DocumentLinkOut(
            kind="summary_sheet",
            format="xlsx",
            title=spec.summary_sheet.title,
            url=reverse("api:download_summary_sheet", kwargs={"code": nomination.campaign.code}),
        ),
    ]


# --------------------------------------------------------------------------- quotas


def _nominating_unit(user: User, campaign: Campaign) -> OrgUnit | None:
    home = home_unit(user)
    if home is None:
        return None
    spec = campaign.specification
    return home if category_of(home, spec) else nominating_unit_for(home, spec)


@router.get(
    "/campaigns/{code}/quotas",
    response={200: QuotasOut, codes_4xx: ErrorOut},
    summary="推荐名额使用情况",
    tags=["评选活动"],
)
def get_quotas(request: ApiRequest, code: str, options: Query[QuotaQuery]) -> QuotasOut:
    """某推荐单位在本活动中的名额（下限、上限）和已提交数量。"""
    user = request.auth
    campaign = visible_campaign(request, code)
    if options.unit:
        target = units_in_scope(user, ALL_ROLES).filter(code=options.unit).first()
        if target is None:
            raise not_found()
    else:
        target = _nominating_unit(user, campaign)
    usages = services.quota_usage(campaign, target) if target is not None else []
    return QuotasOut(
        unit=unit_ref(target),
        quotas=[
            QuotaOut(
                category=u.category,
                category_name=u.category_name,
                award=u.award,
                used=u.used,
                minimum=u.minimum,
                maximum=u.maximum,
                full=u.full,
            )
            for u in usages
        ],
    )
