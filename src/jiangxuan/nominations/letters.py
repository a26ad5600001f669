"""The nomination letter (推荐报告 / 推荐函) a level's body sends with its ranked list.

The notices ask for one (seed 000 材料: 推荐报告（加盖印章）; seed 001 材料: 推荐函，含推荐
人选、公示情况，注明联系人、联系方式): addressed to the next level's bodies, it lists the
nominees in rank order with workplace and a one-line summary, the result of the level's
public notice and background check, the contact person and the date, and leaves room for
the seal. Public notices and background checks are read through the reverse relations
the notices app declares (``notice_entries``, ``background_checks``), so this module does
not import that later app.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import OrgUnit
from jiangxuan.campaigns.models import Campaign

from .chain import bodies_at, level_named, next_level
from .models import Nomination

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Characters of the achievement summary shown on a nominee's line.
SUMMARY_CHARS = 60
FONT = "仿宋"
TITLE_FONT = "方正小标宋简体"


def _cn_date(day: dt.date) -> str:
    return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}


def letter_heading(campaign: Campaign, nominations: list[Nomination]) -> tuple[str, str]:
    """(headline, subject line) of the letter.

    The subject is "关于推荐XXX等N名同志为<award>人选的报告" (one nominee: "关于推荐XXX
    同志为…"); the headline is the title of the specification's ``nomination_letter``
    document where it lists one (seed 001: 推荐函), else the subject itself.
    """
    awards = list(dict.fromkeys(n.award.name for n in nominations))
    first = nominations[0].name if nominations else ""
    if len(nominations) > 1:
        subject = _("关于推荐%(name)s等%(n)d名同志为%(award)s人选的报告") % {
            "name": first,
            "n": len(nominations),
            "award": "、".join(awards),
        }
    else:
        subject = _("关于推荐%(name)s同志为%(award)s人选的报告") % {
            "name": first,
            "award": "、".join(awards),
        }
    spec = campaign.specification
    document = next((d for d in spec.documents if d.kind == "nomination_letter"), None)
    return (document.title if document else subject), subject


def addressees(campaign: Campaign, level: str, nominations: list[Nomination]) -> str:
    """Who the letter goes to: the bodies of the level after ``level`` (for the first
    nominee; a batch shares its route), or the campaign's organizers after the last."""
    if nominations:
        following = next_level(nominations[0], level)
        if following is not None:
            names = [b.name for _sg, b in bodies_at(nominations[0], following) if b is not None]
            if names:
                return "、".join(dict.fromkeys(names))
    return "、".join(o.name for o in campaign.specification.organizers)


def _one_line(text: str) -> str:
    text = " ".join((text or "").split())
    for stop in "。；;":
        if stop in text:
            text = text.split(stop, 1)[0] + "。"
            break
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def notice_results(level: str, nominations: list[Nomination]) -> list[str]:
    """One sentence per closed public notice of ``level`` these nominees were on
    ("经在……公示5个工作日（…至…），无异议。"), from the notice's own dates and length."""
    # Each notice is a notices.PublicNotice, not imported: notices sits above nominations
    # in the app order (docs/architecture.md), so it is read by its attributes.
    notices: dict[int, tuple[Any, list[Nomination]]] = {}
    for n in nominations:
        entries = n.notice_entries.filter(
            notice__stage=level, notice__closed_at__isnull=False
        ).select_related("notice", "notice__body")
        for entry in entries:
            notices.setdefault(entry.notice_id, (entry.notice, []))[1].append(n)
    sentences = []
    for notice, members in notices.values():
        unit = _("个工作日") if notice.day_unit == "working" else _("天")
        where = notice.body.name if notice.body else (notice.where or _("本单位"))
        objections = notice.objections.filter(nomination__in=members).count()
        result = (
            _("收到异议%(n)d件，经核查已答复，不影响推荐") % {"n": objections}
            if objections
            else _("无异议")
        )
        sentences.append(
            _("%(names)s经在%(where)s公示%(days)d%(unit)s（%(start)s至%(end)s），%(result)s。")
            % {
                "names": "、".join(n.name for n in members),
                "where": where,
                "days": notice.days,
                "unit": unit,
                "start": _cn_date(notice.starts_on),
                "end": _cn_date(notice.ends_on),
                "result": result,
            }
        )
    return sentences


def background_results(level: str, nominations: list[Nomination]) -> list[str]:
    """One sentence per department that answered a background check at ``level``."""
    departments: dict[str, list[str]] = {}
    for n in nominations:
        for check in n.background_checks.filter(
            stage=level, answered_at__isnull=False, adverse=False
        ):
            departments.setdefault(check.department_name, []).append(n.name)
    return [
        _("经征求%(department)s意见，%(names)s无违法违纪等不宜推荐的情形。")
        % {"department": department, "names": "、".join(names)}
        for department, names in departments.items()
    ]


def _paragraph(document, text: str, *, size: int = 16, bold: bool = False, align=None, font=FONT):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.font.name = font
    run._element.rPr.rFonts.set(qn("w:eastAsia"), font)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def render_nomination_letter(
    campaign: Campaign,
    *,
    level: str,
    body: OrgUnit,
    nominations: list[Nomination],
    contact: str,
    phone: str = "",
    today: dt.date | None = None,
) -> bytes:
    """The nomination letter of ``body`` at ``level`` as DOCX bytes (python-docx, A4).

    Args:
        nominations: the nominees in rank order (``review_selectors.forwarded_by``).
        contact, phone: the body's contact person and number (phone left blank to fill).
        today: the letter's date (default: today, Asia/Shanghai).
    Returns:
        DOCX bytes: headline, subject, addressees, the ranked list (name, workplace,
        one-line summary), notice and background-check results of the level, the
        contact line, the sender with "（盖章）" and the date.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    today = today or timezone.localdate()
    headline, subject = letter_heading(campaign, nominations)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(28)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)

    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, headline, size=22, align=center, font=TITLE_FONT)
    if subject != headline:
        _paragraph(document, subject, size=16, align=center)
    _paragraph(document, addressees(campaign, level, nominations) + _("："))

    level_spec = level_named(nominations[0], level) if nominations else None
    intro = _(
        "根据《%(source)s》要求，经%(level)s审核，%(body)s同意推荐以下%(n)d名同志为%(title)s"
        "人选，按推荐顺序排列如下："
    ) % {
        "source": campaign.specification.source.title or campaign.title,
        "level": level_spec.name if level_spec else level,
        "body": body.name,
        "n": len(nominations),
        "title": campaign.specification.short_title or campaign.title,
    }
    _paragraph(document, "　　" + intro)
    for rank, n in enumerate(nominations, start=1):
        workplace = n.workplace_name or (n.workplace.name if n.workplace else "")
        line = _("%(rank)d. %(name)s，%(workplace)s%(post)s。%(summary)s") % {
            "rank": rank,
            "name": n.name,
            "workplace": workplace,
            "post": n.post or n.occupation,
            "summary": _one_line(n.achievement_summary),
        }
        _paragraph(document, "　　" + line)
    for sentence in notice_results(level, nominations) + background_results(level, nominations):
        _paragraph(document, "　　" + sentence)
    _paragraph(document, "　　" + _("特此报告。"))
    _paragraph(
        document,
        "　　"
        + _("联系人：%(person)s　　联系电话：%(phone)s")
        % {
            "person": contact,
            "phone": phone or "　" * 6,
        },
    )
    right = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, "")
    _paragraph(document, _("%(body)s（盖章）") % {"body": body.name}, align=right)
    _paragraph(document, _cn_date(today), align=right)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
