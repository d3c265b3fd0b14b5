"""``python -m course_export.demo.dbsetup``: migrate the demo database, MariaDB included.

edx-submissions 4.0.2's migration ``0006_mariadb_uuid_conversion`` runs, on MariaDB only,
``ALTER TABLE … MODIFY uuid uuid NOT NULL`` on three tables, two of which
(``submissions_studentitem``, ``submissions_score``) have no ``uuid`` column at all: on any
MariaDB it stops with ``(1054, "Unknown column 'uuid' in 'submissions_studentitem'")``. Its
purpose, turning Django < 5's ``char(32)`` UUID columns into MariaDB's native ``uuid`` type,
is already the state of a database that Django 5.2 created: the table was made with ``uuid``.
So here, on MariaDB, the submissions app is migrated up to 0006, the columns are checked
(information_schema), and 0006 is recorded as applied only if every UUID column of the app is
already native ``uuid``; otherwise (an old database from Django 4) this refuses, naming the
columns. MySQL 8 (what Open edX runs) skips 0006 by itself: its version string has no
"mariadb", so nothing here applies there.
"""
import os
import sys

import django
from django.core.management import call_command

BROKEN = ("submissions", "0006_mariadb_uuid_conversion")


def is_mariadb(connection):
    """Whether ``connection`` is a MariaDB server."""
    if connection.vendor != "mysql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT VERSION()")
        return "mariadb" in cursor.fetchone()[0].lower()


def uuid_columns_not_native(connection):
    """``table.column`` of every UUIDField of edx-submissions whose column is not ``uuid`` yet."""
    from django.apps import apps
    from django.db import models

    wrong = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("submissions").get_models():
            for field in model._meta.local_fields:  # noqa: SLF001
                if isinstance(field, models.UUIDField):
                    cursor.execute("SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                                   "AND TABLE_NAME = %s AND COLUMN_NAME = %s", [model._meta.db_table, field.column])  # noqa: SLF001
                    row = cursor.fetchone()
                    if row is not None and row[0].lower() != "uuid":  # a table not made yet will be
                        wrong.append(f"{model._meta.db_table}.{field.column}")  # noqa: SLF001
    return wrong


def migrate(verbosity=0):
    """Apply every migration; on MariaDB, handle edx-submissions 0006 as described above."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    recorder.ensure_schema()
    if is_mariadb(connection) and not recorder.migration_qs.filter(app=BROKEN[0], name=BROKEN[1]).exists():
        call_command("migrate", "submissions", "0001_squashed_0005_CreateTeamModel", interactive=False,
                     verbosity=verbosity)
        wrong = uuid_columns_not_native(connection)
        if wrong:
            raise SystemExit(f"edx-submissions 0006 cannot run on MariaDB and these columns are not native uuid "
                             f"yet: {', '.join(wrong)}; convert them with ALTER TABLE … MODIFY … uuid first.")
        call_command("migrate", *BROKEN, fake=True, interactive=False, verbosity=verbosity)
    call_command("migrate", interactive=False, verbosity=verbosity)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "course_export.demo.settings")
    django.setup()
    migrate(verbosity=int(sys.argv[1]) if len(sys.argv) > 1 else 0)
