"""The reproducible panel draw (抽取, seed 002 四(三)): a pure function of the draw record.

``draw_from_record(pool, seed, constraints)`` depends only on its arguments, never on the
database, the clock or global random state, so anyone holding a :class:`~.models.Draw`
record (pool snapshot, seed, constraints) gets the same panel by calling it again.

Why a SHA-256 of the seed text: a witnessed seed may be any text (a lottery result such as
"2026-11-23 双色球开奖号码 03 11 19 22 27 31 + 07", dice rolls "4 2 6 1"); hashing it with
a stable, documented function turns every such text into the same integer on every machine
and Python version (``hash()`` is salted per process). Decidim's sortitions seed their
random draw from a witnessed dice roll in the same way. ``random.Random`` (Mersenne Twister)
seeded with an int gives the same sequence on every CPython version since 3.2.

Algorithm ``v1``:
1. ``order`` = a random permutation of the pool's ids (``Random.sample`` over the snapshot
   in its recorded order, which is by expert id).
2. For each mix requirement (attribute, value, minimum), in sorted order, take the first
   ``minimum`` experts in ``order`` with that value who are not yet chosen.
3. Fill up to ``size`` with the next experts in ``order``.
4. Take ``reserves`` more in ``order``: they are called, in that order, when a member
   recuses.
5. For each supplementary reserve draw recorded in ``constraints["supplements"]`` (drawn
   when recusals used up the reserves), in order: a new ``Random`` seeded with that
   supplement's own witnessed seed samples its ``reserves`` from the snapshot's experts
   not drawn yet (in snapshot order).
The result lists the members in ``order``, then the reserves in ``order``, then each
supplement's reserves.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from jiangxuan.core.errors import DomainError

ALGORITHM = "v1"


class DrawError(DomainError):
    """The pool cannot satisfy the constraints; ``message`` is in Chinese for the office."""


def seed_number(seed: str) -> int:
    """The integer that seeds ``random.Random``: SHA-256 of the seed's UTF-8 text, big-endian.

    The text is used exactly as recorded (no trimming), so the record alone decides.
    """
    return int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big")


def _requirements(mix: Mapping[str, Mapping[str, int]]) -> list[tuple[str, str, int]]:
    return sorted(
        (attribute, value, int(minimum))
        for attribute, wanted in mix.items()
        for value, minimum in wanted.items()
        if int(minimum) > 0
    )


def draw_from_record(
    pool: Sequence[Mapping[str, Any]], seed: str, constraints: Mapping[str, Any]
) -> list[int]:
    """Draw a panel from a pool snapshot.

    Args:
        pool: eligible experts as dicts with ``id`` and the attributes the mix uses
            (e.g. ``speciality``, ``industry``, ``region``), in the recorded order.
        seed: the seed text as recorded.
        constraints: ``{"size": int, "reserves": int, "mix": {attribute: {value: minimum}},
            "supplements": [{"reserves": int, "seed": str, ...}]}`` (mix and supplements
            optional).
    Returns:
        Expert ids: the ``size`` members, then the ``reserves`` reserves, then the
            supplements' reserves, each in draw order.
    Raises:
        DrawError: the pool is too small, or has too few experts of a required kind, or
            the mix asks for more experts than ``size``.
    """
    size = int(constraints["size"])
    reserves = int(constraints.get("reserves", 0))
    requirements = _requirements(constraints.get("mix") or {})
    by_attribute: dict[str, int] = {}
    for attribute, _value, minimum in requirements:
        by_attribute[attribute] = by_attribute.get(attribute, 0) + minimum
    for attribute, total in by_attribute.items():
        if total > size:
            raise DrawError(
                _("构成要求中“%(attribute)s”合计需要%(total)d人，超过评审组人数%(size)d人。")
                % {"attribute": attribute, "total": total, "size": size}
            )
    if len(pool) < size + reserves:
        raise DrawError(
            _("可抽取的专家只有%(pool)d人，不足评审专家%(size)d人加候补%(reserves)d人。")
            % {"pool": len(pool), "size": size, "reserves": reserves}
        )
    attributes = {int(row["id"]): row for row in pool}
    rng = random.Random(seed_number(seed))  # noqa: S311  (reproducibility is the point)
    order = rng.sample([int(row["id"]) for row in pool], len(pool))
    chosen: list[int] = []
    for attribute, value, minimum in requirements:
        have = sum(1 for pk in chosen if attributes[pk].get(attribute) == value)
        for pk in order:
            if have >= minimum:
                break
            if pk not in chosen and attributes[pk].get(attribute) == value:
                chosen.append(pk)
                have += 1
        if have < minimum:
            raise DrawError(
                _("可抽取的“%(value)s”专家不足%(minimum)d人，请调整构成要求或扩充专家库。")
                % {"value": value, "minimum": minimum}
            )
    if len(chosen) > size:
        raise DrawError(
            _("构成要求共需要%(needed)d人，超过评审组人数%(size)d人。")
            % {"needed": len(chosen), "size": size}
        )
    rest = [pk for pk in order if pk not in chosen]
    members = chosen + rest[: size - len(chosen)]
    position = {pk: i for i, pk in enumerate(order)}
    members.sort(key=position.__getitem__)
    remaining = [pk for pk in order if pk not in members]
    drawn = members + remaining[:reserves]
    for supplement in constraints.get("supplements") or []:
        wanted = int(supplement["reserves"])
        left = [int(row["id"]) for row in pool if int(row["id"]) not in drawn]
        if len(left) < wanted:
            raise DrawError(
                _("专家库快照中未抽取的专家只有%(left)d人，不足增补的%(wanted)d人。")
                % {"left": len(left), "wanted": wanted}
            )
        extra = random.Random(seed_number(supplement["seed"]))  # noqa: S311
        drawn += extra.sample(left, wanted)
    return drawn
