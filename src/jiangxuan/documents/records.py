"""The records of a campaign's steps as workbooks, for its file (归档, issue 14.7): each
public notice with its list and the objections' outcomes, each expert panel's score
sheets, each expert ballot's count, each approval list version with its meeting.

Values print their Chinese labels (issue 14, 5); every workbook is created by
``core.spreadsheets.new_workbook`` (strings stay text: issue 16.5).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiangxuan.campaigns.enums import NoticeDayUnit
from jiangxuan.core.spreadsheets import new_workbook
from jiangxuan.decisions.enums import ListState, Outcome
from jiangxuan.decisions.models import ApprovalList
from jiangxuan.experts.models import Ballot, Panel, ScoreSheet
from jiangxuan.experts.selectors_scoring import ballot_rows, ranking_table, review_step
from jiangxuan.notices.enums import NoticeState, ObjectionOutcome
from jiangxuan.notices.models import PublicNotice

#: The published fields of a notice entry (notices.selectors.PUBLISHED_FIELDS) as printed.
NOTICE_COLUMNS = (
    ("name", gettext_lazy("姓名")),
    ("sex", gettext_lazy("性别")),
    ("workplace_name", gettext_lazy("工作单位")),
    ("post", gettext_lazy("岗位")),
    ("occupation", gettext_lazy("职业（工种）")),
    ("achievement_summary", gettext_lazy("主要事迹")),
)


def _moment(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


def _cell(value: Any) -> Any:
    # Choice labels are lazy translations: XlsxWriter writes only real strings and numbers.
    if value is None:
        return ""
    return str(value) if isinstance(value, Promise) else value


class _Book:
    """A workbook of titled sheets: heading lines (label, value), then a table."""

    def __init__(self) -> None:
        self.out = io.BytesIO()
        self.book = new_workbook(self.out)
        self.bold = self.book.add_format({"bold": True})
        self.wrap = self.book.add_format({"text_wrap": True, "valign": "top"})

    def sheet(
        self,
        name: str,
        heading: Sequence[tuple[str, Any]],
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
    ) -> None:
        sheet = self.book.add_worksheet(name[:31])
        row = 0
        for label, value in heading:
            sheet.write(row, 0, label, self.bold)
            sheet.write(row, 1, _cell(value))
            row += 1
        if heading:
            row += 1
        sheet.write_row(row, 0, list(columns), self.bold)
        for values in rows:
            row += 1
            sheet.write_row(row, 0, [_cell(v) for v in values], self.wrap)
        sheet.set_column(0, max(len(columns) - 1, 1), 16)

    def close(self) -> bytes:
        self.book.close()
        return self.out.getvalue()


def notice_record_xlsx(notice: PublicNotice) -> bytes:
    """The public notice (公示) as filed: its title, where and when it ran, the list as
    published (the snapshot taken at opening, in its order) and every objection with its
    verification and outcome. The objectors' contact details are left out."""
    book = _Book()
    heading = [
        (_("公示名称"), notice.title),
        (_("公示范围"), notice.where),
        (
            _("公示时间"),
            _("%(start)s至%(end)s（%(days)s个%(unit)s）")
            % {
                "start": notice.starts_on.isoformat(),
                "end": notice.ends_on.isoformat(),
                "days": notice.days,
                "unit": NoticeDayUnit(notice.day_unit).label,
            },
        ),
        (_("状态"), NoticeState(notice.state).label),
    ]
    entries = notice.entries.order_by("position")
    book.sheet(
        _("公示名单"),
        heading,
        [_("序号"), *(str(label) for _key, label in NOTICE_COLUMNS)],
        (
            [entry.position, *(entry.published.get(key, "") for key, _label in NOTICE_COLUMNS)]
            for entry in entries
        ),
    )
    objections = notice.objections.select_related("nomination").order_by("created_at", "id")
    book.sheet(
        _("异议及处理结果"),
        [],
        [
            _("序号"),
            _("收到时间"),
            _("针对对象"),
            _("异议内容"),
            _("提出方式"),
            _("核查情况"),
            _("查实弄虚作假"),
            _("答复"),
            _("处理结果"),
            _("办结时间"),
        ],
        (
            [
                index,
                _moment(o.created_at),
                o.nomination.name if o.nomination else _("整份名单"),
                o.text,
                _("匿名") if o.anonymous else _("实名"),
                o.finding,
                _yes(o.falsified),
                o.answer,
                ObjectionOutcome(o.outcome).label if o.outcome else "",
                _moment(o.closed_at),
            ]
            for index, o in enumerate(objections, start=1)
        ),
    )
    return book.close()


def scoring_record_xlsx(panel: Panel) -> bytes:
    """An expert panel's scoring as filed: the ranking with each expert's total (the
    office's aggregation table and its formula), and every submitted score sheet with the
    rubric's items and the comment."""
    book = _Book()
    table = ranking_table(panel)
    step = review_step(panel.campaign)
    rubric = list(step.rubric) if step else []
    sheets = list(
        ScoreSheet.objects.filter(
            assignment__member__panel=panel, assignment__active=True, submitted_at__isnull=False
        )
        .select_related("assignment__member__expert", "assignment__nomination")
        .order_by("assignment__member__position", "assignment__nomination_id")
    )
    experts = sorted(
        {(s.assignment.member.position, s.assignment.member.expert.name) for s in sheets}
    )
    totals = {
        (s.assignment.member.expert.name, s.assignment.nomination_id): float(s.total)
        for s in sheets
        if s.total is not None
    }
    book.sheet(
        _("评分汇总"),
        [(_("评审组"), panel.name), (_("排名依据"), table.formula)],
        [_("名次"), _("姓名"), _("工作单位"), *(name for _p, name in experts), _("得分")],
        (
            [
                row.rank,
                row.nomination.name,
                row.nomination.workplace_name,
                *(totals.get((name, row.nomination.pk), "") for _p, name in experts),
                round(row.value, 2),
            ]
            for row in table.rows
        ),
    )
    book.sheet(
        _("评分表"),
        [],
        [
            _("评审专家"),
            _("推荐对象"),
            *(item.name for item in rubric),
            _("总分"),
            _("评语"),
            _("提交时间"),
        ],
        (
            [
                s.assignment.member.expert.name,
                s.assignment.nomination.name,
                *(s.scores.get(item.code, "") for item in rubric),
                float(s.total) if s.total is not None else "",
                s.comment,
                _moment(s.submitted_at),
            ]
            for s in sheets
        ),
    )
    return book.close()


def ballot_record_xlsx(ballot: Ballot) -> bytes:
    """An expert ballot's count as filed: the ballot's terms, who voted, and each
    candidate's votes with whether they passed, were elected or tied at the cut line."""
    book = _Book()
    result = ballot.result or {}
    book.sheet(
        _("投票结果"),
        [
            (_("投票名称"), ballot.title),
            (_("当选名额"), ballot.seats),
            (
                _("每票可选"),
                _("%(min)s至%(max)s人") % {"min": ballot.choose_min, "max": ballot.choose_max},
            ),
            (_("投票人数"), result.get("voters", ballot.votes.count())),
            (_("截止时间"), _moment(ballot.closed_at)),
            (_("组长确认时间"), _moment(ballot.signed_at)),
        ],
        [_("姓名"), _("工作单位"), _("得票"), _("过半数"), _("当选"), _("并列")],
        (
            [
                row["nomination"].name,
                row["nomination"].workplace_name,
                row["votes"],
                _yes(row["passing"]),
                _yes(row["elected"]),
                _yes(row["tied"]),
            ]
            for row in ballot_rows(ballot)
        ),
    )
    return book.close()


def approval_record_xlsx(approval_list: ApprovalList) -> bytes:
    """One version of an award's approval list (审定名单) as filed: the list in rank order
    with each entry's outcome, the reason of a revision, and the leading group's meeting
    (date, members present, votes, resolution) when it was approved."""
    book = _Book()
    meeting = getattr(approval_list, "meeting", None)
    heading = [
        (_("奖项"), approval_list.award.name),
        (_("版本"), _("第%(n)s版") % {"n": approval_list.version}),
        (_("状态"), ListState(approval_list.state).label),
        (_("修订理由"), approval_list.reason),
    ]
    if meeting is not None:
        heading += [
            (_("审定会议日期"), meeting.held_on.isoformat()),
            (_("出席成员"), "、".join(meeting.present)),
            (
                _("表决结果"),
                _("赞成%(yes)s票，反对%(no)s票，弃权%(abstain)s票")
                % {
                    "yes": meeting.votes_for,
                    "no": meeting.votes_against,
                    "abstain": meeting.votes_abstain,
                },
            ),
            (_("决议"), meeting.resolution),
        ]
    entries = approval_list.entries.select_related("nomination").order_by("outcome", "rank")
    book.sheet(
        _("审定名单"),
        heading,
        [_("排序"), _("姓名"), _("工作单位"), _("结果")],
        (
            [e.rank, e.nomination.name, e.nomination.workplace_name, Outcome(e.outcome).label]
            for e in entries
        ),
    )
    return book.close()
