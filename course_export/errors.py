"""The one error type of the course builder, carrying every problem found with its place."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in the sources (or in the built OLX): where it is and what is wrong."""

    file: str
    line: int | None
    message: str

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class CourseBuildError(Exception):
    """The sources (or the OLX built from them) are invalid; nothing was written.

    ``problems`` lists every :class:`Problem` found; ``str(error)`` has one per line, each
    starting with ``file:line``.
    """

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
