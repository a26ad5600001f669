"""tools/check_layers.py: which modules are views or API modules, and what it reports."""

from pathlib import Path

import pytest

import check_layers


@pytest.mark.parametrize(
    ("path", "interface"),
    [
        ("nominations/views.py", True),
        ("nominations/views_review.py", True),
        ("experts/views_scoring.py", True),
        ("nominations/api.py", True),
        ("nominations/api_review.py", True),
        ("experts/api/panels.py", True),
        ("core/views/errors.py", True),
        ("accounts/management/commands/apitoken.py", False),
        ("nominations/review_selectors.py", False),
        ("notices/reviews.py", False),
        ("documents/downloads.py", False),
    ],
)
def test_interface_modules_are_known_by_name(path, interface):
    assert check_layers.is_interface(tuple(path.split("/"))) is interface


def _without_source(output: str) -> list[str]:
    """The reported lines without the closing reference to the convention they cite."""
    return [line.rsplit(" (", 1)[0] for line in output.splitlines()]


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_model_reads_in_a_split_views_module_are_reported(tmp_path, capsys):
    root = _tree(
        tmp_path,
        {
            "experts/views_scoring.py": "def page(pk):\n    return Panel.objects.get(pk=pk)\n",
            "experts/api_ballots.py": "def one(pk):\n    return get_object_or_404(Ballot, pk=pk)\n",
            "experts/selectors.py": "def panel(pk):\n    return Panel.objects.get(pk=pk)\n",
            "experts/tests/test_views.py": "Panel.objects.all()\nprint('ok')\n",
        },
    )

    status = check_layers.main([str(root)])

    assert status == 1
    assert _without_source(capsys.readouterr().out) == [
        f"{root / 'experts/api_ballots.py'}:2: `get_object_or_404(Ballot, ...)` queries the "
        "model directly: pass it a queryset from a selector",
        f"{root / 'experts/views_scoring.py'}:2: `Panel.objects` in a view or API module: "
        "fetch through a selector or service",
    ]


def test_print_only_in_commands_and_main_blocks(tmp_path, capsys):
    root = _tree(
        tmp_path,
        {
            "core/management/commands/hello.py": "print('hello')\n",
            "core/script.py": "if __name__ == '__main__':\n    print('hello')\n",
            "core/services.py": "def run():\n    print('hello')\n",
        },
    )

    assert check_layers.main([str(root)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{root / 'core/services.py'}:2: print() outside a management command or __main__ "
        "block: use logging"
    ]


def test_clean_tree_passes(tmp_path, capsys):
    root = _tree(tmp_path, {"core/views.py": "def page(request):\n    return selector()\n"})

    assert check_layers.main([str(root)]) == 0
    assert capsys.readouterr().out == ""
