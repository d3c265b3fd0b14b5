"""Packaging for the complaint-handling XBlocks and the course builder."""
import os

from setuptools import setup

HERE = os.path.dirname(os.path.abspath(__file__))


def package_data(package, folders):
    """Every file below ``folders`` of ``package``, relative to the package."""
    found = []
    for folder in folders:
        for root, _dirs, files in os.walk(os.path.join(HERE, package, folder)):
            for name in files:
                if name.endswith((".pyc", ".po~")):
                    continue
                found.append(os.path.relpath(os.path.join(root, name), os.path.join(HERE, package)))
    return found


with open(os.path.join(HERE, "README.md"), encoding="utf-8") as readme:
    LONG_DESCRIPTION = readme.read()

setup(
    name="tangerang-complaint-xblocks",
    version="0.1.0",
    description="Complaint-handling role-play and rubric reflection XBlocks for Open edX, "
    "with the Indonesian course 'Penanganan Pengaduan Masyarakat' as OLX.",
    long_description=LONG_DESCRIPTION,
    long_description_content_type="text/markdown",
    license="AGPL-3.0",
    python_requires=">=3.12",
    packages=[
        # The one JSON handler contract (and DOM helper) both blocks use.
        "xblock_json_contract",
        "complaint_sim_xblock",
        "complaint_sim_xblock.migrations",
        "rubric_xblock",
        "rubric_xblock.migrations",
        # Learners' work units (cohort, else the course's uploaded roster), shared by both blocks.
        "tangerang_units",
        "tangerang_units.migrations",
        "course_export",
        # The local demo (workbench settings and services); imported only by `make demo` and
        # the tests, it lets the installed wheel serve the workbench too (tests/test_wheel.py).
        "course_export.demo",
        # The plugin app that turns the blocks' tracking events into xAPI statements (ERB).
        "tangerang_xapi",
    ],
    package_data={
        "xblock_json_contract": package_data("xblock_json_contract", ["public"]),
        "complaint_sim_xblock": package_data(
            "complaint_sim_xblock", ["templates", "public", "translations", "scenarios", "law"]),
        "rubric_xblock": package_data("rubric_xblock", ["templates", "public", "translations", "scenarios"]),
        "tangerang_units": package_data("tangerang_units", ["public"]),
        "course_export": package_data("course_export", ["sources"]),
    },
    install_requires=[
        "XBlock>=6.3,<6.4",
        "web-fragments",
        "Django>=5.2,<6",
        "Mako",
        "PyYAML",
        "bleach",
        "edx-submissions",
        # Agreement figures: quadratic weighted kappa (sklearn.metrics.cohen_kappa_score).
        "scikit-learn>=1.5",
        # Indonesia's public holidays for working-day (hari kerja) deadlines in the role-play.
        "holidays",
    ],
    extras_require={
        # Local demo, tests and benchmark (not needed inside Open edX).
        "dev": [
            "xblock-sdk==0.15.2",
            "pytest",
            "pytest-django",
            # `make unit` runs the in-process tests on every core (one test database per worker).
            "pytest-xdist",
            "ruff",
            "playwright",
            "build",
            # The course builder (course_export): Markdown pages and the OLX check. Authoring
            # tools, run from a checkout by `make course`; the LMS does not need them.
            "markdown-it-py",
            "olxcleaner",
            # `make translations`: extract and compile the blocks' gettext catalogs.
            "babel",
            # Property-based fuzzing of the handlers (seeded).
            "hypothesis",
        ],
        # `make bench-peers`: the peers `make bench` measures beside the blocks. Installed in their
        # own virtualenv (.venv-bench), never in .venv: edx-ora2's block needs its Django apps,
        # which the demo and the tests do not install. edx-ora2 7.1.2 imports celery without
        # declaring it.
        "bench": ["ora2==7.1.2", "branching-xblock==0.3.3", "celery"],
        # The multi-worker load test (`make db-deps`): the demo under gunicorn on MariaDB. mysqlclient
        # builds against libmariadb-dev (a Debian package), so it is apart from "dev".
        "load": ["gunicorn", "mysqlclient"],
        # `make xapi-deps`: the xAPI tests run the real event-routing-backends (as the LMS has it
        # with Aspects) and the dashboards' SQL on chdb, an embedded ClickHouse (about 0.8 GB
        # installed with pandas and pyarrow, so apart from "dev").
        "xapi": ["edx-event-routing-backends>=10,<11", "chdb>=4,<5"],
    },
    entry_points={
        "xblock.v1": [
            "complaint_sim = complaint_sim_xblock.block:ComplaintSimBlock",
            "rubric_reflection = rubric_xblock.block:RubricReflectionBlock",
        ],
        "lms.djangoapp": ["rubric_xblock = rubric_xblock.apps:RubricXBlockConfig",
                          "complaint_sim_xblock = complaint_sim_xblock.apps:ComplaintSimConfig",
                          "tangerang_units = tangerang_units.apps:TangerangUnitsConfig",
                          "tangerang_xapi = tangerang_xapi.apps:TangerangXapiConfig"],
        "cms.djangoapp": ["rubric_xblock = rubric_xblock.apps:RubricXBlockConfig",
                          "complaint_sim_xblock = complaint_sim_xblock.apps:ComplaintSimConfig",
                          "tangerang_units = tangerang_units.apps:TangerangUnitsConfig",
                          "tangerang_xapi = tangerang_xapi.apps:TangerangXapiConfig"],
        "console_scripts": ["course-export = course_export.cli:main"],
    },
    classifiers=[
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.12",
        "License :: OSI Approved :: GNU Affero General Public License v3",
    ],
)
