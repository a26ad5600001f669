"""The texts of a campaign's notices that the office edits in a form (issue 15.4): each
公示's name and where it is posted, each 征求意见's question and form title, the
commendation decision's title, addressees, body paragraphs and 版记, the certificate's
heading and text. Each text names its place in the specification and the ``{placeholders}``
it may use (the ones ``decisions.document`` and the certificates fill).
"""

import string
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .spec import CampaignSpec, ReviewLevel, Step

Path = tuple[str | int, ...]


def _decision_placeholders() -> dict[str, str]:
    return {
        "first_name": _("第一位受表彰者的姓名"),
        "count": _("受表彰人数"),
        "awards": _("奖项名称（多个以顿号分隔）"),
        "campaign": _("活动名称"),
        "edition": _("届次"),
        "short_title": _("活动简称"),
        "year": _("年度"),
        "issuer": _("发文机关"),
    }


def _certificate_placeholders() -> dict[str, str]:
    return {"name": _("获奖者姓名"), "award": _("奖项名称"), "campaign": _("活动名称")}


@dataclass(frozen=True)
class NoticeText:
    """One editable text: ``key`` is its path as the specification's messages write it
    (``decision.body[0]``), ``path`` the same as a tuple; ``placeholders`` maps each
    ``{name}`` the text may use to what it becomes (empty: braces are plain text)."""

    key: str
    path: Path
    group: str
    label: str
    value: str
    placeholders: dict[str, str]
    multiline: bool = False
    required: bool = False


def _key(path: Path) -> str:
    out = ""
    for item in path:
        out += f"[{item}]" if isinstance(item, int) else (f".{item}" if out else item)
    return out


def notice_texts(spec: CampaignSpec) -> list[NoticeText]:
    """The notice texts of ``spec`` in the order the campaign uses them: each level's and
    step's 公示 and 征求意见, then the decision and the certificate. Texts left to their
    defaults (no decision title, the default body) are listed with the default's value."""
    items: list[NoticeText] = []

    def add(path: Path, group: str, label: str, value: str, **kwargs: Any) -> None:
        kwargs.setdefault("placeholders", {})
        items.append(NoticeText(_key(path), path, group, label, value or "", **kwargs))

    stages: list[tuple[str, int, ReviewLevel | Step]] = [
        ("levels", i, s) for i, s in enumerate(spec.review_chain.levels)
    ]
    stages += [("steps", i, s) for i, s in enumerate(spec.review_chain.steps)]
    for where, index, stage in stages:
        base: Path = ("review_chain", where, index)
        if stage.notice is not None:
            group = _("公示：%(stage)s") % {"stage": stage.name}
            add((*base, "notice", "name"), group, _("公示名称"), stage.notice.name, required=True)
            add((*base, "notice", "where"), group, _("公示范围"), stage.notice.where)
        check = stage.background_check
        if check is not None:
            group = _("征求意见：%(stage)s") % {"stage": stage.name}
            add(
                (*base, "background_check", "question"),
                group,
                _("征求意见事项"),
                check.question,
                required=True,
            )
            add(
                (*base, "background_check", "form_title"),
                group,
                _("征求意见表标题"),
                check.form_title,
            )
    decision = spec.decision
    group = _("表彰决定")
    keys = _decision_placeholders()
    add(
        ("decision", "title"),
        group,
        _("标题（留空为“关于表彰届次活动简称的决定”）"),
        decision.title,
        placeholders=keys,
    )
    add(("decision", "addressees"), group, _("主送机关"), decision.addressees, multiline=True)
    body_keys = {**keys, "list": _("受表彰人员名单（单独成段，整段只写 {list}）")}
    for i, paragraph in enumerate(decision.body):
        add(
            ("decision", "body", i),
            group,
            _("正文第 %(n)s 段") % {"n": i + 1},
            paragraph,
            placeholders=body_keys,
            multiline=True,
            required=True,
        )
    add(("decision", "cc"), group, _("版记：抄送机关"), decision.cc)
    add(
        ("decision", "printer"),
        group,
        _("版记：印发机关（留空为署名的第一个机关）"),
        decision.printer,
    )
    group = _("荣誉证书")
    add(("certificate", "heading"), group, _("证书标题"), spec.certificate.heading, required=True)
    add(
        ("certificate", "text"),
        group,
        _("证书正文"),
        spec.certificate.text,
        placeholders=_certificate_placeholders(),
        multiline=True,
        required=True,
    )
    return items


def placeholder_problem(item: NoticeText, value: str) -> str | None:
    """Why ``value`` cannot be ``item``'s text, in Chinese, or None: braces that do not
    pair, or a ``{placeholder}`` the text cannot use (named, with the ones it can)."""
    if not item.placeholders:
        return None
    try:
        names = [name for _l, name, _f, _c in string.Formatter().parse(value) if name is not None]
    except ValueError:
        return _("花括号不成对：占位须写成 {名称}，如 {%(example)s}。") % {
            "example": next(iter(item.placeholders))
        }
    for name in names:
        if name not in item.placeholders:
            known = "、".join(f"{{{k}}}" for k in item.placeholders)
            if not name:
                return _("占位 {} 没有名称；可用的占位：%(known)s。") % {"known": known}
            return _("不认识的占位 {%(name)s}；可用的占位：%(known)s。") % {
                "name": name,
                "known": known,
            }
    return None
