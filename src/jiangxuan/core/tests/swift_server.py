"""A single-node OpenStack Swift for the object-storage tests (issue 17.6): started once
per test process by the ``swift`` fixture of the root conftest, through deploy/swift.sh,
and shared by every module that stores files in it."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
SWIFT = ROOT / "deploy" / "swift.sh"
BASH = shutil.which("bash") or "/bin/bash"


def _swift_installed() -> bool:
    return (
        shutil.which("swift-ring-builder") is not None
        and shutil.which("memcached") is not None
        and subprocess.run(
            ["/usr/bin/python3", "-c", "import swift"], capture_output=True, check=False
        ).returncode
        == 0
    )


def _free_ports(count: int) -> int:
    """The first of ``count`` consecutive ports free on 127.0.0.1 (the proxy and the four
    back ends of deploy/swift.sh)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


def run_swift(tmp_path_factory) -> Iterator[dict[str, str]]:
    """Start Swift (installing it first when missing; skip the test when it cannot be) and
    yield the JX_S3_* settings deploy/swift.sh printed; stop it afterwards."""
    if not _swift_installed():
        installed = subprocess.run(  # noqa: S603 (the project's script, no shell)
            [BASH, str(SWIFT), "install"], capture_output=True, text=True, check=False
        )
        if installed.returncode != 0 or not _swift_installed():
            pytest.skip(
                "OpenStack Swift is not installed and could not be installed "
                f"(deploy/swift.sh install: {installed.stderr.strip()[-300:]})"
            )
    folder = tmp_path_factory.mktemp("swift")
    port = _free_ports(5)
    started = subprocess.run(  # noqa: S603 (the project's script, no shell)
        [BASH, str(SWIFT), "start", "--dir", str(folder), "--port", str(port)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    try:
        assert started.returncode == 0, started.stderr
        values = dict(line.split("=", 1) for line in started.stdout.splitlines())
        assert set(values) == {
            "JX_S3_ENDPOINT_URL",
            "JX_S3_ACCESS_KEY",
            "JX_S3_SECRET_KEY",
            "JX_S3_BUCKET",
        }, started.stdout
        yield values
    finally:
        subprocess.run(  # noqa: S603 (the project's script, no shell)
            [BASH, str(SWIFT), "stop", "--dir", str(folder)], capture_output=True, check=False
        )
