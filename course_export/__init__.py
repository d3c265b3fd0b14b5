"""Build the importable OLX course (.tar.gz) from readable sources.

Public surface: :func:`build`, :class:`CourseBuildError` and the ``course-export`` command
(:mod:`course_export.cli`). Everything else is private. The builder's own dependencies
(markdown-it-py, olxcleaner) come with the ``dev`` extra, so ``build`` is imported lazily.
"""
from .errors import CourseBuildError

__all__ = ["CourseBuildError", "build"]


def __getattr__(name):
    if name == "build":
        from .builder import build

        return build
    raise AttributeError(name)
