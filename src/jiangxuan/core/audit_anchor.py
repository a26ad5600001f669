"""Anchoring the audit chain outside the database (issue 16.1; docs/security.md check 23).

The hash chain (``core/audit.py``) proves that no kept entry was edited, but not that none
was cut: whoever can delete rows and rewrite ``core_audithead`` can shorten the chain at
either end and it still verifies. An *anchor* is the chain head at one moment (the first
and the last entry's id, hash and time, and the number of entries), signed with Ed25519 and
written as a write-once file (``O_EXCL``, mode 0444) into ``JX_AUDIT_ANCHOR_DIR``;
``jiangxuan auditanchor`` writes one, from cron, and the auditor copies the files off the
host. ``verify_anchors`` then compares the chain with every anchor: an anchored entry that
is gone or has another hash, a chain that no longer starts where it did, or fewer entries
than anchored is a cut, unless a retention purge recorded in the chain explains it and
the purged entries were past the 180-day minimum.

Ed25519 rather than an HMAC: the auditor verifies with the public key and never holds the
secret. SM2 would suit 商用密码 better, but ``cryptography`` offers no SM2 signature. The
anchors themselves form a chain (``prev_anchor`` is the SM3 of the previous anchor's signed
body), so a removed or reordered anchor file shows too.
"""

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import GENESIS, compute_hash
from .crypto import sm3_hex
from .errors import DomainError
from .models import AuditEntry, AuditHead

ANCHOR_VERSION = 1
FILE_GLOB = "anchor-*.json"
#: How far ahead of the verifier's clock an entry's time may be (clocks of two hosts).
CLOCK_SLACK = timedelta(minutes=10)


class AnchorError(DomainError):
    """An anchor could not be written; ``message`` is Chinese and says why."""

    code = "conflict"
    status = 409


@dataclass(frozen=True)
class Anchor:
    """The signed chain head at one moment.

    ``seq`` numbers the anchors 1, 2, …; ``count`` is the number of entries kept, from
    ``first_id`` to ``last_id``; ``base_hash`` is the hash the first kept entry chains to
    (the genesis hash, or after a retention purge the last purged entry's). An empty chain
    has ``first_id`` = ``last_id`` = 0 and empty hashes and times.
    """

    version: int
    seq: int
    made_at: str
    count: int
    base_hash: str
    first_id: int
    first_hash: str
    first_at: str
    last_id: int
    last_hash: str
    last_at: str
    prev_anchor: str

    def body(self) -> bytes:
        """The canonical bytes that are signed and that the next anchor's ``prev_anchor``
        digests."""
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False).encode()

    @property
    def digest(self) -> str:
        """SM3 of :meth:`body`, the next anchor's ``prev_anchor``."""
        return sm3_hex(self.body())


@cache
def _private_key(seed_hex: str, field_key: str, secret_key: str) -> Ed25519PrivateKey:
    if seed_hex:
        seed = bytes.fromhex(seed_hex)
    else:
        master = bytes.fromhex(field_key) if field_key else secret_key.encode()
        seed = HKDF(
            algorithm=hashes.SM3(), length=32, salt=b"jiangxuan", info=b"audit-anchor"
        ).derive(master)
    return Ed25519PrivateKey.from_private_bytes(seed)


def _signing_key() -> Ed25519PrivateKey:
    return _private_key(settings.JX_AUDIT_ANCHOR_KEY, settings.JX_FIELD_KEY, settings.SECRET_KEY)


def anchor_public_key() -> str:
    """The public key (32 bytes, hex) that verifies this installation's anchors; the auditor
    records it once and passes it to ``auditverify --public-key``."""
    raw = (
        _signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return raw.hex()


def _anchor_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(FILE_GLOB)) if directory.is_dir() else []


def _read_anchor_file(path: Path, public_key: Ed25519PublicKey) -> Anchor:
    """Parse and check one anchor file; raises ValueError (or InvalidSignature) if it is
    malformed or its signature does not verify under ``public_key``."""
    record = json.loads(path.read_text(encoding="utf-8"))
    anchor = Anchor(**record["anchor"])
    public_key.verify(bytes.fromhex(record["signature"]), anchor.body())
    return anchor


def _check_since(previous: Anchor | None) -> int | None:
    """Re-compute the chain from the previous anchor's last entry (or from the first entry
    kept); returns the id of the first entry that does not verify, or None."""
    entries = AuditEntry.objects.order_by("id")
    prev_hash: str | None = None
    if previous is not None and previous.last_id:
        anchored = entries.filter(id=previous.last_id).values_list("entry_hash", flat=True)
        # An anchored entry a retention purge removed leaves nothing to start from here.
        if anchored.exists():
            if anchored.get() != previous.last_hash:
                return previous.last_id
            entries = entries.filter(id__gt=previous.last_id)
            prev_hash = previous.last_hash
    for entry in entries.iterator(chunk_size=2000):
        if prev_hash is not None and entry.prev_hash != prev_hash:
            return entry.id
        if compute_hash(entry) != entry.entry_hash:
            return entry.id
        prev_hash = entry.entry_hash
    return None


def make_anchor(*, directory: Path | None = None) -> Anchor:
    """Sign the current chain head and write it as the next anchor file.

    The head row is locked while the head is read, so no entry is appended in between. The
    entries since the previous anchor are verified first: a chain already broken is not
    anchored (that would bless the break). Writing an anchor is not itself audited: an entry
    would move the head the anchor describes.

    Args:
        directory: where the anchors go; default ``settings.JX_AUDIT_ANCHOR_DIR``.
    Returns:
        The anchor written, as ``anchor-<seq, 8 digits>.json`` (mode 0444).
    Raises:
        AnchorError: the chain since the previous anchor does not verify, the previous
            anchor is unreadable, or the file exists already (two runs at once).
    """
    directory = Path(directory or settings.JX_AUDIT_ANCHOR_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o750)
    key = _signing_key()
    files = _anchor_files(directory)
    previous: Anchor | None = None
    if files:
        try:
            previous = _read_anchor_file(files[-1], key.public_key())
        except (ValueError, KeyError, TypeError, InvalidSignature) as exc:
            raise AnchorError(
                _("上一个锚点文件 %(file)s 无法读取或签名无效，未写新锚点。")
                % {"file": files[-1].name}
            ) from exc
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        broken = _check_since(previous)
        if broken is not None:
            raise AnchorError(
                _("审计链在记录 #%(id)d 处校验失败，未写锚点；请运行 auditverify 调查。")
                % {"id": broken}
            )
        fields = ("id", "entry_hash", "occurred_at")
        first = AuditEntry.objects.order_by("id").values(*fields).first()
        last = AuditEntry.objects.order_by("-id").values(*fields).first()
        count = AuditEntry.objects.count()
    anchor = Anchor(
        version=ANCHOR_VERSION,
        seq=previous.seq + 1 if previous else 1,
        made_at=timezone.now().isoformat(),
        count=count,
        base_hash=head.base_hash,
        first_id=first["id"] if first else 0,
        first_hash=first["entry_hash"] if first else "",
        first_at=first["occurred_at"].isoformat() if first else "",
        last_id=last["id"] if last else 0,
        last_hash=last["entry_hash"] if last else "",
        last_at=last["occurred_at"].isoformat() if last else "",
        prev_anchor=previous.digest if previous else "",
    )
    record = {"anchor": asdict(anchor), "signature": key.sign(anchor.body()).hex()}
    path = directory / f"anchor-{anchor.seq:08d}.json"
    try:
        # O_EXCL: an anchor is never overwritten; 0444: nor edited in place by mistake.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    except FileExistsError as exc:
        raise AnchorError(
            _("锚点文件 %(file)s 已存在（另一次运行？），未覆盖。") % {"file": path.name}
        ) from exc
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return anchor


@dataclass(frozen=True)
class AnchorReport:
    """What :func:`verify_anchors` found: the anchors that verified, the newest of them,
    and one Chinese sentence per problem (empty when the chain agrees with every anchor)."""

    anchors: int
    latest: Anchor | None
    problems: list[str]


@dataclass(frozen=True)
class _Purge:
    through_id: int
    cutoff: datetime


def _purge_horizon(problems: list[str]) -> _Purge | None:
    """The retention purge recorded in the chain that reached furthest; a purge whose
    cut-off is younger than the minimum retention is reported (only a forged entry has one)."""
    minimum = timedelta(days=settings.JX_AUDIT_MIN_RETENTION_DAYS)
    furthest: _Purge | None = None
    purges = AuditEntry.objects.filter(action="audit.purge").values("id", "after", "occurred_at")
    for purge in purges:
        through = (purge["after"] or {}).get("through_id")
        if not through:
            continue
        cutoff = datetime.fromisoformat(purge["after"]["cutoff"])
        if cutoff > purge["occurred_at"] - minimum:
            problems.append(
                _("清理记录 #%(id)d 的截止时间不足最短保留期，不是正常的保留期清理。")
                % {"id": purge["id"]}
            )
        elif purge["occurred_at"] > timezone.now() + CLOCK_SLACK:
            # Post-dated to make a recent cut look old enough.
            problems.append(
                _("清理记录 #%(id)d 的时间在将来，不是正常的保留期清理。") % {"id": purge["id"]}
            )
        if furthest is None or through > furthest.through_id:
            furthest = _Purge(through_id=through, cutoff=cutoff)
    return furthest


def _check_anchor_files(
    paths: list[Path], public_key: Ed25519PublicKey, problems: list[str]
) -> list[Anchor]:
    """The anchors whose signature verifies, in order; breaks in their own chain (a missing,
    reordered or foreign anchor) are reported."""
    anchors: list[Anchor] = []
    for path in paths:
        try:
            anchors.append(_read_anchor_file(path, public_key))
        except (ValueError, KeyError, TypeError, InvalidSignature):
            problems.append(_("锚点文件 %(file)s 无法读取或签名无效。") % {"file": path.name})
    anchors.sort(key=lambda anchor: anchor.seq)
    for before, after in pairwise(anchors):
        if after.seq != before.seq + 1 or after.prev_anchor != before.digest:
            problems.append(
                _("锚点 #%(seq)d 与前一个锚点 #%(prev)d 接不上（锚点文件缺失或被替换）。")
                % {"seq": after.seq, "prev": before.seq}
            )
    return anchors


def verify_anchors(directory: Path, *, public_key: str | None = None) -> AnchorReport:
    """Compare the audit chain in the database with the anchors in ``directory``.

    Run it after ``verify_audit_chain`` has passed (the chain itself verifies); this finds
    what the chain cannot show. For each anchor: its last entry still exists with the
    anchored hash (a cut at the end, or a re-written chain, fails); the chain still starts
    at the anchored first entry and base hash (a cut at the start fails); and the newest
    anchor's entries are all still there (count). Entries a retention purge recorded in the
    chain removed are expected to be gone, but only if the anchors show they were older
    than the purge's cut-off.

    Args:
        directory: the anchor files (the auditor's copy, or ``JX_AUDIT_ANCHOR_DIR``).
        public_key: hex of the Ed25519 key the auditor recorded; default this
            installation's own (:func:`anchor_public_key`).
    Returns:
        An :class:`AnchorReport`; ``problems`` is empty when everything agrees.
    Raises:
        ValueError: ``public_key`` is not 32 bytes of hex.
    """
    problems: list[str] = []
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key or anchor_public_key()))
    anchors = _check_anchor_files(_anchor_files(Path(directory)), key, problems)
    if not anchors:
        return AnchorReport(0, None, problems)
    purge = _purge_horizon(problems)
    horizon = purge.through_id if purge else 0
    first = AuditEntry.objects.order_by("id").values("id", "prev_hash").first()
    stored = dict(
        AuditEntry.objects.filter(
            id__in=[a.last_id for a in anchors if a.last_id > horizon]
        ).values_list("id", "entry_hash")
    )
    for anchor in anchors:
        if not anchor.count:
            continue
        problems.extend(_compare(anchor, first, stored, purge))
    latest = anchors[-1]
    if latest.count and latest.first_id > horizon:
        now = AuditEntry.objects.filter(id__lte=latest.last_id).count()
        if now != latest.count:
            problems.append(
                _("锚点 #%(seq)d 时审计链有 %(then)d 条记录，现在同一范围内有 %(now)d 条。")
                % {"seq": latest.seq, "then": latest.count, "now": now}
            )
    return AnchorReport(len(anchors), latest, problems)


def _compare(
    anchor: Anchor, first: Mapping[str, Any] | None, stored: dict[int, str], purge: _Purge | None
) -> list[str]:
    """The problems between one anchor and the chain (see :func:`verify_anchors`)."""
    problems = []
    horizon = purge.through_id if purge else 0
    if anchor.last_id > horizon:
        if anchor.last_id not in stored:
            problems.append(
                _("锚点 #%(seq)d：记录 #%(id)d 已不存在（审计链末尾或中间被删除）。")
                % {"seq": anchor.seq, "id": anchor.last_id}
            )
        elif stored[anchor.last_id] != anchor.last_hash:
            problems.append(
                _("锚点 #%(seq)d：记录 #%(id)d 的哈希与锚点不符（审计链被改写）。")
                % {"seq": anchor.seq, "id": anchor.last_id}
            )
    for entry_id, at in ((anchor.first_id, anchor.first_at), (anchor.last_id, anchor.last_at)):
        if purge and entry_id <= horizon and datetime.fromisoformat(at) >= purge.cutoff:
            problems.append(
                _("锚点 #%(seq)d：记录 #%(id)d 未满保留期却已被删除。")
                % {"seq": anchor.seq, "id": entry_id}
            )
    if anchor.first_id > horizon and (
        first is None or (first["id"], first["prev_hash"]) != (anchor.first_id, anchor.base_hash)
    ):
        problems.append(
            _("锚点 #%(seq)d：审计链应从记录 #%(id)d 开始，现在从 #%(now)s 开始（开头被删除）。")
            % {"seq": anchor.seq, "id": anchor.first_id, "now": first["id"] if first else "—"}
        )
    return problems
