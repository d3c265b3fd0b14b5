"""The engine stays pure: importing it pulls in neither Django nor XBlock."""
import subprocess
import sys

ENGINE = ["complaint_sim_xblock.scenario", "complaint_sim_xblock.session", "complaint_sim_xblock.olx",
          "complaint_sim_xblock.memo",
          "complaint_sim_xblock.strings"]


def test_engine_imports_neither_django_nor_xblock():
    code = (
        "import sys\n"
        f"for name in {ENGINE!r}: __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'xblock', 'web_fragments'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_package_init_does_not_import_the_block():
    code = "import sys, complaint_sim_xblock; sys.exit('complaint_sim_xblock.block' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
