"""Writes to the organization tree: loading it from YAML files (``specs/orgs/*.yaml``).

An org file holds ``orgs:``, a list of root nodes; each node has ``code`` (a slug unique
across all files), ``name``, ``kind`` (:class:`OrgKind`), ``level`` (:class:`OrgLevel`)
and optionally ``short_name``, ``division_code`` (GB/T 2260), ``governs_region``,
``ownership_type`` and ``children``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from jiangxuan.core.audit import record_audit
from jiangxuan.core.errors import DomainError

from .enums import OrgKind, OrgLevel
from .models import OrgUnit

_CODE = re.compile(r"^[a-z][a-z0-9-]{0,79}$")
_KEYS = {
    "code",
    "name",
    "short_name",
    "kind",
    "level",
    "division_code",
    "governs_region",
    "ownership_type",
    "children",
}
#: Columns a file sets; anything else on OrgUnit is the tree's own bookkeeping.
ORG_FIELDS = (
    "name",
    "short_name",
    "kind",
    "level",
    "division_code",
    "governs_region",
    "ownership_type",
)


class OrgTreeError(DomainError):
    """An org file failed to parse or validate; the message is in Chinese and names the
    file and the node's path (``orgs[0].children[2].kind``)."""


@dataclass(frozen=True)
class OrgNode:
    """One validated node of a file, with its parent's code (None for a root)."""

    parent: str | None
    code: str
    values: tuple[tuple[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        return dict(self.values)


def _validate(raw: Any, where: str, source: str) -> dict[str, Any]:
    def fail(message: str) -> OrgTreeError:
        return OrgTreeError(f"{source}: {where}：{message}")

    if not isinstance(raw, dict):
        raise fail("应为映射（键: 值）")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise fail(f"不认识的字段 {', '.join(unknown)}")
    for key in ("code", "name", "kind", "level"):
        if not raw.get(key):
            raise fail(f"缺少必填项 {key}")
    if not _CODE.match(str(raw["code"])):
        raise fail(f"代码 {raw['code']} 格式不对（小写字母、数字和 -，以字母开头）")
    if raw["kind"] not in OrgKind.values:
        raise fail(f"kind 取值 {raw['kind']} 不在允许范围内，可选：{', '.join(OrgKind.values)}")
    if raw["level"] not in OrgLevel.values:
        raise fail(f"level 取值 {raw['level']} 不在允许范围内，可选：{', '.join(OrgLevel.values)}")
    division = str(raw.get("division_code") or "")
    if division and not re.fullmatch(r"\d{6}", division):
        raise fail("division_code 应为 6 位数字（GB/T 2260）")
    return {
        "name": str(raw["name"]),
        "short_name": str(raw.get("short_name") or ""),
        "kind": raw["kind"],
        "level": raw["level"],
        "division_code": division,
        "governs_region": bool(raw.get("governs_region", False)),
        "ownership_type": str(raw.get("ownership_type") or ""),
    }


@functools.cache
def _parse_org_text(text: str, source: str) -> tuple[OrgNode, ...]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else ""
        raise OrgTreeError(f"{source}: YAML 语法错误 {where}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("orgs"), list):
        raise OrgTreeError(f"{source}: 文件应含 orgs: 列表")
    nodes: list[OrgNode] = []
    seen: set[str] = set()

    def walk(items: list[Any], parent: str | None, where: str) -> None:
        for i, raw in enumerate(items):
            here = f"{where}[{i}]"
            values = _validate(raw, here, source)
            code = raw["code"]
            if code in seen:
                raise OrgTreeError(f"{source}: {here}.code：代码 {code} 重复")
            seen.add(code)
            nodes.append(OrgNode(parent, code, tuple(values.items())))
            children = raw.get("children") or []
            if not isinstance(children, list):
                raise OrgTreeError(f"{source}: {here}.children：应为列表")
            walk(children, code, f"{here}.children")

    walk(data["orgs"], None, "orgs")
    return tuple(nodes)


def parse_org_file(path: str | Path) -> tuple[OrgNode, ...]:
    """Read and validate an org file (cached per file content).

    Returns:
        The nodes in pre-order (every parent before its children).
    Raises:
        OrgTreeError: unreadable file, YAML error, unknown key, bad kind/level, duplicate code.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OrgTreeError(f"{path}: 无法读取文件：{exc.strerror}") from exc
    return _parse_org_text(text, str(path))


def _bulk_create_subtree(root: OrgUnit, nodes: list[OrgNode]) -> int:
    """Create ``nodes`` (all new, in pre-order, all below ``root``) with computed
    materialised paths in one INSERT; siblings are ordered by name like ``node_order_by``."""
    children: dict[str, list[OrgNode]] = {}
    for node in nodes:
        children.setdefault(node.parent or "", []).append(node)
    rows: list[OrgUnit] = []

    def place(parent_code: str, parent_path: str, depth: int) -> None:
        kids = sorted(children.get(parent_code, []), key=lambda n: n.as_dict()["name"])
        for i, node in enumerate(kids, start=1):
            path = OrgUnit._get_path(parent_path, depth, i)
            numchild = len(children.get(node.code, []))
            rows.append(
                OrgUnit(code=node.code, path=path, depth=depth, numchild=numchild, **node.as_dict())
            )
            place(node.code, path, depth + 1)

    place(root.code, root.path, root.depth + 1)
    OrgUnit.objects.bulk_create(rows)
    kids_of_root = len(children.get(root.code, []))
    if kids_of_root:
        OrgUnit.objects.filter(pk=root.pk).update(numchild=kids_of_root)
    return len(rows)


@transaction.atomic
def load_org_tree(path: str | Path) -> int:
    """Upsert the organization tree of one YAML file by ``code`` (idempotent).

    New subtrees are inserted in bulk; existing nodes get changed columns updated and are
    moved (treebeard ``move``) when their parent in the file differs. Nodes absent from the
    file are left alone. One audit entry (actor None) records what changed, if anything.

    Args:
        path: the org file.
    Returns:
        The number of nodes in the file.
    Raises:
        OrgTreeError: see :func:`parse_org_file`.
    """
    nodes = parse_org_file(path)
    codes = [n.code for n in nodes]
    existing = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    created: list[str] = []
    updated: list[str] = []
    # New nodes under a new parent wait here, keyed by the topmost new ancestor created
    # one by one with treebeard, and go in with a single INSERT.
    pending: dict[str, list[OrgNode]] = {}
    top_of: dict[str, str] = {}

    def flush() -> None:
        for top, subtree in pending.items():
            if subtree:
                _bulk_create_subtree(OrgUnit.objects.get(code=top), subtree)
        pending.clear()
        top_of.clear()
        existing.update({u.code: u for u in OrgUnit.objects.filter(code__in=codes)})

    for node in nodes:
        values = node.as_dict()
        unit = existing.get(node.code)
        if unit is None and node.parent in top_of:
            top_of[node.code] = top_of[node.parent]
            pending[top_of[node.code]].append(node)
            created.append(node.code)
            continue
        if node.parent is not None and node.parent not in existing:
            flush()
        if unit is None:
            if node.parent is None:
                unit = OrgUnit.objects.add_root({"code": node.code, **values})
            else:
                unit = OrgUnit.objects.add_child(
                    OrgUnit.objects.get(pk=existing[node.parent].pk), {"code": node.code, **values}
                )
            existing[node.code] = unit
            pending[node.code] = []
            top_of[node.code] = node.code
            created.append(node.code)
            continue
        changed = [k for k, v in values.items() if getattr(unit, k) != v]
        if changed:
            for key in changed:
                setattr(unit, key, values[key])
            unit.save(update_fields=[*changed, "updated_at"])
        path_codes = {u.path: u.code for u in existing.values()}
        if _needs_move(unit, node.parent, path_codes) and _needs_move(
            OrgUnit.objects.get(pk=unit.pk), node.parent, None
        ):
            flush()
            fresh = OrgUnit.objects.get(pk=unit.pk)
            if node.parent is None:
                target, pos = OrgUnit.objects.get_first_root_node(), "sorted-sibling"
            else:
                target, pos = OrgUnit.objects.get(code=node.parent), "sorted-child"
            OrgUnit.objects.move(fresh, target, pos)
            flush()  # paths moved: re-read them
            changed.append("parent")
        if changed:
            updated.append(node.code)
    flush()
    if created or updated:
        record_audit(
            actor=None,
            action="orgs.load",
            object_type="accounts.orgunit",
            object_id=Path(path).name,
            after={"created": created, "updated": updated},
        )
    return len(nodes)


def _needs_move(unit: OrgUnit, parent_code: str | None, path_codes: dict[str, str] | None) -> bool:
    """Whether ``unit`` sits elsewhere than under ``parent_code`` (None: as a root).

    ``path_codes`` maps paths already in memory to codes; an insertion among siblings may
    have shifted them, so a positive answer is confirmed with ``path_codes=None`` (reads
    the database).
    """
    if parent_code is None:
        return unit.depth != 1
    parent_path = unit.path[: -OrgUnit.steplen]
    if path_codes is not None:
        return path_codes.get(parent_path) != parent_code
    return not OrgUnit.objects.filter(path=parent_path, code=parent_code).exists()
