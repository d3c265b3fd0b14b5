"""The Tutor plugin: the blocks in the openedx image, their migrations, their Aspects assets.

- ``openedx-dockerfile-post-python-requirements``: ``pip install`` of ``TANGERANG_PIP_SPEC``
  (the package; a version, a wheel URL or ``git+https://…``), so LMS, Studio and the workers
  have the blocks, the plugin apps and the xAPI transformers;
- an ``lms`` init task: ``migrate`` of the blocks' apps (Tutor's own init migrates every app as
  well; this names ours so a failed migration of ours is seen as ours);
- ``superset-extra-assets`` (read by tutor-contrib-aspects' ``assets.yaml``): our datasets over
  Aspects' parsed xAPI table, the charts, and the dashboard. ``TANGERANG_K_ANONYMITY`` (default
  10) is the fewest learners a unit must have to appear in them;
- ``openedx-common-settings``: the same number as the LMS's and Studio's Django setting
  ``TANGERANG_K_ANONYMITY``, the blocks' staff analytics' default *k* (a course may raise it in
  its Other Course Settings), so the dashboards and the blocks hide the same units.
"""
import os
from glob import glob

import importlib_resources
from tutor import hooks

HERE = importlib_resources.files("tutor_tangerang")

hooks.Filters.CONFIG_DEFAULTS.add_items([
    ("TANGERANG_PIP_SPEC", "tangerang-complaint-xblocks==0.1.0"),
    ("TANGERANG_K_ANONYMITY", 10),
])

hooks.Filters.CLI_DO_INIT_TASKS.add_item((
    "lms",
    "./manage.py lms migrate submissions && ./manage.py lms migrate complaint_sim_xblock"
    " && ./manage.py lms migrate rubric_xblock && ./manage.py lms migrate tangerang_units",
))

for path in sorted(glob(str(HERE / "patches" / "*"))):
    with open(path, encoding="utf-8") as patch_file:
        hooks.Filters.ENV_PATCHES.add_item((os.path.basename(path), patch_file.read()))

hooks.Filters.ENV_TEMPLATE_ROOTS.add_item(str(HERE / "templates"))
hooks.Filters.ENV_TEMPLATE_TARGETS.add_item(("tangerang/build", "plugins"))
