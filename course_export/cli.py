"""``course-export build [SOURCE] -o dist/<name>.tar.gz``: the command line of the builder."""
import argparse
import sys
from pathlib import Path

from .errors import CourseBuildError

DEFAULT_SOURCE = Path(__file__).parent / "sources" / "penanganan-pengaduan"


def _setup_django():
    """The blocks' modules define Django models (the run table, the units' roster), so building
    their OLX needs Django's app registry: the demo's settings unless the caller chose others.
    No database is opened."""
    import os  # noqa: PLC0415

    import django  # noqa: PLC0415
    from django.conf import settings  # noqa: PLC0415

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course_export.demo.settings")
    django.setup()


def main(argv=None):
    """Run the command; return the exit status (0 built, 1 invalid sources, 2 usage error)."""
    parser = argparse.ArgumentParser(prog="course-export",
                                     description="Build an Open edX OLX course tarball from readable sources.")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="validate the sources and write the .tar.gz")
    build_cmd.add_argument("source", nargs="?", default=str(DEFAULT_SOURCE),
                           help="folder holding course.yaml (default: the packaged course)")
    build_cmd.add_argument("-o", "--output", required=True, help="the .tar.gz to write, e.g. dist/course.tar.gz")
    args = parser.parse_args(argv)
    if not args.output.endswith(".tar.gz"):
        parser.error("the output name must end with .tar.gz")
    try:
        from .builder import build
    except ImportError as err:
        print(f"course-export: {err}. Install the builder's tools: pip install "
              "'tangerang-complaint-xblocks[dev]'", file=sys.stderr)
        return 2
    _setup_django()
    try:
        path = build(args.source, args.output)
    except CourseBuildError as err:
        count = len(err.problems)
        print(f"course-export: {count} problem{'s' if count != 1 else ''}; nothing written.", file=sys.stderr)
        print(str(err), file=sys.stderr)
        return 1
    print(f"course-export: wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
