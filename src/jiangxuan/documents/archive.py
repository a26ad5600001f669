"""The campaign's file (归档, issue 14.7): every document of a campaign written as a folder
tree with ``manifest.json``, as offices file a campaign's paperwork.

Tree: ``活动/`` (campaign-level sheets and the summary sheet), ``推荐单位/<unit>/<nominee>/``
(each nominee's form, per-nominee sheets, background-check forms and ``材料/``, the
uploaded evidence), ``层级报送/<level>/<body>/`` (each body's nomination letter, the
summary sheet of what it forwarded and, in ``报送材料/``, the stamped documents it uploaded
with its forwards), ``公示/`` (each notice with its list and the
objections' outcomes), ``专家评审/<panel>/`` (score sheets, ballots), ``审定/`` (every
version of each approval list with its meeting) and ``表彰/`` (the decision and the
certificates). Personal data is in full: the file is the office's own record; writing it
is audited.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import User
from jiangxuan.campaigns.models import Campaign
from jiangxuan.core.audit import record_audit
from jiangxuan.decisions import rendering as decision_rendering
from jiangxuan.decisions.models import ApprovalList, CommendationDecision
from jiangxuan.experts.models import Panel, ScoreSheet
from jiangxuan.nominations.forward_documents import documents_for_level, documents_of
from jiangxuan.nominations.letters import render_nomination_letter
from jiangxuan.nominations.review_selectors import forwarded_by, forwarding_bodies
from jiangxuan.nominations.selectors import summary_sheet_rows
from jiangxuan.notices.models import BackgroundCheck
from jiangxuan.notices.rendering import render_background_check_form, render_background_check_pdf

from . import records, services, sheets
from .downloads import safe_filename


@dataclass(frozen=True)
class ManifestEntry:
    """One file of the archive: where it is, its title as printed, its kind and format,
    whom it concerns and the spec entry it came from."""

    path: str
    title: str
    kind: str
    format: str
    nominee: str = ""
    unit: str = ""
    spec_entry: str = ""


def write_archive(
    campaign: Campaign,
    out: Path,
    *,
    actor: User | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> list[ManifestEntry]:
    """Write every document of ``campaign`` under ``out`` and ``out/manifest.json``.

    Args:
        campaign: the campaign.
        out: the folder (created; existing files of the same names are replaced).
        actor: who asked (the office through the web or API), for the audit entry; None
            from the command line.
        progress: called as ``progress(done, total)`` after the campaign's sheets, each
            nominee's folder, the records of the steps and each certificate.
    Returns:
        The manifest's entries, in the order written.
    """
    spec = campaign.specification
    entries: list[ManifestEntry] = []
    decision = CommendationDecision.objects.filter(
        campaign=campaign, published_at__isnull=False
    ).first()
    certificates = (
        list(decision.certificates.select_related("nomination__nominating_unit", "award"))
        if decision
        else []
    )
    steps = 0

    def step(total: int) -> None:
        nonlocal steps
        steps += 1
        if progress is not None:
            progress(steps, total)

    def write(relative: Path, data: bytes, **fields) -> None:
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        entries.append(ManifestEntry(path=relative.as_posix(), **fields))

    def copy(folder: Path, uploaded: Any, kind: str, title: str, spec_entry: str, **who: str):
        """An uploaded file (evidence, a forward's document) as it was stored."""
        with uploaded.file.open("rb") as handle:
            data = handle.read()
        original = uploaded.original_name
        write(
            folder / f"{safe_filename(title)}-{uploaded.pk}-{safe_filename(original)}",
            data,
            title=title,
            kind=kind,
            format=Path(original).suffix.lstrip(".").lower(),
            spec_entry=spec_entry,
            **who,
        )

    documents = {d.kind: d for d in spec.documents}
    materials = {m.code: m.name for m in spec.materials}
    nominations = summary_sheet_rows(campaign)
    # One query each for every nominee's evidence and background checks, not one per nominee.
    prefetch_related_objects(
        nominations,
        "evidence",
        Prefetch(
            "background_checks",
            queryset=BackgroundCheck.objects.select_related(
                "nomination__campaign", "nomination__workplace"
            ),
        ),
    )
    total = 2 + len(nominations) + len(certificates)
    summary = documents.get("summary_sheet")
    write(
        Path("活动") / f"{safe_filename(spec.summary_sheet.title)}.xlsx",
        services.render_summary_xlsx(
            campaign, nominations, unmasked_ids={n.id for n in nominations}
        ),
        title=spec.summary_sheet.title,
        kind="summary_sheet",
        format="xlsx",
        spec_entry=summary.code if summary else "summary_sheet",
    )
    for document in spec.documents:
        if document.layout is None or document.layout.per == "nomination":
            continue
        sheet = sheets.build_sheet(campaign, document)
        for fmt in document.formats:
            write(
                Path("活动") / f"{safe_filename(document.title)}.{fmt}",
                sheets.RENDERERS[fmt](sheet),
                title=document.title,
                kind=document.kind,
                format=fmt,
                spec_entry=document.code,
            )
    step(total)
    form = documents.get("nomination_form")
    for n in nominations:
        unit = n.nominating_unit.name if n.nominating_unit else ""
        folder = (
            Path("推荐单位")
            / safe_filename(unit or "未指定单位")
            / safe_filename(f"{n.name or n.pk}-{n.pk}")
        )
        who = {"nominee": n.name, "unit": unit}
        for fmt, render in (
            ("docx", services.render_nomination_docx),
            ("pdf", services.render_nomination_pdf),
        ):
            write(
                folder / f"{safe_filename(spec.form.title)}.{fmt}",
                render(n, unmasked=True),
                title=spec.form.title,
                kind="nomination_form",
                format=fmt,
                spec_entry=form.code if form else "form",
                **who,
            )
        for document in spec.documents:
            if document.layout is None or document.layout.per != "nomination":
                continue
            sheet = sheets.build_sheet(campaign, document, nomination=n, unmasked=True)
            for fmt in document.formats:
                write(
                    folder / f"{safe_filename(document.title)}.{fmt}",
                    sheets.RENDERERS[fmt](sheet),
                    title=document.title,
                    kind=document.kind,
                    format=fmt,
                    spec_entry=document.code,
                    **who,
                )
        check_doc = documents.get("background_check_form")
        for check in n.background_checks.all():
            title = check.form_title or (check_doc.title if check_doc else "征求意见表")
            for fmt, render_check in (
                ("docx", render_background_check_form),
                ("pdf", render_background_check_pdf),
            ):
                write(
                    folder / f"{safe_filename(title)}-{check.pk}.{fmt}",
                    render_check(check),
                    title=title,
                    kind="background_check_form",
                    format=fmt,
                    spec_entry=check_doc.code if check_doc else "",
                    **who,
                )
        for evidence in n.evidence.all():
            name = materials.get(evidence.material, evidence.material)
            entry = f"materials.{evidence.material}"
            copy(folder / "材料", evidence, "evidence", name, entry, **who)
        step(total)
    for level, body in forwarding_bodies(campaign):
        rows = forwarded_by(campaign, level.code, body)
        if not rows:  # everything it forwarded was withdrawn or revoked since
            continue
        folder = Path("层级报送") / safe_filename(level.name) / safe_filename(body.name)
        who = {"unit": body.name}
        letter_title = _("推荐报告")
        write(
            folder / f"{letter_title}.docx",
            render_nomination_letter(
                campaign, level=level.code, body=body, nominations=rows, contact=""
            ),
            title=letter_title,
            kind="nomination_letter",
            format="docx",
            spec_entry=f"review_chain.levels.{level.code}",
            **who,
        )
        write(
            folder / f"{safe_filename(spec.summary_sheet.title)}.xlsx",
            services.render_summary_xlsx(
                campaign, rows, unmasked_ids={n.pk for n in rows}, unit_name=body.name
            ),
            title=spec.summary_sheet.title,
            kind="summary_sheet",
            format="xlsx",
            spec_entry=summary.code if summary else "summary_sheet",
            **who,
        )
        names = {d.code: d.name for d in documents_for_level(campaign, level.code)}
        for stored in documents_of(campaign, level.code, body):
            name = names.get(stored.document, stored.document)
            entry = f"review_chain.forward_documents.{stored.document}"
            copy(folder / "报送材料", stored, "forward_document", name, entry, **who)
    for notice in campaign.public_notices.select_related("body").order_by("starts_on", "id"):
        who = {"unit": notice.body.name if notice.body else ""}
        write(
            Path("公示") / f"{safe_filename(notice.title)}-{notice.pk}.xlsx",
            records.notice_record_xlsx(notice),
            title=notice.title,
            kind="public_notice",
            format="xlsx",
            spec_entry=notice.stage,
            **who,
        )
    for panel in Panel.objects.filter(campaign=campaign).order_by("id"):
        folder = Path("专家评审") / safe_filename(panel.name)
        if ScoreSheet.objects.filter(assignment__member__panel=panel).exists():
            title = _("%(panel)s评分表") % {"panel": panel.name}
            write(
                folder / f"{safe_filename(title)}.xlsx",
                records.scoring_record_xlsx(panel),
                title=title,
                kind="score_sheets",
                format="xlsx",
                spec_entry="expert_review",
            )
        for ballot in panel.ballots.order_by("id"):
            write(
                folder / f"{safe_filename(ballot.title)}-{ballot.pk}.xlsx",
                records.ballot_record_xlsx(ballot),
                title=ballot.title,
                kind="ballot",
                format="xlsx",
                spec_entry="expert_review",
            )
    for approval in ApprovalList.objects.filter(campaign=campaign).select_related("award"):
        title = _("%(award)s审定名单（第%(n)s版）") % {
            "award": approval.award.name,
            "n": approval.version,
        }
        write(
            Path("审定") / f"{safe_filename(title)}.xlsx",
            records.approval_record_xlsx(approval),
            title=title,
            kind="approval_list",
            format="xlsx",
            spec_entry="final_approval",
        )
    step(total)
    if decision is not None:
        for fmt, render_decision in (
            ("docx", decision_rendering.render_decision_docx),
            ("pdf", decision_rendering.render_decision_pdf),
            # 公文 systems file the OFD (GB/T 33190).
            ("ofd", decision_rendering.render_decision_ofd),
        ):
            write(
                Path("表彰") / f"{safe_filename(decision.title)}.{fmt}",
                render_decision(decision),
                title=decision.title,
                kind="decision",
                format=fmt,
                spec_entry="decision",
            )
        for certificate in certificates:
            n = certificate.nomination
            write(
                Path("表彰") / "荣誉证书" / f"{safe_filename(certificate.number)}.pdf",
                decision_rendering.render_certificate_pdf(certificate),
                title=spec.certificate.heading,
                kind="certificate",
                format="pdf",
                nominee=n.name,
                unit=n.nominating_unit.name if n.nominating_unit else "",
                spec_entry="certificate",
            )
            step(total)
    manifest = {
        "campaign": spec.code,
        "title": spec.title,
        "files": [asdict(e) for e in entries],
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    record_audit(
        actor=actor,
        action="documents.archive",
        obj=campaign,
        after={"files": len(entries), "nominations": [n.pk for n in nominations]},
    )
    return entries
