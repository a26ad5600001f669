"""Benchmark of the official documents (issue 14 "Speed", issue 17.4): each figure is a
ratio of two things measured in the same run on the same machine, so a busy machine
slows both sides. A benchmark, not a test: it prints figures and exits 0 unless the run
itself fails; a missed goal is reported, not raised.

Usage (from the repository root, with DATABASE_URL set; nothing is written to that
database: the data goes into a throwaway database beside it, ``bench_docs_<name>``,
created, migrated and dropped as pytest-django does with its test database):

    DJANGO_SETTINGS_MODULE=jiangxuan.settings .venv/bin/python bench/doc_speed.py \
        [--forms N] [--rows N] [--small N] [--certificates N] [--parts abc]

``make bench-docs`` installs LibreOffice Writer first (scripts/ensure-system-packages.sh,
``--optional``: without it part (a) reports WeasyPrint alone) and runs this script.

(a) Nomination form (推荐审批表) of seed 001: ``render_nomination_pdf`` documents per second
    against LibreOffice's headless batch conversion (``soffice --convert-to pdf``, one
    process for all files, start-up included) of the same form's DOCX
    (``render_nomination_docx``). Goal: at least as many documents per second.
(b) Summary sheet (汇总表) of seed 001 (grouped by award, 12 columns with ID number, bank
    account and phone) as the office downloads it, personal data in full
    (``documents.selectors.summary_scope_for`` + ``render_summary_xlsx``), against a
    bare XlsxWriter script that fetches the same columns with one ``values_list`` and
    writes them as they come. Goal: ≤ 1.3 × its time. Peak memory (tracemalloc) of the
    rendering at 1,000 and 10,000 rows, besides the finished file it returns. Goal: flat.
(c) Certificates: the ZIP bundle of N certificates (``documents.bundles.build_bundle``)
    against N single ``render_certificate_pdf`` calls. Goal: ≤ 2 ×.

Data: the org trees and seed 001 through the services, then ``--rows`` submitted
nominations of sample people (``demo.samples``, two awards, the workplaces of 长春 and
their parent units) with ``bulk_create``; a published decision with ``--certificates`` certificates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import os
import shutil
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "001-changchun-jineng-2022.yaml"
ORGS = ROOT / "specs" / "orgs"


def seconds(function, repeat: int = 1) -> float:
    """Best wall time of ``repeat`` calls of ``function`` (the least disturbed by the
    machine's other work)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def seconds_interleaved(functions: dict, repeat: int) -> dict[str, float]:
    """Best wall time of each function over ``repeat`` rounds, each round calling every
    function once in turn (after one unmeasured call each)."""
    best = dict.fromkeys(functions, float("inf"))
    for function in functions.values():
        function()
    for _ in range(repeat):
        for name, function in functions.items():
            best[name] = min(best[name], seconds(function))
    return best


def peak_bytes(function) -> int:
    """Peak of Python allocations (tracemalloc) while ``function`` runs."""
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


# --------------------------------------------------------------------------- data


def build_data(rows: int, certificates: int):
    """The campaign, its submitted nominations and a decision with certificates."""
    from django.utils import timezone

    from jiangxuan.accounts.enums import Role
    from jiangxuan.accounts.models import Membership, OrgUnit, User
    from jiangxuan.accounts.selectors import jurisdiction_of
    from jiangxuan.accounts.services import load_org_tree
    from jiangxuan.campaigns.enums import CampaignState
    from jiangxuan.campaigns.services import load_campaign
    from jiangxuan.core.crypto import blind_index
    from jiangxuan.decisions.models import Certificate, CommendationDecision
    from jiangxuan.demo.samples import SampleGenerator, region_prefix
    from jiangxuan.nominations.enums import NominationState
    from jiangxuan.nominations.models import Nomination

    for path in sorted(ORGS.glob("*.yaml")):
        load_org_tree(path)
    campaign = load_campaign(SPEC, state=CampaignState.PUBLISHED)
    spec = campaign.specification
    office = User.objects.create(username="bench_office", display_name="活动办公室（压测）")
    Membership.objects.create(
        user=office, org_unit=campaign.organizer_unit, role=Role.CAMPAIGN_OFFICE, campaign=campaign
    )
    scope = jurisdiction_of(campaign.organizer_unit).path
    workplaces = list(
        OrgUnit.objects.filter(path__startswith=scope, level="workplace").order_by("path")
    )
    units = {w.pk: OrgUnit.objects.get(path=w.path[: -OrgUnit.steplen]) for w in workplaces}
    awards = list(campaign.awards.order_by("position"))
    on = timezone.localdate(campaign.submission_closes_at)
    gen = SampleGenerator(2022, on=on)
    prefix = region_prefix(campaign.organizer_unit)
    fields = {f.name for f in Nomination._meta.concrete_fields}
    people = []
    level = spec.review_chain.levels[0].code
    now = timezone.now()
    start = time.perf_counter()
    for i in range(rows):
        workplace = workplaces[i % len(workplaces)]
        award = awards[i % len(awards)]
        unit = units[workplace.pk]
        person = gen.person(
            division_prefix=prefix,
            workplace_name=workplace.name,
            campaign_spec=spec,
            award=spec.award(award.code),
        )
        core, extra = person.values_for(
            spec, award_name=award.name, nominating_unit_name=unit.name, on=on
        )
        nomination = Nomination(
            campaign=campaign,
            award=award,
            channel=spec.channels[0].code,
            nominating_unit=unit,
            workplace=workplace,
            created_by=office,
            state=NominationState.SUBMITTED,
            level=level,
            rank=i // len(workplaces) + 1,
            submitted_at=now,
            is_sample=True,
            extra=extra,
            publication_consent=True,
            **{k: v for k, v in core.items() if k in fields},
        )
        nomination.id_index = blind_index(nomination.id_number) if nomination.id_number else ""
        people.append(nomination)
    Nomination.objects.bulk_create(people, batch_size=1000)
    print(f"data: {rows} nominations of seed 001 in {time.perf_counter() - start:.0f} s")
    decision = CommendationDecision.objects.create(
        campaign=campaign,
        number="长人社发〔2022〕1号",
        title="关于表彰长春技能大奖和长春技术能手的决定",
        issued_on=on,
        issuer="长春市人力资源和社会保障局",
        published_at=now,
        created_by=office,
    )
    awarded = Nomination.objects.filter(campaign=campaign).order_by("pk")[:certificates]
    Certificate.objects.bulk_create(
        Certificate(
            decision=decision,
            nomination=n,
            award_id=n.award_id,
            number=f"CCJN2022{seq:04d}",
            rank=seq,
        )
        for seq, n in enumerate(awarded, start=1)
    )
    return campaign, office, decision


# --------------------------------------------------------------------------- (a)


def bench_forms(campaign, count: int) -> None:
    from jiangxuan.documents.services import render_nomination_docx, render_nomination_pdf
    from jiangxuan.nominations.models import Nomination

    nomination = (
        Nomination.objects.select_related("campaign", "award", "nominating_unit", "workplace")
        .filter(campaign=campaign)
        .order_by("pk")
        .first()
    )
    render_nomination_pdf(nomination, unmasked=False)  # fonts and templates loaded
    pdf_time = seconds(
        lambda: [render_nomination_pdf(nomination, unmasked=False) for _ in range(count)]
    )
    pdf_rate = count / pdf_time
    docx = render_nomination_docx(nomination, unmasked=False)
    docx_time = seconds(
        lambda: [render_nomination_docx(nomination, unmasked=False) for _ in range(count)]
    )
    print(f"\n(a) nomination form of seed 001, {count} documents each")
    print("| what | documents/s | ms per document |\n|---|---:|---:|")
    print(f"| WeasyPrint `render_nomination_pdf` | {pdf_rate:.2f} | {1000 / pdf_rate:.0f} |")
    docx_rate = count / docx_time
    print(f"| python-docx `render_nomination_docx` | {docx_rate:.2f} | {1000 / docx_rate:.0f} |")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("LibreOffice is not installed: the comparison of (a) is not measured.")
        return
    work = Path(tempfile.mkdtemp(prefix="jx-bench-lo-"))
    try:
        profile = (work / "profile").as_uri()
        sources = []
        for i in range(count):
            path = work / f"form{i:03d}.docx"
            path.write_bytes(docx)
            sources.append(path)

        def convert(files: list[Path]) -> None:
            out = work / "out"
            shutil.rmtree(out, ignore_errors=True)
            subprocess.run(  # noqa: S603 - fixed program, our own files
                [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
                check=True, capture_output=True, timeout=600,
            )  # fmt: skip
            made = len(list(out.glob("*.pdf")))
            if made != len(files):
                raise RuntimeError(f"LibreOffice made {made} PDFs of {len(files)}")

        convert(sources[:1])  # creates the profile (first start), not measured
        one = seconds(lambda: convert(sources[:1]))
        batch = seconds(lambda: convert(sources))
        lo_rate = count / batch
        per_doc = (batch - one) / max(1, count - 1)
        print(
            f"| LibreOffice `soffice --headless --convert-to pdf`, {count} files in one "
            f"process | {lo_rate:.2f} | {1000 / lo_rate:.0f} |"
        )
        print(
            f"| LibreOffice, per further file once started (start-up {one:.1f} s) "
            f"| {1 / per_doc:.2f} | {1000 * per_doc:.0f} |"
        )
        print(
            f"goal (a) WeasyPrint ≥ LibreOffice batch: {pdf_rate / lo_rate:.2f}× "
            f"({verdict(pdf_rate >= lo_rate)}); against LibreOffice once started: "
            f"{pdf_rate * per_doc:.2f}×"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------- (b)


def bare_xlsx(campaign) -> bytes:
    """What a bare XlsxWriter script does with the same rows and columns: one query for
    the columns, written as they come (no labels, no masking, no grouping)."""
    import xlsxwriter

    from jiangxuan.nominations.enums import NominationState
    from jiangxuan.nominations.models import Nomination

    columns = campaign.specification.summary_sheet.columns
    names = {
        "award": "award__name",
        "skill_level_label": "skill_level",
        "nominating_unit": "nominating_unit__name",
        "seq": "id",
    }
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet()
    for c, column in enumerate(columns):
        sheet.write_string(0, c, column.label)
    values = (
        Nomination.objects.filter(campaign=campaign)
        .exclude(state__in=[NominationState.DRAFT, *NominationState.FINAL])
        .order_by("nominating_unit__path", "award__position", "rank", "submitted_at", "id")
        .values_list(*(names.get(c.key, c.key) for c in columns))
    )
    for r, row in enumerate(values, start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, "" if value is None else str(value))
    workbook.close()
    return out.getvalue()


def bench_summary(campaign, office, rows: int, small: int) -> None:
    from jiangxuan.documents.layout import summary_fields
    from jiangxuan.documents.selectors import summary_scope_for
    from jiangxuan.documents.services import render_summary_xlsx
    from jiangxuan.nominations.selectors import summary_sheet_rows

    spec = campaign.specification

    def ours() -> bytes:
        # What the office's download does (documents.downloads.summary_file): every unit,
        # personal data in full.
        scope = summary_scope_for(office, campaign)
        return render_summary_xlsx(campaign, scope.nominations, unmasked_ids=scope.unmasked_ids)

    fetched = summary_scope_for(office, campaign).nominations
    everyone = {n.pk for n in fetched}
    # Interleaved, best of five each: a burst of the machine's other work hits both sides.
    timings = seconds_interleaved(
        {
            "ours": ours,
            "bare": lambda: bare_xlsx(campaign),
            "fetch": lambda: summary_scope_for(office, campaign),
            "render": lambda: render_summary_xlsx(campaign, fetched, unmasked_ids=everyone),
        },
        repeat=5,
    )
    ours_time, bare_time = timings["ours"], timings["bare"]
    fetch_time, render_time = timings["fetch"], timings["render"]
    ratio = ours_time / bare_time
    print(f"\n(b) summary sheet of seed 001, {len(fetched)} rows, best of 5, interleaved")
    print("| what | s |\n|---|---:|")
    print(
        f"| `summary_scope_for` + `render_summary_xlsx` (the office's download) | {ours_time:.2f} |"
    )
    print(f"| of it `summary_scope_for` (`summary_sheet_rows`) | {fetch_time:.2f} |")
    print(f"| of it `render_summary_xlsx` | {render_time:.2f} |")
    print(f"| bare XlsxWriter (values_list, constant_memory) | {bare_time:.2f} |")
    print(f"goal (b) time ≤ 1.3× bare: {ratio:.2f}× ({verdict(ratio <= 1.3)})")

    first = fetched[0].nominating_unit_id
    one_unit = sum(n.nominating_unit_id == first for n in fetched)
    peaks = {}
    for count, unit_ids in ((small, [first]), (len(fetched), None)):
        subset = fetched[:count]
        size = len(render_summary_xlsx(campaign, subset, unmasked_ids=everyone))
        render = peak_bytes(
            lambda s=subset: render_summary_xlsx(campaign, s, unmasked_ids=everyone)
        )
        total = peak_bytes(
            lambda u=unit_ids: render_summary_xlsx(
                campaign,
                summary_sheet_rows(campaign, unit_ids=u, fields=summary_fields(spec)),
                unmasked_ids=everyone,
            )
        )
        peaks[count] = (render, total, size)
    print(
        f"| rows | file MB | peak MB while rendering | peak MB fetching and rendering "
        f"({one_unit} rows of one unit, then all) |\n|---:|---:|---:|---:|"
    )
    for count, (render, total, size) in peaks.items():
        print(f"| {count} | {size / 1e6:.2f} | {render / 1e6:.1f} | {total / 1e6:.1f} |")
    rows = len(fetched)
    # The file itself is returned as bytes, so it is in memory at the end whatever the
    # mode; flat means the memory besides it does not grow with the rows.
    working = {n: peaks[n][0] - peaks[n][2] for n in (small, rows)}
    growth = working[rows] / working[small]
    print(
        f"goal (b) rendering memory besides the file flat from {small} to {rows} rows: "
        f"{working[small] / 1e6:.2f} → {working[rows] / 1e6:.2f} MB, ×{growth:.2f} "
        f"({verdict(growth <= 1.5)}); with the file ×{peaks[rows][0] / peaks[small][0]:.2f}; "
        f"fetching and rendering, {one_unit} to {rows} rows: "
        f"×{peaks[rows][1] / peaks[small][1]:.2f} (the fetched rows are held in a list)"
    )


# --------------------------------------------------------------------------- (c)


def bench_certificates(campaign, office, decision) -> None:
    from jiangxuan.decisions.rendering import render_certificate_pdf
    from jiangxuan.decisions.selectors import certificates_of
    from jiangxuan.documents.bundles import build_bundle
    from jiangxuan.documents.enums import BundleKind
    from jiangxuan.documents.models import DocumentBundle

    certificates = list(certificates_of(decision))
    render_certificate_pdf(certificates[0])
    single = seconds(lambda: [render_certificate_pdf(c) for c in certificates])

    def bundle() -> None:
        made = DocumentBundle.objects.create(
            campaign=campaign,
            kind=BundleKind.CERTIFICATES,
            requested_by=office,
            fingerprint=f"bench-{time.monotonic_ns()}",
            total=len(certificates),
        )
        done = build_bundle(made.pk)
        if done.done != len(certificates) or not done.file:
            raise RuntimeError(f"bundle {made.pk}: {done.state} {done.error}")

    packed = seconds(bundle)
    ratio = packed / single
    print(f"\n(c) {len(certificates)} certificates")
    print("| what | s |\n|---|---:|")
    print(f"| {len(certificates)} × `render_certificate_pdf` | {single:.2f} |")
    print(f"| `build_bundle` (certificates, ZIP stored) | {packed:.2f} |")
    print(f"goal (c) bundle ≤ 2× single calls: {ratio:.2f}× ({verdict(ratio <= 2)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=20)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--certificates", type=int, default=50)
    parser.add_argument("--parts", default="abc", help="which of (a), (b), (c) to run")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        parser.error("set DATABASE_URL (a PostgreSQL server; a test database is made beside it)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiangxuan.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import override_settings

    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()}")
    name = connection.settings_dict["NAME"]
    # Not pytest's test_<name>: a test run beside the benchmark keeps its own database.
    connection.settings_dict["TEST"]["NAME"] = f"bench_docs_{name}"
    media = tempfile.mkdtemp(prefix="jx-bench-media-")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with override_settings(MEDIA_ROOT=media):
            campaign, office, decision = build_data(args.rows, args.certificates)
            if "a" in args.parts:
                bench_forms(campaign, args.forms)
            if "b" in args.parts:
                bench_summary(campaign, office, args.rows, args.small)
            if "c" in args.parts:
                bench_certificates(campaign, office, decision)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
        shutil.rmtree(media, ignore_errors=True)
    print(f"\nload average at the end {os.getloadavg()}")


if __name__ == "__main__":
    main()
