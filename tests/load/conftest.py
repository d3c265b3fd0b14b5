"""Every test in this folder is a multi-worker load test (MariaDB + gunicorn, tests/load_harness.py)."""
from pathlib import Path

import pytest


def pytest_collection_modifyitems(items):
    """Mark this folder's tests ``load`` (``make unit`` leaves them out; ``make test`` runs them)."""
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.load)
