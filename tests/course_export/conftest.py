"""Fixtures for the course builder: a writable copy of the packaged course sources."""
import shutil
from pathlib import Path

import pytest

SOURCES = Path(__file__).resolve().parents[2] / "course_export" / "sources" / "penanganan-pengaduan"


@pytest.fixture
def sources(tmp_path):
    """A copy of the course sources that a test may break."""
    target = tmp_path / "src"
    shutil.copytree(SOURCES, target)
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The packaged course built once: ``(tarball path, {member name: bytes})``."""
    import tarfile

    from course_export import build

    out = tmp_path_factory.mktemp("built") / "course.tar.gz"
    build(SOURCES, out)
    with tarfile.open(out) as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    return out, files
