"""The one purity guard: the blocks' pure logic imports neither XBlock nor Django.

Every module of the block packages is pure unless it is listed in ``BOUND`` (the modules that
bind the pure logic to the platform: the block classes, the Studio mixins, the Django app and
its models). A new module is therefore guarded from the moment it exists. Each pure module is
imported in a fresh interpreter, one after the other, and the first one that pulls in a
platform package is named.
"""
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("complaint_sim_xblock", "rubric_xblock", "tangerang_units", "tangerang_xapi")
PLATFORM = ("django", "xblock", "web_fragments", "webob", "xblock_json_contract")
# Modules allowed to import the platform (and so the shared handler contract).
BOUND = {
    "complaint_sim_xblock.block", "complaint_sim_xblock.studio", "complaint_sim_xblock.store",
    "complaint_sim_xblock.models", "complaint_sim_xblock.apps", "complaint_sim_xblock.migrations",
    "complaint_sim_xblock.aggregates",
    "rubric_xblock.block", "rubric_xblock.studio", "rubric_xblock.store", "rubric_xblock.models",
    "rubric_xblock.apps", "rubric_xblock.migrations",
    # Grading at scale: the handlers (a mixin of the block) and its queries; its rules are in
    # the pure rubric_xblock.grading, .agreement and .flow.
    "rubric_xblock.grading_handlers", "rubric_xblock.grading_store", "rubric_xblock.analytics_store",
    # Units: the app, its model, the roster's store and handlers, the cohort seam (roster.py is pure).
    "tangerang_units.apps", "tangerang_units.models", "tangerang_units.migrations", "tangerang_units.units",
    "tangerang_units.handlers", "tangerang_units.compat",
    # The xAPI plugin app and its ERB transformers; its event names and IRIs are pure.
    "tangerang_xapi.apps", "tangerang_xapi.transformers",
}


def modules(package):
    """Every module of ``package`` (subpackages by their own name only), the package first."""
    found = [package]
    for info in pkgutil.iter_modules([str(ROOT / package)]):
        found.append(f"{package}.{info.name}")
    return found


PURE = [name for package in PACKAGES for name in modules(package) if name not in BOUND]


def test_the_bound_list_names_real_modules():
    every = {name for package in PACKAGES for name in modules(package)}
    assert sorted(BOUND - every) == []
    # The guard guards something: the engines and the editors' logic are among the pure ones.
    assert {"complaint_sim_xblock.scenario", "complaint_sim_xblock.session", "complaint_sim_xblock.editor",
            "rubric_xblock.rubric", "rubric_xblock.editor", "rubric_xblock.grading", "rubric_xblock.agreement",
            "rubric_xblock.flow"} <= set(PURE)


def first_impure(names, path=()):
    """Import ``names`` in order in a fresh interpreter; ``""`` or the first that pulls in the platform."""
    code = textwrap.dedent(f"""
        import importlib, sys
        sys.path[:0] = {list(map(str, path))!r}
        for name in {list(names)!r}:
            importlib.import_module(name)
            bad = sorted({{m.split(".")[0] for m in sys.modules}} & {set(PLATFORM)!r})
            if bad:
                sys.exit(f"{{name}} imports {{bad}}")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    return result.stderr.strip() if result.returncode else ""


@pytest.mark.parametrize("package", PACKAGES)
def test_pure_modules_import_neither_xblock_nor_django(package):
    problem = first_impure(name for name in PURE if name.split(".")[0] == package)
    assert problem == "", problem + "\n(if the module binds to the platform, list it in BOUND)"


def test_the_guard_names_a_module_that_imports_xblock(tmp_path):
    """The guard itself can fail: a module that imports xblock after a pure one is named."""
    (tmp_path / "fake_pure.py").write_text("X = 1\n", encoding="utf-8")
    (tmp_path / "fake_bound.py").write_text("import xblock.core\n", encoding="utf-8")
    assert first_impure(["fake_pure"], [tmp_path]) == ""
    problem = first_impure(["fake_pure", "fake_bound"], [tmp_path])
    assert problem.startswith("fake_bound imports [") and "'xblock'" in problem, problem
