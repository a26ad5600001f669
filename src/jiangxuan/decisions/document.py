"""The commendation decision as a 公文 (GB/T 9704-2012 党政机关公文格式), prepared once for
the DOCX, the PDF and the public page: 版头 (发文机关标志, 发文字号), 标题, 主送机关, 正文 with
the awardees by award and their units, 附件说明, 发文机关署名, 成文日期 in Chinese numerals,
版记 (抄送, 印发机关和印发日期). The texts come from the spec's ``decision`` (campaigns.spec.
DecisionSpec); nothing here names a campaign.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from jiangxuan.decisions.models import CommendationDecision
from jiangxuan.decisions.selectors import decision_sections

DIGITS = "〇一二三四五六七八九"


def chinese_number(value: int) -> str:
    """1..31 as written in a 成文日期: 一, 十, 十二, 二十, 二十三, 三十一."""
    tens, ones = divmod(value, 10)
    if tens == 0:
        return DIGITS[ones]
    head = "" if tens == 1 else DIGITS[tens]
    return f"{head}十{DIGITS[ones] if ones else ''}"


def chinese_date(day: dt.date) -> str:
    """A 成文日期 in Chinese numerals, 二〇二一年十月二十三日 (issue 14.2 asks for them;
    GB/T 9704-2012 7.3.5.2 itself writes the date in Arabic numerals)."""
    year = "".join(DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


@dataclass
class AwardList:
    """The awardees of one award (or its finalist title), as printed: "姓名　单位"."""

    heading: str
    lines: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class DecisionDocument:
    """Every text element of the decision, in the order GB/T 9704 lays them out."""

    mark: list[str]
    number: str
    title: str
    addressees: str
    body: list[str | list[AwardList]]
    attachments: list[str]
    issuer: str
    date: str
    cc: str
    printer: str
    printed_on: str
    count: int

    @property
    def text(self) -> str:
        """The document's text in reading order (the public page and tests compare it)."""
        parts = [*self.mark, self.number, self.title, self.addressees]
        for block in self.body:
            if isinstance(block, str):
                parts.append(block)
            else:
                for award in block:
                    parts.append(award.heading)
                    parts += [f"{name}　{unit}" for name, unit in award.lines]
        parts += [self.attachment_line(i) for i in range(len(self.attachments))]
        parts += [self.issuer, self.date]
        return "\n".join(p for p in parts if p)

    def attachment_line(self, index: int) -> str:
        """附件说明 line ``index``: "附件：1.xxx", later ones aligned under the first."""
        name = self.attachments[index]
        if len(self.attachments) == 1:
            return _("附件：%(name)s") % {"name": name}
        item = f"{index + 1}.{name}"
        return _("附件：%(item)s") % {"item": item} if index == 0 else f"　　　{item}"


def _workplace(nomination) -> str:
    return nomination.workplace_name or (nomination.workplace.name if nomination.workplace else "")


def build_decision(decision: CommendationDecision) -> DecisionDocument:
    """The 公文 of ``decision`` from its campaign's spec (``decision``) and its approved lists.

    The body's ``{list}`` paragraph becomes the awardees grouped by award (and the finalists
    under the award's finalist title), each "姓名　工作单位", in rank order; ``{count}``
    counts the awardees of every award. 版记's 印发日期 is the decision's date in Arabic
    numerals ("2021年10月23日印发", GB/T 9704 7.4.3).
    """
    campaign = decision.campaign
    spec = campaign.specification
    text = spec.decision
    sections = decision_sections(decision)
    lists: list[AwardList] = []
    first_name, count = "", 0
    for section in sections:
        awardees = section["awardees"]
        count += len(awardees)
        if awardees and not first_name:
            first_name = awardees[0].nomination.name
        lists.append(
            AwardList(
                _("%(award)s（%(n)d名）") % {"award": section["award"].name, "n": len(awardees)},
                [(e.nomination.name, _workplace(e.nomination)) for e in awardees],
            )
        )
        if section["finalists"]:
            lists.append(
                AwardList(
                    _("%(award)s（%(n)d名）")
                    % {"award": section["finalist_award"], "n": len(section["finalists"])},
                    [(e.nomination.name, _workplace(e.nomination)) for e in section["finalists"]],
                )
            )
    issuer = text.issuer or decision.issuer or "、".join(o.name for o in spec.organizers)
    values = {
        "first_name": first_name,
        "count": str(count),
        "awards": "”“".join(s["award"].name for s in sections),
        "campaign": spec.title,
        "edition": spec.edition,
        "short_title": spec.short_title or spec.title,
        "year": str(spec.year),
        "issuer": issuer,
    }

    def fill(value: str) -> str:
        names = {n for _l, n, _f, _c in string.Formatter().parse(value) if n}
        return value.format_map({n: values.get(n, "") for n in names}) if names else value

    body: list[str | list[AwardList]] = [
        lists if paragraph.strip() == "{list}" else fill(paragraph) for paragraph in text.body
    ]
    mark = text.mark or [name for name in issuer.replace("、", " ").split() if name]
    title = decision.title or fill(text.title or _("关于表彰{edition}{short_title}的决定"))
    on = decision.issued_on
    return DecisionDocument(
        mark=mark,
        number=decision.number,
        title=title,
        addressees=text.addressees,
        body=body,
        attachments=[fill(a) for a in text.attachments],
        issuer=issuer,
        date=chinese_date(on),
        cc=text.cc,
        printer=text.printer or (mark[0] if mark else ""),
        printed_on=_("%(y)d年%(m)d月%(d)d日印发") % {"y": on.year, "m": on.month, "d": on.day},
        count=count,
    )
