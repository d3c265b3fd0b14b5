"""WSGI entry point of the demo for a multi-process server: ``gunicorn --preload course_export.demo.wsgi``.

The workbench loads its scenarios into the database lazily, once per process, and loading starts
by deleting every children-scoped row (``prep_for_scenario_loading``): with several workers, a
worker that starts late deletes the children of units another worker is serving, and a page can
render with no blocks. Here the scenarios (the workbench's and the course's units) are loaded once,
in the gunicorn master before it forks (``--preload``); the workers inherit them.
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course_export.demo.settings")
application = get_wsgi_application()


def _load_scenarios_once():
    from django.db import connections
    from workbench.scenarios import get_scenarios

    from .course import register_units

    get_scenarios()
    register_units()
    connections.close_all()  # no database connection may cross the fork


_load_scenarios_once()
