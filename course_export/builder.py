"""Sources -> validated model -> OLX files -> self-check -> tarball, in that order."""
import os
import tempfile
from pathlib import Path

from .archive import tar_gz_bytes
from .check import olxcleaner_problems, roundtrip_problems
from .cli import DEFAULT_SOURCE
from .errors import CourseBuildError, Problem
from .render import render_course
from .source import load_course


def build(source=DEFAULT_SOURCE, output=None):
    """Build the course in folder ``source`` into the tarball ``output``; return the output path.

    Everything is validated (sources, then the built OLX) before the file is written; on any
    problem :class:`CourseBuildError` is raised and no file is created or changed. The
    tarball is written to a temporary file beside ``output`` and renamed into place.
    With ``output=None`` the tarball's bytes are checked but not written (returns None).
    """
    course = load_course(source)
    try:
        files = render_course(course)
    except ImportError as err:  # a block package is broken or missing: its OLX cannot be written
        raise CourseBuildError([Problem(getattr(err, "name", None) or "import", None,
                                        f"a custom block class does not import: {err}")]) from err
    problems = olxcleaner_problems(files) + roundtrip_problems(course, files)
    if problems:
        raise CourseBuildError(problems)
    data = tar_gz_bytes(files)
    if output is None:
        return None
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, output)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return output
