"""Every test in this folder is a browser test (the fixtures live in tests/browser_harness.py)."""
from pathlib import Path

import pytest


def pytest_collection_modifyitems(items):
    """Every test in this folder is a browser test."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)
