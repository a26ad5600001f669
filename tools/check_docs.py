"""Repo check: the repository stands alone, and its docs point at files that exist.

Three rules:

1. No tracked text file (docs, README, code, specifications, tools, scripts) refers to a
   file outside the repository: a path into a sibling ``shared`` folder, the development
   machine's workspace, a Markdown file that is not in the repository, or a section of the
   old style guide or stack notes. The documents those pointed at live in docs/
   (docs/conventions.md, docs/glossary.md, docs/security.md, docs/seeds/).
2. A relative link in a Markdown file (``[text](path)``) resolves to a file or folder of
   the repository.
3. A path in backquotes in a Markdown file whose first part is a top-level entry of the
   repository (``src/…``, ``specs/…``) or an app of ``src/jiangxuan`` (``core/audit.py``,
   or a template name such as ``core/base.html``) exists, so that a renamed or deleted
   file cannot stay documented. Paths with
   placeholders (``<app>``, ``*``, ``{…}``, ``…``) are left alone.

Code blocks fenced with ``` are skipped by rules 2 and 3 (they show commands and YAML).

Usage: ``python tools/check_docs.py`` (checks the files ``git ls-files`` lists). Prints one
``file:line: message`` per finding and exits 1 when there is any, else 0.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APPS_DIR = REPO / "src" / "jiangxuan"
#: Generated files, and this check and its test, which name the references it looks for.
SKIPPED = {
    "uv.lock",
    "package-lock.json",
    "tools/check_docs.py",
    "tools/tests/test_check_docs.py",
}

SHARED = "a path into the shared folder outside the repository"
OUTSIDE_PATTERNS = [
    (re.compile(r"(?:\.\./)+shared\b"), SHARED),
    (re.compile(r"(?<![\w./-])shared/[\w.-]"), SHARED),
    (re.compile(r"(?<![\w.-])/work/"), "an absolute path on the development machine"),
    (re.compile(r"\bSTYLE(?:\.md)?\s+\d"), "the old style guide: cite docs/conventions.md"),
    (re.compile(r"\bSTACK-NOTES\b"), "the stack notes outside the repository"),
    (re.compile(r"\bGLOSSARY\b"), "the glossary outside the repository: cite docs/glossary.md"),
]
#: A project document's name (README.md, SECURITY.md): it must be one of the repository's.
MARKDOWN_NAME = re.compile(r"(?<![\w/.-])([A-Z][A-Z0-9_-]*\.md)\b")
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
CODE_SPAN = re.compile(r"`([^`\s]+)`")
PLACEHOLDER = re.compile(r"[<>*{}…$]")


def tracked_files() -> list[str]:
    """Return the repository's tracked files, relative to its root."""
    git = shutil.which("git")
    if git is None:
        sys.exit("check_docs: git is not installed; it lists the files to check")
    try:
        listing = subprocess.run(  # noqa: S603 - fixed argv
            [git, "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, text=True
        ).stdout
    except subprocess.CalledProcessError as exc:
        sys.exit(f"check_docs: git ls-files failed: {exc.stderr.strip()}")
    return [name for name in listing.split("\0") if name]


def outside_references(text: str, markdown_names: set[str]) -> list[tuple[int, str]]:
    """Return ``(line, message)`` for each reference to a file outside the repository."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, message in OUTSIDE_PATTERNS:
            if pattern.search(line):
                problems.append((number, message))
        for match in MARKDOWN_NAME.finditer(line):
            if match.group(1) not in markdown_names:
                problems.append((number, f"{match.group(1)} is not a file of the repository"))
    return problems


def prose_lines(text: str) -> list[tuple[int, str]]:
    """Return the numbered lines of a Markdown text outside fenced code blocks."""
    lines, fenced = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append((number, line))
    return lines


def inside(path: Path) -> bool:
    """Return True when ``path`` lies within the repository."""
    return path == REPO or REPO in path.parents


def broken_links(document: Path, text: str) -> list[tuple[int, str]]:
    """Return ``(line, message)`` for each relative link that leads nowhere."""
    problems = []
    for number, line in prose_lines(text):
        for match in LINK.finditer(line):
            target = match.group(1).split("#", 1)[0]
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # an anchor in the same page, or a URL
            resolved = (document.parent / target).resolve()
            if not inside(resolved):
                problems.append((number, f"link {target} leaves the repository"))
            elif not resolved.exists():
                problems.append((number, f"link {target} points to a file that does not exist"))
    return problems


def missing_paths(text: str, top_level: set[str], apps: set[str]) -> list[tuple[int, str]]:
    """Return ``(line, message)`` for each backquoted repository path that does not exist."""
    problems = []
    for number, line in prose_lines(text):
        for match in CODE_SPAN.finditer(line):
            span = match.group(1)
            if "/" not in span or PLACEHOLDER.search(span) or "://" in span:
                continue
            path = re.split(r"::|:\d", span, maxsplit=1)[0].rstrip(":,.;")
            first = path.split("/", 1)[0]
            if first in top_level:
                candidates = [REPO / path]
            elif first in apps:
                # An app's module, or a template or static file named as Django names it.
                app = APPS_DIR / first
                candidates = [APPS_DIR / path, app / "templates" / path, app / "static" / path]
            else:
                continue
            if not any(candidate.exists() for candidate in candidates):
                problems.append((number, f"{span} does not exist"))
    return problems


def main() -> int:
    files = tracked_files()
    markdown_names = {Path(name).name for name in files if name.endswith(".md")}
    top_level = {name.split("/", 1)[0] for name in files}
    apps = {path.name for path in APPS_DIR.iterdir() if path.is_dir()}
    problems, checked = [], 0
    for name in files:
        if name in SKIPPED:
            continue
        path = REPO / name
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError):
            continue  # binary files, and files deleted but not yet staged
        checked += 1
        found = outside_references(text, markdown_names)
        if name.endswith(".md"):
            found += broken_links(path, text) + missing_paths(text, top_level, apps)
        problems += [f"{name}:{number}: {message}" for number, message in found]
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_docs: {len(problems)} problem(s) in {checked} files", file=sys.stderr)
        return 1
    print(f"check_docs: OK ({checked} files)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
