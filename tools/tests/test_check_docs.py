"""tools/check_docs.py: the repository stands alone and its docs point at files that exist."""

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def check_docs():
    spec = importlib.util.spec_from_file_location("check_docs", REPO / "tools" / "check_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("see ../shared/STYLE.md", "a path into the shared folder outside the repository"),
        ("the notices in shared/seeds/", "a path into the shared folder outside the repository"),
        ("cat /work/shared/notes", "an absolute path on the development machine"),
        ("(STYLE 8.4)", "the old style guide: cite docs/conventions.md"),
        ("(STACK-NOTES 2)", "the stack notes outside the repository"),
        ("names from the GLOSSARY", "the glossary outside the repository: cite docs/glossary.md"),
        ("(SECURITY.md check 7)", "SECURITY.md is not a file of the repository"),
    ],
)
def test_outside_reference_is_reported_with_its_line(check_docs, line, message):
    assert check_docs.outside_references(f"first line\n{line}\n", {"README.md"}) == [(2, message)]


def test_references_inside_the_repository_pass(check_docs):
    text = "docs/security.md check 7; README.md; docs/conventions.md 8.4; /usr/bin/chromium"
    assert check_docs.outside_references(text, {"README.md"}) == []


def test_broken_and_escaping_links_are_reported_outside_code_blocks(check_docs):
    text = (
        "[ok](testing.md) [anchor](#top) [web](https://example.com) [dir](seeds/README.md)\n"
        "[gone](nowhere.md)\n"
        "[out](../../elsewhere.md)\n"
        "```\n[in a block](nowhere.md)\n```\n"
    )
    problems = check_docs.broken_links(REPO / "docs" / "page.md", text)
    assert problems == [
        (2, "link nowhere.md points to a file that does not exist"),
        (3, "link ../../elsewhere.md leaves the repository"),
    ]


def test_backquoted_paths_must_exist(check_docs):
    text = (
        "`core/audit.py::record_audit` `core/base.html` `specs/orgs/` `<app>/rules.py` "
        "`locale/en/` `core/nothing.py` `views/` `specs/*.yaml`"
    )
    problems = check_docs.missing_paths(text, {"specs", "locale", "src"}, {"core"})
    assert problems == [(1, "locale/en/ does not exist"), (1, "core/nothing.py does not exist")]
