"""One worker process of the concurrent-endings test (tests/load/test_aggregates_mariadb.py).

``python -m tests.load.aggregate_worker PREFIX COUNT`` with ``DEMO_MYSQL_SOCKET`` set: plays
COUNT learners (PREFIX-0 …) of one block to an ending through the real handlers and run table,
each ending's final choice posted twice (the second is a 409 and must add nothing). Prints
one JSON line: the statuses it got.
"""
import json
import os
import sys

import django


def main(prefix, count):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course_export.demo.settings")
    django.setup()
    from tests.complaint_sim.test_analytics import FAIR, GOOD, POOR, Person
    from tests.conftest import DATA, load_yaml

    scenario = load_yaml(DATA / "mini.yaml")
    statuses = []
    for i in range(count):
        person = Person(scenario, f"{prefix}-{i}")
        route = (GOOD, FAIR, POOR)[i % 3]
        person.play(route)
        node, choice = route[-1]
        statuses.append(person.post("choose", {"node": node, "step": len(route) - 1, "choice": choice})[0])
    print(json.dumps({"repeat_statuses": statuses}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
