"""Memory a document took is handed back after it is drawn (issue 17.5). The amount is
measured in ``bench/memory.py`` (docs/benchmarks.md "Worker memory"), not here: a test
process's memory says nothing reliable; what is tested is that the call is made and works."""

import platform

import pytest

from jiangxuan.core import downloads, memory


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)
def test_freed_memory_is_handed_back_through_glibc():
    assert memory.release_freed_memory() is True


def test_every_download_hands_back_what_drawing_it_freed(monkeypatch):
    calls: list[bool] = []
    monkeypatch.setattr(downloads, "release_freed_memory", lambda: calls.append(True) or True)

    response = downloads.download(b"%PDF-1.7 ...", "推荐审批表.pdf", "application/pdf")

    assert calls == [True]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 ..."
    assert response["Cache-Control"] == "no-store"
