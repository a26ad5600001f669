"""Near-duplicate 事迹材料 (the notices' 杜绝虚报、弄虚作假; issue 13): narratives copied
between the nominations of a campaign, or from those of an earlier edition of the same title
series, flagged for the campaign office with the shared passages side by side.

Texts are compared as sets of five-character shingles (punctuation and spaces dropped, so a
re-punctuated copy still matches). MinHash with locality-sensitive hashing (datasketch, a
maintained library) finds the candidate pairs without comparing every pair; the exact
Jaccard similarity of the shingle sets is then reported. datasketch (with NumPy and SciPy)
is imported only when the office opens the page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from jiangxuan.campaigns.models import Campaign
from jiangxuan.nominations.enums import NominationState
from jiangxuan.nominations.models import Nomination

#: Shingle length in characters: long enough that common phrases (爱岗敬业, 技术革新) do
#: not make two narratives alike, short enough to survive small edits.
SHINGLE = 5
#: Pairs at or above this Jaccard similarity of their shingle sets are flagged.
THRESHOLD = 0.4
#: Texts shorter than this (in characters, punctuation dropped) are not compared.
MIN_CHARS = 80
#: Shared passages at least this long are shown, longest first, at most PASSAGES of them.
PASSAGE_CHARS = 20
PASSAGES = 3

_NOT_TEXT = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class SimilarPair:
    """Two nominations whose narratives are alike: ``similarity`` in [0, 1]; ``passages``
    the longest passages they share (as in ``first``'s text); ``earlier`` when ``second``
    belongs to an earlier edition."""

    first: Nomination
    second: Nomination
    similarity: float
    passages: list[str]
    earlier: bool

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def narrative_of(nomination: Nomination) -> str:
    """Everything the nominee's narratives say: the 事迹 fields and the form's own long
    text fields, in the form's order."""
    spec = nomination.campaign.specification
    texts = [nomination.achievement_summary, nomination.achievement_narrative]
    extra = nomination.extra or {}
    for form_field in spec.form.all_fields():
        if form_field.effective_type == "textarea" and isinstance(extra.get(form_field.key), str):
            texts.append(extra[form_field.key])
    return "\n".join(t for t in texts if t)


def _shingles(text: str) -> set[str]:
    plain = _NOT_TEXT.sub("", text)
    return {plain[i : i + SHINGLE] for i in range(len(plain) - SHINGLE + 1)}


def _passages(a: str, b: str) -> list[str]:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    blocks = sorted(matcher.get_matching_blocks(), key=lambda m: -m.size)
    return [a[m.a : m.a + m.size] for m in blocks if m.size >= PASSAGE_CHARS][:PASSAGES]


def similar_narratives(campaign: Campaign, *, threshold: float = THRESHOLD) -> list[SimilarPair]:
    """Pairs of nominations whose narratives are alike, most alike first: within the
    campaign's nominations submitted and not ended, and between them and the nominations
    of earlier editions of the same series (``Campaign.series``, an earlier year).

    Returns at most one pair per two nominations; drafts and ended nominations are left
    out of the campaign's side, and texts under MIN_CHARS characters are not compared.
    """
    from datasketch import MinHash, MinHashLSH

    live = [state for state in NominationState.LIVE if state != NominationState.DRAFT]
    current = list(
        Nomination.objects.filter(campaign=campaign, state__in=live).select_related("campaign")
    )
    earlier = list(
        Nomination.objects.filter(
            campaign__series=campaign.series, campaign__year__lt=campaign.year
        )
        .exclude(state=NominationState.DRAFT)
        .select_related("campaign")
    )
    texts = {n.pk: narrative_of(n) for n in [*current, *earlier]}
    shingles = {pk: _shingles(text) for pk, text in texts.items()}
    eligible = {pk for pk, s in shingles.items() if len(s) + SHINGLE - 1 >= MIN_CHARS}
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = {}
    for pk in eligible:
        minhash = MinHash(num_perm=128)
        minhash.update_batch([s.encode() for s in shingles[pk]])
        hashes[pk] = minhash
        lsh.insert(str(pk), minhash)
    by_pk = {n.pk: n for n in [*current, *earlier]}
    ours = {n.pk for n in current}
    seen: set[tuple[int, int]] = set()
    pairs = []
    for pk in sorted(ours & eligible):
        for other in map(int, lsh.query(hashes[pk])):
            key = (min(pk, other), max(pk, other))
            if other == pk or key in seen:
                continue
            seen.add(key)
            union = shingles[pk] | shingles[other]
            similarity = len(shingles[pk] & shingles[other]) / len(union)
            if similarity < threshold:
                continue
            first, second = (pk, other) if other not in ours or pk < other else (other, pk)
            pairs.append(
                SimilarPair(
                    first=by_pk[first],
                    second=by_pk[second],
                    similarity=similarity,
                    passages=_passages(texts[first], texts[second]),
                    earlier=second not in ours,
                )
            )
    return sorted(pairs, key=lambda p: (-p.similarity, p.first.pk, p.second.pk))
