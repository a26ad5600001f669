"""The laureate registry (历届获得者) of editions held before the platform: imported from a
spreadsheet with the document that named them, so that "previous winners are excluded"
(seed 000 二; seed 001 一(一); seed 003 一(一)) works from the first edition on the
platform (issue 12). Editions decided on the platform enter it when their decision is
published (services.publish_decision).

Only the name, the year, the title and a blind index of the ID number are kept: the ID
number itself is never stored (PIPL minimisation; docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Award, Campaign, PastAwardee
from jiangxuan.core.audit import record_audit
from jiangxuan.core.crypto import blind_index
from jiangxuan.core.errors import DomainError
from jiangxuan.core.permissions import require
from jiangxuan.core.spreadsheets import UnreadableSheet, read_rows
from jiangxuan.nominations.services import rescreen_series
from jiangxuan.nominations.validators import validate_id_number

#: The columns a registry file has, by the headings people write for them.
HEADINGS = {
    "name": ("姓名",),
    "id_number": ("身份证号码", "身份证号", "公民身份号码"),
    "year": ("年度", "年份", "获评年度", "命名年度"),
    "title": ("称号", "荣誉称号", "奖项"),
}
MAX_ROWS = 5000
#: A registry file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 5 * 1024 * 1024


class RegistryImportError(DomainError):
    """A registry file was refused; ``problems`` has one Chinese line per problem (row and
    column named), and nothing was imported."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems[:20]), field="file")


@dataclass
class RegistryImport:
    """What an import did: rows added, rows already in the registry (same title series and
    person), and the document they came from."""

    added: int = 0
    present: int = 0
    source: str = ""
    names: list[str] = field(default_factory=list)


def _columns(heading: list[str]) -> dict[str, int]:
    found = {}
    for key, names in HEADINGS.items():
        for i, cell in enumerate(heading):
            if cell.replace(" ", "") in names:
                found[key] = i
                break
    return found


@transaction.atomic
def import_past_awardees(
    campaign: Campaign,
    award: Award,
    *,
    data: bytes,
    filename: str,
    source: str,
    actor: User | None,
) -> RegistryImport:
    """Add the awardees of earlier editions of ``award``'s title series (its
    ``series``) listed in a spreadsheet to the laureate registry.

    Args:
        data, filename: the file (XLSX, or CSV in UTF-8 or GB 18030); its first row names
            the columns 姓名, 身份证号码, 年度 and optionally 称号 (the title as then named;
            default the award's name).
        source: the document that named them (title and number), kept with each row.
        actor: the campaign office; None for the ``importpastawardees`` command.
    Returns:
        The counts; a person already in the registry for the series is left as is.
    Raises:
        PermissionDenied: the actor is not the campaign's office.
        RegistryImportError: no source, an unreadable file, missing columns, or any row
            with a problem (a wrong ID number, a year not before the campaign's): one line
            per problem, and nothing is imported.
    """
    if actor is not None:
        require(
            actor, "campaigns.change_campaign", campaign, _("只有活动办公室可以导入历届获得者。")
        )
    if award.campaign_id != campaign.pk:
        raise RegistryImportError([_("所选奖项不属于该评选活动。")])
    source = source.strip()
    if not source:
        raise RegistryImportError([_("请填写依据文件（表彰决定或命名文件的名称和文号）。")])
    if len(data) > MAX_FILE_BYTES:
        raise RegistryImportError([_("文件超过 5 MB，请分批导入。")])
    try:
        rows = [row for row in read_rows(data, filename) if any(row)]
    except UnreadableSheet as exc:
        raise RegistryImportError([str(exc)]) from exc
    if not rows:
        raise RegistryImportError([_("文件中没有内容。")])
    columns = _columns(rows[0])
    missing = [HEADINGS[key][0] for key in ("name", "id_number", "year") if key not in columns]
    if missing:
        raise RegistryImportError(
            [_("第 1 行应为列名，缺少：%(columns)s。") % {"columns": "、".join(missing)}]
        )
    if len(rows) - 1 > MAX_ROWS:
        raise RegistryImportError([_("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS}])

    def cell(row: list[str], key: str) -> str:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else ""

    problems: list[str] = []
    people: dict[str, tuple[str, int, str]] = {}
    for number, row in enumerate(rows[1:], start=2):
        name, raw_id, raw_year = cell(row, "name"), cell(row, "id_number"), cell(row, "year")
        if not name:
            problems.append(_("第 %(row)d 行：缺少姓名。") % {"row": number})
        try:
            id_number = validate_id_number(raw_id)
        except ValidationError as exc:
            problems.append(
                _("第 %(row)d 行（%(name)s）：%(error)s")
                % {"row": number, "name": name, "error": exc.messages[0]}
            )
            continue
        year_text = raw_year.removesuffix(".0").removesuffix("年")
        if not year_text.isdigit() or not 1949 < int(year_text) < campaign.year:
            problems.append(
                _("第 %(row)d 行（%(name)s）：年度“%(year)s”应为本届（%(now)d年）之前的年份。")
                % {"row": number, "name": name, "year": raw_year, "now": campaign.year}
            )
            continue
        index = blind_index(id_number)
        if index in people:
            problems.append(
                _("第 %(row)d 行（%(name)s）：与前面一行是同一人。") % {"row": number, "name": name}
            )
            continue
        people[index] = (name, int(year_text), cell(row, "title") or award.name)
    if problems:
        raise RegistryImportError(problems)
    present = set(
        PastAwardee.objects.filter(series=award.series, id_index__in=people).values_list(
            "id_index", flat=True
        )
    )
    added = [
        PastAwardee(
            series=award.series,
            id_index=index,
            name=name,
            year=year,
            title=title,
            source=source,
        )
        for index, (name, year, title) in people.items()
        if index not in present
    ]
    PastAwardee.objects.bulk_create(added)
    rescreen_series([award.series], actor=actor, cause="decision.import_past_awardees")
    record_audit(
        actor=actor,
        action="decision.import_past_awardees",
        obj=campaign,
        after={
            "award": award.code,
            "series": award.series,
            "source": source,
            "added": len(added),
            "present": len(present),
        },
    )
    return RegistryImport(
        added=len(added), present=len(present), source=source, names=[p.name for p in added]
    )
