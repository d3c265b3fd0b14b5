"""The editor's JavaScript model and map under node's built-in test runner (``tests/js/*.test.js``).

``node --test`` runs every file; this test fails when any of them fails, so ``make test`` and
``make unit`` run them. Node.js is needed (it is there for ``make browser-deps`` too).
"""
import shutil
import subprocess
from pathlib import Path

JS_TESTS = Path(__file__).parent / "js"


def test_the_node_tests_of_the_editor_model_and_map_pass():
    node = shutil.which("node")
    assert node, "Node.js is needed for tests/js (apt-get install nodejs)"
    files = sorted(str(p) for p in JS_TESTS.glob("*.test.js"))
    assert len(files) >= 2, files
    result = subprocess.run([node, "--test", *files], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # Every test ran and passed (a file that fails to load reports no "pass" line of its own).
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout, result.stdout[-2000:]
