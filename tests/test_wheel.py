"""The package as operators install it: sdist and wheel built, the wheel installed in a
fresh virtual environment, and checked there, far from the source tree.

Takes about a minute (pip downloads the dependencies unless its cache has them). Marked
``wheel`` so a quick local run can leave it out: ``pytest -m "not wheel and not browser"``.
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel
ROOT = Path(__file__).resolve().parents[1]
PACKAGE_FILES = [
    "xblock_json_contract/public/client.js",
    "complaint_sim_xblock/templates/student_view.html",
    "complaint_sim_xblock/public/complaint_sim.js",
    "complaint_sim_xblock/public/complaint_sim.css",
    "complaint_sim_xblock/scenarios/ktp_el_terlambat.yaml",
    "rubric_xblock/templates/student_view.html",
    "rubric_xblock/public/rubric_reflection.js",
    "rubric_xblock/public/rubric_reflection.css",
    "rubric_xblock/migrations/0001_initial.py",
    *[f"{package}/translations/{locale}/LC_MESSAGES/text.{ext}"
      for package in ("complaint_sim_xblock", "rubric_xblock") for locale in ("id", "en") for ext in ("po", "mo")],
]


def run(args, **kwargs):
    """Run a command; on failure show its output."""
    result = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def clean_env(**extra):
    """The environment without anything pointing back at the source tree or our venv."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE", "PYTHONHOME")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """sdist and wheel built with ``python -m build`` from a copy of the working tree."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    listed = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT).stdout
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    run([sys.executable, "-m", "build", "--outdir", str(tmp / "dist"), str(source)], env=clean_env(), timeout=600)
    sdist = next((tmp / "dist").glob("*.tar.gz"))
    wheel = next((tmp / "dist").glob("*.whl"))
    return tmp, sdist, wheel


@pytest.fixture(scope="module")
def venv(built):
    """A fresh venv (same Python 3.12) with the wheel and its dependencies, plus the workbench."""
    tmp, _sdist, wheel = built
    env_dir = tmp / "venv"
    run([sys.executable, "-m", "venv", str(env_dir)], timeout=120)
    python = env_dir / "bin" / "python"
    # The wheel's own dependencies come from its metadata; xblock-sdk (a dev extra) is added
    # only to render the workbench pages below.
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel), "xblock-sdk==0.15.2"],
        env=clean_env(), cwd=tmp, timeout=900)
    return tmp, python


def test_sdist_and_wheel_carry_the_package_data(built):
    _tmp, sdist, wheel = built
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    missing = [name for name in PACKAGE_FILES if name not in names]
    assert missing == [], f"not in the wheel: {missing}"
    assert not any(name.startswith("tests/") for name in names)
    with tarfile.open(sdist) as archive:
        sdist_names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert [name for name in PACKAGE_FILES if name not in sdist_names] == []


CHECK = textwrap.dedent("""
    import json, os, sys
    from importlib import metadata, resources
    from pathlib import Path

    source_tree = sys.argv[1]
    report = {"sys_path_clean": not any(p and Path(p).resolve().as_posix().startswith(source_tree)
                                        for p in sys.path)}

    import complaint_sim_xblock, rubric_xblock, xblock_json_contract
    report["module_files"] = [complaint_sim_xblock.__file__, rubric_xblock.__file__, xblock_json_contract.__file__]

    # As in the LMS, XBlock classes load once Django's apps are ready (complaint_sim's block
    # imports tangerang_units' model).
    import django
    django.setup()

    groups = {"xblock.v1": ["complaint_sim", "rubric_reflection"],
              "lms.djangoapp": ["rubric_xblock", "tangerang_xapi"],
              "cms.djangoapp": ["rubric_xblock", "tangerang_xapi"]}
    report["entry_points"] = {}
    for group, names in groups.items():
        found = {ep.name: ep for ep in metadata.entry_points(group=group)}
        for name in names:
            report["entry_points"][f"{group}:{name}"] = found[name].load().__name__ if name in found else None

    files = json.loads(sys.argv[2])
    report["missing_files"] = [f for f in files if not resources.files(f.split("/")[0])
                               .joinpath(*f.split("/")[1:]).is_file()]

    from django.core.management import call_command
    from django.db import connection
    call_command("migrate", verbosity=0, interactive=False)
    report["tables"] = sorted(t for t in connection.introspection.table_names()
                              if t.startswith(("rubric_xblock", "submissions")))

    from django.test import Client
    client = Client()
    pages = {}
    for path in ("/scenario/complaint_sim.0/?student=wheel", "/scenario/rubric_reflection.0/?student=wheel"):
        response = client.get(path)
        pages[path] = {"status": response.status_code, "html": response.content.decode("utf-8")}
    report["pages"] = pages
    print(json.dumps(report))
""")


def test_installed_wheel_works_without_the_source_tree(venv):
    tmp, python = venv
    workdir = tmp / "run"
    workdir.mkdir()
    env = clean_env(DJANGO_SETTINGS_MODULE="course_export.demo.settings",
                    DEMO_DATABASE=str(workdir / "empty.sqlite3"), PYTHONSAFEPATH="1")
    result = run([str(python), "-c", CHECK, ROOT.as_posix(), json.dumps(PACKAGE_FILES)],
                 cwd=workdir, env=env, timeout=300)
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["sys_path_clean"]
    site_packages = (tmp / "venv").resolve().as_posix()
    assert all(Path(f).resolve().as_posix().startswith(site_packages) for f in report["module_files"]), \
        report["module_files"]
    assert report["entry_points"] == {
        "xblock.v1:complaint_sim": "ComplaintSimBlock",
        "xblock.v1:rubric_reflection": "RubricReflectionBlock",
        "lms.djangoapp:rubric_xblock": "RubricXBlockConfig",
        "cms.djangoapp:rubric_xblock": "RubricXBlockConfig",
        "lms.djangoapp:tangerang_xapi": "TangerangXapiConfig",
        "cms.djangoapp:tangerang_xapi": "TangerangXapiConfig",
    }
    assert report["missing_files"] == []
    assert any(t.startswith("rubric_xblock") for t in report["tables"]), report["tables"]
    assert any(t.startswith("submissions") for t in report["tables"]), report["tables"]

    sim, rubric = report["pages"].values()
    assert sim["status"] == 200 and "ComplaintSimBlock" in sim["html"]
    assert "TangerangXBlocks" in sim["html"] and "TangerangXBlocks" in rubric["html"]  # the shared DOM helper
    assert '"start": "Mulai bermain peran"' in sim["html"]  # the Indonesian .mo of the installed package
    assert rubric["status"] == 200 and "RubricReflectionBlock" in rubric["html"]
    assert "Rubrik" in rubric["html"]
