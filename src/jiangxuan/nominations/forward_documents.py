"""The documents a body sends with its forward (报送): the stamped 推荐报告 / 推荐函, the
汇总表 with its seal, the 公示 screenshots, declared per review level by the specification
(``review_chain.forward_documents``; seed 000 附件3 1、6 and 六(三); seed 001 四(一)(二)).

A body uploads them once per campaign and level, before or with its first forward, and
they are kept for every later batch; ``review.forward_nominations`` refuses a forward while
a required one is missing. The files are checked and stored as evidence files are
(validators.check_upload). The body itself, the body that receives its list (the next
level) and the campaign office may download them (rules ``view_forwarddocument``); every
upload, removal and download is audited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiangxuan.accounts.models import OrgUnit, User
from jiangxuan.campaigns import spec as s
from jiangxuan.campaigns.models import Campaign
from jiangxuan.campaigns.selectors import category_of, cite, within_roots
from jiangxuan.core.audit import record_audit
from jiangxuan.core.permissions import require

from . import validators
from .models import ForwardDocument, Forwarding, Nomination
from .workflow import NominationError

#: How a file type a document accepts is named to people.
TYPE_LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "docx": "Word（.docx）"}


def types_text(document: s.ForwardDocumentSpec) -> str:
    """The accepted file types of ``document`` as people read them ("PDF、JPG")."""
    return "、".join(TYPE_LABELS[t] for t in document.types)


def documents_for_level(
    campaign: Campaign, level: str, nominations: Iterable[Nomination] | None = None
) -> list[s.ForwardDocumentSpec]:
    """The documents the specification asks of a forward from ``level``, in its order.

    A document limited to some unit ``categories`` is asked only when ``nominations``
    (the batch) holds one of a nominating unit of those categories; without
    ``nominations`` every document of the level is listed (the forward page before a
    batch is chosen)."""
    spec = campaign.specification
    declared = [d for d in spec.review_chain.forward_documents if d.level == level]
    if nominations is None or not any(d.categories for d in declared):
        return declared
    roots = within_roots(spec)
    categories = set()
    for n in nominations:
        category = category_of(n.nominating_unit, spec, roots=roots) if n.nominating_unit else None
        if category is not None:
            categories.add(category.code)
    return [d for d in declared if not d.categories or categories & set(d.categories)]


def documents_of(campaign: Campaign, level: str, body: OrgUnit) -> QuerySet[ForwardDocument]:
    """The files ``body`` uploaded for its forwards from ``level`` of ``campaign``."""
    return ForwardDocument.objects.filter(campaign=campaign, level=level, body=body).order_by(
        "document", "id"
    )


def missing_documents(
    campaign: Campaign, level: str, body: OrgUnit, nominations: Iterable[Nomination]
) -> list[s.ForwardDocumentSpec]:
    """The required documents of a forward of ``nominations`` from ``level`` by ``body``
    that it has not uploaded yet."""
    uploaded = set(documents_of(campaign, level, body).values_list("document", flat=True))
    return [
        d
        for d in documents_for_level(campaign, level, nominations)
        if d.required and d.code not in uploaded
    ]


def check_forward_documents(
    campaign: Campaign, level: str, body: OrgUnit, nominations: list[Nomination]
) -> None:
    """Refuse a forward while a required document of the level is missing (called by
    ``review.forward_nominations`` inside its transaction).

    Raises:
        NominationError: ``code="incomplete"``, field ``documents``; the message names
            each missing document and the clause of the notice that asks for it.
    """
    missing = missing_documents(campaign, level, body, nominations)
    if missing:
        names = "；".join(f"{d.name}{cite(d.source)}" for d in missing)
        raise NominationError(
            _("报送前须上传本级报送材料，尚缺：%(names)s。已填写的排序和选择均已保留。")
            % {"names": names},
            code="incomplete",
            field="documents",
        )


@transaction.atomic
def add_forward_document(
    campaign: Campaign, *, level: str, body: OrgUnit, actor: User, document: str, upload: Any
) -> ForwardDocument:
    """Store a file of ``document`` (a code of the level's ``forward_documents``) for the
    forwards of ``body`` from ``level``. A document may have several files (photos of a
    notice); each upload adds one.

    The bytes are checked as evidence files are (validators.check_upload: sniffed type,
    size limit ``JX_EVIDENCE_MAX_BYTES``, images re-encoded without metadata), then the
    type must be one the specification lists for the document.

    Raises:
        PermissionDenied: the actor does not sign for ``body``.
        NominationError: the level or document is not in the specification
            (field ``document``), or the file is refused (field ``file``).
    """
    reason = _("您不能代表%(body)s上传报送材料。") % {"body": body.name}
    require(actor, "nominations.add_forwarddocument", body, reason)
    spec = next((d for d in documents_for_level(campaign, level) if d.code == document), None)
    if spec is None:
        raise NominationError(_("材料项无效，请从本级报送材料中选择。"), field="document")
    try:
        checked = validators.check_upload(upload)
    except ValidationError as exc:
        raise NominationError(exc.messages[0], field="file") from exc
    if checked.extension not in spec.types:
        raise NominationError(
            _("“%(name)s”只接受 %(types)s 文件%(clause)s。")
            % {"name": spec.name, "types": types_text(spec), "clause": cite(spec.source)},
            field="file",
        )
    digest = hashlib.sha256(checked.data).hexdigest()
    stored = ForwardDocument(
        campaign=campaign,
        level=level,
        body=body,
        document=document,
        original_name=(getattr(upload, "name", "") or "file")[-200:],
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=digest,
        uploaded_by=actor,
    )
    stored.file.save(f"{digest[:32]}.{checked.extension}", ContentFile(checked.data), save=False)
    # A failed insert must not leave the file behind.
    try:
        stored.save()
    except Exception:
        stored.file.delete(save=False)
        raise
    record_audit(
        actor=actor,
        action="forward_document.add",
        obj=stored,
        after={
            "campaign": campaign.code,
            "level": level,
            "body": body.code,
            "document": document,
            "type": checked.content_type,
            "sha256": digest,
        },
    )
    return stored


@transaction.atomic
def delete_forward_document(stored: ForwardDocument, *, actor: User) -> None:
    """Remove a file the body has not sent yet: one uploaded after its last forward from
    the level (what went up with a list stays with it). The file goes after commit.

    Raises:
        PermissionDenied: the actor does not sign for the document's body.
        NominationError: ``code="conflict"``: the file went up with a forward.
    """
    body = stored.body
    reason = _("您不能代表%(body)s删除报送材料。") % {"body": body.name}
    require(actor, "nominations.add_forwarddocument", body, reason)
    sent = Forwarding.objects.filter(
        nomination__campaign_id=stored.campaign_id,
        level=stored.level,
        body=body,
        created_at__gte=stored.created_at,
    ).exists()
    if sent:
        raise NominationError(
            _("该材料已随名单报送上一级，不能删除；如需更正，请另行上传。"), code="conflict"
        )
    name, storage = str(stored.file.name), stored.file.storage
    record_audit(
        actor=actor,
        action="forward_document.delete",
        obj=stored,
        before={"document": stored.document, "file": name, "sha256": stored.sha256},
    )
    stored.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def open_forward_document(stored: ForwardDocument, *, actor: User) -> File:
    """The file of ``stored``, opened for reading, for a user who may see it; the download
    is audited (who read a unit's stamped documents, and when).

    Raises:
        PermissionDenied: the actor is neither the body, nor the body that received its
            list, nor the campaign office (callers fetch through
            :func:`forward_document_for` first and answer 404).
    """
    require(actor, "nominations.view_forwarddocument", stored, _("您不能查看该报送材料。"))
    record_audit(
        actor=actor,
        action="forward_document.download",
        obj=stored,
        after={"document": stored.document, "body": stored.body.code, "level": stored.level},
    )
    return stored.file.open("rb")


def forward_document_for(user: User, pk: int) -> ForwardDocument | None:
    """The forward document ``pk`` if ``user`` may see it (rules ``view_forwarddocument``),
    else None (callers answer 404)."""
    stored = ForwardDocument.objects.select_related("campaign", "body").filter(pk=pk).first()
    if stored is None or not user.has_perm("nominations.view_forwarddocument", stored):
        return None
    return stored


def documents_of_forwards(
    user: User, nomination: Nomination
) -> list[tuple[Forwarding, list[tuple[str, ForwardDocument]]]]:
    """For each forward of ``nomination`` (level by level), the documents its body sent
    with it that ``user`` may see, as (Forwarding, [(document's name, ForwardDocument)]);
    forwards without a visible document are left out. The nomination's page shows them to
    the level above and the office."""
    forwardings = list(
        Forwarding.objects.filter(nomination=nomination).select_related("body").order_by("id")
    )
    if not forwardings:
        return []
    stored = ForwardDocument.objects.filter(
        campaign_id=nomination.campaign_id,
        level__in={f.level for f in forwardings},
        body_id__in={f.body_id for f in forwardings},
    ).select_related("campaign", "body")
    titles = {
        (d.level, d.code): d.name
        for d in nomination.campaign.specification.review_chain.forward_documents
    }
    by_batch: dict[tuple[str, int], list[tuple[str, ForwardDocument]]] = {}
    for document in stored.order_by("document", "id"):
        title = titles.get((document.level, document.document), document.document)
        by_batch.setdefault((document.level, document.body_id), []).append((title, document))
    result: list[tuple[Forwarding, list[tuple[str, ForwardDocument]]]] = []
    for forwarding in forwardings:
        documents = by_batch.get((forwarding.level, forwarding.body_id), [])
        if documents and user.has_perm("nominations.view_forwarddocument", documents[0][1]):
            result.append((forwarding, documents))
    return result


@dataclass
class ReceivedBatch:
    """The documents one body sent with its forward from one level, as the level above
    sees them: ``files`` are (document's name, ForwardDocument); ``nomination_ids`` the
    nominations of the reader's list that came with it."""

    level: str
    body: OrgUnit
    files: list[tuple[str, ForwardDocument]]
    nomination_ids: set[int] = field(default_factory=set)


def received_batches(user: User, nominations: Iterable[Nomination]) -> list[ReceivedBatch]:
    """For nominations waiting at ``user``'s level (the review queue), the documents the
    bodies below sent with the forward that brought each of them there (their latest
    forward), those ``user`` may see; two queries, plus the permission's per batch."""
    nominations = list(nominations)
    latest: dict[int, Forwarding] = {}
    for forwarding in (
        Forwarding.objects.filter(nomination__in=nominations).select_related("body").order_by("id")
    ):
        latest[forwarding.nomination_id] = forwarding
    if not latest:
        return []
    campaigns = {n.pk: n.campaign for n in nominations}
    batches: dict[tuple[int, str, int], ReceivedBatch] = {}
    for nomination_id, forwarding in latest.items():
        key = (campaigns[nomination_id].pk, forwarding.level, forwarding.body_id)
        if key not in batches:
            batches[key] = ReceivedBatch(forwarding.level, forwarding.body, [])
        batches[key].nomination_ids.add(nomination_id)
    titles = {
        (campaign.pk, d.level, d.code): d.name
        for campaign in set(campaigns.values())
        for d in campaign.specification.review_chain.forward_documents
    }
    stored = ForwardDocument.objects.filter(
        campaign_id__in={key[0] for key in batches},
        level__in={key[1] for key in batches},
        body_id__in={key[2] for key in batches},
    ).order_by("document", "id")
    for document in stored:
        batch = batches.get((document.campaign_id, document.level, document.body_id))
        if batch is not None:
            title = titles.get((document.campaign_id, document.level, document.document), "")
            batch.files.append((title or document.document, document))
    return [
        batch
        for batch in batches.values()
        if batch.files and user.has_perm("nominations.view_forwarddocument", batch.files[0][1])
    ]
