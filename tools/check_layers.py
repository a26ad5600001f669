"""Repo check: views and the API read through selectors; only management commands print.

Two rules, over every ``.py`` file under src/jiangxuan except tests and migrations:

1. docs/conventions.md 8.4: every list and object fetch in views and the API uses a
   selector or service. An interface module (by its name: ``views.py``, ``api.py``,
   ``views_<topic>.py``, ``api_<topic>.py``, or any module in a ``views/`` or ``api/``
   package) must not touch ``<Model>.objects`` (nor ``_default_manager`` or
   ``_base_manager``), and must not hand a model class to ``get_object_or_404`` or
   ``get_list_or_404``, which query its default manager.
2. Output goes through logging, or ``self.stdout`` in a command: ``print()`` is allowed only
   in management commands and in a module's ``if __name__ == "__main__":`` block, the two
   places that are command-line programs rather than code the server runs.

Usage: ``python tools/check_layers.py [PATH ...]`` (default: src/jiangxuan). Prints one
``file:line: message`` per finding and exits 1 when there is any, else 0.
"""

import ast
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_TARGET = REPO / "src" / "jiangxuan"

#: Views and API modules by name: ``views.py`` and ``api.py``, and the modules an app splits
#: them into (``views_review.py``, ``api_review.py``); not ``apitoken.py`` or ``reviews.py``.
INTERFACE_MODULE = re.compile(r"(views|api)(_\w+)?\.py")
INTERFACE_PACKAGES = {"views", "api"}
UNCHECKED_PACKAGES = {"tests", "migrations"}
MANAGER_ATTRIBUTES = {"objects", "_default_manager", "_base_manager"}
MODEL_SHORTCUTS = {"get_object_or_404", "get_list_or_404", "aget_object_or_404", "aget_list_or_404"}


def is_checked(parts: tuple[str, ...]) -> bool:
    """Return False for test code and migrations, which both rules leave alone."""
    name = parts[-1]
    return not (
        UNCHECKED_PACKAGES.intersection(parts[:-1])
        or name == "conftest.py"
        or name.startswith("test_")
    )


def is_interface(parts: tuple[str, ...]) -> bool:
    """Return True for a views or API module (rule 1)."""
    return bool(INTERFACE_MODULE.fullmatch(parts[-1])) or bool(
        INTERFACE_PACKAGES.intersection(parts[:-1])
    )


def is_command(parts: tuple[str, ...]) -> bool:
    """Return True for a module in a ``management/commands/`` package."""
    return any(parts[i : i + 2] == ("management", "commands") for i in range(len(parts) - 1))


def looks_like_model(node: ast.expr) -> bool:
    """Return True for ``Nomination`` or ``models.Nomination``: a class name, not a queryset."""
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return name[:1].isupper()


def is_main_guard(node: ast.stmt) -> bool:
    """Return True for ``if __name__ == "__main__":``."""
    test = getattr(node, "test", None)
    return (
        isinstance(node, ast.If)
        and isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value == "__main__"
    )


def findings_in(tree: ast.Module, *, interface: bool, may_print: bool) -> list[tuple[int, str]]:
    """Return (line, message) for each breach of the two rules in one parsed module."""
    found = []
    script_nodes = {
        id(node) for stmt in tree.body if is_main_guard(stmt) for node in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if interface and isinstance(node, ast.Attribute) and node.attr in MANAGER_ATTRIBUTES:
            found.append(
                (
                    node.lineno,
                    f"`{ast.unparse(node)}` in a view or API module: "
                    "fetch through a selector or service (docs/conventions.md 8.4)",
                )
            )
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        func_name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if interface and func_name in MODEL_SHORTCUTS:
            target = node.args[0] if node.args else None
            target = next((kw.value for kw in node.keywords if kw.arg == "klass"), target)
            if target is not None and looks_like_model(target):
                found.append(
                    (
                        node.lineno,
                        f"`{func_name}({ast.unparse(target)}, ...)` queries the model directly: "
                        "pass it a queryset from a selector (docs/conventions.md 8.4)",
                    )
                )
        if (
            not may_print
            and isinstance(func, ast.Name)
            and func.id == "print"
            and id(node) not in script_nodes
        ):
            found.append(
                (node.lineno, "print() outside a management command or __main__ block: use logging")
            )
    return found


def check_file(path: Path, parts: tuple[str, ...]) -> list[str]:
    """Return ``file:line: message`` lines for one file; ``parts`` is its path in the tree."""
    shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except SyntaxError as error:
        return [f"{shown}:{error.lineno}: cannot parse: {error.msg}"]
    found = findings_in(tree, interface=is_interface(parts), may_print=is_command(parts))
    return [f"{shown}:{line}: {message}" for line, message in sorted(found)]


def main(argv: list[str]) -> int:
    """Check the given files and folders (default src/jiangxuan); return the exit status."""
    targets = [Path(arg).resolve() for arg in argv] or [DEFAULT_TARGET]
    problems = []
    checked = 0
    for target in targets:
        if not target.exists():
            print(f"check_layers: {target} does not exist", file=sys.stderr)
            return 2
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for path in files:
            parts = path.relative_to(target).parts if target.is_dir() else (path.name,)
            if not is_checked(parts):
                continue
            problems.extend(check_file(path, parts))
            checked += 1
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_layers: {len(problems)} problem(s) in {checked} files", file=sys.stderr)
        return 1
    print(f"check_layers: OK ({checked} files)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
