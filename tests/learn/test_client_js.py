"""The client's own logic (token refresh queue, answers, lesson queue, router, live socket,
chart), tested with Node's built-in runner: tests/learn/js/*.test.mjs import the very modules the
page serves. Skipped where Node is missing, an error in CI (tests/conftest.py `_missing`)."""

import shutil
import subprocess
from pathlib import Path

from tests.conftest import _missing

JS_TESTS = Path(__file__).resolve().parent / "js"


def test_the_clients_javascript_unit_tests_pass():
    node = shutil.which("node")
    if not node:
        _missing("needs Node.js (node) for the web client's unit tests")
    files = sorted(str(path) for path in JS_TESTS.glob("*.test.mjs"))
    assert files, "no JavaScript tests found"
    result = subprocess.run(
        [node, "--test", *files], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
