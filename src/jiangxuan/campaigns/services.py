"""Writes to campaigns: loading a specification file and editing it from the office UI."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Collection
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.enums import Role
from jiangxuan.accounts.models import OrgUnit
from jiangxuan.core.audit import record_audit
from jiangxuan.core.errors import DomainError
from jiangxuan.core.permissions import require

from .enums import CampaignState, SpecChange
from .lifecycle import ensure_writable
from .models import Award, Campaign, DeadlineKind, SpecVersion, UnitDeadline
from .selectors import deadline_for
from .spec import (
    CampaignSpec,
    SpecError,
    located_error,
    parse_spec,
    read_spec_text,
    replace_scalar,
    set_text_scalar,
)
from .texts import notice_texts, placeholder_problem


@functools.cache
def _parse_cached(text: str, source: str) -> CampaignSpec:
    # Specifications are frozen pydantic models, so sharing one parse per text is safe;
    # tests load the same seed files many times per process.
    return parse_spec(text, source)


def read_spec_source(path_or_text: str | Path, source: str | None = None) -> tuple[str, str]:
    """The YAML text and a name for messages, from a path or from the text itself.

    A :class:`Path`, or a one-line string naming an existing file, is read from disk
    (UTF-8, or GB 18030 as :func:`spec.read_spec_text` reads it).
    Raises :class:`SpecError` when a file cannot be read.
    """
    is_file = isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and path_or_text.endswith((".yaml", ".yml"))
    )
    if not is_file:
        return str(path_or_text), source or "<spec>"
    try:
        text, _note = read_spec_text(path_or_text)
    except SpecError as exc:
        raise SpecError(source or exc.source, exc.messages, exc.lines) from exc
    return text, source or str(path_or_text)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unknown_org_codes(spec: CampaignSpec) -> list[str]:
    """Every org code the specification references (organizers, internal deadlines,
    channels' intake units, unit categories' ``orgs`` and ``within``) that the organization
    tree lacks, one Chinese message per reference naming its path. ``checkcampaign --db`` and
    :func:`load_campaign` both use it, so they agree."""
    refs = _org_references(spec)
    known = set(
        OrgUnit.objects.filter(code__in={code for _, code in refs}).values_list("code", flat=True)
    )
    return _missing_codes(refs, known)


def _org_references(spec: CampaignSpec) -> list[tuple[str, str]]:
    refs: list[tuple[str, str]] = [
        (f"organizers[{i}].org", o.org) for i, o in enumerate(spec.organizers) if o.org
    ]
    refs += [
        (f"timeline.internal_deadlines[{i}].org", d.org)
        for i, d in enumerate(spec.timeline.internal_deadlines)
    ]
    refs += [
        (f"channels[{i}].intake", code)
        for i, channel in enumerate(spec.channels)
        for code in channel.intake
    ]
    for i, category in enumerate(spec.unit_categories):
        refs += [(f"unit_categories[{i}].match.orgs", code) for code in category.match.orgs]
        refs += [(f"unit_categories[{i}].match.within", code) for code in category.match.within]
    return refs


def _missing_codes(refs: list[tuple[str, str]], known: Collection[str]) -> list[str]:
    return [
        f"{where}：组织树中没有代码为 {code} 的单位" for where, code in refs if code not in known
    ]


def _organizer_unit(spec: CampaignSpec, text: str, source: str) -> OrgUnit | None:
    """The organizer unit (first organizer with an org code); refuses a specification
    that references an org code missing from the tree (as :func:`unknown_org_codes`, in
    the same query that reads the organizer)."""
    refs = _org_references(spec)
    units = {unit.code: unit for unit in OrgUnit.objects.filter(code__in={c for _, c in refs})}
    missing = _missing_codes(refs, units)
    if missing:
        raise located_error(source, text, missing)
    first = next((o.org for o in spec.organizers if o.org), None)
    return units[first] if first else None


def _sync_awards(campaign: Campaign, spec: CampaignSpec, source: str, *, created: bool) -> None:
    """Upsert the campaign's Award rows in spec order (a ``created`` campaign has none yet:
    they are inserted in one statement); delete those the spec dropped unless a nomination
    references them."""
    current = {a.code: a for a in campaign.awards.all()} if not created else {}
    new: list[Award] = []
    for position, award in enumerate(spec.awards):
        values = {
            "name": award.name,
            "series": award.series,
            "count": award.count,
            "count_is_maximum": award.count_is_maximum,
            "prize_yuan": award.prize_yuan,
            "position": position,
        }
        row = current.pop(award.code, None)
        if row is None:
            new.append(Award(campaign=campaign, code=award.code, **values))
            continue
        changed = [k for k, v in values.items() if getattr(row, k) != v]
        if changed:
            for key in changed:
                setattr(row, key, values[key])
            row.save(update_fields=[*changed, "updated_at"])
    Award.objects.bulk_create(new)
    for row in current.values():
        try:
            with transaction.atomic():
                row.delete()
        except ProtectedError as exc:
            raise SpecError(
                source, [f"awards：奖项 {row.code}（{row.name}）已有推荐，不能从活动规范中删除"]
            ) from exc


def _apply(
    campaign: Campaign | None, spec: CampaignSpec, text: str, source: str, state: str | None
) -> tuple[Campaign, bool]:
    """Write ``spec`` onto ``campaign`` (or a new one); returns it and whether it changed."""
    organizer = _organizer_unit(spec, text, source)
    submission = spec.timeline.submission
    values = {
        "series": spec.series,
        "title": spec.title,
        "edition": spec.edition,
        "year": spec.year,
        "organizer_unit": organizer,
        "submission_opens_at": submission.opens_at,
        "submission_closes_at": submission.closes_at,
        "spec": spec.model_dump(mode="json"),
        "spec_yaml": text,
        "spec_digest": _digest(text),
    }
    if campaign is None:
        campaign = Campaign.objects.create(
            code=spec.code, state=state or CampaignState.DRAFT, **values
        )
        changed = created = True
    else:
        created = False
        if state:
            values["state"] = state
        fields = [k for k, v in values.items() if getattr(campaign, k) != v]
        for key in fields:
            setattr(campaign, key, values[key])
        if fields:
            campaign.save(update_fields=[*fields, "updated_at"])
        campaign.__dict__.pop("specification", None)
        changed = bool(fields)
    _sync_awards(campaign, spec, source, created=created)
    return campaign, changed


@transaction.atomic
def load_campaign(
    path_or_text: str | Path,
    *,
    source: str | None = None,
    actor=None,
    state: str | None = None,
) -> Campaign:
    """Create or update the campaign a specification defines (upsert by ``code``).

    Args:
        path_or_text: a spec file (Path, or a ``*.yaml`` path string) or the YAML text.
        source: the name used in messages (default: the path, or ``<spec>``).
        actor: the user loading it; None for commands.
        state: a :class:`CampaignState` to set; None keeps an existing campaign's state
            (a new campaign starts as draft).
    Returns:
        The campaign with its awards in spec order (``Award.position``).
    Raises:
        SpecError: the specification is invalid, references an org code missing from the
            tree, or drops an award that nominations already reference.
    """
    text, name = read_spec_source(path_or_text, source)
    spec = _parse_cached(text, name)
    campaign = Campaign.objects.select_for_update().filter(code=spec.code).first()
    before = campaign.spec_digest if campaign else ""
    before_state = campaign.state if campaign else ""
    campaign, changed = _apply(campaign, spec, text, name, state)
    if changed and campaign.spec_digest != before:
        _add_version(
            campaign, text, change=SpecChange.LOAD, reason="", actor=actor, first=not before
        )
    if changed:
        record_audit(
            actor=actor,
            action="campaign.load",
            obj=campaign,
            before={"spec_digest": before, "state": before_state} if before else {},
            after={"spec_digest": campaign.spec_digest, "state": campaign.state, "source": name},
        )
    return campaign


class SpecChangeError(DomainError):
    """A change to a specification was refused for a reason outside its text (no reason
    given, no deadline to extend, not the organizer's office); ``field`` names the input
    at fault."""


def _add_version(
    campaign: Campaign, text: str, *, change: str, reason: str, actor, first: bool = False
) -> SpecVersion:
    """The campaign's next SpecVersion; ``first`` for a campaign created just now (no
    versions to count)."""
    last = (
        None
        if first
        else campaign.versions.order_by("-number").values_list("number", flat=True).first()
    )
    return SpecVersion.objects.create(
        campaign=campaign,
        number=(last or 0) + 1,
        spec_yaml=text,
        change=change,
        reason=reason,
        actor=actor,
    )


def _require_reason(campaign: Campaign, reason: str) -> str:
    """The stripped reason; a published campaign's specification changes only with one
    (issue 12.6: every change to a published campaign keeps its reason)."""
    reason = reason.strip()
    if campaign.state != CampaignState.DRAFT and not reason:
        raise SpecChangeError(_("本活动已发布，修改活动规范须填写变更理由。"), field="reason")
    return reason


def _office_change(campaign: Campaign, actor, reason: str, *, refused: str, missing: str) -> str:
    """The stripped reason of a change the campaign office makes through a form (window,
    numbers, texts); ``refused`` (PermissionDenied) when ``actor`` is not the office,
    ``missing`` (SpecChangeError on ``reason``) when no reason was given."""
    require(actor, "campaigns.change_campaign", campaign, refused)
    reason = reason.strip()
    if not reason:
        raise SpecChangeError(missing, field="reason")
    return reason


def _replace_text(
    campaign: Campaign, yaml_text: str, *, change: str, reason: str, actor, action: str
) -> Campaign:
    """Validate ``yaml_text`` for ``campaign``, write it, keep it as the next version and
    audit the change. Runs inside the caller's transaction."""
    source = f"{campaign.code}.yaml"
    spec = _parse_cached(yaml_text, source)
    if spec.code != campaign.code:
        raise located_error(source, yaml_text, [f"code：活动代码不能修改（原为 {campaign.code}）"])
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    reason = _require_reason(locked, reason)
    ensure_writable(locked, correction_reason=reason)
    before = locked.spec_digest
    locked, _changed = _apply(locked, spec, yaml_text, source, None)
    version = None
    if locked.spec_digest != before:
        version = _add_version(locked, yaml_text, change=change, reason=reason, actor=actor)
    record_audit(
        actor=actor,
        action=action,
        obj=locked,
        before={"spec_digest": before},
        after={
            "spec_digest": locked.spec_digest,
            "version": version.number if version else None,
            "reason": reason,
        },
    )
    return locked


@transaction.atomic
def update_campaign_spec(
    campaign: Campaign, yaml_text: str, *, actor, reason: str = ""
) -> Campaign:
    """Replace a campaign's specification with text the campaign office edited.

    Args:
        campaign: the campaign to change.
        yaml_text: the whole new specification.
        actor: the office user (audited).
        reason: why; required once the campaign is published (a draft may change freely).
    Returns:
        The updated campaign; when the text changed, its next :class:`SpecVersion` holds
        the text, the actor and the reason (issue 12.6).
    Raises:
        SpecError: invalid text, a changed ``code``, an unknown org code, or an award
            dropped that nominations reference.
        SpecChangeError: a published campaign changed without a reason.
        CampaignClosed: the campaign is decided or archived (a reason makes it the
            office's correction).
        PermissionDenied: the actor is not the campaign's office.
    """
    message = _("只有本活动的领导小组办公室可以修改活动规范。")
    require(actor, "campaigns.change_campaign", campaign, message)
    return _replace_text(
        campaign,
        yaml_text,
        change=SpecChange.EDIT,
        reason=reason,
        actor=actor,
        action="campaign.update_spec",
    )


@transaction.atomic
def extend_submission_window(
    campaign: Campaign, *, closes_at: dt.datetime, reason: str, actor
) -> Campaign:
    """The campaign office moves the campaign-wide submission deadline later, as one
    recorded change with its reason (issue 12.6): the specification's
    ``timeline.submission.closes_at`` is rewritten in place (comments and layout kept),
    checked like any edit (a deadline past a later phase's start is refused by the phase
    order check) and kept as the next version.

    Args:
        closes_at: the new deadline, an aware datetime (shown and written in Asia/Shanghai).
        reason: why (required).
    Raises:
        PermissionDenied: the actor is not the campaign's office.
        SpecChangeError: no reason, no deadline in the specification, or not later than
            the current one.
        SpecError: the specification with the new deadline is invalid (phase order).
        CampaignClosed: the campaign is decided or archived.
    """
    reason = _office_change(
        campaign,
        actor,
        reason,
        refused=_("只有本活动的领导小组办公室可以延长申报期限。"),
        missing=_("请填写延期理由。"),
    )
    current = campaign.submission_closes_at
    if current is None:
        raise SpecChangeError(
            _(
                "活动规范未规定统一的申报截止时间：请在“单位截止时间”中为单位延期，"
                "或在活动规范中补充统一的截止时间。"
            ),
            field="closes_at",
        )
    if closes_at <= current:
        raise SpecChangeError(
            _("延期后的截止时间须晚于现行的 %(at)s。")
            % {"at": timezone.localtime(current).strftime("%Y-%m-%d %H:%M")},
            field="closes_at",
        )
    value = timezone.localtime(closes_at).strftime("%Y-%m-%d %H:%M:%S")
    text = replace_scalar(campaign.spec_yaml, ("timeline", "submission", "closes_at"), value)
    return _replace_text(
        campaign,
        text,
        change=SpecChange.EXTENSION,
        reason=reason,
        actor=actor,
        action="campaign.extend_window",
    )


@transaction.atomic
def adjust_numbers(
    campaign: Campaign, *, numbers: dict[tuple[str | int, ...], int], reason: str, actor
) -> Campaign:
    """The office changes award counts and unit quotas during a campaign through a form
    (issue 15.4): each changed number is rewritten in place in the specification
    (comments and layout kept), checked like any edit (a quota above its award's count
    is refused) and kept as the next version with the reason.

    Args:
        numbers: ``{path: value}``, paths such as ``("awards", 0, "count")`` or
            ``("quotas", 2, "max")``; values that equal the current ones change nothing.
        reason: why (required).
    Raises:
        PermissionDenied: the actor is not the campaign's office.
        SpecChangeError: no reason, or a path the specification does not hold.
        SpecError: the specification with the new numbers is invalid.
        CampaignClosed: the campaign is decided or archived.
    """
    reason = _office_change(
        campaign,
        actor,
        reason,
        refused=_("只有本活动的领导小组办公室可以调整名额。"),
        missing=_("请填写调整理由。"),
    )
    text = campaign.spec_yaml
    for path, value in numbers.items():
        try:
            text = replace_scalar(text, path, str(value))
        except KeyError as exc:
            raise SpecChangeError(
                _("活动规范中没有“%(path)s”这一项，请在活动规范中修改。")
                % {"path": ".".join(map(str, path))}
            ) from exc
    return _replace_text(
        campaign,
        text,
        change=SpecChange.EDIT,
        reason=reason,
        actor=actor,
        action="campaign.update_spec",
    )


@transaction.atomic
def edit_notice_texts(campaign: Campaign, *, texts: dict[str, str], reason: str, actor) -> Campaign:
    """The office edits the texts of its notices through a form (issue 15.4): a 公示's
    name and where it is posted, a 征求意见's question, the decision's title, addressees,
    body paragraphs and 版记, the certificate's text (``campaigns.texts.notice_texts``
    lists them). Each changed text is rewritten in place in the specification (comments
    and layout kept; a text left to its default is added), checked like any edit and kept
    as the next version with the reason.

    Args:
        texts: ``{key: text}``, keys as ``notice_texts`` gives them (``decision.body[0]``);
            texts equal to the current ones change nothing.
        reason: why (required).
    Raises:
        PermissionDenied: the actor is not the campaign's office.
        SpecChangeError: no reason, a key that is not a notice text (``field="texts"``),
            a required text left empty or a ``{placeholder}`` the text cannot use
            (``field`` is the key; the message names the placeholder and the ones it can
            use), or nothing changed.
        SpecError: the specification with the new texts is invalid.
        CampaignClosed: the campaign is decided or archived.
    """
    reason = _office_change(
        campaign,
        actor,
        reason,
        refused=_("只有本活动的领导小组办公室可以修改通知文字。"),
        missing=_("请填写修改理由。"),
    )
    items = {item.key: item for item in notice_texts(campaign.specification)}
    changes = {}
    for key, value in texts.items():
        item = items.get(key)
        if item is None:
            raise SpecChangeError(
                _("“%(key)s”不是可在此修改的通知文字。") % {"key": key}, field="texts"
            )
        value = value.replace("\r\n", "\n").strip()
        if item.required and not value:
            raise SpecChangeError(_("“%(label)s”不能为空。") % {"label": item.label}, field=key)
        problem = placeholder_problem(item, value)
        if problem:
            raise SpecChangeError(f"{item.group} · {item.label}：{problem}", field=key)
        if value != item.value:
            changes[item.path] = value
    if not changes:
        raise SpecChangeError(_("通知文字没有变化，未保存。"))
    text = campaign.spec_yaml
    body = [i.value for i in items.values() if i.path[:2] == ("decision", "body")]
    for path, value in changes.items():
        try:
            text = set_text_scalar(text, path, value)
        except KeyError:
            if path[:2] != ("decision", "body"):
                raise SpecChangeError(
                    _("活动规范中“%(path)s”无法在此修改，请在活动规范中修改。")
                    % {"path": ".".join(map(str, path))}
                ) from None
            # The default body, not written in the text: it is written whole.
            body[int(path[2])] = value
            try:
                text = set_text_scalar(text, ("decision", "body"), body)
            except KeyError:
                raise SpecChangeError(
                    _("活动规范中的表彰决定正文无法在此修改，请在活动规范中修改。")
                ) from None
    return _replace_text(
        campaign,
        text,
        change=SpecChange.EDIT,
        reason=reason,
        actor=actor,
        action="campaign.update_spec",
    )


@transaction.atomic
def create_campaign(yaml_text: str, *, actor, source: str = "<spec>") -> Campaign:
    """A campaign office creates a campaign in the browser from a specification (uploaded,
    typed, or copied from an earlier edition and edited). The new campaign is a draft; its
    text is version 1.

    Who may: a campaign office member of the specification's organizer unit (a membership
    not tied to one campaign), so an office creates campaigns only in its own name.

    Raises:
        SpecError: invalid text, an unknown org code, or a ``code`` already in use.
        PermissionDenied: the actor is not an office of the organizer unit.
    """
    spec = _parse_cached(yaml_text, source)
    if Campaign.objects.filter(code=spec.code).exists():
        raise located_error(
            source, yaml_text, [f"code：活动代码 {spec.code} 已被使用，请为新一届活动另取代码"]
        )
    organizer = _organizer_unit(spec, yaml_text, source)
    refusal = _("只有主办单位的活动办公室可以以本单位名义新建评选活动。")
    if organizer is None:
        # Without an object the check would fall back to model permissions.
        raise PermissionDenied(refusal)
    require(actor, "campaigns.create_campaign", organizer, refusal)
    campaign, _changed = _apply(None, spec, yaml_text, source, CampaignState.DRAFT)
    version = _add_version(campaign, yaml_text, change=SpecChange.CREATE, reason="", actor=actor)
    record_audit(
        actor=actor,
        action="campaign.create",
        obj=campaign,
        after={"spec_digest": campaign.spec_digest, "version": version.number},
    )
    return campaign


class DeadlineError(DomainError):
    """A deadline change was refused; ``message`` is Chinese and says why; ``field`` is
    the input at fault (``closes_at`` unless the raise names another)."""

    def __init__(self, message: str, *, field: str = "closes_at"):
        super().__init__(message, field=field)


@transaction.atomic
def set_internal_deadline(
    campaign: Campaign, unit: OrgUnit, *, closes_at: dt.datetime, actor
) -> UnitDeadline:
    """A body sets an earlier deadline for submissions from its subtree.

    It may not be later than the deadline that binds the body itself (its parents' or the
    campaign's). Times are aware datetimes, compared by server time (Asia/Shanghai).

    Raises:
        PermissionDenied: the actor is not a member of ``unit``.
        DeadlineError: later than the deadline binding the body itself.
    """
    require(
        actor, "campaigns.set_unit_deadline", unit, _("只有本单位人员可以设定本单位的截止时间。")
    )
    parent = OrgUnit.objects.get_parent(unit)
    binding = deadline_for(campaign, parent) if parent is not None else None
    if binding is not None and closes_at > binding:
        raise DeadlineError(
            _("截止时间不得晚于上级规定的 %(at)s。")
            % {"at": timezone.localtime(binding).strftime("%Y-%m-%d %H:%M")}
        )
    row = UnitDeadline.objects.create(
        campaign=campaign,
        org_unit=unit,
        kind=DeadlineKind.INTERNAL,
        closes_at=closes_at,
        set_by=actor,
    )
    record_audit(
        actor=actor,
        action="campaign.internal_deadline",
        obj=campaign,
        after={"unit": unit.code, "closes_at": closes_at.isoformat()},
    )
    return row


@transaction.atomic
def extend_deadline(
    campaign: Campaign, unit: OrgUnit, *, closes_at: dt.datetime, reason: str, actor
) -> UnitDeadline:
    """The campaign office extends the deadline for one unit, with a recorded reason.

    Raises:
        PermissionDenied: the actor is not the campaign's office.
        DeadlineError: no reason, or not later than the unit's current deadline.
    """
    require(actor, "campaigns.change_campaign", campaign, _("只有活动办公室可以延期。"))
    if not reason.strip():
        raise DeadlineError(_("请填写延期理由。"), field="reason")
    current = deadline_for(campaign, unit)
    if current is not None and closes_at <= current:
        raise DeadlineError(
            _("延期后的截止时间须晚于现行的 %(at)s。")
            % {"at": timezone.localtime(current).strftime("%Y-%m-%d %H:%M")}
        )
    row = UnitDeadline.objects.create(
        campaign=campaign,
        org_unit=unit,
        kind=DeadlineKind.EXTENSION,
        closes_at=closes_at,
        reason=reason.strip(),
        set_by=actor,
    )
    record_audit(
        actor=actor,
        action="campaign.extend_deadline",
        obj=campaign,
        role=Role.CAMPAIGN_OFFICE,
        before={"closes_at": current.isoformat() if current else None},
        after={"unit": unit.code, "closes_at": closes_at.isoformat(), "reason": reason.strip()},
    )
    return row
