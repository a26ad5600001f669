"""Seed 002 (焦作工匠) in the demo taken to its published decision, as the URL sweeps name
it: one real object of each kind, and the URL arguments of every named URL filled with
them. Shared by the URL × role sweep (test_url_sweep_roles.py) and the phone-width walk of
the staff pages (e2e/test_staff_pages_phone.py)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.signals import request_finished
from django.db import close_old_connections

from jiangxuan.accounts.models import User
from jiangxuan.decisions.models import ApprovalList, CommendationDecision
from jiangxuan.documents.enums import BundleKind, BundleState
from jiangxuan.documents.models import DocumentBundle
from jiangxuan.experts.models import Assignment, Ballot, Panel, PanelMember
from jiangxuan.nominations.models import Evidence, ForwardDocument, Forwarding, Nomination
from jiangxuan.notices.models import BackgroundCheck, Objection, PublicNotice
from jiangxuan.notifications.models import Notification, OutboxMessage

from .test_url_sweep import ROUTES

CODE = "jiaozuo-gongjiang-2018"


def build_world() -> dict:
    """In the demo taken to its decisions (the ``decided_demo`` fixture), seed 002 through its
    published decision: the decision, a nomination, a panel member with an account and
    ``ids``, the ids of one object of each kind of the campaign, by kind. Creates a finished
    certificates ZIP (the demo packs none)."""
    decision = CommendationDecision.objects.get(campaign__code=CODE)
    assert decision.published_at is not None
    nomination = Nomination.objects.filter(campaign__code=CODE).order_by("id").first()
    panel = Panel.objects.filter(campaign__code=CODE).first()
    member = PanelMember.objects.filter(panel=panel, expert__user__isnull=False).first()
    assignment = Assignment.objects.filter(member=member).order_by("id").first()
    forwarding = Forwarding.objects.filter(nomination__campaign__code=CODE).first()
    approval = ApprovalList.objects.filter(campaign__code=CODE).first()
    assert nomination is not None
    assert panel is not None
    assert member is not None
    assert forwarding is not None
    assert approval is not None
    # A finished ZIP of the certificates (the demo packs none: packing renders every one).
    bundle = DocumentBundle.objects.create(
        campaign=decision.campaign,
        kind=BundleKind.CERTIFICATES,
        requested_by=User.objects.get(username="jiaozuo_office"),
        fingerprint="sweep",
        state=BundleState.DONE,
    )
    bundle.file.save("sweep.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    # And a summary sheet made in the background (the demo's sheets are small).
    sheet = DocumentBundle.objects.create(
        campaign=decision.campaign,
        kind=BundleKind.SUMMARY,
        requested_by=bundle.requested_by,
        fingerprint="sweep",
        state=BundleState.DONE,
    )
    sheet.file.save("sweep.xlsx", ContentFile(b"PK\x05\x06" + bytes(18)))

    def first_pk(queryset):
        row = queryset.order_by("id").values_list("id", flat=True).first()
        return row

    return {
        "decision": decision,
        "nomination": nomination,
        "member": member,
        "ids": {
            "nominations": nomination.pk,
            "evidence": first_pk(Evidence.objects.filter(nomination=nomination)),
            "notice": first_pk(PublicNotice.objects.filter(campaign__code=CODE)),
            "objection": first_pk(Objection.objects.filter(notice__campaign__code=CODE)),
            "check": first_pk(BackgroundCheck.objects.filter(nomination__campaign__code=CODE)),
            "expert": member.expert_id,
            "panel": panel.pk,
            "member": member.pk,
            "assignment": assignment.pk if assignment else None,
            "assigned_evidence": first_pk(
                Evidence.objects.filter(nomination_id=assignment.nomination_id)
            )
            if assignment
            else None,
            "ballot": first_pk(Ballot.objects.filter(panel=panel)),
            "approval": approval.pk,
            "award": approval.award_id,
            "notification": first_pk(Notification.objects.all()),
            "outbox": first_pk(OutboxMessage.objects.all()),
            # Seed 002 asks for no forward documents; seeds 000 and 001 do (the demo
            # uploads them): the campaign's roles must get 404 or the file, never a 5xx.
            "forward_document": first_pk(ForwardDocument.objects.all()),
            "level": forwarding.level,
            "body": forwarding.body_id,
            "bundle": bundle.pk,
            "summary_bundle": sheet.pk,
        },
    }


def url_kwargs(name: str, ids: dict) -> dict | None:
    """URL kwargs naming the campaign's real objects; None when the demo has no such
    object (the URL is then skipped)."""
    namespace, _, short = name.partition(":")
    by_namespace = {
        "nominations": "nominations",
        "documents": "nominations",
        "notifications": "notification" if short == "read" else "outbox",
    }
    pk_of = {
        "notices:manage": "notice",
        "notices:publish": "notice",
        "notices:close": "notice",
        "notices:objection_assign": "objection",
        "notices:objection_finding": "objection",
        "notices:objection_answer": "objection",
        "notices:objection_attachment": "objection",
        "notices:background_check": "check",
        "notices:background_check_form": "check",
        "notices:background_check_form_pdf": "check",
        "notices:background_check_scan": "check",
        "experts:expert_detail": "expert",
        "experts:membership_detail": "member",
        "experts:membership_confirm": "member",
        "experts:membership_recusal": "member",
        "experts:scoring_sheet": "assignment",
        "experts:scoring_evidence": "assignment",
        "experts:ballot_vote": "ballot",
        "experts:ballot_close": "ballot",
        "experts:ballot_sign": "ballot",
        "experts:ballot_result": "ballot",
        "decisions:approve": "approval",
        "decisions:revise": "approval",
        "documents:bundle": "bundle",
        "documents:bundle_file": "bundle",
        "documents:bundle_sheet": "summary_bundle",
    }
    route = dict(ROUTES)[name]
    values: dict = {}
    if "<int:pk>" in route:
        key = pk_of.get(name) or by_namespace.get(namespace) or "panel"
        values["pk"] = ids.get(key)
    if "<slug:code>" in route:
        values["code"] = CODE
    if "<int:award_pk>" in route:
        values["award_pk"] = ids["award"]
    if "<int:evidence_id>" in route:
        # The expert's page opens a file of the nomination the expert scores.
        evidence = "assigned_evidence" if name == "experts:scoring_evidence" else "evidence"
        values["evidence_id"] = ids[evidence]
    if "<int:document_id>" in route:
        values["document_id"] = ids["forward_document"]
    if "<int:inspection_pk>" in route:
        return None  # seed 002 has no site inspection
    if "<slug:level>" in route:
        values["level"], values["body_id"] = ids["level"], ids["body"]
    if "<slug:kind>" in route:
        values["kind"] = BundleKind.CERTIFICATES
    if "<str:fmt>" in route:
        values["fmt"] = "pdf"
    if "<slug:document>" in route:
        # A sheet of seed 002's spec (documents[].layout), as a blank form.
        values["document"], values["file_format"] = "innovation-list", "pdf"
    if any(value is None for value in values.values()):
        return None
    return values


def release(response) -> None:
    """Close a response's files, as a WSGI server would, without the request_finished
    handler closing the test's database connection (what Django's test client does)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
