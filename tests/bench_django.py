"""Django for a bench run on its own (``python -m tests.bench_speed``, ``python -m tests.bench_rubric``):
the bench settings (the demo's, plus the peers where installed) over a new SQLite file, migrated.

``make bench`` (``tests/bench.py``) sets Django up the same way for all its parts at once.
"""
import os
import tempfile


def setup(prefix="bench-"):
    """Configure and migrate a fresh bench database; returns its path."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.bench_settings")
    os.environ["DEMO_DATABASE"] = os.path.join(tempfile.mkdtemp(prefix=prefix), "bench.db")
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
    return os.environ["DEMO_DATABASE"]
